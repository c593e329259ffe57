// Layer 7 (notifier). ManagedConnection — the seed's Sys::Virt::IO::Async in TypeScript: a
// Connection on the same RpcClient as the one it wraps, which reports the connection's end
// (onClose), streams domain life-cycle changes (onDomainChange), tracks every event registration
// of the five families and drops them all, in a fixed order, whoever closes the connection.

import { Connection } from '../api/connection.js'
import { CloseReason } from '../client/close-reason.js'
import type { ConnectionBase } from '../client/connection-base.js'
import { ErrorCode, ErrorDomain, LibvirtError, connectionClosedError } from '../errors.js'
import type { EventObject, EventObjectKind } from '../events/objects.js'
import type {
  DomainEventArgs,
  DomainEventId,
  NetworkEventArgs,
  NetworkEventId,
  NodeDeviceEventArgs,
  NodeDeviceEventId,
  SecretEventArgs,
  SecretEventId,
  StoragePoolEventArgs,
  StoragePoolEventId,
} from '../events/payloads.js'
import { AsyncQueue, type QueueSink, validateQueueOptions, type AsyncQueueOptions } from './async-queue.js'
import { EVENT_FAMILIES } from './event-families.js'
import { checkManagedOptions, type Resolvable } from './options.js'
import { Registration, RegistrationTable, isQueueSink, type Target } from './registration.js'

/** A callback's result: a returned promise is awaited only for its rejection (reported to onError). */
type CallbackResult = void | Promise<unknown>

/** A wrapper's event callback: `(wrapper, object, ...eventArgs)`. */
export type ManagedEventCallback<W, Obj, Args extends unknown[]> = (wrapper: W, object: Obj, ...args: Args) => CallbackResult
/** The item a queue receives for an event: `[wrapper, object, ...eventArgs]`. */
export type ManagedEventItem<W, Obj, Args extends unknown[]> = [wrapper: W, object: Obj, ...args: Args]
/** A function or a queue: what every `*EventRegisterAny` of the wrapper accepts. */
export type ManagedEventTarget<W, Obj, Args extends unknown[]> = ManagedEventCallback<W, Obj, Args> | QueueSink<ManagedEventItem<W, Obj, Args>>

/** `onDomainChange` as a function: every domain life-cycle event (virDomainEventType, detail). */
export type DomainChangeCallback = ManagedEventCallback<ManagedConnection, EventObject<'domain'>, DomainEventArgs[0]>
/** `onDomainChange` as a queue: one `[wrapper, domain, event, detail]` array per event. */
export type DomainChangeItem = ManagedEventItem<ManagedConnection, EventObject<'domain'>, DomainEventArgs[0]>

/** Options of {@link ManagedConnection}. Unknown keys are rejected with a TypeError. */
export interface ManagedConnectionOptions {
  /** The connection to wrap (required). Its RpcClient is shared; the wrapper never replaces it. */
  virt: ConnectionBase
  /**
   * Called once when the connection ends, whoever ends it: `(wrapper, reason)` (reason ERROR 0,
   * EOF 1, KEEPALIVE 2, CLIENT 3), before clean-up; a returned promise is awaited before clean-up
   * finishes. Or a resolvable (`{ resolve }`, e.g. from `Promise.withResolvers()`), resolved with
   * `[wrapper, reason]` after clean-up.
   */
  onClose?: ((wrapper: ManagedConnection, reason: CloseReason) => CallbackResult) | Resolvable<[ManagedConnection, CloseReason]>
  /**
   * Every domain life-cycle event of every domain: a function `(wrapper, domain, event, detail)`,
   * or a queue receiving `[wrapper, domain, event, detail]` on a later turn. Finishing the queue
   * deregisters at once.
   */
  onDomainChange?: DomainChangeCallback | QueueSink<DomainChangeItem>
  /**
   * Where exceptions and rejections of the wrapper's callbacks (onClose, onDomainChange, every
   * tracked callback and queue) and failed automatic deregistrations go. Default: the wrapped
   * connection's `onCallbackError` (process.emitWarning unless set in connect()).
   */
  onError?: (error: unknown, wrapper: ManagedConnection) => void
}

/**
 * Options of the `*Events()` iterables: {@link AsyncQueueOptions} plus the object to filter on,
 * under the family's name (`domain`, `network`, `storagePool`, `nodeDevice`, `secret`; null or
 * absent: every object of the family).
 */
