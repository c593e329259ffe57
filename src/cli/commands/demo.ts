// CLI `demo`: the whole system in under a minute. A private daemon (or the URI given), a watcher on
// every event of every family printing events as they arrive, while a domain, a network, a storage
// pool and volume, a node device (and with --qemu a real VM and a secret) go through their lives;
// then the daemon is killed and the close reason and the clean-up of every registration are shown.

import { setTimeout as sleep } from 'node:timers/promises'
import type { Connection } from '../../api/objects.js'
import { CLOSE_REASON_NAMES } from '../../client/close-reason.js'
import { parseCommand } from '../args.js'
import { EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { errorLine } from '../format.js'
import { eventLine } from '../event-model.js'
import { openTarget, onInterrupt, type Target } from '../target.js'
import { connect } from '../../connect.js'
import { countsLine, refusalLines, watchAll, type Watcher } from '../watcher.js'
import { printable } from '../text.js'
import { tinyQemuDomainXml } from '../../testing/tiny-vm.js'

export const DEMO_HELP = `Usage: libvirt-async demo [URI] [--qemu]

Shows the whole system in under a minute. Without a URI it starts a private libvirtd (test
driver; --qemu adds the QEMU driver: a tiny real VM and the secret driver, root only) and stops it
on exit. A watcher subscribes to every event id of every family and prints events as they arrive
while the demo defines, starts, suspends, resumes, snapshots, destroys and undefines a domain, a
network, a storage pool with a volume and a node device. Finally it kills the daemon and shows the
close reason (EOF) and every registration cleaned up. Objects are named demo-*.

Options:
  -c, --connect URI   run against this daemon instead (it is not killed; the demo closes instead)
      --qemu          embedded daemon with the QEMU driver too (root)
  -h, --help          this help

${EXIT_CODES_HELP}`

const out = (s: string): void => void process.stdout.write(`${s}\n`)
const step = (s: string): void => out(`\n== ${s}`)
const did = (s: string): void => out(`   -> ${s}`)
/** Prints what is about to happen, then does it (events it causes print below the line). */
async function act<T>(label: string, fn: () => Promise<T>): Promise<T> {
  did(label)
  const r = await fn()
  await settle()
  return r
}
/** Lets the events of the step just done arrive before the next header (cosmetic only). */
const settle = (): Promise<void> => sleep(150).then(() => undefined)

async function domainLife(conn: Connection, name: string, xml: string, snapshot: boolean): Promise<void> {
  const dom = await act(`conn.domainDefineXML(<${name}>)`, () => conn.domainDefineXML(xml))
  await act('dom.create()', () => dom.create())
  await act('dom.suspend()', () => dom.suspend())
  await act('dom.resume()', () => dom.resume())
  if (snapshot) {
    const snap = await act("dom.snapshotCreateXML(<demo-snap>)", () => dom.snapshotCreateXML('<domainsnapshot><name>demo-snap</name></domainsnapshot>'))
    did(`snapshot ${snap.getName()} taken (snapshots have no events)`)
    await act('snap.delete()', () => snap.delete())
  }
  await act('dom.destroy()', () => dom.destroy())
  await act('dom.undefine()', () => dom.undefine())
}

async function networkLife(conn: Connection): Promise<void> {
  const net = await act('conn.networkDefineXML(<demo-net>)', () => conn.networkDefineXML("<network><name>demo-net</name><bridge name='demobr0'/></network>"))
  await act('net.create()', () => net.create())
  await act('net.destroy()', () => net.destroy())
  await act('net.undefine()', () => net.undefine())
}

async function poolLife(conn: Connection): Promise<void> {
  const xml = "<pool type='dir'><name>demo-pool</name><target><path>/demo-pool</path></target></pool>"
  const pool = await act('conn.storagePoolDefineXML(<demo-pool>)', () => conn.storagePoolDefineXML(xml))
  await act('pool.build()', () => pool.build())
  await act('pool.create()', () => pool.create())
  const volXml = "<volume><name>demo-vol.img</name><capacity unit='MiB'>16</capacity></volume>"
  const vol = await act('pool.storageVolCreateXML(<demo-vol.img>) (volumes have no events)', () => pool.storageVolCreateXML(volXml))
  did(`volume path ${await vol.getPath()}`)
  await act('pool.refresh()', () => pool.refresh())
  await act('vol.delete()', () => vol.delete())
  await act('pool.destroy()', () => pool.destroy())
  await act('pool.undefine()', () => pool.undefine())
}

async function nodeDeviceLife(conn: Connection): Promise<void> {
  const xml =
    "<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'>" +
    '<wwnn>2001001b32a9da4e</wwnn><wwpn>2101001b32a9da4e</wwpn></capability></capability></device>'
  const dev = await act('conn.nodeDeviceCreateXML(<vHBA under scsi_host1>)', () => conn.nodeDeviceCreateXML(xml))
  await act(`dev.destroy() (${dev.getName()})`, () => dev.destroy())
}

async function secretLife(conn: Connection): Promise<void> {
  const xml = "<secret ephemeral='no' private='yes'><usage type='volume'><volume>/demo/secret.img</volume></usage></secret>"
  const secret = await act('conn.secretDefineXML(<volume secret>)', () => conn.secretDefineXML(xml))
  await act('secret.setValue(…)', () => secret.setValue(Buffer.from('s3cret')))
  await act('secret.undefine()', () => secret.undefine())
}

/** On a daemon that is not a test driver the demo changes nothing: it only looks around. */
async function lookAround(conn: Connection): Promise<void> {
  const [doms, nets, pools] = await Promise.all([conn.listAllDomains(0), conn.listAllNetworks(0), conn.listAllStoragePools(0)])
  did(`domains: ${doms.map((d) => d.getName()).join(', ') || '(none)'}`)
  did(`networks: ${nets.map((n) => n.getName()).join(', ') || '(none)'}`)
  did(`storage pools: ${pools.map((p) => p.getName()).join(', ') || '(none)'}`)
  did('watching events for 3 s (change something with virsh to see them)…')
  await sleep(3000)
}

/** Runs an optional step; a failure is reported, not fatal. */
async function optional(what: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn()
  } catch (err) {
    did(`${what} skipped: ${errorLine(err)}`)
  }
}

