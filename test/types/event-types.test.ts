// Type-level tests of event registration: compiled by tsc (a wrong type fails the build). Every
// event id of every family in the generated constants has a payload type, and a callback gets
// (conn, object, ...args) typed by the event id it is registered for; the runtime part only
// checks that the registration methods exist.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type {
  Connection, Domain, Network, StoragePool, NodeDevice, Secret, TypedParams,
  DomainEventCallback, DomainEventId, NetworkEventId, StoragePoolEventId, NodeDeviceEventId, SecretEventId, CloseCallback,
  DomainEventType, DomainEventDetail, DomainBlockJobType, ConnectDomainEventBlockJobStatus, DomainMetadataType, NetworkEventLifecycleType,
  SecretEventLifecycleType,
} from '../../src/index.js'
import { Connection as ConnectionClass, DomainEventID, NetworkEventID, NodeDeviceEventID, SecretEventID, StoragePoolEventID } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `A` and `B` are the same type. */
function same<A, B>(..._: Equal<A, B> extends true ? [] : [never]): void {}
type ValueOf<T> = T[keyof T]

// Every generated event id has a payload entry, and nothing else does.
same<DomainEventId, ValueOf<typeof DomainEventID>>()
same<NetworkEventId, ValueOf<typeof NetworkEventID>>()
same<StoragePoolEventId, ValueOf<typeof StoragePoolEventID>>()
same<NodeDeviceEventId, ValueOf<typeof NodeDeviceEventID>>()
same<SecretEventId, ValueOf<typeof SecretEventID>>()

/** The parameters a domain callback registered through a Connection gets for event id `K`. */
type DomainCb<K extends DomainEventId> = Parameters<DomainEventCallback<K, Connection>>

same<DomainCb<typeof DomainEventID.LIFECYCLE>, [conn: Connection, dom: Domain, event: DomainEventType, detail: DomainEventDetail]>()
same<DomainCb<typeof DomainEventID.REBOOT>, [conn: Connection, dom: Domain]>()
same<DomainCb<typeof DomainEventID.RTC_CHANGE>, [conn: Connection, dom: Domain, utcoffset: bigint]>()
same<DomainCb<typeof DomainEventID.BLOCK_JOB_2>, [conn: Connection, dom: Domain, disk: string, type: DomainBlockJobType, status: ConnectDomainEventBlockJobStatus]>()
same<DomainCb<typeof DomainEventID.TUNABLE>, [conn: Connection, dom: Domain, params: TypedParams]>()
same<DomainCb<typeof DomainEventID.JOB_COMPLETED>, [conn: Connection, dom: Domain, params: TypedParams]>()
same<DomainCb<typeof DomainEventID.METADATA_CHANGE>, [conn: Connection, dom: Domain, type: DomainMetadataType, nsuri: string | null]>()
same<DomainCb<typeof DomainEventID.BALLOON_CHANGE>, [conn: Connection, dom: Domain, actual: bigint]>()

// Registration as users write it: the callback's parameters are inferred from the event id.
export async function usage(conn: Connection): Promise<void> {
  await conn.domainEventRegisterAny(null, DomainEventID.DEVICE_ADDED, (c, dom, devAlias) => {
    same<typeof c, Connection>()
    same<typeof dom, Domain>()
    same<typeof devAlias, string>()
  })
  await conn.domainEventRegisterAny(null, DomainEventID.BLOCK_THRESHOLD, (_c, _d, dev, path, threshold, excess) => {
    same<[typeof dev, typeof path, typeof threshold, typeof excess], [string, string | null, bigint, bigint]>()
  })
  await conn.networkEventRegisterAny(null, NetworkEventID.LIFECYCLE, (_c, net, event, detail) => {
    same<[typeof net, typeof event, typeof detail], [Network, NetworkEventLifecycleType, number]>()
  })
  await conn.storagePoolEventRegisterAny(null, StoragePoolEventID.REFRESH, (...a) => {
    same<typeof a, [conn: Connection, pool: StoragePool]>()
  })
  await conn.nodeDeviceEventRegisterAny(null, NodeDeviceEventID.UPDATE, (...a) => {
    same<typeof a, [conn: Connection, dev: NodeDevice]>()
  })
  await conn.secretEventRegisterAny(null, SecretEventID.LIFECYCLE, (_c, secret, event, detail) => {
    same<[typeof secret, typeof event, typeof detail], [Secret, SecretEventLifecycleType, number]>()
  })
  await conn.qemuMonitorEventRegister(null, null, (_c, dom, event, seconds, micros, details) => {
    same<[typeof dom, typeof event, typeof seconds, typeof micros, typeof details], [Domain, string, number, number, string | null]>()
  })
  same<Parameters<Connection['registerCloseCallback']>[0], CloseCallback<Connection>>()
  same<Awaited<ReturnType<Connection['domainEventRegisterAny']>>, number>()
  // @ts-expect-error a LIFECYCLE callback has no third event argument
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, _d, _e: number, _det: number, _x: string) => {})
  // @ts-expect-error a domain event id outside virDomainEventID
  await conn.domainEventRegisterAny(null, 99, () => {})
}

test('the event registration methods exist on Connection', () => {
  for (const m of ['domainEventRegisterAny', 'networkEventRegisterAny', 'storagePoolEventRegisterAny', 'nodeDeviceEventRegisterAny',
    'secretEventRegisterAny', 'qemuMonitorEventRegister', 'domainEventRegister', 'registerCloseCallback']) {
    assert.equal(typeof (ConnectionClass.prototype as unknown as Record<string, unknown>)[m], 'function', m)
  }
})