export type EventStreamOptions<K extends EventObjectKind> = AsyncQueueOptions & { [P in K]?: EventObject<P> | null }

type State = 'starting' | 'open' | 'closing' | 'closed' | 'detached'
type BaseFn = (this: unknown, ...args: unknown[]) => Promise<unknown>

/** A method of the Connection chain below the wrapper, called on the wrapper (as `super.x()` would). */
function base(name: string): BaseFn {
  const f = (Connection.prototype as unknown as Record<string, unknown>)[name]
  if (typeof f !== 'function') {
    throw LibvirtError.local(ErrorCode.NO_SUPPORT, ErrorDomain.NONE, `this build of libvirt-async has no ${name}()`)
  }
  return f as BaseFn
}

const RECENT_IDS_KEPT = 4096

/**
 * A Connection that watches the connection it wraps — the seed's notifier.
 *
 * - `onClose` runs when the connection ends, whoever ends it (daemon death, keepalive,
 *   `wrapper.close()`, `virt.close()`, `await using`). Then every tracked registration is
 *   dropped (no RPCs on a dead socket), the close callback is unregistered, every queue is
 *   finished, a resolvable `onClose` gets `[wrapper, reason]` and `wrapper.closed` settles.
 * - Event registrations made through the wrapper (`domainEventRegisterAny` and the network,
 *   storage pool, node device and secret variants) accept a function or a queue, give the
 *   wrapper as first argument and are tracked until deregistered.
 * - Every other Connection method works on the wrapper unchanged: it shares `virt.rpc`.
 *
 * Calling the API from inside a callback is safe: every call is asynchronous.
 *
 * @example
 * ```ts
 * const virt = await connect('qemu:///system')
 * await using wrapper = await ManagedConnection.create({
 *   virt,
 *   onClose: (w, reason) => console.log('closed', reason),
 *   onDomainChange: (w, dom, event, detail) => console.log(dom.name, event, detail),
 * })
 * ```
 */
export class ManagedConnection extends Connection {
  /** The wrapped connection. */
  readonly virt: ConnectionBase
  /** Resolves once the close callback and the domain-change registration are in place. */
  readonly ready: Promise<this>

  #state: State = 'starting'
  #onClose: ManagedConnectionOptions['onClose']
  #onDomainChange: ManagedConnectionOptions['onDomainChange']
  #onError: ManagedConnectionOptions['onError']
  #table = new RegistrationTable()
  /** Registrations whose register call is still in flight (dropped at close too). */
  #pending = new Set<Registration>()
  #domainChange: Registration | null = null
  #closeCallback: ((conn: unknown, reason: number) => void) | null = null
  #unlistenRpc: () => void
  #resolveClosed!: (r: CloseReason) => void
  #closedPromise: Promise<CloseReason>
  #closeSequence: Promise<void> | null = null
  /** Ids this wrapper deregistered lately, so a second deregistration of one is harmless. */
  #recentlyDropped = new Set<string>()

  /**
   * Wraps `options.virt`. Options are checked before the wrapped connection is touched.
   * Await {@link ready} (or use {@link ManagedConnection.create}) before relying on onClose or
   * onDomainChange; `ready` rejects when the close callback or the domain-change registration
   * cannot be made (e.g. another wrapper of the same connection: "A close callback is already
   * registered"), and the wrapper then undoes what it did.
   * @throws TypeError for a missing `virt` ('Missing required "virt" argument'), unknown options
   *   or options of the wrong type.
   */
  constructor(options: ManagedConnectionOptions) {
    const o = checkManagedOptions(options)
    super({ rpc: o.virt.rpc, uri: o.virt.parsedUri })
    this.virt = o.virt
    this.#onClose = o.onClose as ManagedConnectionOptions['onClose']
    this.#onDomainChange = o.onDomainChange as ManagedConnectionOptions['onDomainChange']
    this.#onError = o.onError as ManagedConnectionOptions['onError']
    this.#closedPromise = new Promise((resolve) => (this.#resolveClosed = resolve))
    // rpc.onClose runs inside the RPC client's own close path: start the sequence on a later turn.
    this.#unlistenRpc = this.rpc.onClose((reason) => this.#scheduleClose(reason))
    this.ready = this.#start()
    // `new` without awaiting ready must not produce an unhandled rejection.
    this.ready.catch(() => {})
  }

