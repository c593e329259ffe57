// Type-level tests of the public API: compiled by tsc (a wrong signature fails the build); the
// runtime part only checks that the methods exist. No dependency: a tiny expectTypeOf of our own.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type {
  Connection, Domain, Network, NetworkPort, StoragePool, StorageVol, NodeDevice, Secret, Interface, NWFilter, NWFilterBinding,
  DomainSnapshot, DomainCheckpoint, TypedParams, TypedParamsInput, DomainStatsRecord, VcpuInfo, NodeCPUStats,
} from '../../src/index.js'
import type {
  ConnectGetAllDomainStatsFlags, ConnectListAllDomainsFlags, ConnectListAllInterfacesFlags, ConnectListAllNetworksFlags, ConnectListAllNodeDeviceFlags,
  ConnectListAllSecretsFlags, ConnectListAllStoragePoolsFlags, DomainCheckpointListFlags, DomainModificationImpact, DomainQemuMonitorCommandFlags,
  DomainSnapshotCreateFlags, DomainSnapshotListFlags, DomainSnapshotRevertFlags, DomainStatsTypes, DomainXMLFlags, FlagBits, StorageVolCreateFlags,
  TypedParameterFlags,
} from '../../src/index.js'
import {
  Connection as ConnectionClass, Domain as DomainClass, DomainState, StoragePoolState, typedParam, TypedParamValue, enumName,
} from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `A` and `B` are the same type. */
function same<A, B>(..._: Equal<A, B> extends true ? [] : [never]): void {}

type M<C, K extends keyof C> = C[K]

