// Layer 4c (events). EventConnection: the link of the Connection chain that registers callbacks for
// all five event families, QEMU monitor events and the close callback. All state lives in the
// RpcClient's EventRouter, so a wrapper built on the same RpcClient sees the same registrations.

import { ConnectionBase, type ConnectionCore } from '../client/connection-base.js'
import { EVENT_ID_NAMES, REGISTER_FUNCTION, type EventFamily } from './families.js'
import { wireIdentity, type EventFilter, type EventObjectKind } from './objects.js'
import type {
  CloseCallback,
  DomainEventCallback,
  DomainEventId,
  DomainLifecycleCallback,
  NetworkEventCallback,
  NetworkEventId,
  NodeDeviceEventCallback,
  NodeDeviceEventId,
  QemuMonitorEventCallback,
  SecretEventCallback,
  SecretEventId,
  StoragePoolEventCallback,
  StoragePoolEventId,
} from './payloads.js'
import { eventRouter, type EventRouter } from './router.js'

/**
 * Event registration on a connection. Callbacks get `(conn, object, ...eventArgs)` in libvirt's
 * argument order, on a later turn of Node's loop than the one that read the message (never inside
 * protocol parsing), so calling the API — even `close()` or another registration — from inside a
 * callback is safe. An exception or rejected promise from a callback goes to `onCallbackError`.
 * When the connection ends for any reason, every registration is dropped locally (no RPCs) and
 * the close callback runs once.
 *
 * Contract with the API layer: event objects arrive here as raw wire structs (`{name, uuid, id}`
 * …). `Connection` overrides `wrapEventObject` to turn them into `Domain`,
 * `Network`, … instances bound to the connection, and augments `EventObjectTypeMap`
 * (src/events/objects.ts) so the callback types follow. Filters accept those instances (their
 * `raw`, or their `name`/`uuid`/`id` properties) as well as raw structs.
 */
export class EventConnection extends ConnectionBase {
  constructor(core: ConnectionCore) {
    super(core)
    // Install the router at once: events and the daemon's close message need it from the start.
    eventRouter(this.rpc)
  }

  /** Installs the router of the new RPC client at once too (see ConnectionBase.replaceCore). */
  protected override replaceCore(core: ConnectionCore): void {
    super.replaceCore(core)
    eventRouter(this.rpc)
  }

  /** @internal The event router shared by every connection object on this RpcClient. */
  get eventRouter(): EventRouter {
    return eventRouter(this.rpc)
  }

  /**
   * @internal Turns an event's wire object into what callbacks receive. The API layer overrides
   * this; the default hands out the raw struct.
   */
  wrapEventObject(_kind: EventObjectKind, raw: unknown): unknown {
    return raw
  }

  /**
   * Registers `callback` for `eventId` of `family` (checked first); resolves with the callback id.
   * The typed *EventRegisterAny methods and ManagedConnection (which tracks and replays them) use it.
   */
  protected registerEvent(family: EventFamily, obj: unknown, eventId: number, callback: unknown, qemu?: { event: string | null; flags: number }): Promise<number> {
    const fn = REGISTER_FUNCTION[family]
    try {
      if (typeof callback !== 'function') throw new TypeError(`${fn}: callback must be a function`)
      if (family !== 'qemuMonitor') {
        const names = EVENT_ID_NAMES[family]
        if (typeof eventId !== 'number' || !Number.isInteger(eventId) || names[eventId] === undefined) {
          throw new RangeError(`${fn}: unknown event id ${String(eventId)} (known: ${Object.keys(names).join(', ')})`)
        }
      }
      const kind: EventObjectKind = family === 'qemuMonitor' ? 'domain' : family
      const filter = obj === null || obj === undefined ? null : wireIdentity(kind, obj, fn)
      return this.eventRouter.register({ family, eventId, filter, callback: callback as () => unknown, host: this, qemu })
    } catch (e) {
      return Promise.reject(e)
    }
  }

  /** Removes the registration `id` of `family` (LibvirtError VIR_ERR_INVALID_ARG when unknown). */
  protected deregisterEvent(family: EventFamily, id: number): Promise<void> {
    if (typeof id !== 'number') return Promise.reject(new TypeError(`${REGISTER_FUNCTION[family].replace('Register', 'Deregister')}: callback id must be a number`))
    return this.eventRouter.deregister(family, id)
  }

  /**
   * virConnectDomainEventRegisterAny: `callback(conn, dom, ...args)` for event `eventId` of `dom`
   * (null: every domain). Resolves with the callback id for {@link domainEventDeregisterAny}.
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventRegisterAny
   */
  domainEventRegisterAny<K extends DomainEventId>(dom: EventFilter<'domain'> | null, eventId: K, callback: DomainEventCallback<K, this>): Promise<number> {
    return this.registerEvent('domain', dom, eventId, callback)
  }

  /** virConnectDomainEventDeregisterAny. Unknown id → LibvirtError VIR_ERR_INVALID_ARG. */
  domainEventDeregisterAny(callbackId: number): Promise<void> {
    return this.deregisterEvent('domain', callbackId)
  }

  /** virConnectNetworkEventRegisterAny. @see https://libvirt.org/html/libvirt-libvirt-network.html#virConnectNetworkEventRegisterAny */
  networkEventRegisterAny<K extends NetworkEventId>(net: EventFilter<'network'> | null, eventId: K, callback: NetworkEventCallback<K, this>): Promise<number> {
    return this.registerEvent('network', net, eventId, callback)
  }