  /** Creates a wrapper and waits until it is {@link ready}. Same options and errors as the constructor. */
  static async create(options: ManagedConnectionOptions): Promise<ManagedConnection> {
    return new ManagedConnection(options).ready
  }

  /**
   * Settles with the close reason once the connection ended **and** the clean-up finished; never
   * rejects. (After a failed `ready`, the wrapper is detached and this is the wrapped connection's.)
   */
  override get closed(): Promise<CloseReason> {
    return this.#state === 'detached' ? this.rpc.closed : this.#closedPromise
  }

  async #start(): Promise<this> {
    try {
      this.rpc.assertOpen()
      const close = (_conn: unknown, reason: number): void => this.#scheduleClose(reason as CloseReason)
      await base('registerCloseCallback').call(this, close)
      this.#closeCallback = close
      const change = this.#onDomainChange
      if (change !== undefined) this.#domainChange = await this.#register('domain', null, 0, change as Target, false, false)
      if (this.#state === 'starting') this.#state = 'open'
      return this
    } catch (e) {
      if (this.rpc.isOpen && this.#state === 'starting') await this.#detach()
      throw e
    }
  }

  /** Undoes a failed start while the connection stays open: the wrapper then no longer watches it. */
  async #detach(): Promise<void> {
    this.#state = 'detached'
    this.#unlistenRpc()
    const regs = this.#dropAllLocal()
    await Promise.allSettled(regs.map((r) => this.#deregisterRemote(r)))
    if (this.#closeCallback) await base('unregisterCloseCallback').call(this, this.#closeCallback).catch(() => {})
    this.#closeCallback = null
  }

  /** A method, so the compiler does not narrow the state across awaits. */
  #isClosing(): boolean {
    return this.#state === 'closing' || this.#state === 'closed'
  }

  #report = (err: unknown): void => {
    const h = this.#onError
    if (h) {
      try {
        h(err, this)
        return
      } catch (e) {
        err = e
      }
    }
    this.rpc.reportCallbackError(err)
  }

  // ── registrations ─────────────────────────────────────────────────────────────────────────

  /**
   * Registers `target` for `eventId` of `kind` through the Connection chain and tracks it.
   * `track` false: the domain-change registration (dropped at close, not by deregisterCallbacks).
   */
  async #register(kind: EventObjectKind, filter: unknown, eventId: unknown, target: Target, track: boolean, ownsQueue: boolean): Promise<Registration> {
    const fam = EVENT_FAMILIES[kind]
    if (typeof target !== 'function' && !isQueueSink(target)) throw new TypeError(`${fam.register}: the callback must be a function or an AsyncQueue`)
    if (typeof target !== 'function' && target.finished) throw new TypeError(`${fam.register}: the queue is already finished`)
    if (this.#isClosing()) throw this.rpc.closeError ?? connectionClosedError()
    const reg = new Registration(kind, target, this, this.#report, (r) => this.#queueFinished(r), ownsQueue)
    this.#pending.add(reg)
    try {
      reg.id = (await base(fam.register).call(this, filter, eventId, reg.callback)) as number
    } catch (e) {
      reg.deactivate()
      throw e
    } finally {
      this.#pending.delete(reg)
    }
    if (!reg.active || this.#isClosing() || this.#state === 'detached') {
      // The queue finished, or the connection closed, while the call was in flight.
      reg.deactivate()
      await this.#deregisterRemote(reg).catch(this.#report)
      return reg
    }
    if (track) this.#table.add(reg)
    return reg
  }

  /** A queue was finished by its consumer: stop delivery and deregister at once. */
  #queueFinished(reg: Registration): void {
    if (!reg.active) return
    if (reg === this.#domainChange) this.#domainChange = null
    this.#table.take(reg.kind, reg.id)
    reg.deactivate()
    if (reg.id < 0) return // still registering: #register finishes the job
    this.#deregisterRemote(reg).catch(this.#report)
  }

  /** Deregisters on the daemon (through the chain); nothing is sent once the connection is gone. */
  async #deregisterRemote(reg: Registration): Promise<void> {
    if (reg.id < 0 || !this.rpc.isOpen) return
    this.#remember(reg.kind, reg.id)
    try {
      await base(EVENT_FAMILIES[reg.kind].deregister).call(this, reg.id)
    } catch (e) {
      if (this.rpc.isOpen) throw e
    }
  }

  #remember(kind: EventObjectKind, id: number): void {
    const s = this.#recentlyDropped
    s.add(`${kind}:${id}`)
    if (s.size > RECENT_IDS_KEPT) s.delete(s.values().next().value as string)
  }

