// Layer 5 (typed API). Client-managed migration: the phases libvirt's client runs across two
// connections when the daemons do not talk to each other (libvirt's virDomainMigrateVersion1,
// virDomainMigrateVersion2 and virDomainMigrateVersion3Full in src/libvirt-domain.c), each phase
// one RPC on the source or the destination, with libvirt's handling of a failure in each phase:
// a failed prepare cancels the job on the source (with change protection), a failed perform
// tells the destination to give up (finish with cancelled=1), and confirm tells the source
// whether the destination took over, so a domain the destination did not take keeps running.

import { LibvirtError } from '../errors.js'
import {
  VIR_DOMAIN_PAUSED,
  VIR_ERR_INTERNAL_ERROR,
  VIR_ERR_MIGRATE_FINISH_OK,
  VIR_ERR_OPERATION_FAILED,
  VIR_FROM_DOMAIN,
  VIR_FROM_QEMU,
  VIR_MIGRATE_ABORT_ON_ERROR,
  VIR_MIGRATE_AUTO_CONVERGE,
  VIR_MIGRATE_CHANGE_PROTECTION,
  VIR_MIGRATE_OFFLINE,
  VIR_MIGRATE_PARAM_DEST_NAME,
  VIR_MIGRATE_PARAM_DEST_XML,
  VIR_MIGRATE_PARAM_URI,
  VIR_MIGRATE_PAUSED,
  VIR_MIGRATE_POSTCOPY_RESUME,
} from '../generated/constants.gen.js'
import { REMOTE_PROCEDURES as P } from '../generated/procedures.gen.js'
import type { RemoteNonnullDomain, RemoteTypedParam } from '../generated/remote-types.gen.js'
import { A } from './args.js'
import type { Connection } from './objects.js'
import { Domain } from '../generated/api/domain.gen.js'

/** libvirt's internal driver features (virDrvFeature) that choose the migration protocol. */
export const DrvFeature = {
  MIGRATION_V1: 1,
  MIGRATION_V2: 3,
  MIGRATION_P2P: 4,
  MIGRATION_DIRECT: 5,
  MIGRATION_V3: 6,
  MIGRATE_CHANGE_PROTECTION: 7,
  XML_MIGRATABLE: 11,
  MIGRATION_OFFLINE: 12,
  MIGRATION_PARAMS: 13,
} as const

const VIR_DOMAIN_XML_SECURE = 1
const VIR_DOMAIN_XML_UPDATE_CPU = 4
const VIR_DOMAIN_XML_MIGRATABLE = 8
const NOT_DEST_FLAGS = VIR_MIGRATE_ABORT_ON_ERROR | VIR_MIGRATE_AUTO_CONVERGE

/** CONNECT_SUPPORTS_FEATURE, as VIR_DRV_SUPPORTS_FEATURE asks the remote driver. */
export async function supportsFeature(conn: Connection, feature: number): Promise<boolean> {
  const r = await conn.call(P.CONNECT_SUPPORTS_FEATURE, { feature })
  return r.supported !== 0
}

export function migrateError(code: number, message: string): LibvirtError {
  return LibvirtError.local(code, VIR_FROM_DOMAIN, message)
}

const str = (v: string | null): string | null => v

/** virDomainMigrateVersion1: prepare (destination), perform (source), finish (destination). */
export async function migrateVersion1(dom: Domain, dconn: Connection, flags: number, dname: string | null, uri: string | null, bandwidth: bigint): Promise<Domain> {
  if ((await dom.getInfo()).state === VIR_DOMAIN_PAUSED) flags |= VIR_MIGRATE_PAUSED
  const destflags = BigInt((flags & ~NOT_DEST_FLAGS) >>> 0)
  const prep = await dconn.call(P.DOMAIN_MIGRATE_PREPARE, { uri_in: str(uri), flags: destflags, dname, resource: bandwidth })
  if (uri === null && prep.uri_out === null) throw migrateError(VIR_ERR_INTERNAL_ERROR, 'internal error: domainMigratePrepare did not set uri')
  const useUri = prep.uri_out ?? uri!
  await dom.connection.call(P.DOMAIN_MIGRATE_PERFORM, { dom: dom.wire, cookie: prep.cookie, uri: useUri, flags: BigInt(flags >>> 0), dname, resource: bandwidth })
  const fin = await dconn.call(P.DOMAIN_MIGRATE_FINISH, { dname: dname ?? dom.name, cookie: prep.cookie, uri: useUri, flags: destflags })
  return new Domain(dconn, fin.ddom)
}

