// Benchmark helpers: event registration for the events and memory scenarios. Raw procedures
// (CONNECT_*_EVENT_*REGISTER_ANY) with a counting message handler until the events layer's
// typed registration lands.

import type { Connection } from '../../src/api/connection.js'
import { REMOTE_PROCEDURES as P } from '../../src/generated/remote-procedures.gen.js'

/** Calls `onEvent` for every domain life-cycle event on `conn`. */
export async function listenLifecycle(conn: Connection, onEvent: () => void): Promise<void> {
  const proc = P.DOMAIN_EVENT_CALLBACK_LIFECYCLE.procedure
  conn.rpc.messageHandler = (h) => {
    if (h.procedure === proc) onEvent()
  }
  await conn.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 0, dom: null })
}

/** Registers one life-cycle callback of each of the five families; resolves with how many the daemon took. */
export async function registerAllFamilies(conn: Connection): Promise<number> {
  conn.rpc.messageHandler ??= () => {}
  const calls: Array<Promise<unknown>> = [
    conn.call(P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: 0, dom: null }),
    conn.call(P.CONNECT_NETWORK_EVENT_REGISTER_ANY, { eventID: 0, net: null }),
    conn.call(P.CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, { eventID: 0, pool: null }),
    conn.call(P.CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY, { eventID: 0, dev: null }),
    conn.call(P.CONNECT_SECRET_EVENT_REGISTER_ANY, { eventID: 0, secret: null }),
  ]
  const settled = await Promise.allSettled(calls)
  return settled.filter((s) => s.status === 'fulfilled').length
}