// ≥30 signatures across classes.
same<M<Connection, 'getURI'>, () => Promise<string>>()
same<M<Connection, 'getLibVersion'>, () => Promise<number>>()
same<M<Connection, 'getVersion'>, () => Promise<number>>()
same<M<Connection, 'getHostname'>, () => Promise<string>>()
same<M<Connection, 'domainLookupByName'>, (name: string) => Promise<Domain>>()
same<M<Connection, 'domainLookupByUUID'>, (uuid: string) => Promise<Domain>>()
same<M<Connection, 'domainLookupByID'>, (id: number) => Promise<Domain>>()
same<M<Connection, 'domainDefineXML'>, (xml: string) => Promise<Domain>>()
same<M<Connection, 'listAllDomains'>, (flags?: ConnectListAllDomainsFlags | FlagBits) => Promise<Domain[]>>()
same<M<Connection, 'listDefinedDomains'>, () => Promise<string[]>>()
same<M<Connection, 'listDomains'>, () => Promise<number[]>>()
same<M<Connection, 'nodeGetFreeMemory'>, () => Promise<bigint>>()
same<M<Connection, 'nodeGetCPUStats'>, (cpuNum: number, flags?: number) => Promise<NodeCPUStats>>()
same<M<Connection, 'nodeGetMemoryParameters'>, (flags?: number) => Promise<TypedParams>>()
same<M<Connection, 'getAllDomainStats'>, (stats?: DomainStatsTypes | FlagBits, flags?: ConnectGetAllDomainStatsFlags | FlagBits) => Promise<DomainStatsRecord[]>>()
same<M<Connection, 'listAllNetworks'>, (flags?: ConnectListAllNetworksFlags | FlagBits) => Promise<Network[]>>()
same<M<Connection, 'listAllStoragePools'>, (flags?: ConnectListAllStoragePoolsFlags | FlagBits) => Promise<StoragePool[]>>()
same<M<Connection, 'listAllNodeDevices'>, (flags?: ConnectListAllNodeDeviceFlags | FlagBits) => Promise<NodeDevice[]>>()
same<M<Connection, 'listAllSecrets'>, (flags?: ConnectListAllSecretsFlags | FlagBits) => Promise<Secret[]>>()
same<M<Connection, 'listAllInterfaces'>, (flags?: ConnectListAllInterfacesFlags | FlagBits) => Promise<Interface[]>>()
same<M<Connection, 'listAllNWFilters'>, (flags?: number) => Promise<NWFilter[]>>()
same<M<Connection, 'listAllNWFilterBindings'>, (flags?: number) => Promise<NWFilterBinding[]>>()
same<M<Connection, 'storageVolLookupByKey'>, (key: string) => Promise<StorageVol>>()
same<Awaited<ReturnType<M<Connection, 'nodeGetInfo'>>>['model'], string>()
same<Awaited<ReturnType<M<Domain, 'getInfo'>>>, { state: DomainState; maxMem: bigint; memory: bigint; nrVirtCpu: number; cpuTime: bigint }>()
same<M<Domain, 'getState'>, (flags?: number) => Promise<{ state: DomainState; reason: number }>>()
same<M<Domain, 'pmWakeup'>, (flags?: number) => Promise<void>>()
same<M<Domain, 'fsTrim'>, (mountPoint: string | null, minimum: bigint | number, flags?: number) => Promise<void>>()
same<M<Domain, 'getXMLDesc'>, (flags?: DomainXMLFlags | FlagBits) => Promise<string>>()
same<M<Domain, 'setMemoryParameters'>, (params: TypedParamsInput, flags?: DomainModificationImpact | FlagBits) => Promise<void>>()
same<M<Domain, 'getMemoryParameters'>, (flags?: DomainModificationImpact | TypedParameterFlags | FlagBits) => Promise<TypedParams>>()
same<M<Domain, 'snapshotCreateXML'>, (xmlDesc: string, flags?: DomainSnapshotCreateFlags | FlagBits) => Promise<DomainSnapshot>>()
same<M<Domain, 'listAllSnapshots'>, (flags?: DomainSnapshotListFlags | FlagBits) => Promise<DomainSnapshot[]>>()
same<M<Domain, 'listAllCheckpoints'>, (flags?: DomainCheckpointListFlags | FlagBits) => Promise<DomainCheckpoint[]>>()
same<M<Domain, 'memoryStats'>, (maxStats?: number, flags?: number) => Promise<Record<string, bigint>>>()
same<M<Domain, 'getVcpus'>, (maxinfo: number, maplen: number) => Promise<VcpuInfo[]>>()
same<M<Domain, 'qemuMonitorCommand'>, (cmd: string, flags?: DomainQemuMonitorCommandFlags | FlagBits) => Promise<string>>()
same<M<Domain, 'qemuAgentCommand'>, (cmd: string, timeout: number, flags?: number) => Promise<string | null>>()
same<M<Connection, 'domainQemuAttach'>, (pid_value: number, flags?: number) => Promise<Domain>>()
same<M<DomainSnapshot, 'domainRevertToSnapshot'>, (flags?: DomainSnapshotRevertFlags | FlagBits) => Promise<void>>()
same<DomainSnapshot['domain'], Domain>()
same<M<Network, 'getBridgeName'>, () => Promise<string>>()
same<M<Network, 'listAllPorts'>, (flags?: number) => Promise<NetworkPort[]>>()
same<M<StoragePool, 'storageVolCreateXML'>, (xml: string, flags?: StorageVolCreateFlags | FlagBits) => Promise<StorageVol>>()
same<M<StoragePool, 'getInfo'>, () => Promise<{ state: StoragePoolState; capacity: bigint; allocation: bigint; available: bigint }>>()
same<M<StorageVol, 'getPath'>, () => Promise<string>>()
same<M<Secret, 'getValue'>, (flags?: number) => Promise<Buffer>>()
same<M<Secret, 'setValue'>, (value: Uint8Array, flags?: number) => Promise<void>>()
same<M<NodeDevice, 'listCaps'>, () => Promise<string[]>>()
same<M<Interface, 'getMACString'>, () => string>()
same<M<NWFilter, 'getXMLDesc'>, (flags?: number) => Promise<string>>()
same<M<NWFilterBinding, 'getFilterName'>, () => string>()
same<M<DomainCheckpoint, 'getParent'>, (flags?: number) => Promise<DomainCheckpoint>>()
same<Domain['uuid'], string>()
same<Domain['connection'], Connection>()
same<ReturnType<typeof typedParam.ullong>, TypedParamValue>()
// Misuse the compiler must refuse (never run).
export async function misuse(c: Connection, d: Domain): Promise<void> {
  // @ts-expect-error: a name is a string
  await c.domainLookupByName(42)
  // @ts-expect-error: a Domain is not a StoragePool
  await c.domainListGetStats([{ name: 'x' }])
  // @ts-expect-error: typed parameter values are numbers, bigints, booleans, strings or typedParam.*()
  await d.setMemoryParameters({ hard_limit: [1n, {}] })
}

test('the typed methods exist at run time', () => {
  for (const m of ['getURI', 'domainLookupByName', 'listAllDomains', 'nodeGetCPUStats', 'getAllDomainStats']) assert.equal(typeof (ConnectionClass.prototype as unknown as Record<string, unknown>)[m], 'function', m)
  for (const m of ['getInfo', 'pmWakeup', 'fsTrim', 'memoryStats', 'migrateToURI3', 'openConsole', 'screenshot']) assert.equal(typeof (DomainClass.prototype as unknown as Record<string, unknown>)[m], 'function', m)
})
