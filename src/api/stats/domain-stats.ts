// Layer 5 (typed API). The structured view of a domain statistics record
// (virConnectGetAllDomainStats / virDomainListGetStats): libvirt's flat keys (`block.0.rd.bytes`)
// grouped into objects and arrays with camelCase names and one JavaScript type per field. The
// raw keys stay beside it; a key this version does not know appears only there.
//
// Mapping rule: the group is the first part of the key; indexed entries (`block.<i>.…`) become
// array elements in index order, each with its `index` (`id` for IOThreads); the rest of the key
// is camelCased across its dots (`rd.bytes` → `rdBytes`, `last-update` → `lastUpdate`).
// Number/bigint rule: bytes, KiB, nanoseconds and event counters are bigint; states, reasons,
// counts of items, ids, seconds and MiB/s are number.

import type { ConnectGetAllDomainStatsFlags, DomainDirtyRateStatus, DomainState, DomainStatsTypes, FlagBits, VcpuState } from '../../generated/constants.gen.js'
import type { Connection } from '../objects.js'
import type { Domain } from '../objects.js'
import type { TypedParams } from '../typed-params.js'

/** `state.*`: the domain's state (VIR_DOMAIN_STATS_STATE). */
export interface DomainStateStats {
  /** The domain's state (`enumName(DomainState, s)` gives its name). */
  state?: DomainState
  /** The reason for that state: a value of the reason enum of that state (e.g. `virDomainRunningReason`). */
  reason?: number
}

/** One cache bank of a cache monitor (`cpu.cache.monitor.<i>.bank.<j>.*`). */
export interface DomainCacheBankStats {
  /** `j` in the key. */
  index: number
  /** The host's id of this cache bank. */
  id?: number
  /** Bytes of last-level cache the domain uses in this bank. */
  bytes?: bigint
}

/** One cache monitor (`cpu.cache.monitor.<i>.*`). */
export interface DomainCacheMonitorStats {
  /** `i` in the key. */
  index: number
  name?: string
  /** The vCPUs it monitors, as libvirt writes a CPU list (e.g. `0-1`). */
  vcpus?: string
  /** `bank.count`: the number of banks. */
  bankCount?: number
  banks: DomainCacheBankStats[]
}

/** `cpu.*`: CPU time of the whole domain (VIR_DOMAIN_STATS_CPU_TOTAL). */
export interface DomainCpuStats {
  /** Total CPU time, nanoseconds. */
  time?: bigint
  /** User CPU time, nanoseconds. */
  user?: bigint
  /** System CPU time, nanoseconds. */
  system?: bigint
  /** `haltpoll.success.time`: time spent halt-polling that ended with an interrupt, nanoseconds. */
  haltpollSuccessTime?: bigint
  /** `haltpoll.fail.time`: time spent halt-polling that ended without one, nanoseconds. */
  haltpollFailTime?: bigint
  /** `cache.monitor.count`: the number of cache monitors. */
  cacheMonitorCount?: number
  /** `cache.monitor.<i>.*`, present when the domain has cache monitors. */
  cacheMonitors?: DomainCacheMonitorStats[]
}

/** `balloon.*`: the memory balloon (VIR_DOMAIN_STATS_BALLOON). Amounts in KiB. */
export interface DomainBalloonStats {
  /** Memory currently given to the domain, KiB. */
  current?: bigint
  /** Maximum memory the domain may have, KiB. */
  maximum?: bigint
  /** `swap_in`: read from swap, KiB. */
  swapIn?: bigint
  /** `swap_out`: written to swap, KiB. */
  swapOut?: bigint
  /** `major_fault`: page faults that needed disk I/O (a count). */
  majorFault?: bigint
  /** `minor_fault`: other page faults (a count). */
  minorFault?: bigint
  /** Memory the guest leaves unused, KiB. */
  unused?: bigint
  /** Memory the guest can use, KiB. */
  available?: bigint
  /** Resident set size of the domain's process on the host, KiB. */
  rss?: bigint
  /** Memory the balloon can reclaim without the host swapping, KiB. */
  usable?: bigint
  /** `last-update`: when the guest last updated these, seconds since the epoch. */
  lastUpdate?: number
  /** `disk_caches`: memory reclaimable without I/O (disk caches), KiB. */
  diskCaches?: bigint
  /** `hugetlb_pgalloc`: huge page allocations in the guest (a count). */
  hugetlbPgalloc?: bigint
  /** `hugetlb_pgfail`: failed huge page allocations in the guest (a count). */
  hugetlbPgfail?: bigint
}

