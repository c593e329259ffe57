// CLI. What `watch` and `demo` print for an event: family, event-id name, object name and the
// event's own fields, with life-cycle numbers turned into libvirt's names (STARTED/BOOTED…).

import * as C from '../generated/constants.gen.js'
import { keyValues, toJson } from './format.js'

export type Family = 'domain' | 'network' | 'storagePool' | 'nodeDevice' | 'secret'
export const FAMILIES: readonly Family[] = ['domain', 'network', 'storagePool', 'nodeDevice', 'secret']

/** Event ids per family, from libvirt's enums (newest ids last). */
export const EVENT_IDS: Readonly<Record<Family, Readonly<Record<string, number>>>> = {
  domain: C.DomainEventID,
  network: C.NetworkEventID,
  storagePool: C.StoragePoolEventID,
  nodeDevice: C.NodeDeviceEventID,
  secret: C.SecretEventID,
}

const LC = ['event', 'detail']
/** Names of each event id's arguments after the object, in libvirt's order (see events/payloads.ts). */
export const ARG_NAMES: Readonly<Record<Family, Readonly<Record<number, readonly string[]>>>> = {
  domain: {
    0: LC, 1: [], 2: ['utcoffset'], 3: ['action'], 4: ['srcPath', 'devAlias', 'action'],
    5: ['phase', 'local', 'remote', 'authScheme', 'subject'], 6: ['srcPath', 'devAlias', 'action', 'reason'], 7: [],
    8: ['disk', 'type', 'status'], 9: ['oldSrcPath', 'newSrcPath', 'devAlias', 'reason'], 10: ['devAlias', 'reason'],
    11: ['reason'], 12: ['reason'], 13: ['actual'], 14: ['reason'], 15: ['devAlias'], 16: ['disk', 'type', 'status'],
    17: ['params'], 18: ['state', 'reason'], 19: ['devAlias'], 20: ['iteration'], 21: ['params'], 22: ['devAlias'],
    23: ['type', 'nsuri'], 24: ['dev', 'path', 'threshold', 'excess'], 25: ['recipient', 'action', 'flags'],
    26: ['alias', 'size'], 27: ['alias', 'oldMAC', 'newMAC'],
  },
  network: { 0: LC, 1: ['type', 'nsuri'] },
  storagePool: { 0: LC, 1: [] },
  nodeDevice: { 0: LC, 1: [] },
  secret: { 0: LC, 1: [] },
}

export interface CliEvent {
  family: Family
  /** Event id name, e.g. LIFECYCLE, REFRESH, METADATA_CHANGE. */
  event: string
  /** The object's name (a secret's usage id or UUID). */
  object: string
  /** The event's own fields, life-cycle numbers already named. */
  fields: Record<string, unknown>
}

const invert = (o: Readonly<Record<string, number>>): Record<number, string> => Object.fromEntries(Object.entries(o).map(([k, v]) => [v, k]))

const DOMAIN_DETAILS = [
  C.DomainEventDefinedDetailType,
  C.DomainEventUndefinedDetailType,
  C.DomainEventStartedDetailType,
  C.DomainEventSuspendedDetailType,
  C.DomainEventResumedDetailType,
  C.DomainEventStoppedDetailType,
  C.DomainEventShutdownDetailType,
  C.DomainEventPMSuspendedDetailType,
  C.DomainEventCrashedDetailType,
].map(invert)

const LIFECYCLE_TYPES: Readonly<Record<Family, Record<number, string>>> = {
  domain: invert(C.DomainEventType),
  network: invert(C.NetworkEventLifecycleType),
  storagePool: invert(C.StoragePoolEventLifecycleType),
  nodeDevice: invert(C.NodeDeviceEventLifecycleType),
  secret: invert(C.SecretEventLifecycleType),
}

/** Replaces numeric life-cycle `event`/`detail` fields by their names (unknown numbers stay). */
export function nameLifecycle(family: Family, event: string, fields: Record<string, unknown>): Record<string, unknown> {
  if (event !== 'LIFECYCLE' || typeof fields.event !== 'number') return fields
  const ev = fields.event
  const out: Record<string, unknown> = { ...fields, event: LIFECYCLE_TYPES[family][ev] ?? ev }
  if (typeof fields.detail === 'number') {
    if (family === 'domain') out.detail = DOMAIN_DETAILS[ev]?.[fields.detail] ?? fields.detail
  }
  return out
}

/** The object's display name from a wire or API object (domain/network/pool/device/secret). */
export function objectName(obj: unknown): string {
  if (obj === null || obj === undefined) return '-'
  if (typeof obj === 'string') return obj
  const o = obj as Record<string, unknown>
  if (o.wire && typeof o.wire === 'object') return objectName(o.wire)
  const name = typeof o.name === 'function' ? undefined : o.name
  if (typeof name === 'string') return name
  if (typeof o.usageID === 'string' && o.usageID !== '') return o.usageID
  if (typeof o.uuid === 'string') return o.uuid
  if (typeof o.getName === 'function') return String((o.getName as () => unknown).call(o))
  return toJson(o)
}

/** One readable line: `domain     LIFECYCLE       demo-vm  event=STARTED detail=BOOTED`. */
export function eventLine(e: CliEvent): string {
  const kv = keyValues(e.fields)
  return `${e.family.padEnd(11)} ${e.event.padEnd(16)} ${e.object}${kv ? `  ${kv}` : ''}`
}

/** One JSON object per line. */
export function eventJson(e: CliEvent): string {
  return toJson({ time: new Date().toISOString(), family: e.family, event: e.event, object: e.object, args: e.fields })
}
