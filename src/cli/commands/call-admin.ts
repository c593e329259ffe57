// CLI `call --admin [URI] <method> [args…]`: the admin API (virt-admin's program) from the command
// line. `AdminConnection` methods by name (`listServers`), `Server.method <server>` and
// `Client.method <server>/<id>`. Without a URI a private libvirtd is started and its admin socket
// used. Method names come from the generated ADMIN_API table.

import { connectAdmin, type AdminConnection } from '../../admin/index.js'
import { ADMIN_API } from '../../generated/admin-api.gen.js'
import type { CommonArgs } from '../args.js'
import { CliError, EXIT, usage } from '../exit.js'
import { errorLine, toJson } from '../format.js'
import { onInterrupt, startEmbedded } from '../target.js'
import { printable, printableJson } from '../text.js'

const CLASS = { Server: 'AdminServer', Client: 'AdminClient' } as const

/** Every method `call --admin` knows: `listServers`, `Server.getThreadPoolParameters`, `Client.getInfo`, … */
export const ADMIN_METHOD_NAMES: readonly string[] = Object.values(ADMIN_API)
  .flatMap((e) => (e.method === null ? [] : [e.receiver === 'AdminConnection' ? e.method : `${e.receiver.slice('Admin'.length)}.${e.method}`]))
  .sort()

function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain)
  if (v && typeof v === 'object' && 'wire' in v) {
    const w = v as { wire: Record<string, unknown> }
    return 'srv' in w.wire ? { server: (w.wire.srv as { name: string }).name, id: w.wire.id, timestamp: w.wire.timestamp, transport: w.wire.transport } : w.wire
  }
  return v
}

export async function callAdmin(args: CommonArgs, method: string, rest: string[], parseJson: (text: string, i: number) => unknown): Promise<number> {
  if (!ADMIN_METHOD_NAMES.includes(method)) throw usage(`unknown admin method ${JSON.stringify(method)}; admin methods: ${ADMIN_METHOD_NAMES.join(', ')}`)
  const dot = method.indexOf('.')
  const cls = dot > 0 ? (method.slice(0, dot) as keyof typeof CLASS) : null
  const name = dot > 0 ? method.slice(dot + 1) : method
  let ref: string | undefined
  if (cls) {
    ref = rest.shift()
    if (ref === undefined) throw usage(cls === 'Server' ? `${method} needs the server name first (e.g. libvirtd)` : `${method} needs <server>/<client id> first (e.g. libvirtd/3)`)
  }
  const jsonArgs = rest.map(parseJson)
  const daemon = args.uri === undefined ? await startEmbedded(args.qemu) : undefined
  const uri = args.uri ?? `libvirtd:///system?socket=${daemon!.adminSocket}`
  let admin: AdminConnection | undefined
  const dispose = async (): Promise<void> => {
    await admin?.close().catch(() => {})
    await daemon?.stop().catch(() => {})
  }
  const uninstall = onInterrupt(dispose)
  try {
    try {
      admin = await connectAdmin(uri)
    } catch (err) {
      throw new CliError(EXIT.LIBVIRT, `cannot connect to ${printable(uri)}: ${errorLine(err)}`)
    }
    let receiver: unknown = admin
    if (cls === 'Server') receiver = await admin.lookupServer(ref!)
    if (cls === 'Client') {
      const slash = ref!.lastIndexOf('/')
      const id = Number(ref!.slice(slash + 1))
      if (slash <= 0 || !Number.isSafeInteger(id) || id < 0) throw usage(`${method}: the client is <server>/<id>, e.g. libvirtd/3; got ${ref}`)
      receiver = await (await admin.lookupServer(ref!.slice(0, slash))).lookupClient(id)
    }
    let result: unknown
    try {
      result = await ((receiver as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!).apply(receiver, jsonArgs)
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError) throw new CliError(EXIT.USAGE, `${method}: ${err.message}`)
      throw err
    }
    process.stdout.write(`${printableJson(toJson(plain(result), process.stdout.isTTY ? 2 : undefined))}\n`)
    return EXIT.OK
  } finally {
    await dispose()
    uninstall()
  }
}
