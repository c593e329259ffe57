// Layer 4c (events). Public surface of the events layer: the connection mixin, typed payloads and
// callbacks per event id, the event id names, and the object hooks the API layer fills in.

export { EventConnection } from './event-connection.js'
export { EVENT_ID_NAMES, type EventFamily } from './families.js'
export { ROUTED_REMOTE_PROCEDURES } from './messages.js'
export type { EventObject, EventFilter, EventObjectKind, EventObjectTypeMap, RawEventObjects } from './objects.js'
export type { TypedParams } from '../core/typed-params.js'
export type * from './payloads.js'
export {
  DomainEventID,
  NetworkEventID,
  StoragePoolEventID,
  NodeDeviceEventID,
  SecretEventID,
  DomainEventType,
  NetworkEventLifecycleType,
  StoragePoolEventLifecycleType,
  NodeDeviceEventLifecycleType,
  SecretEventLifecycleType,
} from '../generated/constants.gen.js'
