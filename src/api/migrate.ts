// Layer 5 (typed API). The migration entry points of a Domain that libvirt's client implements
// itself (virDomainMigrate, virDomainMigrate2, virDomainMigrate3, virDomainMigrateToURI,
// virDomainMigrateToURI2 in src/libvirt-domain.c): argument checks, the choice of protocol from
// both daemons' CONNECT_SUPPORTS_FEATURE answers, then either the client-managed phases
// (migrate-phases.ts) or, with VIR_MIGRATE_PEER2PEER, one perform call on the source.

import { LibvirtError } from '../errors.js'
import {
  VIR_ERR_ARGUMENT_UNSUPPORTED,
  VIR_ERR_INTERNAL_ERROR,
  VIR_ERR_INVALID_ARG,
  VIR_ERR_NO_SUPPORT,
  VIR_ERR_OPERATION_INVALID,
  VIR_MIGRATE_CHANGE_PROTECTION,
  VIR_MIGRATE_NON_SHARED_DISK,
  VIR_MIGRATE_NON_SHARED_INC,
  VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES,
  VIR_MIGRATE_OFFLINE,
  VIR_MIGRATE_PARALLEL,
  VIR_MIGRATE_PARAM_BANDWIDTH,
  VIR_MIGRATE_PARAM_DEST_NAME,
  VIR_MIGRATE_PARAM_DEST_XML,
  VIR_MIGRATE_PARAM_URI,
  VIR_MIGRATE_PEER2PEER,
  VIR_MIGRATE_TUNNELLED,
} from '../generated/constants.gen.js'
import { REMOTE_PROCEDURES as P } from '../generated/procedures.gen.js'
import type { RemoteTypedParam } from '../generated/remote-types.gen.js'
import { A } from './args.js'
import type { Connection } from './objects.js'
import type { Domain } from './objects.js'
import { DrvFeature, migrateError, migrateVersion1, migrateVersion2, migrateVersion3, supportsFeature } from './migrate-phases.js'
import { type TypedParamsInput, toTypedParams } from './typed-params.js'

// REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX
const PARAMS_MAX = 64

const invalidArg = (msg: string): LibvirtError => migrateError(VIR_ERR_INVALID_ARG, `invalid argument: ${msg}`)
const unsupportedArg = (msg: string): LibvirtError => migrateError(VIR_ERR_ARGUMENT_UNSUPPORTED, `argument unsupported: ${msg}`)
const noSupport = (fn: string): LibvirtError => migrateError(VIR_ERR_NO_SUPPORT, `this function is not supported by the connection driver: ${fn}`)

function checkDest(dconn: unknown, fn: string): Connection {
  if (dconn === null || typeof dconn !== 'object' || typeof (dconn as Connection).call !== 'function' || typeof (dconn as Connection).isAlive !== 'function')
    throw new TypeError(`${fn}: the destination must be a Connection`)
  return dconn as Connection
}

function checkDname(dname: string | null, fn: string): void {
  if (dname === '') throw invalidArg(`string dname in ${fn} must not be empty`)
}

// VIR_EXCLUSIVE_FLAGS / VIR_REQUIRE_FLAG checks shared by the migrate entry points.
function checkFlagCombinations(flags: number, withSyncWrites: boolean): void {
  const both = (a: number, b: number): boolean => (flags & a) !== 0 && (flags & b) !== 0
  if (both(VIR_MIGRATE_NON_SHARED_DISK, VIR_MIGRATE_NON_SHARED_INC))
    throw invalidArg("Flags 'VIR_MIGRATE_NON_SHARED_DISK' and 'VIR_MIGRATE_NON_SHARED_INC' are mutually exclusive")
  if (both(VIR_MIGRATE_TUNNELLED, VIR_MIGRATE_PARALLEL)) throw invalidArg("Flags 'VIR_MIGRATE_TUNNELLED' and 'VIR_MIGRATE_PARALLEL' are mutually exclusive")
  if (withSyncWrites && flags & VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES && !(flags & (VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC)))
    throw invalidArg("Flag 'VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC' is required by flag 'VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES'")
}

async function checkOffline(dom: Domain, dconn: Connection | null, flags: number): Promise<void> {
  if (!(flags & VIR_MIGRATE_OFFLINE)) return
  if (!(await supportsFeature(dom.connection, DrvFeature.MIGRATION_OFFLINE))) throw unsupportedArg('offline migration is not supported by the source host')
  if (dconn && !(await supportsFeature(dconn, DrvFeature.MIGRATION_OFFLINE))) throw unsupportedArg('offline migration is not supported by the destination host')
}

