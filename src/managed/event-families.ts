// Layer 7 (notifier). The event families the notifier tracks (the five register-any families and
// QEMU monitor events) and the C names used in its error messages; one table so every per-family
// path (tracking, replay after a reconnect, close clean-up) is written once.

import type { EventFamily } from '../events/families.js'
import type { EventObjectKind } from '../events/objects.js'
import { OBJECT_EVENT_FAMILIES } from '../generated/events.gen.js'

/** One tracked family: the kind of object its events are about, and its names for messages. */
export interface TrackedFamily {
  readonly family: EventFamily
  readonly kind: EventObjectKind
  /** The wrapper's method that registers (for error messages). */
  readonly register: string
  /** The wrapper's method that deregisters (for error messages). */
  readonly deregister: string
}

/** Every family the notifier tracks, keyed by family: the five of the generated event table, and QEMU monitor events. */
export const EVENT_FAMILIES: Readonly<Record<EventFamily, TrackedFamily>> = {
  ...(Object.fromEntries(
    OBJECT_EVENT_FAMILIES.map((f) => [f, { family: f, kind: f, register: `${f}EventRegisterAny`, deregister: `${f}EventDeregisterAny` }]),
  ) as Record<(typeof OBJECT_EVENT_FAMILIES)[number], TrackedFamily>),
  qemuMonitor: { family: 'qemuMonitor', kind: 'domain', register: 'qemuMonitorEventRegister', deregister: 'qemuMonitorEventDeregister' },
}
