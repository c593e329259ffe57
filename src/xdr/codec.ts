// Layer 0 (XDR). The shape every generated type codec has.
import type { XdrReader } from './xdr-reader.js'
import type { XdrWriter } from './xdr-writer.js'

export type Encoder<T> = (w: XdrWriter, v: T) => void
export type Decoder<T> = (r: XdrReader) => T

/** Encode/decode pair for one XDR type. */
export interface XdrCodec<T> {
  readonly encode: Encoder<T>
  readonly decode: Decoder<T>
}
