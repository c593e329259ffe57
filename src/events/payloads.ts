// Layer 4c (events). The callback types of every event id, mapped from the generated payload tuples
// (arguments after (conn, object) in libvirt's order, keyed by event id), so a registration for
// DomainEventID.BLOCK_JOB gets (conn, dom, disk, type, status) checked by tsc.

import type { EventObject } from './objects.js'
import type * as C from '../generated/constants.gen.js'

// The payload tables are generated from libvirt's callback typedefs and event messages (events.gen.ts).
import type {
  DomainEventArgs, DomainEventGraphicsAddress, DomainEventGraphicsSubjectIdentity, NetworkEventArgs, NodeDeviceEventArgs, QemuMonitorEventArgs,
  SecretEventArgs, StoragePoolEventArgs,
} from '../generated/events.gen.js'
export type {
  DomainEventArgs, DomainEventGraphicsAddress, DomainEventGraphicsSubjectIdentity, NetworkEventArgs, NodeDeviceEventArgs, QemuMonitorEventArgs,
  SecretEventArgs, StoragePoolEventArgs,
}

/**
 * Callbacks may return a promise: a rejection goes to `onCallbackError` like an exception.
 * The return value is otherwise ignored.
 */
type CallbackResult = void | Promise<unknown>

/** A virDomainEventID value (`DomainEventID.*`) as a type: the key of the payload table. */
export type DomainEventId = keyof DomainEventArgs
/** A virNetworkEventID value (`NetworkEventID.*`) as a type: the key of the payload table. */
export type NetworkEventId = keyof NetworkEventArgs
/** A virStoragePoolEventID value (`StoragePoolEventID.*`) as a type: the key of the payload table. */
export type StoragePoolEventId = keyof StoragePoolEventArgs
/** A virNodeDeviceEventID value (`NodeDeviceEventID.*`) as a type: the key of the payload table. */
export type NodeDeviceEventId = keyof NodeDeviceEventArgs
/** A virSecretEventID value (`SecretEventID.*`) as a type: the key of the payload table. */
export type SecretEventId = keyof SecretEventArgs

/** Callback for domain event `K`: `(conn, dom, ...args)`. */
export type DomainEventCallback<K extends DomainEventId, C = unknown> = (conn: C, dom: EventObject<'domain'>, ...args: DomainEventArgs[K]) => CallbackResult
/** Callback for network event `K`: `(conn, net, ...args)`. */
export type NetworkEventCallback<K extends NetworkEventId, C = unknown> = (conn: C, net: EventObject<'network'>, ...args: NetworkEventArgs[K]) => CallbackResult
/** Callback for storagePool event `K`: `(conn, pool, ...args)`. */
export type StoragePoolEventCallback<K extends StoragePoolEventId, C = unknown> = (conn: C, pool: EventObject<'storagePool'>, ...args: StoragePoolEventArgs[K]) => CallbackResult
/** Callback for nodeDevice event `K`: `(conn, dev, ...args)`. */
export type NodeDeviceEventCallback<K extends NodeDeviceEventId, C = unknown> = (conn: C, dev: EventObject<'nodeDevice'>, ...args: NodeDeviceEventArgs[K]) => CallbackResult
/** Callback for secret event `K`: `(conn, secret, ...args)`. */
export type SecretEventCallback<K extends SecretEventId, C = unknown> = (conn: C, secret: EventObject<'secret'>, ...args: SecretEventArgs[K]) => CallbackResult
/** Callback for QEMU monitor events: `(conn, dom, event, seconds, micros, details)`. */
export type QemuMonitorEventCallback<C = unknown> = (conn: C, dom: EventObject<'domain'>, ...args: QemuMonitorEventArgs) => CallbackResult
/** Legacy domainEventRegister callback: lifecycle only. */
export type DomainLifecycleCallback<C = unknown> = DomainEventCallback<0, C>
/** Close callback: `(conn, reason)` with reason ERROR 0, EOF 1, KEEPALIVE 2, CLIENT 3 (`ConnectCloseReason`). */
export type CloseCallback<Conn = unknown> = (conn: Conn, reason: C.ConnectCloseReason) => CallbackResult