/** One vCPU (`vcpu.<i>.*`, VIR_DOMAIN_STATS_VCPU). */
export interface DomainVcpuStats {
  /** `i` in the key: the vCPU number (with hot-plug, numbers may have gaps). */
  index: number
  /** The vCPU's state (`VcpuState`). */
  state?: VcpuState
  /** CPU time of this vCPU, nanoseconds. */
  time?: bigint
  /** Time this vCPU wanted to run while the host ran something else, nanoseconds. */
  wait?: bigint
  /** Whether the vCPU is halted. */
  halted?: boolean
  /** Time this vCPU waited in the host's run queue (the guest's steal time), nanoseconds. */
  delay?: bigint
  /**
   * The hypervisor's own statistics of this vCPU, by the rest of the key
   * (`<name>.cur` / `.sum` / `.max`); their meaning is the hypervisor's.
   */
  custom: Record<string, bigint | boolean | number | string>
}

/** One network interface (`net.<i>.*`, VIR_DOMAIN_STATS_INTERFACE), as the domain sees it. */
export interface DomainNetStats {
  /** `i` in the key. */
  index: number
  /** The interface's name on the host (e.g. `vnet0`). */
  name?: string
  /** Bytes received. */
  rxBytes?: bigint
  /** Packets received. */
  rxPkts?: bigint
  /** Receive errors. */
  rxErrs?: bigint
  /** Received packets dropped. */
  rxDrop?: bigint
  /** Bytes sent. */
  txBytes?: bigint
  /** Packets sent. */
  txPkts?: bigint
  /** Send errors. */
  txErrs?: bigint
  /** Packets to send dropped. */
  txDrop?: bigint
}

/** One block device or backing-chain element (`block.<i>.*`, VIR_DOMAIN_STATS_BLOCK). */
export interface DomainBlockStats {
  /** `i` in the key. */
  index: number
  /** The target name in the guest (`vda`, `sda`, …); the same for every element of one disk's chain. */
  name?: string
  /** The `<backingStore>` index, when backing chains are listed. */
  backingIndex?: number
  /** The source file or block device, when it is one. */
  path?: string
  /** Read requests. */
  rdReqs?: bigint
  /** Bytes read. */
  rdBytes?: bigint
  /** Time spent reading, nanoseconds. */
  rdTimes?: bigint
  /** Write requests. */
  wrReqs?: bigint
  /** Bytes written. */
  wrBytes?: bigint
  /** Time spent writing, nanoseconds. */
  wrTimes?: bigint
  /** Flush requests. */
  flReqs?: bigint
  /** Time spent flushing, nanoseconds. */
  flTimes?: bigint
  /** Xen only: its `oo_req` count. */
  errors?: bigint
  /** Offset of the highest sector written, bytes. */
  allocation?: bigint
  /** Logical size of the image, bytes. */
  capacity?: bigint
  /** Physical size of the image's container, bytes. */
  physical?: bigint
  /** Threshold of the BLOCK_THRESHOLD event, bytes. */
  threshold?: bigint
}

/**
 * `perf.*`: perf event counters (VIR_DOMAIN_STATS_PERF), each present when that event is
 * enabled. Counts, except `cmt` (bytes of L3 cache) and `mbmt` / `mbml` (bytes per second).
 */
