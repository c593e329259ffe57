// Layer 5 (admin API). The admin entry points of the package root. connectAdmin() loads the admin
// program's codecs and classes on first use, so importing the package does not pay for them.

import type { AdminConnection } from './admin-connection.js'
import type { AdminConnectOptions } from './connect-admin.js'

export type { AdminConnection, AdminServer, AdminClient } from './admin-connection.js'
export type { AdminConnectOptions } from './connect-admin.js'

/**
 * Opens a connection to a daemon's admin interface (virt-admin's protocol): `libvirtd:///system`,
 * `virtqemud:///system`, `…:///session`, or any of them with `?socket=/path`. Without a URI,
 * `LIBVIRT_ADMIN_DEFAULT_URI`, then libvirt-admin.conf's `uri_default`, then
 * `libvirtd:///system` (root) or `libvirtd:///session`. Resolves to an {@link AdminConnection}:
 * `listServers()`, `server.getThreadPoolParameters()`, `server.listClients()`,
 * `client.getInfo()`, `getLoggingFilters()` / `setLoggingFilters()`, …
 * @see https://libvirt.org/html/libvirt-libvirt-admin.html#virAdmConnectOpen
 */
export async function connectAdmin(uri?: string | null, options?: AdminConnectOptions): Promise<AdminConnection> {
  const { connectAdmin: open } = await import('./connect-admin.js')
  return open(uri, options)
}
