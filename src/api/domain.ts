// Layer 5 (typed API). Domain: a virtual machine. What the generated class builds on: what needs more than
// a mechanical conversion: memory stats by name, per-CPU stats, vCPU info, security label lists,
// peer-to-peer migration in one call, and the accessors libvirt's client answers from the handle.

import type { DomainHandle } from '../generated/handles.gen.js'
import { Domain } from '../generated/api/domain.gen.js'
import { LibvirtObject } from './object-base.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { RemoteDomainGetCpuStatsArgs } from '../generated/remote-types.gen.js'
import { type OpenStreamOptions, type Screenshot, domainScreenshot, openDomainChannel, openDomainConsole } from '../streams/open.js'
import type { Stream } from '../streams/stream.js'
import { A } from './args.js'
import { type DomainStats, type DomainStatsRecord, domainGetStats } from './stats/domain-stats.js'
import type { ConnectGetAllDomainStatsFlags, DomainChannelFlags, DomainConsoleFlags, DomainCreateFlags, DomainMigrateFlags, DomainStatsTypes, FlagBits, TypedParameterFlags, VcpuState } from '../generated/constants.gen.js'
import type { Connection } from './objects.js'
import { type TypedParams, type TypedParamsInput, fromTypedParams, toTypedParams } from './typed-params.js'

// Client-managed migration (migrate.ts and migrate-phases.ts, ~18 KB) is loaded on first use, like
// the transports: most processes never migrate, and every byte the main entry holds is parsed at
// import.
let migration: Promise<typeof import('./migrate.js')> | null = null
const migrationApi = (): Promise<typeof import('./migrate.js')> => (migration ??= import('./migrate.js'))

const P = REMOTE_PROCEDURES

// virDomainMemoryStatTags by number, named as libvirt-python names them (ACTUAL_BALLOON → actual).
const MEMORY_STAT_NAMES = [
  'swap_in', 'swap_out', 'major_fault', 'minor_fault', 'unused', 'available', 'actual', 'rss', 'usable',
  'last_update', 'disk_caches', 'hugetlb_pgalloc', 'hugetlb_pgfail',
]
// VIR_DOMAIN_MEMORY_STAT_NR in the libvirt this was generated from.
const MEMORY_STAT_NR = 13
// VIR_MIGRATE_PEER2PEER: the only migration this client can drive in one call.
const MIGRATE_PEER2PEER = 2

/** One vCPU as virDomainGetVcpus reports it, with its CPU map. */
export interface VcpuInfo {
  number: number
  /** virVcpuState (`VcpuState.RUNNING`, …). */
  state: VcpuState
  cpuTime: bigint
  cpu: number
  /** Bit i set: the vCPU may run on host CPU i. */
  cpumap: Buffer
}