export interface DomainPerfStats {
  cmt?: bigint
  mbmt?: bigint
  mbml?: bigint
  cacheMisses?: bigint
  cacheReferences?: bigint
  instructions?: bigint
  cpuCycles?: bigint
  branchInstructions?: bigint
  branchMisses?: bigint
  busCycles?: bigint
  stalledCyclesFrontend?: bigint
  stalledCyclesBackend?: bigint
  refCpuCycles?: bigint
  cpuClock?: bigint
  taskClock?: bigint
  pageFaults?: bigint
  contextSwitches?: bigint
  cpuMigrations?: bigint
  pageFaultsMin?: bigint
  pageFaultsMaj?: bigint
  alignmentFaults?: bigint
  emulationFaults?: bigint
}

/** One IOThread (`iothread.<id>.*`, VIR_DOMAIN_STATS_IOTHREAD). */
export interface DomainIOThreadStats {
  /** The IOThread's id (the number in the key). */
  id: number
  /** `poll-max-ns`: the longest polling time, nanoseconds (0: polling off). */
  pollMaxNs?: bigint
  /** `poll-grow`: the factor polling time grows by (0: the hypervisor chooses). */
  pollGrow?: number
  /** `poll-shrink`: the divisor polling time shrinks by (0: the hypervisor chooses). */
  pollShrink?: number
}

/** One memory controller of a bandwidth monitor (`….node.<j>.*`). */
export interface DomainMemoryBandwidthNodeStats {
  /** `j` in the key. */
  index: number
  /** The host's id of this memory controller. */
  id?: number
  /** `bytes.local`: bytes through this controller from vCPUs on its own socket (cumulative). */
  bytesLocal?: bigint
  /** `bytes.total`: bytes through all controllers, local and remote (cumulative). */
  bytesTotal?: bigint
}

/** One memory bandwidth monitor (`memory.bandwidth.monitor.<i>.*`). */
export interface DomainMemoryBandwidthMonitorStats {
  /** `i` in the key. */
  index: number
  name?: string
  /** The vCPUs it monitors, as libvirt writes a CPU list. */
  vcpus?: string
  /** `node.count`: the number of memory controllers. */
  nodeCount?: number
  nodes: DomainMemoryBandwidthNodeStats[]
}

/** `memory.*` (VIR_DOMAIN_STATS_MEMORY). */
export interface DomainMemoryStats {
  /** `bandwidth.monitor.count`. */
  bandwidthMonitorCount?: number
  bandwidthMonitors?: DomainMemoryBandwidthMonitorStats[]
}

/** `dirtyrate.*`: the last memory dirty-rate measurement (VIR_DOMAIN_STATS_DIRTYRATE). */
export interface DomainDirtyRateStats {
  /** `calc_status`: where the measurement is (`DomainDirtyRateStatus`). */
  calcStatus?: DomainDirtyRateStatus
  /** `calc_start_time`: when it started, seconds. */
  calcStartTime?: number
  /** `calc_period`: how long it measured, seconds. */
  calcPeriod?: number
  /** `megabytes_per_second`: the dirty rate, MiB/s (only once measured). */
  megabytesPerSecond?: number
  /** `calc_mode`: `page-sampling`, `dirty-bitmap` or `dirty-ring`. */
  calcMode?: string
  /** `vcpu.<i>.megabytes_per_second`: per vCPU, MiB/s. */
  vcpu?: { index: number; megabytesPerSecond?: number }[]
}

/**
 * The structured, typed view of one domain's statistics: each group present when the daemon
 * sent any key of it. See {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectGetAllDomainStats | virConnectGetAllDomainStats}
 * for the groups; the raw keys (`DomainStatsRecord.stats`) hold everything, including keys
 * this view does not know.
 */
export interface DomainStats {
  state?: DomainStateStats
  cpu?: DomainCpuStats
  balloon?: DomainBalloonStats
  /** `vcpu.current`: vCPUs online. */
  vcpuCurrent?: number
  /** `vcpu.maximum`: the most vCPUs the domain may have online. */
  vcpuMaximum?: number
  /** `vcpu.<i>.*`, by vCPU number. */
  vcpu?: DomainVcpuStats[]
  /** `net.<i>.*`, by index (`net.count` entries). */
  net?: DomainNetStats[]
  /** `block.<i>.*`, by index (`block.count` entries). */
  block?: DomainBlockStats[]
  perf?: DomainPerfStats
  /** `iothread.count`: the largest IOThread id (entries may be fewer). */
  iothreadCount?: number
  /** `iothread.<id>.*`, by id. */
  iothread?: DomainIOThreadStats[]
  memory?: DomainMemoryStats
  dirtyrate?: DomainDirtyRateStats
  /**
   * `vm.*`: the hypervisor's own statistics of the whole domain, by the rest of the key
   * (`<name>.cur` / `.sum` / `.max`); their meaning is the hypervisor's.
   */
  vm?: Record<string, bigint | boolean | number | string>
}

