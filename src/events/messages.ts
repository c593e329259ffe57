// Layer 4c (events). Decodes one event MESSAGE with the generated decoders into what the router
// needs: family, the daemon's callback id, the raw object and the callback's extra arguments in
// libvirt's order, as the generated EVENT_TABLE (one entry per callback-id carrying message) says.

import type { MessageHeader } from '../core/header.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'
import { QEMU_PROGRAM, REMOTE_PROCEDURES, REMOTE_PROGRAM } from '../generated/procedures.gen.js'
import { EVENT_TABLE, type EventTableEntry } from '../generated/events.gen.js'
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

const P = REMOTE_PROCEDURES

/** One routed message: its table entry, and typed-parameter arguments turned into objects. */
function build(e: EventTableEntry, m: unknown): { id: number; obj: unknown; args: unknown[] } {
  const u = e.unpack(m)
  for (const i of e.typedParams) u.args[i] = typedParamsToObject(u.args[i] as never)
  return u
}

const REMOTE_TABLE = new Map<number, EventTableEntry>(EVENT_TABLE.filter((e) => e.family !== 'qemuMonitor').map((e) => [e.procedure.procedure, e]))
const QEMU_ENTRY = EVENT_TABLE.find((e) => e.family === 'qemuMonitor')!

/** Procedures (of the remote program) the router understands, for tests and diagnostics. */
export const ROUTED_REMOTE_PROCEDURES: readonly number[] = [...REMOTE_TABLE.keys()]

/**
 * Decodes an event message. Returns null for a message this client does not route (a legacy
 * event procedure, another program); throws when the body does not decode.
 */
export function decodeEventMessage(h: MessageHeader, body: Buffer): DecodedEvent | DecodedClose | null {
  let e: EventTableEntry | undefined
  if (h.program === REMOTE_PROGRAM) {
    if (h.procedure === P.CONNECT_EVENT_CONNECTION_CLOSED.procedure) {
      const m = decodeAll(P.CONNECT_EVENT_CONNECTION_CLOSED, body)
      return { family: 'close', reason: m.reason }
    }
    e = REMOTE_TABLE.get(h.procedure)
  } else if (h.program === QEMU_PROGRAM && h.procedure === QEMU_ENTRY.procedure.procedure) {
    e = QEMU_ENTRY
  }
  if (!e) return null
  const { id, obj, args } = build(e, decodeAll(e.procedure, body))
  return { family: e.family, remoteId: id, eventId: e.eventId, object: obj, args }
}

function decodeAll<T>(desc: ProcedureDescriptor<T, any>, body: Buffer): T {
  const r = new XdrReader(body)
  const v = desc.decodeArgs!(r)
  r.done()
  return v
}
