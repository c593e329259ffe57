// Layer 7 (notifier). ManagedConnection — the seed's Sys::Virt::IO::Async in TypeScript: a
// Connection on the same RpcClient as the one it wraps, which reports the loss of the connection
// (onClose), streams domain life-cycle changes (onDomainChange), tracks every event registration
// of the five families and QEMU monitor events and drops them all, in a fixed order, whoever
// closes the connection. With `reconnect` it opens the same URI again after a loss, registers
// everything again under the ids the user holds, and reports the gap (SPEC §2b).

import { Connection } from '../api/objects.js'
import { CloseReason } from '../client/close-reason.js'
import type { ConnectionBase, ConnectionCore } from '../client/connection-base.js'
import { openRpcClient } from '../client/open.js'
import type { RpcClient } from '../client/rpc-client.js'
import { ConnectionClosedError, ErrorCode, ErrorDomain, LibvirtError, connectionClosedError } from '../errors.js'
import type { EventFamily } from '../events/families.js'
import type { EventFilter, EventObject, EventObjectKind } from '../events/objects.js'
import type {
  DomainEventArgs,
  DomainEventId,
  NetworkEventArgs,
  NetworkEventId,
  NodeDeviceEventArgs,
  NodeDeviceEventId,
  QemuMonitorEventCallback,
  SecretEventArgs,
  SecretEventId,
  StoragePoolEventArgs,
  StoragePoolEventId,
} from '../events/payloads.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'
import type { Domain } from '../api/objects.js'
import type { CallOptions } from '../core/session.js'
import { AsyncQueue, type QueueSink, validateQueueOptions, type AsyncQueueOptions } from './async-queue.js'
import { DeliveryGate } from './delivery-gate.js'
import { EventGap } from './event-gap.js'
import { EVENT_FAMILIES } from './event-families.js'
import { checkManagedOptions, type Resolvable } from './options.js'
import { backoffDelay, type ReconnectOptions, type ReconnectSettings } from './reconnect-options.js'
import { Registration, RegistrationTable, isQueueSink, type RegistrationSpec, type Target } from './registration.js'
import { applyLifecycle, diffDomains, listDomainStates, type ResyncDomain, type ResyncDiff } from './resync.js'

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

/** What `onReconnect` is told about a recovered connection. */
export interface ReconnectInfo {
  /** The attempt that succeeded (1: the first). */
  readonly attempt: number
  /** Milliseconds from the loss to the moment everything was registered again. */
  readonly downtimeMs: number
  /** The loss (ERROR 0, EOF 1, KEEPALIVE 2). */
  readonly reason: CloseReason
  /** Registrations the new daemon refused (also reported to onError); they stay tracked and are tried again after the next reconnect. */
  readonly refused: readonly { readonly family: EventFamily; readonly id: number; readonly error: unknown }[]
  /** With `resync: true`: the domains that appeared, disappeared or changed state during the gap. */
  readonly resync?: ResyncDiff
}

/** Options of {@link ManagedConnection}. Unknown keys are rejected with a TypeError. */
export interface ManagedConnectionOptions {
  /** The connection to wrap (required). Its RpcClient is shared until a reconnect opens a new one. */
  virt: ConnectionBase
  /**
   * Called once when the connection is **lost** (reason ERROR 0, EOF 1, KEEPALIVE 2 — also the
   * daemon's CONNECTION_CLOSED), before clean-up; a returned promise is awaited before clean-up
   * finishes. Not called for an explicit close (`close()`, `await using`, closing `virt`), which
   * still cleans up and settles `closed` with CLIENT 3. With `reconnect`, "lost" means given up
   * (`maxAttempts` used). Or a resolvable (`{ resolve }`, e.g. from `Promise.withResolvers()`),
   * resolved with `[wrapper, reason]` after clean-up when the connection is lost.
   */
  onClose?: ((wrapper: ManagedConnection, reason: CloseReason) => CallbackResult) | Resolvable<[ManagedConnection, CloseReason]>
  /**
   * Every domain life-cycle event of every domain: a function `(wrapper, domain, event, detail)`,
   * or a queue receiving `[wrapper, domain, event, detail]` on a later turn. Finishing the queue
   * deregisters at once.
   */
  onDomainChange?: DomainChangeCallback | QueueSink<DomainChangeItem>
  /**
   * Where exceptions and rejections of the wrapper's callbacks (onClose, onDomainChange,
   * onDisconnect, onReconnect, every tracked callback and queue), failed automatic
   * deregistrations, failed reconnect attempts (other than "daemon not there yet") and
   * registrations a new daemon refuses go. Default: the wrapped connection's `onCallbackError`
   * (process.emitWarning unless set in connect()).
   */
  onError?: (error: unknown, wrapper: ManagedConnection) => void
  /**
   * Reopen the connection after a loss: `true` for the defaults (exponential backoff with jitter
   * from about 100 ms to about 30 s, unlimited attempts, calls while disconnected reject at once),
   * or {@link ReconnectOptions}. The same URI (as resolved when `virt` was opened) and the same
   * connect() options are used (read-only stays read-only; a `signal` is not reused).
   */
  reconnect?: boolean | ReconnectOptions
  /** List every domain on start and after each reconnect; `onReconnect` gets the difference. */
  resync?: boolean
  /** With `reconnect`: called at a loss, before the first attempt. Pending calls are rejected. */
  onDisconnect?: (wrapper: ManagedConnection, reason: CloseReason) => CallbackResult
  /**
   * With `reconnect`: called once every registration is back on the new connection, before any
   * event of that connection is delivered.
   */
  onReconnect?: (wrapper: ManagedConnection, info: ReconnectInfo) => CallbackResult
}