/** The hand-written part of {@link Domain} (the generated class extends it; import Domain from src/api/objects.ts). */
export class DomainAdditions extends LibvirtObject<DomainHandle> {
  /** This object as the Domain it is (the generated class extends this one). */
  get #self(): Domain {
    return this as unknown as Domain
  }

  /** virDomainGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virDomainGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }

  /**
   * virDomainGetID: the id this handle was obtained with (-1 when inactive), without a call;
   * `create()` / `createWithFlags()` update it, as libvirt's client does.
   */
  getID(): number {
    return this.wire.id
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainCreate | virDomainCreate}:
   * starts the domain, then (as libvirt's client does, the reply carrying nothing) looks it up by
   * UUID so this handle's id is the running domain's.
   */
  async create(): Promise<void> {
    A.argc(arguments.length, 0, 0, 'virDomainCreate')
    await this.connection.call(P.DOMAIN_CREATE, { dom: this.wire })
    const r = await this.connection.call(P.DOMAIN_LOOKUP_BY_UUID, { uuid: this.wire.uuid })
    this.wire.id = r.dom.id
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainCreateWithFlags | virDomainCreateWithFlags}:
   * starts the domain; this handle's id becomes the running domain's (as libvirt's client sets it).
   */
  async createWithFlags(flags: DomainCreateFlags | FlagBits = 0): Promise<Domain> {
    A.argc(arguments.length, 0, 1, 'virDomainCreateWithFlags')
    const r = await this.connection.call(P.DOMAIN_CREATE_WITH_FLAGS, { dom: this.wire, flags: A.uint(flags, 'flags') })
    this.wire.id = r.dom.id
    return new Domain(this.connection, r.dom)
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMemoryStats | virDomainMemoryStats}:
   * the statistics by name (`actual`, `rss`, `swap_in`, … as libvirt-python names them; an
   * unknown tag as `tag<N>`), in KiB like libvirt's.
   */
  async memoryStats(maxStats: number = MEMORY_STAT_NR, flags: number = 0): Promise<Record<string, bigint>> {
    A.argc(arguments.length, 0, 2, 'virDomainMemoryStats')
    const r = await this.connection.call(P.DOMAIN_MEMORY_STATS, { dom: this.wire, maxStats: A.uint(maxStats, 'maxStats'), flags: A.uint(flags, 'flags') })
    const o: Record<string, bigint> = {}
    for (const s of r.stats) o[MEMORY_STAT_NAMES[s.tag] ?? `tag${s.tag}`] = s.val
    return o
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetCPUStats | virDomainGetCPUStats}:
   * `startCpu` -1 gives the domain's totals (one object); otherwise one object per host CPU from
   * `startCpu`, at most `ncpus`. Two calls, as libvirt's client makes: the count, then the values.
   */
  async getCPUStats(startCpu: number, ncpus: number, flags: TypedParameterFlags | FlagBits = 0): Promise<TypedParams[]> {
    A.argc(arguments.length, 2, 3, 'virDomainGetCPUStats')
    const a: RemoteDomainGetCpuStatsArgs = {
      dom: this.wire, nparams: 0, start_cpu: A.int(startCpu, 'startCpu'), ncpus: A.uint(ncpus, 'ncpus'),
      flags: (A.uint(flags, 'flags') | 4) >>> 0, // VIR_TYPED_PARAM_STRING_OKAY, as libvirt's client adds
    }
    a.nparams = (await this.connection.call(P.DOMAIN_GET_CPU_STATS, a)).nparams
    if (a.nparams === 0) return []
    const r = await this.connection.call(P.DOMAIN_GET_CPU_STATS, a)
    const stride = r.nparams
    const out: TypedParams[] = []
    // The daemon leaves out the empty tail of each CPU's group: `stride` entries per CPU.
    for (let i = 0; stride > 0 && i < r.params.length; i += stride) out.push(fromTypedParams(r.params.slice(i, i + stride)))
    return out
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetVcpus | virDomainGetVcpus}:
   * every vCPU (at most `maxinfo`) with its CPU map of `maplen` bytes.
   */
  async getVcpus(maxinfo: number, maplen: number): Promise<VcpuInfo[]> {
    A.argc(arguments.length, 2, 2, 'virDomainGetVcpus')
    const r = await this.connection.call(P.DOMAIN_GET_VCPUS, { dom: this.wire, maxinfo: A.int(maxinfo, 'maxinfo'), maplen: A.int(maplen, 'maplen') })
    return r.info.map((v, i) => ({ number: v.number, state: v.state as VcpuState, cpuTime: v.cpu_time, cpu: v.cpu, cpumap: r.cpumaps.subarray(i * maplen, (i + 1) * maplen) }))
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainGetSecurityLabelList | virDomainGetSecurityLabelList}:
   * every security label with whether it is enforced.
   */
  async getSecurityLabelList(): Promise<{ label: string; enforcing: boolean }[]> {
    A.argc(arguments.length, 0, 0, 'virDomainGetSecurityLabelList')
    const r = await this.connection.call(P.DOMAIN_GET_SECURITY_LABEL_LIST, { dom: this.wire })
    return r.labels.map((l) => ({ label: A.chars(l.label), enforcing: l.enforcing !== 0 }))
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMigrateToURI3 | virDomainMigrateToURI3},
   * peer-to-peer only: the source daemon connects to `dconnuri` and runs the whole migration, so
   * it is one call (`REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS`). `VIR_MIGRATE_PEER2PEER` is
   * added to `flags`. Client-managed migration between two connections is {@link Domain.migrate3}.
   */
  async migrateToURI3(dconnuri: string, params: TypedParamsInput = {}, flags: DomainMigrateFlags | FlagBits = 0): Promise<void> {
    A.argc(arguments.length, 1, 3, 'virDomainMigrateToURI3')
    await this.connection.call(P.DOMAIN_MIGRATE_PERFORM3_PARAMS, {
      dom: this.wire,
      dconnuri: A.str(dconnuri, 'dconnuri'),
      params: toTypedParams(params, 'params', 64),
      cookie_in: Buffer.alloc(0),
      flags: (A.uint(flags, 'flags') | MIGRATE_PEER2PEER) >>> 0,
    })
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainListGetStats | virDomainListGetStats}
   * for this domain: its statistics record, raw keys and {@link DomainStats | typed view}
   * (`stats`: groups, 0 for all the daemon has; `flags`: `ConnectGetAllDomainStatsFlags`).
   */
  async getStats(stats: DomainStatsTypes | FlagBits = 0, flags: ConnectGetAllDomainStatsFlags | FlagBits = 0): Promise<DomainStatsRecord> {
    A.argc(arguments.length, 0, 2, 'virDomainListGetStats')
    return domainGetStats(this.#self, stats, flags)
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMigrate | virDomainMigrate}:
   * moves this domain to the daemon of `dconn` and resolves to the Domain there. Without
   * `VIR_MIGRATE_PEER2PEER` this client runs the phases across both connections as libvirt's
   * client does (protocol 3, 2 or 1, whichever both daemons support); if the destination fails,
   * the domain keeps running here. With it, `uri` (default: `dconn`'s URI) is the destination the
   * source daemon connects to itself.
   */
  async migrate(dconn: Connection, flags: DomainMigrateFlags | FlagBits = 0, dname: string | null = null, uri: string | null = null, bandwidth: number | bigint = 0): Promise<Domain> {
    A.argc(arguments.length, 1, 5, 'virDomainMigrate')
    return (await migrationApi()).migrate(this.#self, dconn, null, flags, dname, uri, bandwidth, 'virDomainMigrate')
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMigrate2 | virDomainMigrate2}: {@link Domain.migrate} with the destination XML `dxml`. */
  async migrate2(dconn: Connection, dxml: string | null = null, flags: DomainMigrateFlags | FlagBits = 0, dname: string | null = null, uri: string | null = null, bandwidth: number | bigint = 0): Promise<Domain> {
    A.argc(arguments.length, 1, 6, 'virDomainMigrate2')
    return (await migrationApi()).migrate(this.#self, dconn, dxml, flags, dname, uri, bandwidth, 'virDomainMigrate2')
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMigrate3 | virDomainMigrate3}:
   * client-managed migration with typed parameters (`migrate_uri`, `destination_name`,
   * `destination_xml`, `bandwidth`, …); peer-to-peer is `migrateToURI3`.
   */
  async migrate3(dconn: Connection, params: TypedParamsInput = {}, flags: DomainMigrateFlags | FlagBits = 0): Promise<Domain> {
    A.argc(arguments.length, 1, 3, 'virDomainMigrate3')
    return (await migrationApi()).migrate3(this.#self, dconn, params, flags)
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMigrateToURI | virDomainMigrateToURI}:
   * with `VIR_MIGRATE_PEER2PEER`, `duri` is the destination's connection URI; without, the
   * migration URI of a direct migration (which the QEMU driver does not offer).
   */
  async migrateToURI(duri: string, flags: DomainMigrateFlags | FlagBits = 0, dname: string | null = null, bandwidth: number | bigint = 0): Promise<void> {
    A.argc(arguments.length, 1, 4, 'virDomainMigrateToURI')
    return (await migrationApi()).migrateToURI(this.#self, duri, flags, dname, bandwidth)
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainMigrateToURI2 | virDomainMigrateToURI2}. */
  async migrateToURI2(dconnuri: string | null, miguri: string | null = null, dxml: string | null = null, flags: DomainMigrateFlags | FlagBits = 0, dname: string | null = null, bandwidth: number | bigint = 0): Promise<void> {
    A.argc(arguments.length, 1, 6, 'virDomainMigrateToURI2')
    return (await migrationApi()).migrateToURI2(this.#self, dconnuri, miguri, dxml, flags, dname, bandwidth)
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainOpenConsole | virDomainOpenConsole}: a bidirectional stream (the streams layer). */
  openConsole(devName: string | null = null, flags: DomainConsoleFlags | FlagBits = 0, options?: OpenStreamOptions): Promise<Stream> {
    return openDomainConsole(this.connection, this, devName, flags, options)
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainOpenChannel | virDomainOpenChannel}: a bidirectional stream (the streams layer). */
  openChannel(name: string | null = null, flags: DomainChannelFlags | FlagBits = 0, options?: OpenStreamOptions): Promise<Stream> {
    return openDomainChannel(this.connection, this, name, flags, options)
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainScreenshot | virDomainScreenshot}: MIME type and a readable stream. */
  screenshot(screen: number = 0, flags: number = 0, options?: OpenStreamOptions): Promise<Screenshot> {
    return domainScreenshot(this.connection, this, screen, flags, options)
  }
}
