// Layer 0 (XDR). The shape every generated type codec has: an encoder writes one value to an
// XdrWriter, a decoder reads one from an XdrReader. Types only.
import type { XdrReader } from './xdr-reader.js'
import type { XdrWriter } from './xdr-writer.js'

/** Writes one value of type T (a generated `encode*` function has this shape). */
export type Encoder<T> = (w: XdrWriter, v: T) => void
/** Reads one value of type T (a generated `decode*` function has this shape). */
export type Decoder<T> = (r: XdrReader) => T

/** Encode/decode pair for one XDR type. */
export interface XdrCodec<T> {
  readonly encode: Encoder<T>
  readonly decode: Decoder<T>
}