/**
 * Options of the `*Events()` iterables: {@link AsyncQueueOptions} plus the object to filter on,
 * under the family's name (`domain`, `network`, `storagePool`, `nodeDevice`, `secret`; null or
 * absent: every object of the family), and `gaps: true` to receive an {@link EventGap} item
 * where a reconnect lost events.
 */
export type EventStreamOptions<K extends EventObjectKind> = AsyncQueueOptions & { [P in K]?: EventObject<P> | null } & { gaps?: boolean }

/** What the `*Events()` methods return: an async iterable whose registration starts at once. */
export type EventStream<T> = AsyncIterable<T> & { readonly ready: Promise<number> }

/** 'disconnected': between a loss and a new connection; 'restoring': registering again on the new one. */
type State = 'starting' | 'open' | 'disconnected' | 'restoring' | 'closing' | 'closed' | 'detached'

/** One recovery after a loss: the loss, its time, the attempts made, and how to stop it. */
interface Recovery {
  readonly reason: CloseReason
  readonly since: number
  attempt: number
  readonly abort: AbortController
  timer: NodeJS.Timeout | null
  /** Ends the current backoff wait early (close()). */
  wake: (() => void) | null
  /** The last attempt error reported (so a daemon that stays down is not reported every time). */
  lastReported: string | null
}

interface Waiter {
  resolve(): void
  reject(e: unknown): void
  timer: NodeJS.Timeout
}

const RECENT_IDS_KEPT = 4096
/** An attempt's bound when neither reconnect.attemptTimeout nor connect()'s timeout is set. */
const DEFAULT_ATTEMPT_TIMEOUT = 10_000

/**
 * A Connection that watches the connection it wraps — the seed's notifier.
 *
 * - `onClose` runs when the connection is lost (daemon death, keepalive, the daemon closing it).
 *   Then, and for an explicit close too, every tracked registration is dropped (no RPCs on a
 *   dead socket), the close callback is unregistered, every queue is finished, a resolvable
 *   `onClose` gets `[wrapper, reason]` (on a loss) and `wrapper.closed` settles.
 * - Event registrations made through the wrapper (`domainEventRegisterAny` and the network,
 *   storage pool, node device, secret and QEMU monitor variants) accept a function or a queue,
 *   give the wrapper as first argument and are tracked until deregistered.
 * - Every other Connection method works on the wrapper unchanged.
 * - With `reconnect`, a loss runs `onDisconnect`, then attempts with backoff; each success
 *   registers everything again (same ids, functions and queues), then `onReconnect` runs, then
 *   events flow. Objects obtained through the wrapper keep working; `wrapper.virt` is the current
 *   connection. Calls made while disconnected reject at once with a {@link ConnectionClosedError}
 *   (`retryable: true`) or, with `whileDisconnected: 'wait'`, wait for the next connection.
 *   Streams that were open end with that error and are not resumed.
 *
 * Calling the API from inside a callback is safe: every call is asynchronous.
 *
 * @example
 * ```ts
 * const virt = await connect('qemu:///system')
 * await using wrapper = await ManagedConnection.create({
 *   virt,
 *   reconnect: true,
 *   resync: true,
 *   onReconnect: (w, { downtimeMs, resync }) => console.log('back after', downtimeMs, resync),
 *   onClose: (w, reason) => console.log('lost', reason),
 *   onDomainChange: (w, dom, event, detail) => console.log(dom.name, event, detail),
 * })
 * ```
 */
export class ManagedConnection extends Connection {
  /** Resolves once the close callback and the domain-change registration are in place. */
  readonly ready: Promise<this>

