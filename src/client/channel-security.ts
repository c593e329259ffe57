// Layer 4 (client). What libvirt's remote driver knows about its own side of a connection when it
// answers virConnectIsSecure / virConnectIsEncrypted: whether the transport is secure (TLS, unix,
// SSH — not plain TCP or an external command) and whether it is encrypted (TLS, or any completed
// SASL session: virNetClientIsEncrypted counts a SASL session even without a security layer).

import type { RpcClient } from './rpc-client.js'

const saslSessions = new WeakSet<RpcClient>()

/** Called once SASL authentication completed on this client. */
export function markSaslSession(rpc: RpcClient): void {
  saslSessions.add(rpc)
}

/** The client side of virConnectIsSecure (remote driver's `is_secure`). */
export function transportIsSecure(rpc: RpcClient): boolean {
  return rpc.transport.secure
}

/** The client side of virConnectIsEncrypted (virNetClientIsEncrypted): TLS or a SASL session. */
export function transportIsEncrypted(rpc: RpcClient): boolean {
  // A TLSSocket says `encrypted`; checked by property so that node:tls is not loaded here.
  return (rpc.transport.stream as { encrypted?: unknown }).encrypted === true || saslSessions.has(rpc)
}
