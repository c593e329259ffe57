// Benchmark helpers: event registration for the events and memory scenarios, through the typed
// register-any methods of all five families.

import type { Connection } from '../../src/api/objects.js'

/** Calls `onEvent` for every domain life-cycle event on `conn`. */
export async function listenLifecycle(conn: Connection, onEvent: () => void): Promise<void> {
  await conn.domainEventRegisterAny(null, 0, onEvent)
}

/** Registers one life-cycle callback of each of the five families; resolves with how many the daemon took. */
export async function registerAllFamilies(conn: Connection): Promise<number> {
  const noop = (): void => {}
  const settled = await Promise.allSettled([
    conn.domainEventRegisterAny(null, 0, noop),
    conn.networkEventRegisterAny(null, 0, noop),
    conn.storagePoolEventRegisterAny(null, 0, noop),
    conn.nodeDeviceEventRegisterAny(null, 0, noop),
    conn.secretEventRegisterAny(null, 0, noop),
  ])
  return settled.filter((s) => s.status === 'fulfilled').length
}
