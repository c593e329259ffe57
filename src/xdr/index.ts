// Layer 0 (XDR). The XDR codec (RFC 4506) used by the generated protocol code, published as
// `libvirt-async/xdr`. Pure functions over Buffers; no I/O.
/**
 * The XDR codec (RFC 4506) the protocol code is built on: {@link XdrReader}, {@link XdrWriter}.
 * @module libvirt-async/xdr
 */
export { XdrReader } from './xdr-reader.js'
export { XdrWriter } from './xdr-writer.js'
export { XdrError } from './xdr-error.js'
export type { XdrCodec, Encoder, Decoder } from './codec.js'
export { uuidToString, uuidToBytes, readUuid, writeUuid } from './uuid.js'
