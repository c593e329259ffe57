// Recipe: change a running daemon's log filters (and outputs) without restarting it, through the
// admin API — what `virt-admin daemon-log-filters` does. Needs access to the daemon's admin socket
// (root for libvirtd:///system).
//
//   node dist/examples/admin-log-filters.js [ADMIN-URI] ['1:qemu 1:rpc']
//
// ADMIN-URI defaults to LIBVIRT_ADMIN_DEFAULT_URI, then libvirtd:///system (root); a private
// daemon's is libvirtd:///system?socket=/path/to/libvirt-admin-sock.
import { connectAdmin } from '../src/index.js'

const [uri, filters = '1:qemu 1:rpc'] = process.argv.slice(2)
await using admin = await connectAdmin(uri || undefined)
console.log('outputs:', await admin.getLoggingOutputs())
console.log('filters before:', JSON.stringify(await admin.getLoggingFilters()))
await admin.setLoggingFilters(filters)
console.log('filters now:', JSON.stringify(await admin.getLoggingFilters()))
for (const server of await admin.listServers()) {
  console.log(`server ${server.name}:`, await server.getThreadPoolParameters(), `${(await server.listClients()).length} clients`)
}
// Restore the daemon's own setting (from its config) with null; leave it changed to keep it.
if (process.env.RESTORE) await admin.setLoggingFilters(null)