  /** Stops delivery of every registration (tracked, pending, domain change) and returns them. */
  #dropAllLocal(): Registration[] {
    const regs = this.#table.takeAll()
    if (this.#domainChange) regs.push(this.#domainChange)
    this.#domainChange = null
    for (const r of this.#pending) regs.push(r)
    return regs
  }

  async #registerPublic(kind: EventObjectKind, filter: unknown, eventId: unknown, target: unknown): Promise<number> {
    const reg = await this.#register(kind, filter, eventId, target as Target, true, false)
    return reg.id
  }

  async #deregisterPublic(kind: EventObjectKind, id: unknown): Promise<void> {
    const fam = EVENT_FAMILIES[kind]
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new TypeError(`${fam.deregister}: the callback id must be an integer`)
    const reg = this.#table.take(kind, id)
    if (reg) {
      const q = reg.deactivate()
      if (reg.ownsQueue) this.#finishQuietly(q)
      return this.#deregisterRemote(reg)
    }
    // Not tracked: deregistered before (harmless), or registered on the wrapped connection directly.
    if (this.#recentlyDropped.has(`${kind}:${id}`) || !this.rpc.isOpen) return
    await base(fam.deregister).call(this, id)
  }

  /**
   * Registers for domain event `eventId` (virDomainEventID), for one domain or all (`null`).
   * `callback` gets `(wrapper, domain, ...eventArgs)`; a queue gets `[wrapper, domain, ...eventArgs]`
   * on a later turn (finishing it deregisters at once). Tracked until deregistered or closed.
   * @returns the callback id, for {@link domainEventDeregisterAny}.
   * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectDomainEventRegisterAny
   */
  override domainEventRegisterAny<K extends DomainEventId>(dom: EventObject<'domain'> | null, eventId: K, callback: ManagedEventTarget<this, EventObject<'domain'>, DomainEventArgs[K]>): Promise<number> {
    return this.#registerPublic('domain', dom, eventId, callback)
  }

  /** As {@link domainEventRegisterAny}, for networks (virNetworkEventID). */
  override networkEventRegisterAny<K extends NetworkEventId>(net: EventObject<'network'> | null, eventId: K, callback: ManagedEventTarget<this, EventObject<'network'>, NetworkEventArgs[K]>): Promise<number> {
    return this.#registerPublic('network', net, eventId, callback)
  }

  /** As {@link domainEventRegisterAny}, for storage pools (virStoragePoolEventID). */
  override storagePoolEventRegisterAny<K extends StoragePoolEventId>(pool: EventObject<'storagePool'> | null, eventId: K, callback: ManagedEventTarget<this, EventObject<'storagePool'>, StoragePoolEventArgs[K]>): Promise<number> {
    return this.#registerPublic('storagePool', pool, eventId, callback)
  }

  /** As {@link domainEventRegisterAny}, for node devices (virNodeDeviceEventID). */
  override nodeDeviceEventRegisterAny<K extends NodeDeviceEventId>(dev: EventObject<'nodeDevice'> | null, eventId: K, callback: ManagedEventTarget<this, EventObject<'nodeDevice'>, NodeDeviceEventArgs[K]>): Promise<number> {
    return this.#registerPublic('nodeDevice', dev, eventId, callback)
  }

  /** As {@link domainEventRegisterAny}, for secrets (virSecretEventID). */
  override secretEventRegisterAny<K extends SecretEventId>(secret: EventObject<'secret'> | null, eventId: K, callback: ManagedEventTarget<this, EventObject<'secret'>, SecretEventArgs[K]>): Promise<number> {
    return this.#registerPublic('secret', secret, eventId, callback)
  }

  /** Deregisters and stops tracking; a second call for the same id is harmless. */
  override domainEventDeregisterAny(callbackID: number): Promise<void> {
    return this.#deregisterPublic('domain', callbackID)
  }

  /** As {@link domainEventDeregisterAny}, for networks. */
  override networkEventDeregisterAny(callbackID: number): Promise<void> {
    return this.#deregisterPublic('network', callbackID)
  }

