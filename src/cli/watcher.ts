// CLI. Subscribes a connection to every event id of every family and keeps the bookkeeping the
// commands print: what was registered, what the daemon refused (and why), and how many
// registrations are still tracked. Events and refusals go to the callbacks given.

import type { Connection } from '../api/connection.js'
import { FAMILIES, type CliEvent, type Family } from './event-model.js'
import { subscribeRaw, type Refusal } from './raw-events.js'

export interface Watcher {
  refused: readonly Refusal[]
  /** Tracked registrations per family. */
  counts(): Record<Family, number>
  total(): number
  /** Deregister everything (or, when the connection is gone, just forget it). */
  cleanUp(): Promise<void>
}

/** Registers everything on `conn`, calling `onEvent` for each event as it arrives. */
export async function watchAll(conn: Connection, onEvent: (e: CliEvent) => void): Promise<Watcher> {
  const sub = await subscribeRaw(conn, onEvent)
  const counts = (): Record<Family, number> => {
    const c = Object.fromEntries(FAMILIES.map((f) => [f, 0])) as Record<Family, number>
    for (const r of sub.registered()) c[r.family]++
    return c
  }
  return {
    refused: sub.refused,
    counts,
    total: () => sub.registered().length,
    cleanUp: async () => {
      if (conn.isAlive()) await sub.deregisterAll()
      else sub.drop()
    },
  }
}

/** `domain 28, network 2, …` */
export function countsLine(c: Record<Family, number>): string {
  return FAMILIES.map((f) => `${f} ${c[f]}`).join(', ')
}

/** Groups refusals: `secret: LIFECYCLE, VALUE_CHANGED — reason`. */
export function refusalLines(refused: readonly Refusal[]): string[] {
  const groups = new Map<string, string[]>()
  for (const r of refused) {
    const k = `${r.family}\u0000${r.reason}`
    groups.set(k, [...(groups.get(k) ?? []), r.event])
  }
  return [...groups].map(([k, events]) => {
    const [family, reason] = k.split('\u0000')
    return `${family}: ${events.join(', ')} refused — ${reason}`
  })
}