/** virDomainMigrateVersion2: the source's XML to prepare2, perform, then finish2 told whether perform failed. */
export async function migrateVersion2(dom: Domain, dconn: Connection, flags: number, dname: string | null, uri: string | null, bandwidth: bigint): Promise<Domain> {
  const migratable = await supportsFeature(dom.connection, DrvFeature.XML_MIGRATABLE)
  const domXml = await dom.getXMLDesc(migratable ? VIR_DOMAIN_XML_MIGRATABLE : VIR_DOMAIN_XML_SECURE | VIR_DOMAIN_XML_UPDATE_CPU)
  if ((await dom.getInfo()).state === VIR_DOMAIN_PAUSED) flags |= VIR_MIGRATE_PAUSED
  const destflags = BigInt((flags & ~NOT_DEST_FLAGS) >>> 0)
  const prep = await dconn.call(P.DOMAIN_MIGRATE_PREPARE2, { uri_in: uri, flags: destflags, dname, resource: bandwidth, dom_xml: domXml })
  let origErr: unknown = null
  let cancelled: number
  let useUri: string
  if (uri === null && prep.uri_out === null) {
    origErr = migrateError(VIR_ERR_INTERNAL_ERROR, 'internal error: domainMigratePrepare2 did not set uri')
    cancelled = 1
    useUri = ''
  } else {
    useUri = prep.uri_out ?? uri!
    try {
      await dom.connection.call(P.DOMAIN_MIGRATE_PERFORM, { dom: dom.wire, cookie: prep.cookie, uri: useUri, flags: BigInt(flags >>> 0), dname, resource: bandwidth })
      cancelled = 0
    } catch (e) {
      origErr = e
      cancelled = 1
    }
  }
  let fin: { ddom: RemoteNonnullDomain } | null = null
  let finErr: unknown = null
  try {
    fin = await dconn.call(P.DOMAIN_MIGRATE_FINISH2, { dname: dname ?? dom.name, cookie: prep.cookie, uri: useUri, flags: destflags, retcode: cancelled })
  } catch (e) {
    finErr = e
  }
  if (origErr !== null) throw origErr
  if (finErr !== null) throw finErr
  return new Domain(dconn, fin!.ddom)
}

/** Inputs of virDomainMigrateVersion3Full: either the separate arguments or typed parameters. */
export interface Version3Input {
  xmlin: string | null
  dname: string | null
  uri: string | null
  bandwidth: bigint
  /** Set for the params variant (virDomainMigrateVersion3Params). */
  params: RemoteTypedParam[] | null
  flags: number
}

function replaceString(params: RemoteTypedParam[], field: string, value: string): RemoteTypedParam[] {
  const out = params.filter((p) => p.field !== field)
  const at = params.findIndex((p) => p.field === field)
  const entry: RemoteTypedParam = { field, value: { type: 7, s: value } }
  if (at < 0) out.push(entry)
  else out.splice(at, 0, entry)
  return out
}

function getString(params: RemoteTypedParam[], field: string): string | null {
  const p = params.find((x) => x.field === field)
  return p && p.value.type === 7 ? p.value.s : null
}