  /** As {@link domainEventDeregisterAny}, for storage pools. */
  override storagePoolEventDeregisterAny(callbackID: number): Promise<void> {
    return this.#deregisterPublic('storagePool', callbackID)
  }

  /** As {@link domainEventDeregisterAny}, for node devices. */
  override nodeDeviceEventDeregisterAny(callbackID: number): Promise<void> {
    return this.#deregisterPublic('nodeDevice', callbackID)
  }

  /** As {@link domainEventDeregisterAny}, for secrets. */
  override secretEventDeregisterAny(callbackID: number): Promise<void> {
    return this.#deregisterPublic('secret', callbackID)
  }

  /** Always rejects: the wrapper's domain life-cycle callback is `onDomainChange`, given at construction. */
  override domainEventRegister(..._args: unknown[]): Promise<never> {
    return Promise.reject(LibvirtError.local(ErrorCode.OPERATION_UNSUPPORTED, ErrorDomain.NONE, 'A domain event callback can only be added at instantiation'))
  }

  /** Always rejects: `onDomainChange` is removed only when the connection closes (or its queue is finished). */
  override domainEventDeregister(..._args: unknown[]): Promise<never> {
    return Promise.reject(LibvirtError.local(ErrorCode.OPERATION_UNSUPPORTED, ErrorDomain.NONE, 'Domain event callback deregistration not supported'))
  }

