// Layer 4c (events). How event objects (the domain, network, … an event is about) cross between the
// wire and user code, without the events layer importing the API classes (no import cycle): the
// API layer augments EventObjectTypeMap for the types and overrides EventConnection.wrapEventObject.

import type { DomainHandle, NetworkHandle, NodeDeviceHandle, SecretHandle, StoragePoolHandle } from '../generated/handles.gen.js'

import type { EventObjectKind } from '../generated/events.gen.js'
export type { EventObjectKind }

/** The objects as they travel on the wire (what callbacks get until the API layer wraps them). */
export interface RawEventObjects {
  domain: DomainHandle
  network: NetworkHandle
  storagePool: StoragePoolHandle
  nodeDevice: NodeDeviceHandle
  secret: SecretHandle
}

/**
 * Filled by the API layer through declaration merging, e.g.
 * `declare module '../events/objects.js' { interface EventObjectTypeMap { domain: Domain } }`,
 * together with an override of `EventConnection.wrapEventObject` that builds those instances.
 * Kinds not listed here stay the raw wire objects.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface EventObjectTypeMap {}

/** The type user callbacks receive (and filters accept) for `K`. */
export type EventObject<K extends EventObjectKind> = K extends keyof EventObjectTypeMap ? EventObjectTypeMap[K] : RawEventObjects[K]

/** What a registration filter accepts for `K`: the API object, or its raw wire struct. */
export type EventFilter<K extends EventObjectKind> = EventObject<K> | RawEventObjects[K]

/**
 * The wire identity of a filter object: an API object may carry it as `raw`, or as its own
 * `name`/`uuid`/`id` (…) properties; a raw wire object works as is.
 * @throws TypeError when `obj` does not identify an object of `kind`.
 */
export function wireIdentity<K extends EventObjectKind>(kind: K, obj: unknown, where: string): RawEventObjects[K] {
  // API objects carry their wire handle as `wire` (src/api/object-base.ts); `raw` is accepted too.
  const inner = obj !== null && typeof obj === 'object' ? ((obj as { wire?: unknown }).wire ?? (obj as { raw?: unknown }).raw) : undefined
  const src = (inner !== null && typeof inner === 'object' ? inner : obj) as Record<string, unknown>
  const bad = (what: string): never => {
    throw new TypeError(`${where}: the ${kind} filter must be null or a ${kind} object (${what})`)
  }
  if (src === null || typeof src !== 'object') bad('got ' + (src === null ? 'undefined' : typeof src))
  const str = (k: string): string => (typeof src[k] === 'string' ? (src[k] as string) : bad(`no string ${k}`))
  switch (kind) {
    case 'domain':
      return { name: str('name'), uuid: str('uuid'), id: typeof src.id === 'number' ? src.id : -1 } as RawEventObjects[K]
    case 'network':
    case 'storagePool':
      return { name: str('name'), uuid: str('uuid') } as RawEventObjects[K]
    case 'nodeDevice':
      return { name: str('name') } as RawEventObjects[K]
    case 'secret':
      return { uuid: str('uuid'), usageType: typeof src.usageType === 'number' ? src.usageType : 0, usageID: typeof src.usageID === 'string' ? src.usageID : '' } as RawEventObjects[K]
  }
  return bad('unknown kind')
}

/** The key libvirt filters on: UUID, or the name for node devices (which have no UUID). */
export function filterKey(kind: EventObjectKind, raw: RawEventObjects[EventObjectKind]): string {
  return kind === 'nodeDevice' ? (raw as NodeDeviceHandle).name : (raw as { uuid: string }).uuid
}
