// Layer 4c (events). Decodes one event MESSAGE with the generated decoders into what the router
// needs: family, the daemon's callback id, the raw object and the callback's extra arguments in
// libvirt's order. One table entry per modern (callback-id carrying) event procedure.

import type { MessageHeader } from '../core/header.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'
import { QEMU_PROCEDURES, QEMU_PROGRAM, REMOTE_PROCEDURES, REMOTE_PROGRAM } from '../generated/procedures.gen.js'
import { XdrReader } from '../xdr/xdr-reader.js'
import type { EventFamily } from './families.js'
import { typedParamsToObject } from '../core/typed-params.js'

/** A decoded event, ready to route. */
export interface DecodedEvent {
  family: EventFamily
  /** The daemon's callback id (the server-side registration it belongs to). */
  remoteId: number
  /** The event id within the family (-1 for QEMU monitor events). */
  eventId: number
  /** The object as it came on the wire. */
  object: unknown
  args: unknown[]
}

/** The daemon's CONNECT_EVENT_CONNECTION_CLOSED: the connection is over. */
export interface DecodedClose {
  family: 'close'
  reason: number
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMsg = any
interface Entry {
  desc: ProcedureDescriptor<AnyMsg, any>
  family: EventFamily
  eventId: number
  build(m: AnyMsg): { id: number; obj: unknown; args: unknown[] }
}

const P = REMOTE_PROCEDURES
// The older domain messages nest the payload in `msg`; newer ones are flat.
const nested = (eventId: number, desc: ProcedureDescriptor<AnyMsg, any>, f: (m: AnyMsg, outer: AnyMsg) => unknown[]): Entry => ({
  desc,
  family: 'domain',
  eventId,
  build: (m) => ({ id: m.callbackID, obj: m.msg.dom, args: f(m.msg, m) }),
})
const flat = (family: EventFamily, objKey: string, eventId: number, desc: ProcedureDescriptor<AnyMsg, any>, f: (m: AnyMsg) => unknown[]): Entry => ({
  desc,
  family,
  eventId,
  build: (m) => ({ id: m.callbackID, obj: m[objKey], args: f(m) }),
})
const dom = (eventId: number, desc: ProcedureDescriptor<AnyMsg, any>, f: (m: AnyMsg) => unknown[]): Entry => flat('domain', 'dom', eventId, desc, f)

const ENTRIES: Entry[] = [
  nested(0, P.DOMAIN_EVENT_CALLBACK_LIFECYCLE, (m) => [m.event, m.detail]),
  nested(1, P.DOMAIN_EVENT_CALLBACK_REBOOT, () => []),
  nested(2, P.DOMAIN_EVENT_CALLBACK_RTC_CHANGE, (m) => [m.offset]),
  nested(3, P.DOMAIN_EVENT_CALLBACK_WATCHDOG, (m) => [m.action]),
  nested(4, P.DOMAIN_EVENT_CALLBACK_IO_ERROR, (m) => [m.srcPath, m.devAlias, m.action]),
  nested(5, P.DOMAIN_EVENT_CALLBACK_GRAPHICS, (m) => [m.phase, m.local, m.remote, m.authScheme, m.subject]),
  nested(6, P.DOMAIN_EVENT_CALLBACK_IO_ERROR_REASON, (m) => [m.srcPath, m.devAlias, m.action, m.reason]),
  nested(7, P.DOMAIN_EVENT_CALLBACK_CONTROL_ERROR, () => []),
  nested(8, P.DOMAIN_EVENT_CALLBACK_BLOCK_JOB, (m) => [m.path, m.type, m.status]),
  nested(9, P.DOMAIN_EVENT_CALLBACK_DISK_CHANGE, (m) => [m.oldSrcPath, m.newSrcPath, m.devAlias, m.reason]),
  nested(10, P.DOMAIN_EVENT_CALLBACK_TRAY_CHANGE, (m) => [m.devAlias, m.reason]),
  nested(11, P.DOMAIN_EVENT_CALLBACK_PMWAKEUP, (_m, o) => [o.reason]),
  nested(12, P.DOMAIN_EVENT_CALLBACK_PMSUSPEND, (_m, o) => [o.reason]),
  nested(13, P.DOMAIN_EVENT_CALLBACK_BALLOON_CHANGE, (m) => [m.actual]),
  nested(14, P.DOMAIN_EVENT_CALLBACK_PMSUSPEND_DISK, (_m, o) => [o.reason]),
  nested(15, P.DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, (m) => [m.devAlias]),
  dom(16, P.DOMAIN_EVENT_BLOCK_JOB_2, (m) => [m.dst, m.type, m.status]),
  dom(17, P.DOMAIN_EVENT_CALLBACK_TUNABLE, (m) => [typedParamsToObject(m.params)]),
  dom(18, P.DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE, (m) => [m.state, m.reason]),
  dom(19, P.DOMAIN_EVENT_CALLBACK_DEVICE_ADDED, (m) => [m.devAlias]),
  dom(20, P.DOMAIN_EVENT_CALLBACK_MIGRATION_ITERATION, (m) => [m.iteration]),
  dom(21, P.DOMAIN_EVENT_CALLBACK_JOB_COMPLETED, (m) => [typedParamsToObject(m.params)]),
  dom(22, P.DOMAIN_EVENT_CALLBACK_DEVICE_REMOVAL_FAILED, (m) => [m.devAlias]),
  dom(23, P.DOMAIN_EVENT_CALLBACK_METADATA_CHANGE, (m) => [m.type, m.nsuri]),
  dom(24, P.DOMAIN_EVENT_BLOCK_THRESHOLD, (m) => [m.dev, m.path, m.threshold, m.excess]),
  dom(25, P.DOMAIN_EVENT_MEMORY_FAILURE, (m) => [m.recipient, m.action, m.flags]),
  dom(26, P.DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE, (m) => [m.alias, m.size]),
  dom(27, P.DOMAIN_EVENT_NIC_MAC_CHANGE, (m) => [m.alias, m.oldMAC, m.newMAC]),
  flat('network', 'net', 0, P.NETWORK_EVENT_LIFECYCLE, (m) => [m.event, m.detail]),
  flat('network', 'net', 1, P.NETWORK_EVENT_CALLBACK_METADATA_CHANGE, (m) => [m.type, m.nsuri]),
  flat('storagePool', 'pool', 0, P.STORAGE_POOL_EVENT_LIFECYCLE, (m) => [m.event, m.detail]),
  flat('storagePool', 'pool', 1, P.STORAGE_POOL_EVENT_REFRESH, () => []),
  flat('nodeDevice', 'dev', 0, P.NODE_DEVICE_EVENT_LIFECYCLE, (m) => [m.event, m.detail]),
  flat('nodeDevice', 'dev', 1, P.NODE_DEVICE_EVENT_UPDATE, () => []),
  flat('secret', 'secret', 0, P.SECRET_EVENT_LIFECYCLE, (m) => [m.event, m.detail]),
  flat('secret', 'secret', 1, P.SECRET_EVENT_VALUE_CHANGED, () => []),
]

const REMOTE_TABLE = new Map<number, Entry>(ENTRIES.map((e) => [e.desc.procedure, e]))
const QEMU_ENTRY = flat('qemuMonitor', 'dom', -1, QEMU_PROCEDURES.DOMAIN_MONITOR_EVENT, (m) => [m.event, m.seconds, m.micros, m.details])

/** Procedures (of the remote program) the router understands, for tests and diagnostics. */
export const ROUTED_REMOTE_PROCEDURES: readonly number[] = [...REMOTE_TABLE.keys()]

/**
 * Decodes an event message. Returns null for a message this client does not route (a legacy
 * event procedure, another program); throws when the body does not decode.
 */
export function decodeEventMessage(h: MessageHeader, body: Buffer): DecodedEvent | DecodedClose | null {
  let e: Entry | undefined
  if (h.program === REMOTE_PROGRAM) {
    if (h.procedure === P.CONNECT_EVENT_CONNECTION_CLOSED.procedure) {
      const m = decodeAll(P.CONNECT_EVENT_CONNECTION_CLOSED, body)
      return { family: 'close', reason: m.reason }
    }
    e = REMOTE_TABLE.get(h.procedure)
  } else if (h.program === QEMU_PROGRAM && h.procedure === QEMU_ENTRY.desc.procedure) {
    e = QEMU_ENTRY
  }
  if (!e) return null
  const { id, obj, args } = e.build(decodeAll(e.desc, body))
  return { family: e.family, remoteId: id, eventId: e.eventId, object: obj, args }
}

function decodeAll<T>(desc: ProcedureDescriptor<T, any>, body: Buffer): T {
  const r = new XdrReader(body)
  const v = desc.decodeArgs!(r)
  r.done()
  return v
}
