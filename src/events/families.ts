// Layer 4c (events). The five event families plus QEMU monitor events: which object kind each is
// about, its event ids and their names, and the wire procedures that register and deregister a
// server-side callback (the *_CALLBACK_REGISTER_ANY style: server-side filtering by object).

import type { ProcedureDescriptor } from '../generated/procedure.js'
import { DomainEventID, NetworkEventID, NodeDeviceEventID, SecretEventID, StoragePoolEventID } from '../generated/constants.gen.js'
import { QEMU_PROCEDURES, REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { EventObjectKind, RawEventObjects } from './objects.js'

import type { EventFamily } from '../generated/events.gen.js'
export type { EventFamily }

/** Event id → name, per family (from libvirt's enums; QEMU monitor events have no ids). */
export const EVENT_ID_NAMES: Readonly<Record<Exclude<EventFamily, 'qemuMonitor'>, Readonly<Record<number, string>>>> = {
  domain: invert(DomainEventID),
  network: invert(NetworkEventID),
  storagePool: invert(StoragePoolEventID),
  nodeDevice: invert(NodeDeviceEventID),
  secret: invert(SecretEventID),
}

function invert(o: Readonly<Record<string, number>>): Record<number, string> {
  const r: Record<number, string> = {}
  for (const [k, v] of Object.entries(o)) r[v] = k
  return r
}

/** How one family talks to the daemon. */
export interface FamilyWire {
  readonly kind: EventObjectKind
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly register: ProcedureDescriptor<any, { callbackID: number }>
  readonly deregister: ProcedureDescriptor<{ callbackID: number }, void>
  /** The register procedure's argument struct for (eventId, filter object or null). */
  registerArgs(eventId: number, obj: RawEventObjects[EventObjectKind] | null, extra?: { event: string | null; flags: number }): unknown
}

/** How each family registers and deregisters on the wire (internal to the events layer). */
export const FAMILY_WIRE: Readonly<Record<EventFamily, FamilyWire>> = {
  domain: {
    kind: 'domain',
    register: REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
    deregister: REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
    registerArgs: (eventID, dom) => ({ eventID, dom }),
  },
  network: {
    kind: 'network',
    register: REMOTE_PROCEDURES.CONNECT_NETWORK_EVENT_REGISTER_ANY,
    deregister: REMOTE_PROCEDURES.CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
    registerArgs: (eventID, net) => ({ eventID, net }),
  },
  storagePool: {
    kind: 'storagePool',
    register: REMOTE_PROCEDURES.CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
    deregister: REMOTE_PROCEDURES.CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
    registerArgs: (eventID, pool) => ({ eventID, pool }),
  },
  nodeDevice: {
    kind: 'nodeDevice',
    register: REMOTE_PROCEDURES.CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY,
    deregister: REMOTE_PROCEDURES.CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY,
    registerArgs: (eventID, dev) => ({ eventID, dev }),
  },
  secret: {
    kind: 'secret',
    register: REMOTE_PROCEDURES.CONNECT_SECRET_EVENT_REGISTER_ANY,
    deregister: REMOTE_PROCEDURES.CONNECT_SECRET_EVENT_DEREGISTER_ANY,
    registerArgs: (eventID, secret) => ({ eventID, secret }),
  },
  qemuMonitor: {
    kind: 'domain',
    register: QEMU_PROCEDURES.CONNECT_DOMAIN_MONITOR_EVENT_REGISTER,
    deregister: QEMU_PROCEDURES.CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER,
    registerArgs: (_id, dom, extra) => ({ dom, event: extra?.event ?? null, flags: extra?.flags ?? 0 }),
  },
}

/** The C function name used in libvirt's error messages for each family's register call. */
export const REGISTER_FUNCTION: Readonly<Record<EventFamily, string>> = {
  domain: 'virConnectDomainEventRegisterAny',
  network: 'virConnectNetworkEventRegisterAny',
  storagePool: 'virConnectStoragePoolEventRegisterAny',
  nodeDevice: 'virConnectNodeDeviceEventRegisterAny',
  secret: 'virConnectSecretEventRegisterAny',
  qemuMonitor: 'virConnectDomainQemuMonitorEventRegister',
}