/** virDomainMigrateVersion3Full: begin (source), prepare (destination), perform (source), finish (destination), confirm (source). */
export async function migrateVersion3(dom: Domain, dconn: Connection, input: Version3Input): Promise<Domain> {
  const sconn = dom.connection
  const useParams = input.params !== null
  let params = input.params ?? []
  let { flags } = input
  const { xmlin, dname, bandwidth } = input
  let uri = input.uri
  const protection = (await supportsFeature(sconn, DrvFeature.MIGRATE_CHANGE_PROTECTION)) ? VIR_MIGRATE_CHANGE_PROTECTION : 0
  const sflags = (): number => (flags | protection) >>> 0

  // Begin: the source starts the job and hands out the XML and its cookie.
  const begun = useParams
    ? await sconn.call(P.DOMAIN_MIGRATE_BEGIN3_PARAMS, { dom: dom.wire, params, flags: sflags() })
    : await sconn.call(P.DOMAIN_MIGRATE_BEGIN3, { dom: dom.wire, xmlin, flags: BigInt(sflags()), dname, resource: bandwidth })
  let cookie = begun.cookie_out
  const state = useParams ? (await dom.getState()).state : (await dom.getInfo()).state
  if (state === VIR_DOMAIN_PAUSED && !(flags & VIR_MIGRATE_POSTCOPY_RESUME)) flags |= VIR_MIGRATE_PAUSED
  const destflags = (flags & ~NOT_DEST_FLAGS) >>> 0

  let origErr: unknown = null
  let cancelled = 1
  let notifySource = true
  let ddomain: Domain | null = null
  let skipToConfirm = false
  let skipToFinish = false

  // Prepare: the destination gets ready to receive (and may choose the migration URI).
  let uriOut: string | null = null
  try {
    if (useParams) {
      params = replaceString(params, VIR_MIGRATE_PARAM_DEST_XML, begun.xml)
      const r = await dconn.call(P.DOMAIN_MIGRATE_PREPARE3_PARAMS, { params, cookie_in: cookie, flags: destflags })
      cookie = r.cookie_out
      uriOut = r.uri_out
    } else {
      const r = await dconn.call(P.DOMAIN_MIGRATE_PREPARE3, { cookie_in: cookie, uri_in: uri, flags: BigInt(destflags), dname, resource: bandwidth, dom_xml: begun.xml })
      cookie = r.cookie_out
      uriOut = r.uri_out
    }
  } catch (e) {
    // Begin started a job on the source: with change protection it must be cancelled by confirm.
    if (!protection) throw e
    origErr = e
    cookie = Buffer.alloc(0)
    skipToConfirm = true
  }

  if (!skipToConfirm) {
    if (uriOut !== null) {
      uri = uriOut
      if (useParams) params = replaceString(params, VIR_MIGRATE_PARAM_URI, uriOut)
    } else if (uri === null && (useParams ? getString(params, VIR_MIGRATE_PARAM_URI) : null) === null) {
      origErr = migrateError(VIR_ERR_INTERNAL_ERROR, 'internal error: domainMigratePrepare3 did not set uri')
      skipToFinish = true
    }
    if (!skipToFinish && flags & VIR_MIGRATE_OFFLINE) {
      cookie = Buffer.alloc(0)
      cancelled = 0
      skipToFinish = true
    }
    if (!skipToFinish) {
      // Perform: the source sends the domain; dconnuri is only for peer-to-peer, so null here.
      try {
        const r = useParams
          ? await sconn.call(P.DOMAIN_MIGRATE_PERFORM3_PARAMS, { dom: dom.wire, dconnuri: null, params, cookie_in: cookie, flags: sflags() })
          : await sconn.call(P.DOMAIN_MIGRATE_PERFORM3, { dom: dom.wire, xmlin: null, cookie_in: cookie, dconnuri: null, uri, flags: BigInt(sflags()), dname, resource: bandwidth })
        cookie = r.cookie_out
        cancelled = 0
      } catch (e) {
        origErr = e
        // The source already knows perform failed: no confirm.
        notifySource = false
        cookie = Buffer.alloc(0)
        cancelled = 1
      }
    }

    // Finish: the destination starts the domain, or (cancelled) kills what it prepared.
    let finErr: unknown = null
    try {
      if (useParams) {
        if (getString(params, VIR_MIGRATE_PARAM_DEST_NAME) === null) params = replaceString(params, VIR_MIGRATE_PARAM_DEST_NAME, dom.name)
        const r = await dconn.call(P.DOMAIN_MIGRATE_FINISH3_PARAMS, { params, cookie_in: cookie, flags: destflags, cancelled })
        cookie = r.cookie_out
        ddomain = new Domain(dconn, r.dom)
      } else {
        const r = await dconn.call(P.DOMAIN_MIGRATE_FINISH3, { dname: dname ?? dom.name, cookie_in: cookie, dconnuri: null, uri, flags: BigInt(destflags), cancelled })
        cookie = r.cookie_out
        ddomain = new Domain(dconn, r.dom)
      }
    } catch (e) {
      finErr = e
      cookie = Buffer.alloc(0)
    }
    if (cancelled && ddomain === null && origErr instanceof LibvirtError && finErr instanceof LibvirtError) {
      // Both sides failed in the QEMU driver: one message with both reasons, as libvirt reports it.
      if (origErr.domain === VIR_FROM_QEMU && origErr.code === VIR_ERR_OPERATION_FAILED && finErr.domain === VIR_FROM_QEMU && finErr.code !== VIR_ERR_MIGRATE_FINISH_OK) {
        origErr = LibvirtError.local(VIR_ERR_OPERATION_FAILED, VIR_FROM_DOMAIN, `operation failed: migration failed. Message from the source host: ${origErr.message}. Message from the destination host: ${finErr.message}`)
      }
    }
    // No domain on the destination: the source must resume the guest.
    cancelled = ddomain === null ? 1 : 0
    if (origErr === null) origErr = finErr
  }

  // Confirm: the source ends the job — kills its copy, or (cancelled) keeps the guest running.
  if (notifySource) {
    try {
      if (useParams) await sconn.call(P.DOMAIN_MIGRATE_CONFIRM3_PARAMS, { dom: dom.wire, params, cookie_in: cookie, flags: sflags(), cancelled })
      else await sconn.call(P.DOMAIN_MIGRATE_CONFIRM3, { dom: dom.wire, cookie_in: cookie, flags: BigInt(sflags()), cancelled })
    } catch {
      // libvirt only warns here: the guest is probably left paused on the source.
    }
  }
  if (origErr !== null) throw origErr
  if (ddomain === null) throw migrateError(VIR_ERR_INTERNAL_ERROR, 'internal error: migration finished without a domain')
  return ddomain
}
