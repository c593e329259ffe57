// Layer 7 (notifier). The event families the notifier tracks (the five register-any families and
// QEMU monitor events) and the C names used in its error messages; one table so every per-family
// path (tracking, replay after a reconnect, close clean-up) is written once.

import type { EventFamily } from '../events/families.js'
import type { EventObjectKind } from '../events/objects.js'

/** One tracked family: the kind of object its events are about, and its names for messages. */
export interface TrackedFamily {
  readonly family: EventFamily
  readonly kind: EventObjectKind
  /** The wrapper's method that registers (for error messages). */
  readonly register: string
  /** The wrapper's method that deregisters (for error messages). */
  readonly deregister: string
}

/** Every family the notifier tracks, keyed by family. */
export const EVENT_FAMILIES: Readonly<Record<EventFamily, TrackedFamily>> = {
  domain: { family: 'domain', kind: 'domain', register: 'domainEventRegisterAny', deregister: 'domainEventDeregisterAny' },
  network: { family: 'network', kind: 'network', register: 'networkEventRegisterAny', deregister: 'networkEventDeregisterAny' },
  storagePool: { family: 'storagePool', kind: 'storagePool', register: 'storagePoolEventRegisterAny', deregister: 'storagePoolEventDeregisterAny' },
  nodeDevice: { family: 'nodeDevice', kind: 'nodeDevice', register: 'nodeDeviceEventRegisterAny', deregister: 'nodeDeviceEventDeregisterAny' },
  secret: { family: 'secret', kind: 'secret', register: 'secretEventRegisterAny', deregister: 'secretEventDeregisterAny' },
  qemuMonitor: { family: 'qemuMonitor', kind: 'domain', register: 'qemuMonitorEventRegister', deregister: 'qemuMonitorEventDeregister' },
}
