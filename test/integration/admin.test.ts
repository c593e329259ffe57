// The admin API (virt-admin's program) against a real private libvirtd's admin socket: every
// procedure the daemon answers, compared with virt-admin (libvirt's own admin client) on the same
// daemon; run-time log filters seen in the daemon's log; version gating; URI rules and errors.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { connect, connectAdmin, CloseReason, LibvirtError, type AdminConnection, type Connection } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { ADMIN_API } from '../../src/generated/admin-api.gen.js'
import { ADMIN_PROCEDURES } from '../../src/generated/admin-procedures.gen.js'
import { AdminClient, AdminConnection as AdminConnectionClass, AdminServer } from '../../src/admin/admin-connection.js'
import { run as runCli } from './cli-run.js'
import { assertInWindow, keepaliveWindow, within } from '../helpers/bounded.js'

const run = promisify(execFile)

let daemon: TestDaemon
let admin: AdminConnection
let conn: Connection
let uri: string
before(async () => {
  daemon = await startTestDaemon()
  uri = `libvirtd:///system?socket=${daemon.adminSocket}`
  admin = await connectAdmin(uri)
  conn = await connect(daemon.uri)
})
after(async () => {
  await conn?.close()
  await admin?.close()
  await daemon?.stop()
})

/** virt-admin's stdout for one command on the same daemon (UTC, so times compare). */
async function virtAdmin(...args: string[]): Promise<string> {
  const { stdout } = await run('virt-admin', ['-c', uri, ...args], { env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' }, timeout: 30_000 })
  return stdout
}

/** virt-admin's stderr for a failing command. */
async function virtAdminError(args: string[], connectUri = uri): Promise<string> {
  try {
    await run('virt-admin', ['-c', connectUri, ...args], { env: { ...process.env, LC_ALL: 'C' }, timeout: 30_000 })
  } catch (e) {
    return (e as { stderr: string }).stderr
  }
  throw new Error(`virt-admin ${args.join(' ')} succeeded`)
}

/** `key : value` lines of virt-admin's info commands. */
function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_]+)\s*:\s*(.*?)\s*$/.exec(line)
    if (m) out[m[1]!] = m[2]!
  }
  return out
}

