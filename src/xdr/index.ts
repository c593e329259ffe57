// Layer 0: the XDR codec (RFC 4506) used by the generated protocol code.
export { XdrReader } from './xdr-reader.js'
export { XdrWriter } from './xdr-writer.js'
export { XdrError } from './xdr-error.js'
export type { XdrCodec, Encoder, Decoder } from './codec.js'
export { uuidToString, uuidToBytes, readUuid, writeUuid } from './uuid.js'
