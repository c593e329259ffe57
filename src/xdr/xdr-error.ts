// Layer 0 (XDR). The one error type the codec throws. The protocol core turns it into a
// LibvirtError (VIR_ERR_RPC) when it comes from a frame off the wire.

/** A value could not be encoded or decoded as XDR (RFC 4506). */
export class XdrError extends Error {
  override name = 'XdrError'
}
