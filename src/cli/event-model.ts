// CLI. What `watch` and `demo` print for an event: family, event-id name, object name and the
// event's own fields, with life-cycle numbers turned into libvirt's names (STARTED/BOOTED…).

import * as C from '../generated/constants.gen.js'
import { EVENT_TABLE, OBJECT_EVENT_FAMILIES } from '../generated/events.gen.js'
import { keyValues, toJson } from './format.js'

export type Family = (typeof OBJECT_EVENT_FAMILIES)[number]
export const FAMILIES: readonly Family[] = OBJECT_EVENT_FAMILIES

/** Event ids per family, from libvirt's enums (newest ids last). */
export const EVENT_IDS: Readonly<Record<Family, Readonly<Record<string, number>>>> = {
  domain: C.DomainEventID,
  network: C.NetworkEventID,
  storagePool: C.StoragePoolEventID,
  nodeDevice: C.NodeDeviceEventID,
  secret: C.SecretEventID,
}

/** Names of each event id's arguments after the object, in libvirt's order (the generated event table). */
export const ARG_NAMES: Readonly<Record<Family, Readonly<Record<number, readonly string[]>>>> = (() => {
  const out: Record<Family, Record<number, readonly string[]>> = { domain: {}, network: {}, storagePool: {}, nodeDevice: {}, secret: {} }
  for (const e of EVENT_TABLE) if (e.family !== 'qemuMonitor') out[e.family][e.eventId] = e.argNames
  return out
})()

export interface CliEvent {
  family: Family
  /** Event id name, e.g. LIFECYCLE, REFRESH, METADATA_CHANGE. */
  event: string
  /** The object's name (a secret's usage id or UUID). */
  object: string
  /** The event's own fields, life-cycle numbers already named. */
  fields: Record<string, unknown>
}

const LIFECYCLE_TYPES: Readonly<Record<Family, Readonly<Record<string, number>>>> = {
  domain: C.DomainEventType,
  network: C.NetworkEventLifecycleType,
  storagePool: C.StoragePoolEventLifecycleType,
  nodeDevice: C.NodeDeviceEventLifecycleType,
  secret: C.SecretEventLifecycleType,
}

/** Replaces numeric life-cycle `event`/`detail` fields by their names (unknown numbers stay). */
export function nameLifecycle(family: Family, event: string, fields: Record<string, unknown>): Record<string, unknown> {
  if (event !== 'LIFECYCLE' || typeof fields.event !== 'number') return fields
  const ev = fields.event
  const out: Record<string, unknown> = { ...fields, event: C.enumName(LIFECYCLE_TYPES[family], ev) ?? ev }
  if (typeof fields.detail === 'number' && family === 'domain') {
    const details = (C.DomainEventDetail as Readonly<Record<number, Readonly<Record<string, number>>>>)[ev]
    out.detail = (details && C.enumName(details, fields.detail)) ?? fields.detail
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
