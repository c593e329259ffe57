// Layer 5 (API). The public entry point: `connect(uri, options)` opens an RPC client (layer 4,
// with SASL installed) and wraps it in a Connection on Node's own event loop.

import { Connection } from './api/objects.js'
import { registerSaslAuthenticator } from './client/auth.js'
import type { ConnectOptions } from './client/connect-options.js'
import { openRpcClient } from './client/open.js'

// SASL is a plug-in of layer 4 (not a transport); its code (and node:crypto) loads only when a
// daemon asks for SASL, not with the package.
registerSaslAuthenticator(async (ctx) => (await import('./auth/sasl/exchange.js')).saslAuthenticate(ctx))

/**
 * Opens a connection to a libvirt daemon.
 *
 * `uri` follows libvirt's grammar (`qemu:///system`, `test+unix:///default?socket=/path`,
 * `qemu+ssh://user@host/system`, ...). Without a URI, `LIBVIRT_DEFAULT_URI` or libvirt.conf's
 * `uri_default` is used, and aliases from `uri_aliases` apply.
 * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectOpenAuth
 */
export async function connect(uri?: string | null, options?: ConnectOptions): Promise<Connection> {
  const { rpc, uri: parsed, options: validated } = await openRpcClient(uri, options)
  return new Connection({ rpc, uri: parsed, options: validated })
}