  /**
   * Deregisters every tracked registration of every family (not `onDomainChange`). Resolves when
   * all are gone; rejects with an AggregateError listing the deregistrations the daemon refused
   * (they are untracked and silenced all the same).
   */
  async deregisterCallbacks(): Promise<void> {
    const regs = this.#table.takeAll()
    for (const r of regs) {
      const q = r.deactivate()
      if (r.ownsQueue) this.#finishQuietly(q)
    }
    const results = await Promise.allSettled(regs.map((r) => this.#deregisterRemote(r)))
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as unknown)
    if (failed.length > 0) throw new AggregateError(failed, `deregisterCallbacks: ${failed.length} of ${regs.length} deregistrations failed`)
  }

  /** Callback ids currently tracked for `kind` (e.g. `'domain'`, `'secret'`). */
  trackedCallbackIds(kind: EventObjectKind): number[] {
    if (!(kind in EVENT_FAMILIES)) throw new TypeError(`trackedCallbackIds: unknown family ${JSON.stringify(kind)}`)
    return this.#table.ids(kind)
  }

  // ── async iterables ───────────────────────────────────────────────────────────────────────

  #events(kind: EventObjectKind, eventId: unknown, options: unknown, where: string): AsyncIterable<unknown[]> & { readonly ready: Promise<number> } {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`${where}: options must be an object`)
    const { [kind]: filter = null, ...queueOptions } = (options ?? {}) as Record<string, unknown>
    validateQueueOptions(queueOptions, where)
    const queue = new AsyncQueue<unknown[]>(queueOptions)
    // The registration starts now; its failure surfaces on the first next() (never unhandled).
    const ready = this.#register(kind, filter, eventId, queue as QueueSink<unknown>, true, true).then((r) => r.id)
    ready.catch(() => queue.finish())
    const inner = queue[Symbol.asyncIterator]()
    return {
      ready,
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<unknown[]>> => {
          await ready
          const r = await inner.next()
          // the queue holds [wrapper, object, ...args]; the iterable yields [object, ...args]
          return r.done ? r : { done: false, value: r.value.slice(1) }
        },
        return: async (): Promise<IteratorResult<unknown[]>> => {
          queue.finish()
          return { done: true, value: undefined }
        },
      }),
    }
  }

  /**
   * Domain events as an async iterable of `[domain, ...eventArgs]`. The registration starts at
   * once (`.ready` resolves with its id); leaving the `for await` loop deregisters; the loop ends
   * when the connection closes. `maxLength`/`overflow` bound what an idle reader can pile up.
   * @example
   * ```ts
   * for await (const [dom, event, detail] of wrapper.domainEvents(0)) { ... }
   * ```
   */
  domainEvents<K extends DomainEventId>(eventId: K, options?: EventStreamOptions<'domain'>): AsyncIterable<[EventObject<'domain'>, ...DomainEventArgs[K]]> & { readonly ready: Promise<number> } {
    return this.#events('domain', eventId, options, 'domainEvents') as never
  }

  /** As {@link domainEvents}, for networks. */
  networkEvents<K extends NetworkEventId>(eventId: K, options?: EventStreamOptions<'network'>): AsyncIterable<[EventObject<'network'>, ...NetworkEventArgs[K]]> & { readonly ready: Promise<number> } {
    return this.#events('network', eventId, options, 'networkEvents') as never
  }

  /** As {@link domainEvents}, for storage pools. */
  storagePoolEvents<K extends StoragePoolEventId>(eventId: K, options?: EventStreamOptions<'storagePool'>): AsyncIterable<[EventObject<'storagePool'>, ...StoragePoolEventArgs[K]]> & { readonly ready: Promise<number> } {
    return this.#events('storagePool', eventId, options, 'storagePoolEvents') as never
  }

  /** As {@link domainEvents}, for node devices. */
  nodeDeviceEvents<K extends NodeDeviceEventId>(eventId: K, options?: EventStreamOptions<'nodeDevice'>): AsyncIterable<[EventObject<'nodeDevice'>, ...NodeDeviceEventArgs[K]]> & { readonly ready: Promise<number> } {
    return this.#events('nodeDevice', eventId, options, 'nodeDeviceEvents') as never
  }

  /** As {@link domainEvents}, for secrets. */
  secretEvents<K extends SecretEventId>(eventId: K, options?: EventStreamOptions<'secret'>): AsyncIterable<[EventObject<'secret'>, ...SecretEventArgs[K]]> & { readonly ready: Promise<number> } {
    return this.#events('secret', eventId, options, 'secretEvents') as never
  }

  // ── close ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Closes the connection (the wrapped one too: they are one connection). Then the close sequence
   * runs as for any other way of closing: `onClose(wrapper, CLIENT)` first, while every
   * registration is still tracked; then the clean-up (the daemon drops a closed client's
   * registrations by itself, so no deregistration RPC is needed). Resolves after the clean-up (at
   * once when called again, or from inside onClose).
   */
  override async close(): Promise<void> {
    if (this.#state === 'starting') await this.ready.catch(() => {})
    if (this.#state === 'detached') return super.close()
    if (this.#state !== 'open') return
    await super.close()
    await this.#closedPromise
  }

  #scheduleClose(reason: CloseReason): void {
    if (this.#closeSequence || this.#state === 'detached') return
    this.#closeSequence = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => this.#runClose(reason))
  }

  /** The close sequence of SPEC §2; runs once, never throws (failures go to onError). */
  async #runClose(reason: CloseReason): Promise<void> {
    this.#state = 'closing'
    const onClose = this.#onClose
    if (typeof onClose === 'function') {
      try {
        await onClose(this, reason)
      } catch (e) {
        this.#report(e)
      }
    }
    // Registrations: the events layer has already dropped them locally with the socket; forget
    // ours too, and finish every queue.
    const queues = new Set<QueueSink<unknown>>()
    for (const r of this.#dropAllLocal()) {
      const q = r.deactivate()
      if (q) queues.add(q)
    }
    this.#unlistenRpc()
    if (this.#closeCallback) {
      // Nothing is sent: the connection is gone; this only releases the events layer's slot.
      await base('unregisterCloseCallback').call(this, this.#closeCallback).catch(() => {})
      this.#closeCallback = null
    }
    const change = this.#onDomainChange
    if (change !== undefined && typeof change !== 'function') queues.add(change as QueueSink<unknown>)
    for (const q of queues) this.#finishQuietly(q)
    this.#recentlyDropped.clear()
    if (onClose !== undefined && typeof onClose !== 'function') {
      try {
        onClose.resolve([this, reason])
      } catch (e) {
        this.#report(e)
      }
    }
    // Let go of user code: a closed wrapper must not keep callbacks (or what they hold) alive.
    this.#onClose = undefined
    this.#onDomainChange = undefined
    this.#state = 'closed'
    this.#resolveClosed(reason)
  }

  #finishQuietly(q: QueueSink<unknown> | null): void {
    if (!q) return
    const f = (q as { finish?: unknown }).finish
    if (typeof f !== 'function') return
    try {
      f.call(q)
    } catch (e) {
      this.#report(e)
    }
  }
}
