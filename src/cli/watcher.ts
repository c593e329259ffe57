// CLI. Subscribes through the notifier (ManagedConnection) to every event id of every family and
// keeps what the commands print: what the daemon refused (and why), how many registrations the
// wrapper tracks per family, and the close reason once the wrapper has cleaned up. With
// `reconnect`, the wrapper survives daemon restarts and reports each disconnect and reconnect.

import type { Connection } from '../api/objects.js'
import type { CloseReason } from '../client/close-reason.js'
import { ManagedConnection, type ReconnectInfo } from '../managed/managed-connection.js'
import { ARG_NAMES, EVENT_IDS, FAMILIES, nameLifecycle, objectName, type CliEvent, type Family } from './event-model.js'
import { errorLine } from './format.js'

export interface Refusal {
  family: Family
  event: string
  reason: string
}

export interface Watcher {
  wrapper: ManagedConnection
  refused: readonly Refusal[]
  /** Registrations the wrapper tracks, per family. */
  counts(): Record<Family, number>
  total(): number
  /** Settles with the reason once the wrapper's close sequence (clean-up included) is done. */
  closed: Promise<CloseReason>
}

type Listener = (w: unknown, obj: unknown, ...args: unknown[]) => void

/** Registers `cb` for event `id` of `family` on the wrapper (every object of the family). */
function registerFamily(w: ManagedConnection, family: Family, id: number, cb: Listener): Promise<number> {
  // The ids come from the generated tables, so they are valid for their family; the payload is untyped here.
  const any = cb as never
  switch (family) {
    case 'domain':
      return w.domainEventRegisterAny(null, id as never, any)
    case 'network':
      return w.networkEventRegisterAny(null, id as never, any)
    case 'storagePool':
      return w.storagePoolEventRegisterAny(null, id as never, any)
    case 'nodeDevice':
      return w.nodeDeviceEventRegisterAny(null, id as never, any)
    case 'secret':
      return w.secretEventRegisterAny(null, id as never, any)
  }
}

/** What `watch --reconnect` wants to hear about. */
export interface ReconnectHooks {
  onDisconnect(reason: CloseReason): void
  onReconnect(info: ReconnectInfo): void
}

/**
 * Wraps `conn` in a ManagedConnection and registers every event id of every family on it;
 * `onEvent` gets each event as it arrives, `onClose` runs as the wrapper's onClose (before
 * clean-up, when the connection is lost). With `reconnect`, the wrapper reconnects (default
 * backoff, unlimited attempts) with resync on, and tells `reconnect` about each gap.
 */
export async function watchAll(conn: Connection, onEvent: (e: CliEvent) => void, onClose?: (reason: CloseReason) => void, reconnect?: ReconnectHooks): Promise<Watcher> {
  const wrapper = await ManagedConnection.create({
    virt: conn,
    onClose: (_w, reason) => onClose?.(reason),
    ...(reconnect
      ? {
          reconnect: true,
          resync: true,
          onDisconnect: (_w: unknown, reason: CloseReason) => reconnect.onDisconnect(reason),
          onReconnect: (_w: unknown, info: ReconnectInfo) => reconnect.onReconnect(info),
        }
      : {}),
  })
  const refused: Refusal[] = []
  for (const family of FAMILIES) {
    const register = (id: number, cb: Listener): Promise<number> => registerFamily(wrapper, family, id, cb)
    for (const [event, id] of Object.entries(EVENT_IDS[family])) {
      try {
        await register(id, (_w, obj, ...args) => {
          const names = ARG_NAMES[family][id] ?? args.map((_, i) => `arg${i}`)
          const fields = Object.fromEntries(names.map((n, i) => [n, args[i]]))
          onEvent({ family, event, object: objectName(obj), fields: nameLifecycle(family, event, fields) })
        })
      } catch (err) {
        refused.push({ family, event, reason: errorLine(err) })
      }
    }
  }
  const counts = (): Record<Family, number> => Object.fromEntries(FAMILIES.map((f) => [f, wrapper.trackedCallbackIds(f).length])) as Record<Family, number>
  return {
    wrapper,
    refused,
    counts,
    total: () => Object.values(counts()).reduce((a, b) => a + b, 0),
    closed: wrapper.closed,
  }
}

/** `domain 27, network 1, …` */
export function countsLine(c: Record<Family, number>): string {
  return FAMILIES.map((f) => `${f} ${c[f]}`).join(', ')
}

/** Groups refusals: `secret: LIFECYCLE, VALUE_CHANGED refused — reason`. */
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