  /** virConnectNetworkEventDeregisterAny. */
  networkEventDeregisterAny(callbackId: number): Promise<void> {
    return this.deregisterEvent('network', callbackId)
  }

  /** virConnectStoragePoolEventRegisterAny. @see https://libvirt.org/html/libvirt-libvirt-storage.html#virConnectStoragePoolEventRegisterAny */
  storagePoolEventRegisterAny<K extends StoragePoolEventId>(pool: EventFilter<'storagePool'> | null, eventId: K, callback: StoragePoolEventCallback<K, this>): Promise<number> {
    return this.registerEvent('storagePool', pool, eventId, callback)
  }

  /** virConnectStoragePoolEventDeregisterAny. */
  storagePoolEventDeregisterAny(callbackId: number): Promise<void> {
    return this.deregisterEvent('storagePool', callbackId)
  }

  /** virConnectNodeDeviceEventRegisterAny. @see https://libvirt.org/html/libvirt-libvirt-nodedev.html#virConnectNodeDeviceEventRegisterAny */
  nodeDeviceEventRegisterAny<K extends NodeDeviceEventId>(dev: EventFilter<'nodeDevice'> | null, eventId: K, callback: NodeDeviceEventCallback<K, this>): Promise<number> {
    return this.registerEvent('nodeDevice', dev, eventId, callback)
  }

  /** virConnectNodeDeviceEventDeregisterAny. */
  nodeDeviceEventDeregisterAny(callbackId: number): Promise<void> {
    return this.deregisterEvent('nodeDevice', callbackId)
  }

  /** virConnectSecretEventRegisterAny. @see https://libvirt.org/html/libvirt-libvirt-secret.html#virConnectSecretEventRegisterAny */
  secretEventRegisterAny<K extends SecretEventId>(secret: EventFilter<'secret'> | null, eventId: K, callback: SecretEventCallback<K, this>): Promise<number> {
    return this.registerEvent('secret', secret, eventId, callback)
  }

  /** virConnectSecretEventDeregisterAny. */
  secretEventDeregisterAny(callbackId: number): Promise<void> {
    return this.deregisterEvent('secret', callbackId)
  }

  /**
   * virConnectDomainEventRegister (legacy): life-cycle events of every domain. Built here on the
   * register-any LIFECYCLE procedure — the legacy wire procedures are never sent. The callback is
   * its own handle: pass it to {@link domainEventDeregister}.
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventRegister
   */
  async domainEventRegister(callback: DomainLifecycleCallback<this>): Promise<void> {
    if (typeof callback !== 'function') throw new TypeError('virConnectDomainEventRegister: callback must be a function')
    await this.eventRouter.register({ family: 'domain', eventId: 0, filter: null, callback, host: this, legacy: true })
  }

  /** virConnectDomainEventDeregister (legacy). Unknown callback → LibvirtError VIR_ERR_INVALID_ARG. */
  domainEventDeregister(callback: DomainLifecycleCallback<this>): Promise<void> {
    return this.eventRouter.deregisterLegacy(callback)
  }

  /**
   * virConnectDomainQemuMonitorEventRegister: QEMU monitor events of `dom` (null: all), optionally
   * only `event` (flags REGEX 1 / NOCASE 2 change how it matches). Callback:
   * `(conn, dom, event, seconds, micros, details)`.
   * @see https://libvirt.org/html/libvirt-libvirt-qemu.html#virConnectDomainQemuMonitorEventRegister
   */
  qemuMonitorEventRegister(dom: EventFilter<'domain'> | null, event: string | null, callback: QemuMonitorEventCallback<this>, flags = 0): Promise<number> {
    if (event !== null && event !== undefined && typeof event !== 'string') return Promise.reject(new TypeError('virConnectDomainQemuMonitorEventRegister: event must be a string or null'))
    if (!Number.isInteger(flags) || flags < 0) return Promise.reject(new RangeError('virConnectDomainQemuMonitorEventRegister: flags must be a non-negative integer'))
    return this.registerEvent('qemuMonitor', dom, -1, callback, { event: event ?? null, flags })
  }

  /** virConnectDomainQemuMonitorEventDeregister. */
  qemuMonitorEventDeregister(callbackId: number): Promise<void> {
    return this.deregisterEvent('qemuMonitor', callbackId)
  }

  /**
   * virConnectRegisterCloseCallback: `callback(conn, reason)` once when the connection is lost —
   * ERROR 0, EOF 1, KEEPALIVE 2. Not for the caller's own `close()` (as in libvirt's client, which
   * unregisters it first); `conn.closed` still settles with CLIENT 3 then.
   * One per connection: a second → LibvirtError "A close callback is already registered".
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectRegisterCloseCallback
   */
  async registerCloseCallback(callback: CloseCallback<this>): Promise<void> {
    if (typeof callback !== 'function') throw new TypeError('virConnectRegisterCloseCallback: callback must be a function')
    await this.eventRouter.registerClose(callback, this)
  }

  /** virConnectUnregisterCloseCallback: `callback` must be the registered one ("A different callback was requested"). */
  unregisterCloseCallback(callback: CloseCallback<this>): Promise<void> {
    return this.eventRouter.unregisterClose(callback)
  }
}
