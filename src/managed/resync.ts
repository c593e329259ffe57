// Layer 7 (notifier). What `resync` reports after a reconnect: every domain (UUID, name, state)
// listed on connect and after each reconnect, and the difference between the two lists — the
// domains that appeared, disappeared or changed state while the events were not flowing.

import type { Connection } from '../api/objects.js'
import type { Domain } from '../api/objects.js'
import { LibvirtError } from '../errors.js'
import { VIR_ERR_NO_DOMAIN } from '../generated/constants.gen.js'

/** One domain as the resync listing saw it. */
export interface ResyncDomain {
  readonly uuid: string
  readonly name: string
  /** virDomainState (e.g. 1 RUNNING, 5 SHUTOFF). */
  readonly state: number
  /** The domain, bound to the wrapper (absent for one that disappeared: it no longer exists). */
  readonly domain?: Domain
}

/** A domain whose state differs between the listing before the loss and the one after. */
export interface DomainStateChange {
  readonly uuid: string
  readonly name: string
  readonly domain: Domain
  /** virDomainState before the loss. */
  readonly before: number
  /** virDomainState after the reconnect. */
  readonly after: number
}

/**
 * The difference between the domains before the loss and after the reconnect. Apply it to the
 * view the application built from events: add `appeared`, remove `disappeared`, update `changed`;
 * then carry on with events (nothing from the new connection is delivered before onReconnect).
 */
export interface ResyncDiff {
  readonly appeared: readonly ResyncDomain[]
  readonly disappeared: readonly ResyncDomain[]
  readonly changed: readonly DomainStateChange[]
}

/** Lists every domain (active and inactive) with its state; domains that vanish meanwhile are left out. */
export async function listDomainStates(conn: Connection): Promise<Map<string, ResyncDomain>> {
  const doms = await conn.listAllDomains()
  const states = await Promise.all(
    doms.map(async (d) => {
      try {
        return (await d.getState()).state as number
      } catch (e) {
        if (e instanceof LibvirtError && e.code === VIR_ERR_NO_DOMAIN) return null
        throw e
      }
    }),
  )
  const out = new Map<string, ResyncDomain>()
  doms.forEach((d, i) => {
    const state = states[i]
    if (state !== null && state !== undefined) out.set(d.uuid, { uuid: d.uuid, name: d.name, state, domain: d })
  })
  return out
}

/** The difference from `before` to `after` (both from {@link listDomainStates}). */
export function diffDomains(before: ReadonlyMap<string, ResyncDomain>, after: ReadonlyMap<string, ResyncDomain>): ResyncDiff {
  const appeared: ResyncDomain[] = []
  const disappeared: ResyncDomain[] = []
  const changed: DomainStateChange[] = []
  for (const [uuid, now] of after) {
    const was = before.get(uuid)
    if (!was) appeared.push(now)
    else if (was.state !== now.state) changed.push({ uuid, name: now.name, domain: now.domain!, before: was.state, after: now.state })
  }
  for (const [uuid, was] of before) {
    if (!after.has(uuid)) disappeared.push({ uuid: was.uuid, name: was.name, state: was.state })
  }
  return { appeared, disappeared, changed }
}

/** virDomainEventType → the virDomainState it leaves the domain in (null: no change of state). */
const STATE_AFTER_EVENT: Readonly<Record<number, number | null>> = {
  2: 1, // STARTED → RUNNING
  3: 3, // SUSPENDED → PAUSED
  4: 1, // RESUMED → RUNNING
  5: 5, // STOPPED → SHUTOFF
  6: null, // SHUTDOWN: a STOPPED follows when it is done
  7: 7, // PMSUSPENDED → PMSUSPENDED
  8: 6, // CRASHED → CRASHED
}

/**
 * Keeps a listing current with a life-cycle event, so the difference after a reconnect is the
 * change during the gap, not since the last listing.
 */
export function applyLifecycle(map: Map<string, ResyncDomain>, domain: Domain, event: number): void {
  const uuid = domain.uuid
  if (event === 1) {
    map.delete(uuid) // UNDEFINED
    return
  }
  const was = map.get(uuid)
  if (event === 0) {
    if (!was) map.set(uuid, { uuid, name: domain.name, state: 5, domain }) // DEFINED: a new domain is shut off
    return
  }
  const state = STATE_AFTER_EVENT[event]
  if (state === null || state === undefined) return
  map.set(uuid, { uuid, name: domain.name, state, domain: was?.domain ?? domain })
}