async function checkChangeProtection(dom: Domain, flags: number): Promise<number> {
  if (flags & VIR_MIGRATE_CHANGE_PROTECTION && !(await supportsFeature(dom.connection, DrvFeature.MIGRATE_CHANGE_PROTECTION)))
    throw unsupportedArg('cannot enforce change protection')
  return (flags & ~VIR_MIGRATE_CHANGE_PROTECTION) >>> 0
}

async function both(dom: Domain, dconn: Connection, feature: number): Promise<boolean> {
  const [s, d] = await Promise.all([supportsFeature(dom.connection, feature), supportsFeature(dconn, feature)])
  return s && d
}

/** Protocol 3, else 2, else 1, as both daemons support it (virDomainMigrate's fallback order). */
async function managed(dom: Domain, dconn: Connection, flags: number, dxml: string | null, dname: string | null, uri: string | null, bandwidth: bigint, fn: string): Promise<Domain> {
  if (await both(dom, dconn, DrvFeature.MIGRATION_V3)) return migrateVersion3(dom, dconn, { xmlin: dxml, dname, uri, bandwidth, params: null, flags })
  const noXml = (): void => {
    if (dxml !== null) throw unsupportedArg('Unable to change target guest XML during migration')
  }
  if (await both(dom, dconn, DrvFeature.MIGRATION_V2)) {
    noXml()
    return migrateVersion2(dom, dconn, flags, dname, uri, bandwidth)
  }
  if (await both(dom, dconn, DrvFeature.MIGRATION_V1)) {
    noXml()
    return migrateVersion1(dom, dconn, flags, dname, uri, bandwidth)
  }
  throw noSupport(fn)
}