type Value = TypedParams[string]

const big = (v: Value): bigint | undefined => (typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : undefined)
const num = (v: Value): number | undefined => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : undefined)
const str = (v: Value): string | undefined => (typeof v === 'string' ? v : undefined)
const bool = (v: Value): boolean | undefined => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : undefined)

// The same keys come back in every record: their camelCase forms are kept (bounded, so a daemon
// inventing keys cannot grow it without limit).
const camelCache = new Map<string, string>()

/** `rd.bytes` → `rdBytes`, `last-update` → `lastUpdate`, `swap_in` → `swapIn`. */
function camel(parts: readonly string[]): string {
  const key = parts.join('.')
  let c = camelCache.get(key)
  if (c === undefined) {
    c = key.replace(/[._-]+([a-z0-9])/gi, (_, ch: string) => ch.toUpperCase())
    if (camelCache.size < 4096) camelCache.set(key, c)
  }
  return c
}

/** A non-negative decimal index, or -1. */
function indexOf(part: string | undefined): number {
  return part !== undefined && /^\d{1,9}$/.test(part) ? Number(part) : -1
}

/** Sets `o[k]` when `v` converted is defined (a value of another type than documented is left to the raw keys). */
function put<T extends object>(o: T, k: string, v: unknown): void {
  if (v !== undefined) (o as Record<string, unknown>)[k] = v
}