  #virt: ConnectionBase
  #state: State = 'starting'
  #onClose: ManagedConnectionOptions['onClose']
  #onDomainChange: ManagedConnectionOptions['onDomainChange']
  #onError: ManagedConnectionOptions['onError']
  #onDisconnect: ManagedConnectionOptions['onDisconnect']
  #onReconnect: ManagedConnectionOptions['onReconnect']
  #reconnect: ReconnectSettings | null
  #resync: boolean
  #domains: Map<string, ResyncDomain> | null = null
  #gate = new DeliveryGate()
  #table = new RegistrationTable()
  /** Registrations whose register call is still in flight (dropped at close too). */
  #pending = new Set<Registration>()
  #domainChange: Registration | null = null
  /** With resync: the wrapper's own life-cycle registration that keeps the listing current. */
  #resyncReg: Registration | null = null
  #closeCallback: ((conn: unknown, reason: number) => void) | null = null
  #unlistenRpc: () => void = () => {}
  #resolveClosed!: (r: CloseReason) => void
  #closedPromise: Promise<CloseReason>
  #closeSequence: Promise<void> | null = null
  /** Set by an explicit close (wrapper.close(), virt.close()): the end is not a loss. */
  #explicitClose = false
  #recovery: Recovery | null = null
  #waiters = new Set<Waiter>()
  #refed = true
  /** The next callback id the wrapper hands out (ids stay unique across reconnects). */
  #nextId = 1
  /** Ids this wrapper deregistered lately, so a second deregistration of one is harmless. */
  #recentlyDropped = new Set<string>()
  /** What to reopen: the URI and options `virt` was opened with (no one-shot signal; no RPC client, which may go). */
  #reopen: Omit<ConnectionCore, 'rpc'>

  /**
   * Wraps `options.virt`. Options are checked before the wrapped connection is touched.
   * Await {@link ready} (or use {@link ManagedConnection.create}) before relying on onClose or
   * onDomainChange; `ready` rejects when the close callback or the domain-change registration
   * cannot be made (e.g. another wrapper of the same connection: "A close callback is already
   * registered"), and the wrapper then undoes what it did.
   * @throws TypeError for a missing `virt` ('Missing required "virt" argument'), unknown options
   *   or options of the wrong type; RangeError for reconnect settings out of range.
   */
  constructor(options: ManagedConnectionOptions) {
    const o = checkManagedOptions(options)
    super(o.virt.openedWith)
    this.#virt = o.virt
    const core = o.virt.openedWith
    this.#reopen = { uri: core.uri, options: core.options && { ...core.options, signal: undefined } }
    this.#onClose = o.onClose as ManagedConnectionOptions['onClose']
    this.#onDomainChange = o.onDomainChange as ManagedConnectionOptions['onDomainChange']
    this.#onError = o.onError as ManagedConnectionOptions['onError']
    this.#onDisconnect = o.onDisconnect as ManagedConnectionOptions['onDisconnect']
    this.#onReconnect = o.onReconnect as ManagedConnectionOptions['onReconnect']
    this.#reconnect = o.reconnect
    this.#resync = o.resync
    this.#closedPromise = new Promise((resolve) => (this.#resolveClosed = resolve))
    this.#watch(this.rpc)
    const previousHook = o.virt.closeRequested
    this.#watchVirt(o.virt)
    this.ready = this.#start(previousHook)
    // `new` without awaiting ready must not produce an unhandled rejection.
    this.ready.catch(() => {})
  }

  /** Creates a wrapper and waits until it is {@link ready}. Same options and errors as the constructor. */
  static async create(options: ManagedConnectionOptions): Promise<ManagedConnection> {
    return new ManagedConnection(options).ready
  }

  /** The wrapped connection: with `reconnect`, the current one (a new Connection after each reconnect). */
  get virt(): ConnectionBase {
    return this.#virt
  }

  /** True while a reconnect is under way (the connection was lost and the wrapper has not given up). */
  get reconnecting(): boolean {
    return this.#recovering()
  }

