// Layer 4c (events). The arguments every event id delivers after (conn, object), in libvirt's
// argument order, as tuple types keyed by event id; the callback types are mapped from them, so a
// registration for DomainEventID.BLOCK_JOB gets (conn, dom, disk, type, status) checked by tsc.

import type { EventObject } from './objects.js'
import type { TypedParams } from '../core/typed-params.js'
import type * as C from '../generated/constants.gen.js'

/** virDomainEventGraphicsAddress. */
export interface GraphicsAddress {
  /** `DomainEventGraphicsAddressType` (IPV4, IPV6, UNIX). */
  family: C.DomainEventGraphicsAddressType
  node: string
  service: string
}

/** One identity of virDomainEventGraphicsSubject. */
export interface GraphicsSubjectIdentity {
  type: string
  name: string
}

/** Extra arguments of each domain event id (virDomainEventID), in libvirt's order. */
export interface DomainEventArgs {
  /** LIFECYCLE: the detail's enum depends on the event type: `DomainEventDetail[event]` names it. */
  0: [event: C.DomainEventType, detail: C.DomainEventDetail]
  /** REBOOT */
  1: []
  /** RTC_CHANGE: offset from UTC, seconds. */
  2: [utcoffset: bigint]
  /** WATCHDOG: virDomainEventWatchdogAction. */
  3: [action: C.DomainEventWatchdogAction]
  /** IO_ERROR */
  4: [srcPath: string, devAlias: string, action: C.DomainEventIOErrorAction]
  /** GRAPHICS */
  5: [phase: C.DomainEventGraphicsPhase, local: GraphicsAddress, remote: GraphicsAddress, authScheme: string, subject: GraphicsSubjectIdentity[]]
  /** IO_ERROR_REASON */
  6: [srcPath: string, devAlias: string, action: C.DomainEventIOErrorAction, reason: string]
  /** CONTROL_ERROR */
  7: []
  /** BLOCK_JOB: disk is the host path. */
  8: [disk: string, type: C.DomainBlockJobType, status: C.ConnectDomainEventBlockJobStatus]
  /** DISK_CHANGE */
  9: [oldSrcPath: string | null, newSrcPath: string | null, devAlias: string, reason: C.ConnectDomainEventDiskChangeReason]
  /** TRAY_CHANGE */
  10: [devAlias: string, reason: C.DomainEventTrayChangeReason]
  /** PMWAKEUP */
  11: [reason: number]
  /** PMSUSPEND */
  12: [reason: number]
  /** BALLOON_CHANGE: KiB. */
  13: [actual: bigint]
  /** PMSUSPEND_DISK */
  14: [reason: number]
  /** DEVICE_REMOVED */
  15: [devAlias: string]
  /** BLOCK_JOB_2: disk is the target name ("vda"). */
  16: [disk: string, type: C.DomainBlockJobType, status: C.ConnectDomainEventBlockJobStatus]
  /** TUNABLE */
  17: [params: TypedParams]
  /** AGENT_LIFECYCLE */
  18: [state: C.ConnectDomainEventAgentLifecycleState, reason: C.ConnectDomainEventAgentLifecycleReason]
  /** DEVICE_ADDED */
  19: [devAlias: string]
  /** MIGRATION_ITERATION */
  20: [iteration: number]
  /** JOB_COMPLETED: job statistics. */
  21: [params: TypedParams]
  /** DEVICE_REMOVAL_FAILED */
  22: [devAlias: string]
  /** METADATA_CHANGE: namespace URI (null unless ELEMENT). */
  23: [type: C.DomainMetadataType, nsuri: string | null]
  /** BLOCK_THRESHOLD */
  24: [dev: string, path: string | null, threshold: bigint, excess: bigint]
  /** MEMORY_FAILURE */
  25: [recipient: C.DomainMemoryFailureRecipientType, action: C.DomainMemoryFailureActionType, flags: C.DomainMemoryFailureFlags | C.FlagBits]
  /** MEMORY_DEVICE_SIZE_CHANGE: KiB. */
  26: [alias: string, size: bigint]
  /** NIC_MAC_CHANGE */
  27: [alias: string, oldMAC: string, newMAC: string]
}

/** Extra arguments of each network event id (virNetworkEventID). */
export interface NetworkEventArgs {
  0: [event: C.NetworkEventLifecycleType, detail: number]
  1: [type: C.NetworkMetadataType, nsuri: string | null]
}

/** Extra arguments of each storage pool event id (virStoragePoolEventID). */
export interface StoragePoolEventArgs {
  0: [event: C.StoragePoolEventLifecycleType, detail: number]
  1: []
}

/** Extra arguments of each node device event id (virNodeDeviceEventID). */
export interface NodeDeviceEventArgs {
  0: [event: C.NodeDeviceEventLifecycleType, detail: number]
  1: []
}

/** Extra arguments of each secret event id (virSecretEventID). */
export interface SecretEventArgs {
  0: [event: C.SecretEventLifecycleType, detail: number]
  1: []
}

/** Arguments of a QEMU monitor event after (conn, dom): event name, timestamp, JSON details. */
export type QemuMonitorEventArgs = [event: string, seconds: bigint, micros: number, details: string | null]

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