/** virDomainMigrateCheckNotLocal: a peer-to-peer destination must not be this host. */
function checkNotLocal(dconnuri: string): void {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?[^?#]*(?:\?([^#]*))?/.exec(dconnuri)
  if (!m) throw migrateError(VIR_ERR_INTERNAL_ERROR, `internal error: Unable to parse URI ${dconnuri}`)
  const server = (m[2] ?? '').replace(/^.*@/, '').replace(/:\d*$/, '').replace(/^\[|\]$/g, '')
  const unixSocket = (m[1]!.includes('+') ? m[1]!.slice(m[1]!.indexOf('+')) === '+unix' : false) && (m[3] ?? '').split('&').some((kv) => kv.split('=')[0]!.toLowerCase() === 'socket')
  if ((server && server.startsWith('localhost')) || (!server && !unixSocket)) throw invalidArg('Attempt to migrate guest to the same host')
}

function getString(params: RemoteTypedParam[], field: string): string | null {
  const p = params.find((x) => x.field === field)
  if (!p) return null
  if (p.value.type !== 7) throw invalidArg(`Parameter '${field}' has unexpected type`)
  return p.value.s
}

function getULLong(params: RemoteTypedParam[], field: string): bigint {
  const p = params.find((x) => x.field === field)
  if (!p) return 0n
  if (p.value.type !== 4) throw invalidArg(`Parameter '${field}' has unexpected type`)
  return p.value.ul
}

function onlyParams(params: RemoteTypedParam[], allowed: readonly string[], message: string): void {
  if (params.some((p) => !allowed.includes(p.field))) throw unsupportedArg(message)
}

/** virDomainMigrateUnmanagedParams: one perform on the source (peer-to-peer or direct). */
async function unmanagedParams(dom: Domain, dconnuri: string | null, params: RemoteTypedParam[], flags: number): Promise<void> {
  const p2p = (flags & VIR_MIGRATE_PEER2PEER) !== 0
  if (p2p) checkNotLocal(dconnuri ?? '')
  if (p2p && (await supportsFeature(dom.connection, DrvFeature.MIGRATION_PARAMS))) {
    await dom.connection.call(P.DOMAIN_MIGRATE_PERFORM3_PARAMS, { dom: dom.wire, dconnuri, params, cookie_in: Buffer.alloc(0), flags })
    return
  }
  const dname = getString(params, VIR_MIGRATE_PARAM_DEST_NAME)
  const miguri = getString(params, VIR_MIGRATE_PARAM_URI)
  const bandwidth = getULLong(params, VIR_MIGRATE_PARAM_BANDWIDTH)
  if (await supportsFeature(dom.connection, DrvFeature.MIGRATION_V3)) {
    onlyParams(params, [VIR_MIGRATE_PARAM_URI, VIR_MIGRATE_PARAM_DEST_NAME, VIR_MIGRATE_PARAM_DEST_XML, VIR_MIGRATE_PARAM_BANDWIDTH], 'Some parameters are not supported by migration protocol 3')
    const xmlin = getString(params, VIR_MIGRATE_PARAM_DEST_XML)
    checkDname(dname, 'virDomainMigrateUnmanagedProto3')
    await dom.connection.call(P.DOMAIN_MIGRATE_PERFORM3, { dom: dom.wire, xmlin, cookie_in: Buffer.alloc(0), dconnuri, uri: miguri, flags: BigInt(flags), dname, resource: bandwidth })
    return
  }
  onlyParams(params, [VIR_MIGRATE_PARAM_DEST_NAME, VIR_MIGRATE_PARAM_BANDWIDTH, VIR_MIGRATE_PARAM_URI], 'Some parameters are not supported by migration protocol 2')
  checkDname(dname, 'virDomainMigrateUnmanagedProto2')
  if (p2p && miguri !== null) throw migrateError(VIR_ERR_INTERNAL_ERROR, 'internal error: Unable to override peer2peer migration URI')
  const uri = p2p ? dconnuri : miguri
  await dom.connection.call(P.DOMAIN_MIGRATE_PERFORM, { dom: dom.wire, cookie: Buffer.alloc(0), uri: uri ?? '', flags: BigInt(flags), dname, resource: bandwidth })
}

/** virDomainMigrateUnmanaged: the separate arguments as typed parameters. */
function unmanaged(dom: Domain, xmlin: string | null, flags: number, dname: string | null, dconnuri: string | null, miguri: string | null, bandwidth: bigint): Promise<void> {
  const params: RemoteTypedParam[] = []
  if (miguri !== null) params.push({ field: VIR_MIGRATE_PARAM_URI, value: { type: 7, s: miguri } })
  if (dname !== null) params.push({ field: VIR_MIGRATE_PARAM_DEST_NAME, value: { type: 7, s: dname } })
  if (xmlin !== null) params.push({ field: VIR_MIGRATE_PARAM_DEST_XML, value: { type: 7, s: xmlin } })
  params.push({ field: VIR_MIGRATE_PARAM_BANDWIDTH, value: { type: 4, ul: bandwidth } })
  return unmanagedParams(dom, dconnuri, params, flags)
}

/** virDomainMigrateUnmanagedCheckCompat: what migrateToURI/migrateToURI2 need from the source. */
async function checkUnmanagedCompat(dom: Domain, flags: number): Promise<void> {
  checkFlagCombinations(flags, true)
  await checkOffline(dom, null, flags)
  if (flags & VIR_MIGRATE_PEER2PEER) {
    if (!(await supportsFeature(dom.connection, DrvFeature.MIGRATION_P2P))) throw unsupportedArg('p2p migration is not supported by the source host')
  } else if (!(await supportsFeature(dom.connection, DrvFeature.MIGRATION_DIRECT))) {
    throw unsupportedArg('direct migration is not supported by the source host')
  }
}

/** virDomainMigrate and virDomainMigrate2 (dxml). */
export async function migrate(dom: Domain, dconnArg: unknown, dxmlArg: unknown, flagsArg: unknown, dnameArg: unknown, uriArg: unknown, bandwidthArg: unknown, fn: 'virDomainMigrate' | 'virDomainMigrate2'): Promise<Domain> {
  const dconn = checkDest(dconnArg, fn)
  const dxml = A.optStr(dxmlArg ?? null, 'dxml')
  let flags = A.uint(flagsArg ?? 0, 'flags')
  const dname = A.optStr(dnameArg ?? null, 'dname')
  const uri = A.optStr(uriArg ?? null, 'uri')
  const bandwidth = A.uhyper(bandwidthArg ?? 0, 'bandwidth')
  checkDname(dname, fn)
  checkFlagCombinations(flags, true)
  await checkOffline(dom, dconn, flags)
  if (flags & VIR_MIGRATE_PEER2PEER) {
    if (!(await supportsFeature(dom.connection, DrvFeature.MIGRATION_P2P))) throw noSupport(fn)
    // virDomainMigrate takes `uri` as the destination's connection URI; virDomainMigrate2 as the migration URI.
    const dstURI = fn === 'virDomainMigrate' ? (uri ?? (await dconn.getURI())) : await dconn.getURI()
    await unmanaged(dom, dxml, flags, dname, dstURI, fn === 'virDomainMigrate' ? null : uri, bandwidth)
    return dconn.domainLookupByName(dname ?? dom.name)
  }
  flags = await checkChangeProtection(dom, flags)
  if (flags & VIR_MIGRATE_TUNNELLED) throw migrateError(VIR_ERR_OPERATION_INVALID, 'Requested operation is not valid: cannot perform tunnelled migration without using peer2peer flag')
  return managed(dom, dconn, flags, dxml, dname, uri, bandwidth, fn)
}

/** virDomainMigrate3. */
export async function migrate3(dom: Domain, dconnArg: unknown, paramsArg: unknown, flagsArg: unknown): Promise<Domain> {
  const fn = 'virDomainMigrate3'
  const dconn = checkDest(dconnArg, fn)
  const params = toTypedParams((paramsArg ?? {}) as TypedParamsInput, 'params', PARAMS_MAX)
  let flags = A.uint(flagsArg ?? 0, 'flags')
  if (flags & VIR_MIGRATE_PEER2PEER) throw invalidArg('use virDomainMigrateToURI3 for peer-to-peer migration')
  if (flags & VIR_MIGRATE_TUNNELLED) throw invalidArg('cannot perform tunnelled migration without using peer2peer flag')
  const uri = getString(params, VIR_MIGRATE_PARAM_URI)
  const dname = getString(params, VIR_MIGRATE_PARAM_DEST_NAME)
  const dxml = getString(params, VIR_MIGRATE_PARAM_DEST_XML)
  const bandwidth = getULLong(params, VIR_MIGRATE_PARAM_BANDWIDTH)
  checkDname(dname, fn)
  checkFlagCombinations(flags, true)
  await checkOffline(dom, dconn, flags)
  flags = await checkChangeProtection(dom, flags)
  if (await both(dom, dconn, DrvFeature.MIGRATION_PARAMS)) return migrateVersion3(dom, dconn, { xmlin: null, dname: null, uri: null, bandwidth: 0n, params, flags })
  onlyParams(params, [VIR_MIGRATE_PARAM_URI, VIR_MIGRATE_PARAM_DEST_NAME, VIR_MIGRATE_PARAM_DEST_XML, VIR_MIGRATE_PARAM_BANDWIDTH], 'Migration APIs with extensible parameters are not supported but extended parameters were passed')
  return managed(dom, dconn, flags, dxml, dname, uri, bandwidth, fn)
}

/** virDomainMigrateToURI: peer-to-peer (`duri` is the destination's connection URI) or direct (`duri` is the migration URI). */
export async function migrateToURI(dom: Domain, duriArg: unknown, flagsArg: unknown, dnameArg: unknown, bandwidthArg: unknown): Promise<void> {
  const duri = A.str(duriArg, 'duri')
  const flags = A.uint(flagsArg ?? 0, 'flags')
  const dname = A.optStr(dnameArg ?? null, 'dname')
  const bandwidth = A.uhyper(bandwidthArg ?? 0, 'bandwidth')
  checkDname(dname, 'virDomainMigrateToURI')
  await checkUnmanagedCompat(dom, flags)
  const p2p = (flags & VIR_MIGRATE_PEER2PEER) !== 0
  await unmanaged(dom, null, flags, dname, p2p ? duri : null, p2p ? null : duri, bandwidth)
}

/** virDomainMigrateToURI2. */
export async function migrateToURI2(dom: Domain, dconnuriArg: unknown, miguriArg: unknown, dxmlArg: unknown, flagsArg: unknown, dnameArg: unknown, bandwidthArg: unknown): Promise<void> {
  let dconnuri = A.optStr(dconnuriArg ?? null, 'dconnuri')
  const miguri = A.optStr(miguriArg ?? null, 'miguri')
  const dxml = A.optStr(dxmlArg ?? null, 'dxml')
  const flags = A.uint(flagsArg ?? 0, 'flags')
  const dname = A.optStr(dnameArg ?? null, 'dname')
  const bandwidth = A.uhyper(bandwidthArg ?? 0, 'bandwidth')
  checkDname(dname, 'virDomainMigrateToURI2')
  await checkUnmanagedCompat(dom, flags)
  if (flags & VIR_MIGRATE_PEER2PEER) {
    if (dconnuri === null) throw invalidArg('dconnuri in virDomainMigrateToURI2 must not be NULL')
  } else {
    dconnuri = null
  }
  await unmanaged(dom, dxml, flags, dname, dconnuri, miguri, bandwidth)
}