/** Rows of virt-admin's tables (after the dashed line), split on runs of 2+ spaces. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n')
  const start = lines.findIndex((l) => /^-+$/.test(l.trim()))
  return lines.slice(start + 1).filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s{2,}/))
}

const utc = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '+0000')
const TRANSPORT = ['unix', 'tcp', 'tls']

test('every public admin procedure has its method, named by the rule, on its class', () => {
  const classes = { AdminConnection: AdminConnectionClass, AdminServer, AdminClient }
  let count = 0
  for (const [key, e] of Object.entries(ADMIN_API)) {
    assert.ok(key in ADMIN_PROCEDURES, key)
    if (e.method === null) continue
    count++
    const proto = classes[e.receiver].prototype as unknown as Record<string, unknown>
    assert.equal(typeof proto[e.method], 'function', `${e.receiver}.${e.method} (${e.cFunction})`)
  }
  assert.equal(count, Object.keys(ADMIN_PROCEDURES).length - 2) // all but CONNECT_OPEN / CONNECT_CLOSE
})

test('listServers() matches virt-admin srv-list; lookupServer() finds each; an unknown name is VIR_ERR_NO_SERVER', async () => {
  const servers = await admin.listServers()
  const rows = tableRows(await virtAdmin('srv-list'))
  assert.deepEqual(servers.map((s, i) => [String(i), s.name]), rows)
  for (const s of servers) assert.equal((await admin.lookupServer(s.name)).name, s.name)
  const ours = await admin.lookupServer('nosuchserver').catch((e: unknown) => e)
  assert.ok(ours instanceof LibvirtError)
  assert.equal(ours.codeName, 'VIR_ERR_NO_SERVER')
  assert.ok((await virtAdminError(['srv-threadpool-info', 'nosuchserver'])).includes(ours.message), ours.message)
})

test('getThreadPoolParameters() matches virt-admin srv-threadpool-info; setThreadPoolParameters() is seen by virt-admin', async () => {
  const srv = await admin.lookupServer('libvirtd')
  const ours = await srv.getThreadPoolParameters()
  const theirs = keyValues(await virtAdmin('srv-threadpool-info', 'libvirtd'))
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort())
  // freeWorkers counts idle workers at that instant: it moves with the calls themselves
  for (const k of ['minWorkers', 'maxWorkers', 'nWorkers', 'prioWorkers', 'jobQueueDepth']) assert.equal(String(ours[k]), theirs[k], k)
  const before = ours.maxWorkers as number
  await srv.setThreadPoolParameters({ maxWorkers: before + 3 })
  assert.equal(keyValues(await virtAdmin('srv-threadpool-info', 'libvirtd')).maxWorkers, String(before + 3))
  await srv.setThreadPoolParameters({ maxWorkers: before })
  assert.equal((await srv.getThreadPoolParameters()).maxWorkers, before)
})

test('getClientLimits() matches virt-admin srv-clients-info; setClientLimits() is seen by virt-admin', async () => {
  const srv = await admin.lookupServer('libvirtd')
  const ours = await srv.getClientLimits()
  const theirs = keyValues(await virtAdmin('srv-clients-info', 'libvirtd'))
  assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort())
  for (const k of ['nclients_max', 'nclients_unauth_max', 'nclients_unauth']) assert.equal(String(ours[k]), theirs[k], k)
  const max = ours.nclients_max as number
  await srv.setClientLimits({ nclients_max: max - 1 })
  assert.equal(keyValues(await virtAdmin('srv-clients-info', 'libvirtd')).nclients_max, String(max - 1))
  await srv.setClientLimits({ nclients_max: max })
})

test('listClients() matches virt-admin srv-clients-list; getInfo() matches client-info; lookupClient() finds each', async () => {
  const srv = await admin.lookupServer('libvirtd')
  const clients = await srv.listClients()
  assert.ok(clients.length >= 1, 'our own Connection is a client of the libvirtd server')
  const rows = tableRows(await virtAdmin('srv-clients-list', 'libvirtd'))
  assert.deepEqual(clients.map((c) => [String(c.id), TRANSPORT[c.transport], utc(c.timestamp)]), rows)
  for (const c of clients) {
    const info = await c.getInfo()
    const theirs = keyValues(await virtAdmin('client-info', 'libvirtd', String(c.id)))
    assert.equal(theirs.id, String(c.id))
    assert.equal(theirs.transport, TRANSPORT[c.transport])
    for (const [k, v] of Object.entries(info)) assert.equal(typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v), theirs[k], k)
    assert.equal((await srv.lookupClient(c.id)).timestamp, c.timestamp)
  }
  const missing = await srv.lookupClient(999_999).catch((e: unknown) => e)
  assert.ok(missing instanceof LibvirtError)
  assert.equal(missing.codeName, 'VIR_ERR_NO_CLIENT')
})

test('client.close() disconnects that client: its Connection ends, the others stay', async () => {
  const victim = await connect(daemon.uri)
  const srv = await admin.lookupServer('libvirtd')
  const before = new Set((await srv.listClients()).map((c) => c.id))
  // The victim is the newest client: the one with the highest id.
  const newest = (await srv.listClients()).sort((a, b) => b.id - a.id)[0]!
  assert.ok(before.has(newest.id))
  await newest.close()
  const reason = await Promise.race([victim.closed, new Promise((r) => setTimeout(() => r('not closed after 10 s'), 10_000).unref())])
  assert.equal(reason, CloseReason.EOF)
  assert.equal(await conn.getHostname().then(() => 'alive'), 'alive')
  assert.ok(!(await srv.listClients()).some((c) => c.id === newest.id))
})

test('getLoggingOutputs()/getLoggingFilters() match virt-admin; a filter set at run time shows in the daemon log', async () => {
  const outputs = await admin.getLoggingOutputs()
  assert.equal(`Logging outputs: ${outputs}`.trim(), (await virtAdmin('daemon-log-outputs')).trim())
  assert.equal(`Logging filters: ${await admin.getLoggingFilters()}`.trim(), (await virtAdmin('daemon-log-filters')).trim())
  const log = join(daemon.dir, 'admin-debug.log')
  await admin.setLoggingOutputs(`1:file:${log}`)
  try {
    // Without a filter the daemon logs at its level 3: an RPC call leaves no debug line.
    await conn.getHostname()
    const quiet = existsSync(log) ? readFileSync(log, 'utf8') : ''
    assert.doesNotMatch(quiet, / debug : virNetServer/)
    await admin.setLoggingFilters('1:rpc')
    assert.match(await virtAdmin('daemon-log-filters'), /1:\*?rpc\*?/)
    await conn.getHostname()
    // the daemon writes its log synchronously while handling the call, before it answers
    const loud = readFileSync(log, 'utf8')
    assert.match(loud, / debug : virNet/, 'the rpc debug lines appear once the filter is set')
    await admin.setLoggingFilters(null)
    assert.equal(await admin.getLoggingFilters(), '')
  } finally {
    await admin.setLoggingFilters(null)
    await admin.setLoggingOutputs(outputs)
  }
  assert.equal(await admin.getLoggingOutputs(), outputs)
})

test('updateTlsFiles() on a server without TLS fails as virt-admin server-update-tls does', async () => {
  const srv = await admin.lookupServer('libvirtd')
  const ours = await srv.updateTlsFiles().catch((e: unknown) => e)
  assert.ok(ours instanceof LibvirtError, String(ours))
  assert.ok((await virtAdminError(['server-update-tls', 'libvirtd'])).includes(ours.message), ours.message)
})

test('version gating: a procedure newer than the daemon is refused before it is sent, with the daemon\'s own answer to it', async () => {
  const have = await admin.getLibVersion()
  assert.equal(have, Number(await conn.getLibVersion()))
  // setDaemonTimeout: libvirt 8.6.0; daemonShutdown: 11.2.0
  for (const [key, call] of [
    ['CONNECT_SET_DAEMON_TIMEOUT', () => admin.setDaemonTimeout(0)],
    ['CONNECT_DAEMON_SHUTDOWN', null],
  ] as const) {
    const since = ADMIN_API[key].since!
    const [a, b, c] = since.split('.').map(Number) as [number, number, number]
    if (have >= a * 1e6 + b * 1e3 + c) {
      if (call) await call()
      continue
    }
    const gated = await (key === 'CONNECT_DAEMON_SHUTDOWN' ? admin.daemonShutdown() : admin.setDaemonTimeout(0)).catch((e: unknown) => e)
    const daemonSays = await (admin as unknown as { rpc: { call: (d: unknown, a: unknown) => Promise<unknown> } }).rpc.call(ADMIN_PROCEDURES[key], key === 'CONNECT_DAEMON_SHUTDOWN' ? { flags: 0 } : { timeout: 0, flags: 0 }).catch((e: unknown) => e)
    assert.ok(gated instanceof LibvirtError && daemonSays instanceof LibvirtError)
    assert.deepEqual([gated.code, gated.domain, gated.message], [daemonSays.code, daemonSays.domain, daemonSays.message])
    assert.ok(admin.isAlive())
  }
})

test('setDaemonTimeout(1): the daemon exits about a second after its last client leaves (libvirt 8.6 or later)', async (t) => {
  const have = await admin.getLibVersion()
  if (have < 8_006_000) return t.skip('setDaemonTimeout needs libvirt 8.6.0 (the gating test covers older daemons)')
  const own = await startTestDaemon()
  try {
    const a = await connectAdmin(`libvirtd:///system?socket=${own.adminSocket}`)
    await a.setDaemonTimeout(1)
    await a.close()
    // generous bound (not a timing assertion): a daemon left running would keep answering
    const gone = async (): Promise<boolean> => {
      try {
        const stat = readFileSync(`/proc/${own.pid}/stat`, 'utf8')
        return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
      } catch {
        return true
      }
    }
    const end = Date.now() + 15_000
    while (!(await gone()) && Date.now() < end) await new Promise((r) => setTimeout(r, 100))
    assert.ok(await gone(), 'libvirtd still running 15 s after its idle timeout of 1 s')
  } finally {
    await own.stop().catch(() => {})
  }
})

test('daemonShutdown() stops a daemon of libvirt 11.2 or later', async (t) => {
  const have = await admin.getLibVersion()
  if (have < 11_002_000) return t.skip(`daemonShutdown needs libvirt 11.2.0; this daemon is ${Math.floor(have / 1e6)}.${Math.floor(have / 1e3) % 1e3}.${have % 1e3} (the gating test covers it)`)
  const own = await startTestDaemon()
  try {
    const a = await connectAdmin(`libvirtd:///system?socket=${own.adminSocket}`)
    const c = await connect(own.uri)
    await a.daemonShutdown()
    const reason = await Promise.race([c.closed, new Promise((r) => setTimeout(() => r('daemon still up after 20 s'), 20_000).unref())])
    assert.equal(reason, CloseReason.EOF)
    await a.close()
  } finally {
    await own.stop()
  }
})

test('URI rules and errors are libvirt\'s (compared with virt-admin)', async () => {
  for (const bad of ['libvirtd:///foo', 'libvirtd:///system?x=1', 'qemu:///system', `libvirtd:///system?socket=${daemon.dir}/nosuch-admin-sock`]) {
    const ours = await connectAdmin(bad, { timeout: 10_000 }).catch((e: unknown) => e)
    assert.ok(ours instanceof LibvirtError, bad)
    assert.ok((await virtAdminError(['srv-list'], bad)).includes(`error: ${ours.message}`), `${bad}: ${ours.message}`)
  }
  await assert.rejects(connectAdmin(uri, { readOnly: true } as never), TypeError)
  await assert.rejects(connectAdmin(42 as never), TypeError)
})

test('the default URI comes from LIBVIRT_ADMIN_DEFAULT_URI', async () => {
  const saved = process.env.LIBVIRT_ADMIN_DEFAULT_URI
  process.env.LIBVIRT_ADMIN_DEFAULT_URI = uri
  try {
    await using a = await connectAdmin()
    assert.equal(a.getURI(), uri)
    assert.deepEqual((await a.listServers()).map((s) => s.name), (await admin.listServers()).map((s) => s.name))
  } finally {
    if (saved === undefined) delete process.env.LIBVIRT_ADMIN_DEFAULT_URI
    else process.env.LIBVIRT_ADMIN_DEFAULT_URI = saved
  }
})

test('like a Connection: closed, isAlive(), await using, keepalive ends a frozen daemon\'s admin connection', async () => {
  let held: AdminConnection
  {
    await using a = await connectAdmin(uri)
    held = a
    assert.ok(a.isAlive())
  }
  assert.equal(await held.closed, CloseReason.CLIENT)
  assert.equal(held.isAlive(), false)
  await assert.rejects(held.listServers(), LibvirtError)

  const own = await startTestDaemon()
  try {
    const a = await connectAdmin(`libvirtd:///system?socket=${own.adminSocket}`, { keepAlive: { interval: 1, count: 2 } })
    own.freeze()
    const t0 = performance.now()
    const window = keepaliveWindow(1, 2)
    assert.equal(await within(window.max + 1000, a.closed, 'admin KEEPALIVE close'), CloseReason.KEEPALIVE)
    assertInWindow(performance.now() - t0, window, 'admin keepalive (1 s, 2)')
  } finally {
    own.thaw()
    await own.stop()
  }
})

test('the CLI reaches it: call --admin (servers, a server\'s thread pool, a client\'s info, filters round trip)', async () => {
  const servers = await runCli(['call', '--admin', uri, 'listServers'])
  assert.equal(servers.code, 0, servers.stderr)
  assert.deepEqual(JSON.parse(servers.stdout), tableRows(await virtAdmin('srv-list')).map(([, name]) => ({ name })))
  const pool = await runCli(['call', '--admin', uri, 'Server.getThreadPoolParameters', 'libvirtd'])
  assert.equal(pool.code, 0, pool.stderr)
  assert.equal(JSON.parse(pool.stdout).maxWorkers, Number(keyValues(await virtAdmin('srv-threadpool-info', 'libvirtd')).maxWorkers))
  const [client] = await (await admin.lookupServer('libvirtd')).listClients()
  const info = await runCli(['call', '--admin', uri, 'Client.getInfo', `libvirtd/${client!.id}`])
  assert.equal(info.code, 0, info.stderr)
  assert.equal(JSON.parse(info.stdout).unix_process_id, (await client!.getInfo()).unix_process_id)
  const set = await runCli(['call', '--admin', uri, 'setLoggingFilters', '"3:util"'])
  assert.equal(set.code, 0, set.stderr)
  try {
    assert.match(await virtAdmin('daemon-log-filters'), /3:\*?util\*?/)
  } finally {
    await admin.setLoggingFilters(null)
  }
  const bad = await runCli(['call', '--admin', uri, 'getHostname'])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /unknown admin method "getHostname"/)
})
