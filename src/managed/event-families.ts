// Layer 7 (notifier). The five event families the notifier tracks, and the names of the methods
// that register / deregister each on the wrapped Connection; one table so every per-family
// path (tracking, close clean-up, the *Events() iterables) is written once.

import type { EventObjectKind } from '../events/objects.js'

/** One family of event registrations: its register-any and deregister-any method names. */
export interface EventFamily {
  readonly kind: EventObjectKind
  readonly register: string
  readonly deregister: string
}

/** The five families, keyed by the kind of object their events are about. */
export const EVENT_FAMILIES: Readonly<Record<EventObjectKind, EventFamily>> = {
  domain: { kind: 'domain', register: 'domainEventRegisterAny', deregister: 'domainEventDeregisterAny' },
  network: { kind: 'network', register: 'networkEventRegisterAny', deregister: 'networkEventDeregisterAny' },
  storagePool: { kind: 'storagePool', register: 'storagePoolEventRegisterAny', deregister: 'storagePoolEventDeregisterAny' },
  nodeDevice: { kind: 'nodeDevice', register: 'nodeDeviceEventRegisterAny', deregister: 'nodeDeviceEventDeregisterAny' },
  secret: { kind: 'secret', register: 'secretEventRegisterAny', deregister: 'secretEventDeregisterAny' },
}
