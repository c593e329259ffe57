// Typed statistics on the QEMU driver of a private libvirtd, against libvirt's C client
// (python3-libvirt): a running VM with 2 vCPUs, an IOThread, a qcow2 disk, a NIC on a bridge
// network and a balloon. The raw keys equal the C client's, value by value (counters that move
// while the guest runs are bracketed: ours before ≤ C client ≤ ours after); every raw key the
// daemon sent has its place in the typed view with the same value (a table written here from
// libvirt's key documentation, independent of the parser); Domain.getStats and
// domainListGetStats give the same record; node CPU and memory statistics likewise. Root only.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type Connection, type Domain, type DomainStats, type DomainStatsRecord, type TypedParams } from '../../src/index.js'
import { startTestDaemon, runOracle, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
let conn: Connection
let dom: Domain
const skip = process.getuid?.() !== 0 ? 'the QEMU driver needs root' : false
before(async () => {
  if (skip) return
  daemon = await startTestDaemon({ qemu: true })
  conn = await connect(daemon.qemuUri!)
  const poolDir = join(daemon.dir, 'stpool')
  mkdirSync(poolDir, { recursive: true })
  const pool = await conn.storagePoolCreateXML(`<pool type='dir'><name>stpool</name><target><path>${poolDir}</path></target></pool>`)
  const vol = await pool.storageVolCreateXML("<volume><name>st.qcow2</name><capacity unit='MiB'>16</capacity><target><format type='qcow2'/></target></volume>")
  await conn.networkCreateXML("<network><name>stnet</name><bridge name='stbr0'/></network>")
  dom = await conn.domainDefineXML(`<domain type='qemu'><name>stvm</name><memory unit='MiB'>64</memory><vcpu>2</vcpu><iothreads>1</iothreads>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${await vol.getPath()}'/><target dev='vda' bus='virtio'/></disk>
<interface type='network'><source network='stnet'/><model type='virtio'/></interface>
<serial type='pty'/><console type='pty'/><memballoon model='virtio'/></devices></domain>`)
  await dom.create()
})
after(async () => {
  if (dom && (await dom.isActive().catch(() => false))) await dom.destroy().catch(() => {})
  await conn?.close()
  await daemon?.stop()
})

// Keys whose values move while the guest runs: cumulative counters (never decrease) …
const COUNTER = /^(cpu\.(time|user|system|haltpoll\..*)|vcpu\.\d+\.(time|wait|delay)|net\.\d+\.[rt]x\.|block\.\d+\.(rd|wr|fl)\.|perf\.)/
// … and gauges (any value of the right type).
const GAUGE = /^(balloon\.(rss|unused|available|usable|last-update|disk_caches|swap_in|swap_out|major_fault|minor_fault|hugetlb_.*)|block\.\d+\.(allocation|physical)|vcpu\.\d+\.(state|halted))$/

/** The C client's record of `stvm` (Python ints → number or bigint, bools as bools). */
async function cRecord(call: 'getAllDomainStats' | 'domainListGetStats'): Promise<Record<string, unknown>> {
  const script = call === 'getAllDomainStats'
    ? "result = [s for (d, s) in conn.getAllDomainStats() if d.name() == 'stvm'][0]"
    : "result = conn.domainListGetStats([conn.lookupByName('stvm')])[0][1]"
  return runOracle<Record<string, unknown>>(daemon.qemuUri!, script)
}

function compareRaw(before: TypedParams, c: Record<string, unknown>, afterwards: TypedParams): void {
  assert.deepEqual(Object.keys(c).sort(), Object.keys(before).sort(), 'the same keys as the C client')
  for (const [k, cv] of Object.entries(c)) {
    const [b, a] = [before[k], afterwards[k]]
    if (typeof b === 'bigint' || typeof cv === 'bigint') {
      assert.equal(typeof b, 'bigint', `${k}: a 64-bit value is a bigint`)
      const x = BigInt(cv as number | bigint)
      if (COUNTER.test(k)) assert.ok((b as bigint) <= x && x <= (a as bigint), `${k}: ours ${b} ≤ C ${x} ≤ ours ${a}`)
      else if (!GAUGE.test(k)) assert.equal(b, x, k)
    } else if (GAUGE.test(k)) {
      assert.equal(typeof b, typeof cv, k)
    } else {
      assert.equal(b, cv, k) // numbers, strings, booleans: equal
    }
  }
}

// Where each key documented by libvirt lives in the typed view (written from the documentation,
// not from the parser), with the expected JavaScript type.
type Find = (t: DomainStats, i: number[]) => unknown
const at = <T extends { index: number }>(xs: T[] | undefined, i: number): T | undefined => xs?.find((x) => x.index === i)
const PLACES: Array<[RegExp, 'bigint' | 'number' | 'string' | 'boolean', Find]> = [
  [/^state\.state$/, 'number', (t) => t.state?.state],
  [/^state\.reason$/, 'number', (t) => t.state?.reason],
  [/^cpu\.time$/, 'bigint', (t) => t.cpu?.time],
  [/^cpu\.user$/, 'bigint', (t) => t.cpu?.user],
  [/^cpu\.system$/, 'bigint', (t) => t.cpu?.system],
  [/^cpu\.haltpoll\.success\.time$/, 'bigint', (t) => t.cpu?.haltpollSuccessTime],
  [/^cpu\.haltpoll\.fail\.time$/, 'bigint', (t) => t.cpu?.haltpollFailTime],
  [/^cpu\.cache\.monitor\.count$/, 'number', (t) => t.cpu?.cacheMonitorCount],
  [/^balloon\.current$/, 'bigint', (t) => t.balloon?.current],
  [/^balloon\.maximum$/, 'bigint', (t) => t.balloon?.maximum],
  [/^balloon\.rss$/, 'bigint', (t) => t.balloon?.rss],
  [/^balloon\.last-update$/, 'number', (t) => t.balloon?.lastUpdate],
  [/^balloon\.swap_in$/, 'bigint', (t) => t.balloon?.swapIn],
  [/^balloon\.swap_out$/, 'bigint', (t) => t.balloon?.swapOut],
  [/^balloon\.major_fault$/, 'bigint', (t) => t.balloon?.majorFault],
  [/^balloon\.minor_fault$/, 'bigint', (t) => t.balloon?.minorFault],
  [/^balloon\.unused$/, 'bigint', (t) => t.balloon?.unused],
  [/^balloon\.available$/, 'bigint', (t) => t.balloon?.available],
  [/^balloon\.usable$/, 'bigint', (t) => t.balloon?.usable],
  [/^balloon\.disk_caches$/, 'bigint', (t) => t.balloon?.diskCaches],
  [/^vcpu\.current$/, 'number', (t) => t.vcpuCurrent],
  [/^vcpu\.maximum$/, 'number', (t) => t.vcpuMaximum],
  [/^vcpu\.(\d+)\.state$/, 'number', (t, [i]) => at(t.vcpu, i!)?.state],
  [/^vcpu\.(\d+)\.time$/, 'bigint', (t, [i]) => at(t.vcpu, i!)?.time],
  [/^vcpu\.(\d+)\.wait$/, 'bigint', (t, [i]) => at(t.vcpu, i!)?.wait],
  [/^vcpu\.(\d+)\.delay$/, 'bigint', (t, [i]) => at(t.vcpu, i!)?.delay],
  [/^vcpu\.(\d+)\.halted$/, 'boolean', (t, [i]) => at(t.vcpu, i!)?.halted],
  [/^net\.(\d+)\.name$/, 'string', (t, [i]) => at(t.net, i!)?.name],
  [/^net\.(\d+)\.rx\.bytes$/, 'bigint', (t, [i]) => at(t.net, i!)?.rxBytes],
  [/^net\.(\d+)\.rx\.pkts$/, 'bigint', (t, [i]) => at(t.net, i!)?.rxPkts],
  [/^net\.(\d+)\.rx\.errs$/, 'bigint', (t, [i]) => at(t.net, i!)?.rxErrs],
  [/^net\.(\d+)\.rx\.drop$/, 'bigint', (t, [i]) => at(t.net, i!)?.rxDrop],
  [/^net\.(\d+)\.tx\.bytes$/, 'bigint', (t, [i]) => at(t.net, i!)?.txBytes],
  [/^net\.(\d+)\.tx\.pkts$/, 'bigint', (t, [i]) => at(t.net, i!)?.txPkts],
  [/^net\.(\d+)\.tx\.errs$/, 'bigint', (t, [i]) => at(t.net, i!)?.txErrs],
  [/^net\.(\d+)\.tx\.drop$/, 'bigint', (t, [i]) => at(t.net, i!)?.txDrop],
  [/^block\.(\d+)\.name$/, 'string', (t, [i]) => at(t.block, i!)?.name],
  [/^block\.(\d+)\.path$/, 'string', (t, [i]) => at(t.block, i!)?.path],
  [/^block\.(\d+)\.backingIndex$/, 'number', (t, [i]) => at(t.block, i!)?.backingIndex],
  [/^block\.(\d+)\.rd\.reqs$/, 'bigint', (t, [i]) => at(t.block, i!)?.rdReqs],
  [/^block\.(\d+)\.rd\.bytes$/, 'bigint', (t, [i]) => at(t.block, i!)?.rdBytes],
  [/^block\.(\d+)\.rd\.times$/, 'bigint', (t, [i]) => at(t.block, i!)?.rdTimes],
  [/^block\.(\d+)\.wr\.reqs$/, 'bigint', (t, [i]) => at(t.block, i!)?.wrReqs],
  [/^block\.(\d+)\.wr\.bytes$/, 'bigint', (t, [i]) => at(t.block, i!)?.wrBytes],
  [/^block\.(\d+)\.wr\.times$/, 'bigint', (t, [i]) => at(t.block, i!)?.wrTimes],
  [/^block\.(\d+)\.fl\.reqs$/, 'bigint', (t, [i]) => at(t.block, i!)?.flReqs],
  [/^block\.(\d+)\.fl\.times$/, 'bigint', (t, [i]) => at(t.block, i!)?.flTimes],
  [/^block\.(\d+)\.errors$/, 'bigint', (t, [i]) => at(t.block, i!)?.errors],
  [/^block\.(\d+)\.allocation$/, 'bigint', (t, [i]) => at(t.block, i!)?.allocation],
  [/^block\.(\d+)\.capacity$/, 'bigint', (t, [i]) => at(t.block, i!)?.capacity],
  [/^block\.(\d+)\.physical$/, 'bigint', (t, [i]) => at(t.block, i!)?.physical],
  [/^block\.(\d+)\.threshold$/, 'bigint', (t, [i]) => at(t.block, i!)?.threshold],
  [/^iothread\.count$/, 'number', (t) => t.iothreadCount],
  [/^iothread\.(\d+)\.poll-max-ns$/, 'bigint', (t, [i]) => t.iothread?.find((x) => x.id === i)?.pollMaxNs],
  [/^iothread\.(\d+)\.poll-grow$/, 'number', (t, [i]) => t.iothread?.find((x) => x.id === i)?.pollGrow],
  [/^iothread\.(\d+)\.poll-shrink$/, 'number', (t, [i]) => t.iothread?.find((x) => x.id === i)?.pollShrink],
  [/^dirtyrate\.calc_status$/, 'number', (t) => t.dirtyrate?.calcStatus],
  [/^dirtyrate\.calc_start_time$/, 'number', (t) => t.dirtyrate?.calcStartTime],
  [/^dirtyrate\.calc_period$/, 'number', (t) => t.dirtyrate?.calcPeriod],
  [/^dirtyrate\.calc_mode$/, 'string', (t) => t.dirtyrate?.calcMode],
  [/^dirtyrate\.megabytes_per_second$/, 'number', (t) => t.dirtyrate?.megabytesPerSecond],
  [/^dirtyrate\.vcpu\.(\d+)\.megabytes_per_second$/, 'number', (t, [i]) => at(t.dirtyrate?.vcpu, i!)?.megabytesPerSecond],
]
// The `*.count` keys of dense arrays are the arrays' lengths.
const LENGTHS: Record<string, (t: DomainStats) => number | undefined> = {
  'net.count': (t) => t.net?.length ?? 0,
  'block.count': (t) => t.block?.length ?? 0,
}

function checkTyped(rec: DomainStatsRecord): number {
  let checked = 0
  for (const [k, v] of Object.entries(rec.stats)) {
    if (k in LENGTHS) {
      assert.equal(LENGTHS[k]!(rec.typed), v, `${k} = the array's length`)
      checked++
      continue
    }
    const custom = /^vcpu\.(\d+)\.(.+\.(cur|sum|max))$/.exec(k)
    if (custom) {
      assert.equal(at(rec.typed.vcpu, Number(custom[1]))?.custom[custom[2]!], v, k)
      checked++
      continue
    }
    if (k.startsWith('vm.')) {
      assert.equal(rec.typed.vm?.[k.slice(3)], v, k)
      checked++
      continue
    }
    const place = PLACES.find(([re]) => re.test(k))
    assert.ok(place, `the daemon sent ${k}: it has a place in the typed view`)
    const [re, type, find] = place
    const idx = [...re.exec(k)!].slice(1).filter((s) => /^\d+$/.test(s)).map(Number)
    const got = find(rec.typed, idx)
    assert.equal(typeof got, type, `${k}: ${type}`)
    assert.equal(got, type === 'bigint' ? BigInt(v as bigint) : type === 'number' ? Number(v) : v, k)
    checked++
  }
  return checked
}

test('getAllDomainStats and Domain.getStats: raw keys equal the C client; every key has its typed place', { skip }, async () => {
  const before: DomainStatsRecord = (await conn.getAllDomainStats()).find((r) => r.domain.getName() === 'stvm')!
  assert.ok(before, 'a record for the running VM')
  const c = await cRecord('getAllDomainStats')
  const afterwards = await dom.getStats()
  assert.equal(afterwards.domain.getName(), 'stvm')
  compareRaw(before.stats, c, afterwards.stats)

  // the groups a running QEMU VM has, with the shape the VM was given
  const t = afterwards.typed
  assert.equal(t.state?.state, 1) // RUNNING
  assert.equal(t.vcpuCurrent, 2)
  assert.deepEqual(t.vcpu?.map((v) => v.index), [0, 1])
  assert.deepEqual(t.block?.map((b) => [b.index, b.name]), [[0, 'vda']])
  assert.equal(t.block?.[0]?.capacity, 16n << 20n)
  assert.equal(t.balloon?.maximum, 65536n) // KiB
  assert.match(t.net?.[0]?.name ?? '', /^vnet\d+$/)
  assert.deepEqual(t.iothread?.map((x) => x.id), [1])
  for (const rec of [before, afterwards]) assert.ok(checkTyped(rec) >= 40, 'most keys checked')
})

test('domainListGetStats with groups: only those groups, raw equal to the C client, typed the same way', { skip }, async () => {
  const STATE_BLOCK = 1 | 32 // VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_BLOCK
  const [rec] = await conn.domainListGetStats([dom], STATE_BLOCK)
  assert.ok(rec)
  const c = await runOracle<Record<string, unknown>>(daemon.qemuUri!, `result = conn.domainListGetStats([conn.lookupByName('stvm')], ${STATE_BLOCK})[0][1]`)
  const afterwards = await dom.getStats(STATE_BLOCK)
  compareRaw(rec.stats, c, afterwards.stats)
  assert.deepEqual(Object.keys(rec.typed).sort(), ['block', 'state'])
  checkTyped(rec)
})

test('nodeGetCPUStats / nodeGetMemoryStats: typed fields equal the C client (counters bracketed)', { skip }, async () => {
  for (const cpu of [-1, 0]) {
    const before = await conn.nodeGetCPUStats(cpu)
    const c = await runOracle<Record<string, number | bigint>>(daemon.qemuUri!, `result = conn.getCPUStats(${cpu})`)
    const afterwards = await conn.nodeGetCPUStats(cpu)
    assert.deepEqual(Object.keys(before).sort(), Object.keys(c).sort())
    for (const k of ['kernel', 'user', 'idle', 'iowait'] as const) {
      const [b, x, a] = [before[k], BigInt(c[k]!), afterwards[k]]
      assert.equal(typeof b, 'bigint', k)
      assert.ok(b! <= x && x <= a!, `cpu ${cpu} ${k}: ours ${b} ≤ C ${x} ≤ ours ${a} (ns)`)
    }
  }
  const mem = await conn.nodeGetMemoryStats(-1)
  const c = await runOracle<Record<string, number | bigint>>(daemon.qemuUri!, 'result = conn.getMemoryStats(-1)')
  assert.deepEqual(Object.keys(mem).sort(), Object.keys(c).sort())
  assert.equal(mem.total, BigInt(c.total!), 'total KiB')
  for (const k of ['free', 'buffers', 'cached'] as const) assert.equal(typeof mem[k], 'bigint', k)
  assert.ok(mem.free! <= mem.total!)
})