async function subscribe(conn: Connection, label: string): Promise<Watcher> {
  const w = await watchAll(
    conn,
    (e) => out(`      [event${label}] ${eventLine(e)}`),
    (reason) => did(`onClose fired${label}: reason ${CLOSE_REASON_NAMES[reason]} (${reason})`),
  )
  did(`ManagedConnection${label}: ${w.total()} tracked registrations (${countsLine(w.counts())})`)
  for (const line of refusalLines(w.refused)) did(`not supported here: ${line}`)
  return w
}

export async function demoCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv)
  if (args.help) {
    out(DEMO_HELP)
    return EXIT.OK
  }
  if (args.positionals.length > 0) throw usage(`demo takes no arguments besides a URI: ${args.positionals.join(' ')}`)
  const t0 = Date.now()
  step(args.uri ? `Connecting to ${printable(args.uri)}` : `Starting a private libvirtd${args.qemu ? ' with the QEMU driver' : ' (test driver)'}`)
  const target: Target = await openTarget(args.uri, { qemu: args.qemu, quiet: true, testDriver: true })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    const conn = target.conn
    if (target.daemon) did(`libvirtd pid ${target.daemon.pid}, URI ${printable(target.uri)}`)
    const [libVer, type, host] = await Promise.all([conn.getLibVersion(), conn.getType(), conn.getHostname()])
    did(`connected: driver ${type} on ${host}, libvirt ${fmtVersion(libVer)} on the daemon`)

    step('Subscribing to every event id of every family')
    const watcher = await subscribe(conn, '')

    if (type.toLowerCase() !== 'test') {
      step(`Looking around ${printable(args.uri ?? '')} (read-only: the demo changes objects only on a test driver)`)
      await lookAround(conn)
    } else {
      step('Domain demo-dom: define, start, suspend, resume, snapshot, destroy, undefine')
      await domainLife(conn, 'demo-dom', "<domain type='test'><name>demo-dom</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>", true)
      step('Network demo-net: define, start, destroy, undefine')
      await networkLife(conn)
      step('Storage pool demo-pool and volume demo-vol.img')
      await poolLife(conn)
      step('Node device: create and destroy a virtual HBA')
      await optional('node device', () => nodeDeviceLife(conn))
    }

    let qemuWatcher: Watcher | undefined
    let qemuConn: Connection | undefined
    if (args.qemu) {
      step('QEMU driver: a second connection to the same daemon, a tiny real VM and a secret')
      const qemuUri = target.daemon?.qemuUri
      if (!qemuUri) throw usage('--qemu needs the embedded daemon (no URI)')
      qemuConn = await connect(qemuUri)
      did(`connected to ${qemuUri}`)
      qemuWatcher = await subscribe(qemuConn, ' qemu')
      step('Real VM demo-vm (QEMU, 64 MiB, no disk)')
      const vm = tinyQemuDomainXml('demo-vm')
      await optional('real VM', () => domainLife(qemuConn!, 'demo-vm', vm, false))
      step('Secret: define, set value, undefine')
      await optional('secret', () => secretLife(qemuConn!))
    } else if (type.toLowerCase() === 'test') {
      step('Secret')
      did('skipped: the test driver has no secrets (run `demo --qemu` as root for the real secret driver)')
    }

    const watchers = [watcher, ...(qemuWatcher ? [qemuWatcher] : [])]
    const conns = [conn, ...(qemuConn ? [qemuConn] : [])]
    const daemon = target.daemon
    step(daemon ? 'Killing the daemon (SIGKILL): the connection is lost' : 'Closing the connection (a daemon we did not start is not killed)')
    did(`tracked registrations before: ${watchers.map((w) => w.total()).join(' + ')} (${watchers.map((w) => countsLine(w.counts())).join(' | ')})`)
    if (daemon) daemon.kill('SIGKILL')
    else for (const c of conns) await c.close()
    const reasons = await Promise.all(watchers.map((w) => w.closed))
    did(`wrapper.closed settled after clean-up: ${reasons.map((r) => CLOSE_REASON_NAMES[r]).join(', ')}`)
    did(`tracked registrations after: ${watchers.map((w) => w.total()).join(' + ')} (${watchers.map((w) => countsLine(w.counts())).join(' | ')})`)

    step(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    return EXIT.OK
  } finally {
    await target.dispose()
    uninstall()
  }
}

function fmtVersion(v: bigint | number): string {
  const n = Number(v)
  return `${Math.floor(n / 1_000_000)}.${Math.floor(n / 1000) % 1000}.${n % 1000}`
}
