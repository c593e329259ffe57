// CLI. Event subscription straight on the wire (register-any procedures + a MESSAGE handler on the
// RpcClient), used when the typed events layer is not available on the connection. Same contract as
// the events layer's registrations: every id of every family, refusals reported, tracked ids.

import type { ConnectionBase } from '../client/connection-base.js'
import type { ProcedureDescriptor } from '../core/procedure.js'
import { REMOTE_PROCEDURES, REMOTE_PROGRAM } from '../generated/procedures.gen.js'
import { XdrReader } from '../xdr/xdr-reader.js'
import { EVENT_IDS, FAMILIES, nameLifecycle, objectName, type CliEvent, type Family } from './event-model.js'
import { errorLine } from './format.js'

type AnyDesc = ProcedureDescriptor<any, any> // eslint-disable-line @typescript-eslint/no-explicit-any
const P = REMOTE_PROCEDURES as unknown as Record<string, AnyDesc>

const WIRE: Record<Family, { prefix: string; register: AnyDesc; deregister: AnyDesc; objKey: string }> = {
  domain: { prefix: 'DOMAIN_EVENT_', register: P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY!, deregister: P.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY!, objKey: 'dom' },
  network: { prefix: 'NETWORK_EVENT_', register: P.CONNECT_NETWORK_EVENT_REGISTER_ANY!, deregister: P.CONNECT_NETWORK_EVENT_DEREGISTER_ANY!, objKey: 'net' },
  storagePool: { prefix: 'STORAGE_POOL_EVENT_', register: P.CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY!, deregister: P.CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY!, objKey: 'pool' },
  nodeDevice: { prefix: 'NODE_DEVICE_EVENT_', register: P.CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY!, deregister: P.CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY!, objKey: 'dev' },
  secret: { prefix: 'SECRET_EVENT_', register: P.CONNECT_SECRET_EVENT_REGISTER_ANY!, deregister: P.CONNECT_SECRET_EVENT_DEREGISTER_ANY!, objKey: 'secret' },
}

/** Event message procedures that carry a callback id: procedure number → family and descriptor. */
const MESSAGES = new Map<number, { family: Family; desc: AnyDesc }>()
for (const [key, desc] of Object.entries(P)) {
  if (desc.cFunction !== null || desc.decodeArgs === null || !desc.argNames.includes('callbackID')) continue
  const family = FAMILIES.find((f) => key.startsWith(WIRE[f].prefix))
  if (family) MESSAGES.set(desc.procedure, { family, desc })
}

export interface Registration {
  family: Family
  event: string
  id: number
}
export interface Refusal {
  family: Family
  event: string
  reason: string
}

/** Registers every event id of every family on `conn`; calls `onEvent` for each event. */
export async function subscribeRaw(conn: ConnectionBase, onEvent: (e: CliEvent) => void) {
  const byCallback = new Map<number, Registration>()
  const refused: Refusal[] = []
  conn.rpc.messageHandler = (header, body) => {
    if (header.program !== REMOTE_PROGRAM) return
    const m = MESSAGES.get(header.procedure)
    if (!m) return
    const msg = m.desc.decodeArgs!(new XdrReader(body)) as Record<string, unknown>
    const reg = byCallback.get(msg.callbackID as number)
    if (!reg || reg.family !== m.family) return
    const flat: Record<string, unknown> = { ...((msg.msg as Record<string, unknown> | undefined) ?? msg) }
    const obj = flat[WIRE[m.family].objKey]
    delete flat[WIRE[m.family].objKey]
    delete flat.callbackID
    onEvent({ family: m.family, event: reg.event, object: objectName(obj), fields: nameLifecycle(m.family, reg.event, flat) })
  }
  for (const family of FAMILIES) {
    const w = WIRE[family]
    for (const [event, eventID] of Object.entries(EVENT_IDS[family])) {
      try {
        const r = (await conn.call(w.register, { eventID, [w.objKey]: null })) as { callbackID: number }
        byCallback.set(r.callbackID, { family, event, id: r.callbackID })
      } catch (err) {
        refused.push({ family, event, reason: errorLine(err) })
      }
    }
  }
  return {
    registered: () => [...byCallback.values()],
    refused,
    /** Deregisters everything still registered (quietly skips a dead connection). */
    async deregisterAll(): Promise<void> {
      for (const [id, reg] of [...byCallback]) {
        byCallback.delete(id)
        if (conn.isAlive()) await conn.call(WIRE[reg.family].deregister, { callbackID: id }).catch(() => {})
      }
    },
    /** Forgets every registration without talking to the daemon (the connection is gone). */
    drop(): void {
      byCallback.clear()
    },
  }
}