/** Entries by index, kept in a Map while parsing, then sorted into an array. */
class Entries<E extends object> {
  readonly #m = new Map<number, E>()
  constructor(readonly make: (i: number) => E) {}
  at(i: number): E {
    let e = this.#m.get(i)
    if (!e) this.#m.set(i, (e = this.make(i)))
    return e
  }
  get size(): number {
    return this.#m.size
  }
  list(): E[] {
    return [...this.#m.entries()].sort((a, b) => a[0] - b[0]).map(([, e]) => e)
  }
}

const BALLOON_NUMBERS = new Set(['lastUpdate'])
const NET_FIELDS = new Set(['name', 'rxBytes', 'rxPkts', 'rxErrs', 'rxDrop', 'txBytes', 'txPkts', 'txErrs', 'txDrop'])
const BLOCK_BIGINTS = new Set(['rdReqs', 'rdBytes', 'rdTimes', 'wrReqs', 'wrBytes', 'wrTimes', 'flReqs', 'flTimes', 'errors', 'allocation', 'capacity', 'physical', 'threshold'])
const VCPU_BIGINTS = new Set(['time', 'wait', 'delay'])

/**
 * The structured view of a statistics record's raw keys (what
 * `DomainStatsRecord.typed` holds). Never throws: a key it does not know, or a value of another
 * type than libvirt documents, stays only in the raw keys.
 */
export function parseDomainStats(raw: TypedParams): DomainStats {
  const out: DomainStats = {}
  const vcpus = new Entries<DomainVcpuStats>((index) => ({ index, custom: {} }))
  const nets = new Entries<DomainNetStats>((index) => ({ index }))
  const blocks = new Entries<DomainBlockStats>((index) => ({ index }))
  const iothreads = new Entries<DomainIOThreadStats>((id) => ({ id }))
  const monitors = new Entries<{ m: DomainCacheMonitorStats; banks: Entries<DomainCacheBankStats> }>((index) => ({ m: { index, banks: [] }, banks: new Entries((i) => ({ index: i })) }))
  const bw = new Entries<{ m: DomainMemoryBandwidthMonitorStats; nodes: Entries<DomainMemoryBandwidthNodeStats> }>((index) => ({ m: { index, nodes: [] }, nodes: new Entries((i) => ({ index: i })) }))
  const dirtyVcpus = new Entries<{ index: number; megabytesPerSecond?: number }>((index) => ({ index }))

  for (const key of Object.keys(raw)) {
    const v = raw[key]!
    const p = key.split('.')
    switch (p[0]) {
      case 'state':
        if (p.length === 2 && (p[1] === 'state' || p[1] === 'reason')) put((out.state ??= {}), p[1], num(v))
        break
      case 'cpu': {
        const cpu = (out.cpu ??= {})
        const rest = camel(p.slice(1))
        if (rest === 'time' || rest === 'user' || rest === 'system' || rest === 'haltpollSuccessTime' || rest === 'haltpollFailTime') put(cpu, rest, big(v))
        else if (rest === 'cacheMonitorCount') put(cpu, rest, num(v))
        else if (p[1] === 'cache' && p[2] === 'monitor') {
          const i = indexOf(p[3])
          if (i < 0) break
          const mon = monitors.at(i)
          const sub = camel(p.slice(4))
          if (sub === 'name' || sub === 'vcpus') put(mon.m, sub, str(v))
          else if (sub === 'bankCount') put(mon.m, sub, num(v))
          else if (p[4] === 'bank' && indexOf(p[5]) >= 0 && p.length === 7) {
            const bank = mon.banks.at(indexOf(p[5]))
            if (p[6] === 'id') put(bank, 'id', num(v))
            else if (p[6] === 'bytes') put(bank, 'bytes', big(v))
          }
        }
        break
      }
      case 'balloon': {
        const f = camel(p.slice(1))
        if (p.length >= 2) put((out.balloon ??= {}), f, BALLOON_NUMBERS.has(f) ? num(v) : big(v))
        break
      }
      case 'vcpu': {
        if (p.length === 2 && (p[1] === 'current' || p[1] === 'maximum')) {
          put(out, p[1] === 'current' ? 'vcpuCurrent' : 'vcpuMaximum', num(v))
          break
        }
        const i = indexOf(p[1])
        if (i < 0 || p.length < 3) break
        const e = vcpus.at(i)
        const f = p.slice(2).join('.')
        if (f === 'state') put(e, f, num(v))
        else if (VCPU_BIGINTS.has(f)) put(e, f, big(v))
        else if (f === 'halted') put(e, f, bool(v))
        else e.custom[f] = v
        break
      }
      case 'net': {
        const i = indexOf(p[1])
        if (i < 0 || p.length < 3) break
        const f = camel(p.slice(2))
        if (NET_FIELDS.has(f)) put(nets.at(i), f, f === 'name' ? str(v) : big(v))
        break
      }
      case 'block': {
        const i = indexOf(p[1])
        if (i < 0 || p.length < 3) break
        const f = camel(p.slice(2))
        if (f === 'name' || f === 'path') put(blocks.at(i), f, str(v))
        else if (f === 'backingIndex') put(blocks.at(i), f, num(v))
        else if (BLOCK_BIGINTS.has(f)) put(blocks.at(i), f, big(v))
        break
      }
      case 'perf':
        if (p.length >= 2) put((out.perf ??= {}), camel(p.slice(1)), big(v))
        break
      case 'iothread': {
        if (p.length === 2 && p[1] === 'count') {
          put(out, 'iothreadCount', num(v))
          break
        }
        const id = indexOf(p[1])
        if (id < 0 || p.length !== 3) break
        const f = camel(p.slice(2))
        if (f === 'pollMaxNs') put(iothreads.at(id), f, big(v))
        else if (f === 'pollGrow' || f === 'pollShrink') put(iothreads.at(id), f, num(v))
        break
      }
      case 'memory': {
        if (p[1] !== 'bandwidth' || p[2] !== 'monitor') break
        const mem = (out.memory ??= {})
        if (p.length === 4 && p[3] === 'count') {
          put(mem, 'bandwidthMonitorCount', num(v))
          break
        }
        const i = indexOf(p[3])
        if (i < 0) break
        const mon = bw.at(i)
        const sub = camel(p.slice(4))
        if (sub === 'name' || sub === 'vcpus') put(mon.m, sub, str(v))
        else if (sub === 'nodeCount') put(mon.m, sub, num(v))
        else if (p[4] === 'node' && indexOf(p[5]) >= 0) {
          const node = mon.nodes.at(indexOf(p[5]))
          const nf = camel(p.slice(6))
          if (nf === 'id') put(node, nf, num(v))
          else if (nf === 'bytesLocal' || nf === 'bytesTotal') put(node, nf, big(v))
        }
        break
      }
      case 'dirtyrate': {
        const d = (out.dirtyrate ??= {})
        if (p[1] === 'vcpu') {
          const i = indexOf(p[2])
          if (i >= 0 && p.length === 4 && p[3] === 'megabytes_per_second') put(dirtyVcpus.at(i), 'megabytesPerSecond', num(v))
          break
        }
        const f = camel(p.slice(1))
        if (f === 'calcMode') put(d, f, str(v))
        else if (f === 'calcStatus' || f === 'calcStartTime' || f === 'calcPeriod' || f === 'megabytesPerSecond') put(d, f, num(v))
        break
      }
      case 'vm':
        if (p.length >= 2) (out.vm ??= {})[p.slice(1).join('.')] = v
        break
    }
  }
  if (vcpus.size) out.vcpu = vcpus.list()
  if (nets.size) out.net = nets.list()
  if (blocks.size) out.block = blocks.list()
  if (iothreads.size) out.iothread = iothreads.list()
  if (monitors.size) (out.cpu ??= {}).cacheMonitors = monitors.list().map(({ m, banks }) => ({ ...m, banks: banks.list() }))
  if (bw.size) (out.memory ??= {}).bandwidthMonitors = bw.list().map(({ m, nodes }) => ({ ...m, nodes: nodes.list() }))
  if (dirtyVcpus.size) (out.dirtyrate ??= {}).vcpu = dirtyVcpus.list()
  return out
}

/**
 * One record of {@link Connection.getAllDomainStats}, {@link Connection.domainListGetStats} or
 * {@link Domain.getStats}: the domain, its statistics under libvirt's own keys, and the same
 * statistics structured and typed (computed on first use, then kept; `JSON.stringify` includes it).
 *
 * @example
 * ```ts
 * for (const { domain, typed } of await conn.getAllDomainStats()) {
 *   console.log(domain.getName(), typed.cpu?.time, typed.block?.map((b) => [b.name, b.rdBytes]))
 * }
 * ```
 */
export interface DomainStatsRecord {
  domain: Domain
  /** Every statistic under libvirt's key (`'block.0.rd.bytes'`), as the daemon typed it. */
  stats: TypedParams
  /** The same statistics grouped and typed: {@link DomainStats}. */
  readonly typed: DomainStats
}

// The view is built when first read: a caller that reads only raw keys (or a few records of
// thousands) does not pay for it.
class StatsRecord implements DomainStatsRecord {
  #typed: DomainStats | undefined
  constructor(public domain: Domain, public stats: TypedParams) {}
  get typed(): DomainStats {
    return (this.#typed ??= parseDomainStats(this.stats))
  }
  toJSON(): { domain: Domain; stats: TypedParams; typed: DomainStats } {
    return { domain: this.domain, stats: this.stats, typed: this.typed }
  }
}

/** A record from the daemon's answer: the raw keys and their structured view. */
export function domainStatsRecord(domain: Domain, stats: TypedParams): DomainStatsRecord {
  return new StatsRecord(domain, stats)
}

/**
 * {@link Domain.getStats}: virDomainListGetStats for one domain. A domain the daemon returns no
 * record for (libvirt allows fewer records than domains) gets an empty one.
 */
export async function domainGetStats(dom: Domain, stats: DomainStatsTypes | FlagBits, flags: ConnectGetAllDomainStatsFlags | FlagBits): Promise<DomainStatsRecord> {
  const [r] = await dom.connection.domainListGetStats([dom], stats, flags)
  return r ?? new StatsRecord(dom, {})
}