  /** A method, so the compiler does not narrow the state across awaits. */
  #recovering(): boolean {
    return this.#state === 'disconnected' || this.#state === 'restoring'
  }

  /**
   * Settles with the close reason once the connection ended **and** the clean-up finished; never
   * rejects. (After a failed `ready`, the wrapper is detached and this is the wrapped connection's.)
   */
  override get closed(): Promise<CloseReason> {
    return this.#state === 'detached' ? this.rpc.closed : this.#closedPromise
  }

  /** rpc.onClose runs inside the RPC client's own close path: everything else happens on a later turn. */
  #watch(rpc: RpcClient): void {
    this.#unlistenRpc = rpc.onClose((reason) => this.#onRpcClosed(rpc, reason))
  }

  #watchVirt(virt: ConnectionBase): void {
    virt.closeRequested = () => this.#closeRequested()
  }

  async #start(previousHook: ConnectionBase['closeRequested']): Promise<this> {
    try {
      this.rpc.assertOpen()
      await this.#registerCloseCallback(this.rpc)
      const change = this.#onDomainChange
      if (change !== undefined) this.#domainChange = await this.#register({ family: 'domain', filter: null, eventId: 0 }, change as Target, false, false)
      if (this.#resync) {
        const track = (_w: unknown, dom: unknown, event: unknown): void => {
          if (this.#domains) applyLifecycle(this.#domains, dom as Domain, event as number)
        }
        this.#resyncReg = await this.#register({ family: 'domain', filter: null, eventId: 0 }, track, false, false)
        this.#domains = await listDomainStates(this)
      }
      if (this.#state === 'starting') this.#state = 'open'
      return this
    } catch (e) {
      if (this.rpc.isOpen && this.#state === 'starting') await this.#detach(previousHook)
      throw e
    }
  }

  async #registerCloseCallback(rpc: RpcClient): Promise<void> {
    const close = (_conn: unknown, reason: number): void => this.#onRpcClosed(rpc, reason as CloseReason)
    await this.registerCloseCallback(close)
    this.#closeCallback = close
  }

  /** Undoes a failed start while the connection stays open: the wrapper then no longer watches it. */
  async #detach(previousHook: ConnectionBase['closeRequested']): Promise<void> {
    this.#state = 'detached'
    this.#unlistenRpc()
    this.#virt.closeRequested = previousHook
    const regs = this.#dropAllLocal()
    await Promise.allSettled(regs.map((r) => this.#deregisterRemote(r)))
    if (this.#closeCallback) await this.unregisterCloseCallback(this.#closeCallback).catch(() => {})
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

  /** Runs a user callback; a throw or a rejection goes to onError. */
  #callUser(f: () => unknown): void {
    try {
      const r = f()
      if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, this.#report)
    } catch (e) {
      this.#report(e)
    }
  }

  // ── calls while disconnected ──────────────────────────────────────────────────────────────

  /**
   * Calls any procedure by its generated descriptor (every typed method, and every object bound
   * to the wrapper, goes through here). While a reconnect is under way: rejects at once with a
   * {@link ConnectionClosedError}, or waits for the next connection (`whileDisconnected: 'wait'`).
   */
  override call<A, R>(desc: ProcedureDescriptor<A, R>, args: A, options?: CallOptions): Promise<R> {
    if (this.#state !== 'disconnected') return super.call(desc, args, options)
    return this.#whenConnected().then(() => super.call(desc, args, options))
  }

  /** Resolves when connected; while disconnected rejects at once or waits (per `whileDisconnected`). */
  #whenConnected(): Promise<void> {
    if (this.#state !== 'disconnected') {
      if (this.#isClosing()) return Promise.reject(this.rpc.closeError ?? connectionClosedError())
      return Promise.resolve()
    }
    const s = this.#reconnect!
    if (s.whileDisconnected === 'reject') return Promise.reject(connectionClosedError())
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(w)
          reject(connectionClosedError(undefined, `client socket is closed (still reconnecting after waiting ${s.waitTimeout} ms)`))
        }, s.waitTimeout),
      }
      if (!this.#refed) w.timer.unref()
      this.#waiters.add(w)
    })
  }

  #settleWaiters(error: unknown | null): void {
    const ws = [...this.#waiters]
    this.#waiters.clear()
    for (const w of ws) {
      clearTimeout(w.timer)
      if (error === null) w.resolve()
      else w.reject(error)
    }
  }

  // ── registrations ─────────────────────────────────────────────────────────────────────────

  /** Hands out the id the user holds: the events layer's on the first connection, unique after. */
  #allocateId(routerId: number): number {
    const id = Math.max(routerId, this.#nextId)
    this.#nextId = id + 1
    return id
  }

  /**
   * Registers `target` for `spec` and tracks it.
   * `track` false: the domain-change registration (dropped at close, not by deregisterCallbacks).
   */
  async #register(spec: RegistrationSpec, target: Target, track: boolean, ownsQueue: boolean, wantsGaps = false): Promise<Registration> {
    const fam = EVENT_FAMILIES[spec.family]
    if (typeof target !== 'function' && !isQueueSink(target)) throw new TypeError(`${fam.register}: the callback must be a function or an AsyncQueue`)
    if (typeof target !== 'function' && target.finished) throw new TypeError(`${fam.register}: the queue is already finished`)
    if (this.#isClosing()) throw this.rpc.closeError ?? connectionClosedError()
    await this.#whenConnected()
    const reg = new Registration(spec, fam.kind, target, this, this.#gate, this.#report, (r) => this.#queueFinished(r), ownsQueue)
    reg.wantsGaps = wantsGaps
    this.#pending.add(reg)
    try {
      reg.routerId = await this.registerEvent(spec.family, spec.filter, spec.eventId, reg.callback, spec.qemu)
    } catch (e) {
      reg.deactivate()
      throw e
    } finally {
      this.#pending.delete(reg)
    }
    reg.id = this.#allocateId(reg.routerId)
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
    this.#table.take(reg.family, reg.id)
    reg.deactivate()
    if (reg.routerId < 0) return // still registering: #register (or the replay) finishes the job
    this.#deregisterRemote(reg).catch(this.#report)
  }

  /** Deregisters on the daemon (through the chain); nothing is sent once the connection is gone. */
  async #deregisterRemote(reg: Registration): Promise<void> {
    if (reg.id >= 0) this.#remember(reg.family, reg.id)
    const routerId = reg.routerId
    reg.routerId = -1
    if (routerId < 0 || !this.rpc.isOpen) return
    try {
      await this.deregisterEvent(reg.family, routerId)
    } catch (e) {
      if (this.rpc.isOpen) throw e
    }
  }

  #remember(family: EventFamily, id: number): void {
    const s = this.#recentlyDropped
    s.add(`${family}:${id}`)
    if (s.size > RECENT_IDS_KEPT) s.delete(s.values().next().value as string)
  }

  /** Stops delivery of every registration (tracked, pending, domain change) and returns them. */
  #dropAllLocal(): Registration[] {
    const regs = this.#table.takeAll()
    if (this.#domainChange) regs.push(this.#domainChange)
    if (this.#resyncReg) regs.push(this.#resyncReg)
    this.#domainChange = null
    this.#resyncReg = null
    for (const r of this.#pending) regs.push(r)
    return regs
  }

  async #registerPublic(family: EventFamily, filter: unknown, eventId: unknown, target: unknown): Promise<number> {
    const reg = await this.#register({ family, filter, eventId: eventId as number }, target as Target, true, false)
    return reg.id
  }

  async #deregisterPublic(family: EventFamily, id: unknown): Promise<void> {
    const fam = EVENT_FAMILIES[family]
    if (typeof id !== 'number' || !Number.isInteger(id)) throw new TypeError(`${fam.deregister}: the callback id must be an integer`)
    const reg = this.#table.take(family, id)
    if (reg) {
      const q = reg.deactivate()
      if (reg.ownsQueue) this.#finishQuietly(q)
      return this.#deregisterRemote(reg)
    }
    // Not tracked: deregistered before (harmless), or registered on the wrapped connection directly.
    if (this.#recentlyDropped.has(`${family}:${id}`) || !this.rpc.isOpen) return
    await this.deregisterEvent(family, id)
  }

  /**
   * Registers for domain event `eventId` (virDomainEventID), for one domain or all (`null`).
   * `callback` gets `(wrapper, domain, ...eventArgs)`; a queue gets `[wrapper, domain, ...eventArgs]`
   * on a later turn (finishing it deregisters at once). Tracked until deregistered or closed;
   * with `reconnect`, registered again after each reconnect under the same id.
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

  /**
   * virConnectDomainQemuMonitorEventRegister through the wrapper: `callback(wrapper, dom, event,
   * seconds, micros, details)`; tracked (and, with `reconnect`, registered again) like the others.
   * @see https://libvirt.org/html/libvirt-libvirt-qemu.html#virConnectDomainQemuMonitorEventRegister
   */
  override async qemuMonitorEventRegister(dom: EventFilter<'domain'> | null, event: string | null, callback: QemuMonitorEventCallback<this>, flags = 0): Promise<number> {
    if (event !== null && event !== undefined && typeof event !== 'string') throw new TypeError('virConnectDomainQemuMonitorEventRegister: event must be a string or null')
    if (!Number.isInteger(flags) || flags < 0) throw new RangeError('virConnectDomainQemuMonitorEventRegister: flags must be a non-negative integer')
    const reg = await this.#register({ family: 'qemuMonitor', filter: dom, eventId: -1, qemu: { event: event ?? null, flags } }, callback as unknown as Target, true, false)
    return reg.id
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

  /** As {@link domainEventDeregisterAny}, for QEMU monitor events. */
  override qemuMonitorEventDeregister(callbackID: number): Promise<void> {
    return this.#deregisterPublic('qemuMonitor', callbackID)
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

  /** Callback ids currently tracked for `family` (e.g. `'domain'`, `'secret'`, `'qemuMonitor'`). */
  trackedCallbackIds(family: EventFamily): number[] {
    if (!(family in EVENT_FAMILIES)) throw new TypeError(`trackedCallbackIds: unknown family ${JSON.stringify(family)}`)
    return this.#table.ids(family)
  }

  // ── async iterables ───────────────────────────────────────────────────────────────────────

  #events(family: EventObjectKind, eventId: unknown, options: unknown, where: string): EventStream<unknown> {
    if (options !== undefined && (options === null || typeof options !== 'object')) throw new TypeError(`${where}: options must be an object`)
    const { [family]: filter = null, gaps = false, ...queueOptions } = (options ?? {}) as Record<string, unknown>
    if (typeof gaps !== 'boolean') throw new TypeError(`${where}: options.gaps must be a boolean`)
    validateQueueOptions(queueOptions, where)
    const queue = new AsyncQueue<unknown>(queueOptions)
    // The registration starts now; its failure surfaces on the first next() (never unhandled).
    const ready = this.#register({ family, filter, eventId: eventId as number }, queue as QueueSink<unknown>, true, true, gaps).then((r) => r.id)
    ready.catch(() => queue.finish())
    const inner = queue[Symbol.asyncIterator]()
    return {
      ready,
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<unknown>> => {
          await ready
          const r = await inner.next()
          if (r.done || r.value instanceof EventGap) return r
          // the queue holds [wrapper, object, ...args]; the iterable yields [object, ...args]
          return { done: false, value: (r.value as unknown[]).slice(1) }
        },
        return: async (): Promise<IteratorResult<unknown>> => {
          queue.finish()
          return { done: true, value: undefined }
        },
      }),
    }
  }

  /**
   * Domain events as an async iterable of `[domain, ...eventArgs]`. The registration starts at
   * once (`.ready` resolves with its id); leaving the `for await` loop deregisters; the loop ends
   * when the connection closes (with `reconnect`: when the wrapper gives up or is closed — it
   * survives reconnects). `maxLength`/`overflow` bound what an idle reader can pile up;
   * `gaps: true` adds an {@link EventGap} item after each reconnect.
   * @example
   * ```ts
   * for await (const [dom, event, detail] of wrapper.domainEvents(0)) { ... }
   * ```
   */
  domainEvents<K extends DomainEventId>(eventId: K, options: EventStreamOptions<'domain'> & { gaps: true }): EventStream<[EventObject<'domain'>, ...DomainEventArgs[K]] | EventGap>
  domainEvents<K extends DomainEventId>(eventId: K, options?: EventStreamOptions<'domain'>): EventStream<[EventObject<'domain'>, ...DomainEventArgs[K]]>
  domainEvents(eventId: DomainEventId, options?: EventStreamOptions<'domain'>): EventStream<unknown> {
    return this.#events('domain', eventId, options, 'domainEvents')
  }

  /** As {@link domainEvents}, for networks. */
  networkEvents<K extends NetworkEventId>(eventId: K, options: EventStreamOptions<'network'> & { gaps: true }): EventStream<[EventObject<'network'>, ...NetworkEventArgs[K]] | EventGap>
  networkEvents<K extends NetworkEventId>(eventId: K, options?: EventStreamOptions<'network'>): EventStream<[EventObject<'network'>, ...NetworkEventArgs[K]]>
  networkEvents(eventId: NetworkEventId, options?: EventStreamOptions<'network'>): EventStream<unknown> {
    return this.#events('network', eventId, options, 'networkEvents')
  }

  /** As {@link domainEvents}, for storage pools. */
  storagePoolEvents<K extends StoragePoolEventId>(eventId: K, options: EventStreamOptions<'storagePool'> & { gaps: true }): EventStream<[EventObject<'storagePool'>, ...StoragePoolEventArgs[K]] | EventGap>
  storagePoolEvents<K extends StoragePoolEventId>(eventId: K, options?: EventStreamOptions<'storagePool'>): EventStream<[EventObject<'storagePool'>, ...StoragePoolEventArgs[K]]>
  storagePoolEvents(eventId: StoragePoolEventId, options?: EventStreamOptions<'storagePool'>): EventStream<unknown> {
    return this.#events('storagePool', eventId, options, 'storagePoolEvents')
  }

  /** As {@link domainEvents}, for node devices. */
  nodeDeviceEvents<K extends NodeDeviceEventId>(eventId: K, options: EventStreamOptions<'nodeDevice'> & { gaps: true }): EventStream<[EventObject<'nodeDevice'>, ...NodeDeviceEventArgs[K]] | EventGap>
  nodeDeviceEvents<K extends NodeDeviceEventId>(eventId: K, options?: EventStreamOptions<'nodeDevice'>): EventStream<[EventObject<'nodeDevice'>, ...NodeDeviceEventArgs[K]]>
  nodeDeviceEvents(eventId: NodeDeviceEventId, options?: EventStreamOptions<'nodeDevice'>): EventStream<unknown> {
    return this.#events('nodeDevice', eventId, options, 'nodeDeviceEvents')
  }

  /** As {@link domainEvents}, for secrets. */
  secretEvents<K extends SecretEventId>(eventId: K, options: EventStreamOptions<'secret'> & { gaps: true }): EventStream<[EventObject<'secret'>, ...SecretEventArgs[K]] | EventGap>
  secretEvents<K extends SecretEventId>(eventId: K, options?: EventStreamOptions<'secret'>): EventStream<[EventObject<'secret'>, ...SecretEventArgs[K]]>
  secretEvents(eventId: SecretEventId, options?: EventStreamOptions<'secret'>): EventStream<unknown> {
    return this.#events('secret', eventId, options, 'secretEvents')
  }

  // ── loss and reconnect ────────────────────────────────────────────────────────────────────

  /** The RPC client `rpc` ended (or the daemon said so through the close callback). */
  #onRpcClosed(rpc: RpcClient, reason: CloseReason): void {
    if (rpc !== this.rpc || this.#state === 'detached') return
    const explicit = this.#explicitClose || reason === CloseReason.CLIENT
    if (!explicit && this.#reconnect && this.#state === 'open') {
      this.#lost(reason)
      return
    }
    if (this.#recovering()) return // lost again during a reconnect: the attempt loop sees it
    this.#scheduleClose(reason, !explicit)
  }

  /** close() was called on the wrapped connection (maybe after its socket was already gone). */
  #closeRequested(): void {
    this.#explicitClose = true
    if (this.#recovering()) this.#stopRecovery(CloseReason.CLIENT, false)
  }

  #lost(reason: CloseReason): void {
    this.#state = 'disconnected'
    this.#unlistenRpc()
    this.#closeCallback = null
    // The events layer dropped every registration of the dead connection locally; ours stay tracked.
    for (const r of this.#allRegistrations()) r.routerId = -1
    const rec: Recovery = { reason, since: Date.now(), attempt: 0, abort: new AbortController(), timer: null, wake: null, lastReported: null }
    this.#recovery = rec
    queueMicrotask(() => {
      const f = this.#onDisconnect
      if (f && this.#recovery === rec) this.#callUser(() => f(this, reason))
      void this.#recover(rec)
    })
  }

  #allRegistrations(): Registration[] {
    const regs = this.#table.all()
    if (this.#domainChange) regs.push(this.#domainChange)
    if (this.#resyncReg) regs.push(this.#resyncReg)
    return regs
  }

  /** Attempts with backoff until one succeeds, the wrapper is closed, or maxAttempts is used. */
  async #recover(rec: Recovery): Promise<void> {
    const s = this.#reconnect!
    while (!rec.abort.signal.aborted) {
      if (rec.attempt >= s.maxAttempts) {
        this.#stopRecovery(rec.reason, true)
        return
      }
      rec.attempt++
      await this.#sleep(rec, backoffDelay(s, rec.attempt))
      if (rec.abort.signal.aborted) return
      let core: ConnectionCore
      try {
        core = await this.#open(rec)
      } catch (e) {
        if (!rec.abort.signal.aborted) this.#reportAttempt(rec, e)
        continue
      }
      if (rec.abort.signal.aborted) {
        core.rpc.destroy(CloseReason.CLIENT)
        return
      }
      if (await this.#restore(rec, core)) return
    }
  }

  #sleep(rec: Recovery, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        if (rec.timer) clearTimeout(rec.timer)
        rec.timer = null
        rec.wake = null
        resolve()
      }
      rec.wake = done
      rec.timer = setTimeout(done, ms)
      if (!this.#refed) rec.timer.unref()
    })
  }

  async #open(rec: Recovery): Promise<ConnectionCore> {
    const { uri, options } = this.#reopen
    if (!options) throw LibvirtError.local(ErrorCode.NO_SUPPORT, ErrorDomain.NONE, 'cannot reconnect: the wrapped connection was not opened by connect(), so its URI and options are unknown')
    const timeout = this.#reconnect!.attemptTimeout ?? options.timeout ?? DEFAULT_ATTEMPT_TIMEOUT
    const opened = await openRpcClient(uri?.input ?? null, { ...options, timeout, signal: rec.abort.signal }, { unref: !this.#refed })
    return { rpc: opened.rpc, uri: opened.uri, options }
  }

  /** An attempt failed: a daemon that is not there (yet) is expected; anything else is reported, once per kind. */
  #reportAttempt(rec: Recovery, e: unknown): void {
    const expected = e instanceof LibvirtError && (e.code === ErrorCode.SYSTEM_ERROR || e.code === ErrorCode.OPERATION_TIMEOUT || e instanceof ConnectionClosedError)
    if (expected) return
    const key = e instanceof Error ? e.message : String(e)
    if (rec.lastReported === key) return
    rec.lastReported = key
    this.#report(e)
  }

  /**
   * Moves the wrapper onto the new connection, registers everything again (held: nothing is
   * delivered yet), lists domains for resync, then reports and releases. False when the new
   * connection was lost meanwhile (attempts go on).
   */
  async #restore(rec: Recovery, core: ConnectionCore): Promise<boolean> {
    const rpc = core.rpc
    const virt = new Connection(core)
    // The connection that was lost is no longer the one closing stops.
    if (this.#virt.closeRequested) this.#virt.closeRequested = undefined
    this.#virt = virt
    this.#watchVirt(virt)
    this.replaceCore(core)
    if (!this.#refed) rpc.unref()
    this.#watch(rpc)
    this.#gate.hold()
    // The wrapper's own calls (registrations, resync) go through from here on; so do the user's.
    this.#state = 'restoring'
    const refused: { family: EventFamily; id: number; error: unknown }[] = []
    let diff: ResyncDiff | undefined
    try {
      await this.#registerCloseCallback(rpc)
      const regs = this.#allRegistrations()
      const results = await Promise.allSettled(regs.map((r) => this.#replay(r)))
      rpc.assertOpen()
      results.forEach((res, i) => {
        if (res.status === 'rejected') refused.push({ family: regs[i]!.family, id: regs[i]!.id, error: res.reason })
      })
      if (this.#resync) {
        const now = await listDomainStates(this)
        diff = diffDomains(this.#domains ?? new Map(), now)
        this.#domains = now
      }
      rpc.assertOpen()
    } catch (e) {
      this.#gate.drop()
      if (rec.abort.signal.aborted) return true
      this.#state = 'disconnected'
      if (rpc.isOpen) {
        // The new daemon refused what the wrapper needs (e.g. the close callback): report, try again later.
        this.#report(e)
        this.#unlistenRpc()
        rpc.destroy(CloseReason.ERROR)
      }
      this.#closeCallback = null
      for (const r of this.#allRegistrations()) r.routerId = -1
      return false
    }
    if (rec.abort.signal.aborted) return true
    this.#state = 'open'
    this.#recovery = null
    const info: ReconnectInfo = { attempt: rec.attempt, downtimeMs: Date.now() - rec.since, reason: rec.reason, refused, ...(diff ? { resync: diff } : {}) }
    for (const r of refused) this.#report(r.error)
    this.#settleWaiters(null)
    const gap = new EventGap(rec.reason, info.downtimeMs, rec.attempt)
    for (const r of this.#table.all()) if (r.wantsGaps) r.pushMarker(gap)
    const f = this.#onReconnect
    if (f) this.#callUser(() => f(this, info))
    if (this.#state === 'open' && this.rpc === rpc) this.#gate.release()
    return true
  }

  /** Registers one tracked registration again on the current connection, under its events-layer id there. */
  async #replay(reg: Registration): Promise<void> {
    const { family, filter, eventId, qemu } = reg.spec
    const routerId = await this.registerEvent(family, filter, eventId, reg.callback, qemu)
    if (reg.active) reg.routerId = routerId
    else await this.deregisterEvent(family, routerId).catch(() => {})
  }

  /** Ends a recovery: by an explicit close (CLIENT, no onClose) or by giving up (the loss, onClose). */
  #stopRecovery(reason: CloseReason, lost: boolean): void {
    const rec = this.#recovery
    if (!rec) return
    this.#recovery = null
    rec.abort.abort()
    rec.wake?.()
    this.#gate.drop()
    // Stopped while registering again: the new connection goes too.
    if (this.rpc.isOpen) void this.rpc.close()
    this.#scheduleClose(reason, lost)
  }

  // ── ref / unref ───────────────────────────────────────────────────────────────────────────

  /** Let the connection (and a reconnect under way) keep the Node process alive (the default). */
  override ref(): this {
    this.#refed = true
    super.ref()
    this.#recovery?.timer?.ref()
    for (const w of this.#waiters) w.timer.ref()
    return this
  }

  /** Stop the connection, its reconnect attempts and their timers from keeping the Node process alive. */
  override unref(): this {
    this.#refed = false
    super.unref()
    this.#recovery?.timer?.unref()
    for (const w of this.#waiters) w.timer.unref()
    return this
  }

  // ── close ─────────────────────────────────────────────────────────────────────────────────

  /**
   * Closes the connection (the wrapped one too: they are one connection) and stops any reconnect
   * at once. Then the clean-up runs as for any other way of closing, without `onClose` (an
   * explicit close is not a loss); `closed` settles with CLIENT. Resolves after the clean-up
   * (at once when called again, or from inside a callback of the close sequence).
   */
  override async close(): Promise<void> {
    if (this.#state === 'starting') await this.ready.catch(() => {})
    if (this.#state === 'detached') return super.close()
    this.#explicitClose = true
    if (this.#recovering()) {
      this.#stopRecovery(CloseReason.CLIENT, false)
      await this.#closedPromise
      return
    }
    if (this.#state !== 'open') return
    await super.close()
    await this.#closedPromise
  }

  #scheduleClose(reason: CloseReason, lost: boolean): void {
    if (this.#closeSequence || this.#state === 'detached') return
    this.#closeSequence = new Promise<void>((resolve) => queueMicrotask(resolve)).then(() => this.#runClose(reason, lost))
  }

  /** The close sequence of SPEC §2; runs once, never throws (failures go to onError). */
  async #runClose(reason: CloseReason, lost: boolean): Promise<void> {
    this.#state = 'closing'
    this.#settleWaiters(this.rpc.closeError ?? connectionClosedError())
    const onClose = this.#onClose
    if (lost && typeof onClose === 'function') {
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
    if (this.#virt.closeRequested) this.#virt.closeRequested = undefined
    if (this.#closeCallback) {
      // Nothing is sent: the connection is gone; this only releases the events layer's slot.
      await this.unregisterCloseCallback(this.#closeCallback).catch(() => {})
      this.#closeCallback = null
    }
    const change = this.#onDomainChange
    if (change !== undefined && typeof change !== 'function') queues.add(change as QueueSink<unknown>)
    for (const q of queues) this.#finishQuietly(q)
    this.#recentlyDropped.clear()
    this.#domains = null
    if (lost && onClose !== undefined && typeof onClose !== 'function') {
      try {
        onClose.resolve([this, reason])
      } catch (e) {
        this.#report(e)
      }
    }
    // Let go of user code: a closed wrapper must not keep callbacks (or what they hold) alive.
    this.#onClose = undefined
    this.#onDomainChange = undefined
    this.#onDisconnect = undefined
    this.#onReconnect = undefined
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
