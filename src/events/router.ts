// Layer 4c (events). One EventRouter per RpcClient: tracks local registrations (our own ids),
// shares one server registration per (family, event, filter) among them as libvirt's client does
// (the daemon refuses a duplicate), routes MESSAGE frames to callbacks by the daemon's callback id,
// and drops everything locally (no RPCs) when the connection ends.

import type { MessageHeader } from '../core/header.js'
import { ErrorCode, ErrorDomain, LibvirtError, connectionClosedError } from '../errors.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import { CloseReason } from '../client/close-reason.js'
import { DrvFeature, type RpcClient } from '../client/rpc-client.js'
import { eventTracingActive, traceEvent } from '../client/tracing.js'
import { WarningLimiter } from '../client/warning-limiter.js'
import { FAMILY_WIRE, type EventFamily } from './families.js'
import { decodeEventMessage, type DecodedEvent } from './messages.js'
import { filterKey, type EventObjectKind, type RawEventObjects } from './objects.js'

/** What the router needs from the connection object a registration was made through. */
export interface EventHost {
  /** Turns a wire object into what callbacks receive (see EventConnection.wrapEventObject). */
  wrapEventObject(kind: EventObjectKind, raw: unknown): unknown
}

type AnyCallback = (...args: never[]) => unknown

/** A callback registered by the user (one local id). */
interface LocalReg {
  readonly id: number
  readonly family: EventFamily
  readonly server: ServerReg
  readonly callback: AnyCallback
  readonly host: EventHost
  /** Legacy domainEventRegister callbacks are found by function, not id. */
  readonly legacy: boolean
  active: boolean
}

/** One registration on the daemon, shared by every local callback with the same key. */
interface ServerReg {
  readonly key: string
  readonly family: EventFamily
  readonly locals: Set<LocalReg>
  /** The daemon's callback id once registered. */
  remoteId: number | null
  /** Settles when the daemon answered the register call (rejects with its error). */
  ready: Promise<void>
}

interface CloseReg {
  callback: AnyCallback
  host: EventHost
}

const routers = new WeakMap<RpcClient, EventRouter>()

/** The router of `rpc`, created (and installed as its message handler) on first use. */
export function eventRouter(rpc: RpcClient): EventRouter {
  let r = routers.get(rpc)
  if (!r) {
    r = new EventRouter(rpc)
    routers.set(rpc, r)
  }
  return r
}

/** Options of {@link EventRouter.register}. */
export interface RegisterRequest {
  family: EventFamily
  eventId: number
  filter: RawEventObjects[EventObjectKind] | null
  callback: AnyCallback
  host: EventHost
  legacy?: boolean
  /** QEMU monitor events: event name filter and flags (part of the sharing key). */
  qemu?: { event: string | null; flags: number }
}

export class EventRouter {
  readonly rpc: RpcClient
  #nextId = 1
  readonly #locals = new Map<number, LocalReg>()
  readonly #servers = new Map<string, ServerReg>()
  /** `${family}:${remoteId}` → server registration. */
  readonly #byRemote = new Map<string, ServerReg>()
  /** Remote ids whose deregistration is in flight: their late events are expected, not strange. */
  readonly #retiring = new Set<string>()
  /** Per key: the deregistration in flight, which a new registration of that key must wait for. */
  readonly #draining = new Map<string, Promise<void>>()
  #queue: DecodedEvent[] = []
  #pos = 0
  #immediate: NodeJS.Immediate | null = null
  #close: CloseReg | null = null
  #closePending = false

  constructor(rpc: RpcClient) {
    this.rpc = rpc
    rpc.messageHandler = (h, body) => this.#onMessage(h, body)
    rpc.onClose((reason) => this.#onClosed(reason))
  }

  /** Number of live local registrations (for tests and the notifier). */
  get size(): number {
    return this.#locals.size
  }


  /** Registers a callback; resolves with its local id once the daemon delivers its events. */
  async register(req: RegisterRequest): Promise<number> {
    this.rpc.assertOpen()
    const kind = FAMILY_WIRE[req.family].kind
    const fkey = req.filter ? filterKey(kind, req.filter) : '*'
    const q = req.qemu ? `:${req.qemu.event ?? '*'}:${req.qemu.flags}` : ''
    const key = `${req.family}:${req.eventId}:${fkey}${q}`
    let server = this.#servers.get(key)
    // libvirt's client refuses the same callback twice for the same key (QEMU monitor callbacks
    // carry a filter there, so they are exempt).
    if (server && req.family !== 'qemuMonitor') {
      for (const l of server.locals) {
        if (l.callback === req.callback && l.legacy === (req.legacy ?? false)) {
          throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.NONE, 'invalid argument: event callback already tracked')
        }
      }
    }
    if (!server) server = this.#openServer(key, req)
    const local: LocalReg = { id: this.#nextId++, family: req.family, server, callback: req.callback, host: req.host, legacy: req.legacy ?? false, active: true }
    server.locals.add(local)
    this.#locals.set(local.id, local)
    try {
      await server.ready
    } catch (e) {
      this.#forget(local)
      throw e
    }
    return local.id
  }

  #openServer(key: string, req: RegisterRequest): ServerReg {
    const wire = FAMILY_WIRE[req.family]
    const server: ServerReg = { key, family: req.family, locals: new Set(), remoteId: null, ready: Promise.resolve() }
    const previous = this.#draining.get(key) ?? Promise.resolve()
    const args = wire.registerArgs(req.eventId, req.filter, req.qemu)
    server.ready = previous.then(async () => {
      this.rpc.assertOpen()
      const ret = await this.rpc.call(wire.register, args)
      server.remoteId = ret.callbackID
      const rkey = `${req.family}:${ret.callbackID}`
      // Every local may have left while the call was in flight; #drop then deregisters it.
      if (this.#servers.get(key) === server) this.#byRemote.set(rkey, server)
      else this.#retiring.add(rkey)
    })
    // A failed registration takes its server entry with it, so a later attempt starts afresh.
    server.ready.catch(() => {
      if (this.#servers.get(key) === server) this.#servers.delete(key)
    })
    this.#servers.set(key, server)
    return server
  }

  /** Removes a local registration; the last one of its key deregisters on the daemon. */
  async deregister(family: EventFamily, id: number): Promise<void> {
    const local = typeof id === 'number' ? this.#locals.get(id) : undefined
    if (!local || local.family !== family || local.legacy) {
      throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.NONE, `invalid argument: event callback id ${id} not registered`)
    }
    await this.#drop(local)
  }

  /** Legacy domainEventDeregister: finds the callback by function. */
  async deregisterLegacy(callback: unknown): Promise<void> {
    for (const l of this.#locals.values()) {
      if (l.legacy && l.callback === callback) return this.#drop(l)
    }
    throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.NONE, 'invalid argument: event callback function not registered')
  }

  async #drop(local: LocalReg): Promise<void> {
    this.#forget(local)
    const server = local.server
    if (server.locals.size > 0 || this.#servers.get(server.key) !== server) return
    this.#servers.delete(server.key)
    if (!this.rpc.isOpen) return
    const done = (async () => {
      try {
        await server.ready
      } catch {
        return // never registered on the daemon
      }
      if (server.remoteId === null) return
      await this.#retire(server)
    })()
    const mark = done.catch(() => {})
    this.#draining.set(server.key, mark)
    try {
      await done
    } finally {
      if (this.#draining.get(server.key) === mark) this.#draining.delete(server.key)
    }
  }

  /** Stops delivery to `local` at once (even mid-dispatch) and forgets it. */
  #forget(local: LocalReg): void {
    local.active = false
    this.#locals.delete(local.id)
    local.server.locals.delete(local)
  }

  /** Deregisters a server registration on the daemon. */
  async #retire(server: ServerReg): Promise<void> {
    const rkey = `${server.family}:${server.remoteId}`
    this.#byRemote.delete(rkey)
    this.#retiring.add(rkey)
    try {
      if (this.rpc.isOpen) await this.rpc.call(FAMILY_WIRE[server.family].deregister, { callbackID: server.remoteId! })
    } catch (e) {
      if (this.rpc.isOpen) throw e
    } finally {
      this.#retiring.delete(rkey)
    }
  }

  // ── close callback ──────────────────────────────────────────────────────────────────────────

  async registerClose(callback: AnyCallback, host: EventHost): Promise<void> {
    this.rpc.assertOpen()
    if (this.#close || this.#closePending) {
      throw LibvirtError.local(ErrorCode.OPERATION_INVALID, ErrorDomain.REMOTE, 'Requested operation is not valid: A close callback is already registered')
    }
    this.#closePending = true
    try {
      // The daemon then tells us (CONNECT_EVENT_CONNECTION_CLOSED) when its side of the connection ends.
      if (await this.rpc.supportsFeature(DrvFeature.REMOTE_CLOSE_CALLBACK)) await this.rpc.call(REMOTE_PROCEDURES.CONNECT_REGISTER_CLOSE_CALLBACK, undefined)
    } finally {
      this.#closePending = false
    }
    this.rpc.assertOpen()
    this.#close = { callback, host }
  }

  async unregisterClose(callback: unknown): Promise<void> {
    this.rpc.assertOpen()
    if (!this.#close || this.#close.callback !== callback) {
      throw LibvirtError.local(ErrorCode.OPERATION_INVALID, ErrorDomain.REMOTE, 'Requested operation is not valid: A different callback was requested')
    }
    this.#close = null
    if (await this.rpc.supportsFeature(DrvFeature.REMOTE_CLOSE_CALLBACK)) await this.rpc.call(REMOTE_PROCEDURES.CONNECT_UNREGISTER_CLOSE_CALLBACK, undefined)
  }

  // ── dispatch ────────────────────────────────────────────────────────────────────────────────

  #onMessage(h: MessageHeader, body: Buffer): void {
    let ev
    try {
      ev = decodeEventMessage(h, body)
    } catch (e) {
      warn(`event message (program 0x${h.program.toString(16)} procedure ${h.procedure}) does not decode: ${e instanceof Error ? e.message : String(e)}`)
      return
    }
    if (ev === null) {
      warn(`unexpected event message: program 0x${h.program.toString(16)} procedure ${h.procedure}`)
      return
    }
    if (ev.family === 'close') {
      // The daemon ended the connection on its side: treat it as a close with its reason.
      const reason = ev.reason >= 0 && ev.reason <= 3 ? (ev.reason as CloseReason) : CloseReason.ERROR
      setImmediate(() => this.rpc.destroy(reason, connectionClosedError()))
      return
    }
    if (eventTracingActive()) traceEvent(this.rpc.traceUri, ev.family, ev.eventId, ev.remoteId)
    // Callbacks never run inside protocol parsing: queue, and deliver on a later turn (after the
    // replies parsed with this chunk have resolved, so a registration's id is known by then).
    this.#queue.push(ev)
    this.#immediate ??= setImmediate(() => {
      this.#immediate = null
      this.#flush()
    })
  }

  /** Delivers queued events; safe to re-enter (a callback that closes the connection flushes the rest). */
  #flush(): void {
    while (this.#pos < this.#queue.length) {
      const ev = this.#queue[this.#pos++]!
      this.#deliver(ev)
    }
    this.#queue = []
    this.#pos = 0
  }

  #deliver(ev: DecodedEvent): void {
    const rkey = `${ev.family}:${ev.remoteId}`
    const server = this.#byRemote.get(rkey)
    if (!server) {
      if (!this.#retiring.has(rkey)) warn(`event for unknown ${ev.family} callback id ${ev.remoteId}`)
      return
    }
    const kind = FAMILY_WIRE[ev.family].kind
    for (const l of [...server.locals]) {
      if (!l.active) continue // deregistered by an earlier callback of this very event
      let obj: unknown
      try {
        obj = l.host.wrapEventObject(kind, ev.object)
      } catch (e) {
        this.rpc.reportCallbackError(e)
        continue
      }
      this.#invoke(l.callback, [l.host, obj, ...ev.args])
    }
  }

  #invoke(cb: AnyCallback, args: unknown[]): void {
    try {
      const r = (cb as (...a: unknown[]) => unknown)(...args)
      if (r !== null && typeof r === 'object' && typeof (r as PromiseLike<unknown>).then === 'function') {
        ;(r as PromiseLike<unknown>).then(undefined, (e) => this.rpc.reportCallbackError(e))
      }
    } catch (e) {
      this.rpc.reportCallbackError(e)
    }
  }

  #onClosed(reason: CloseReason): void {
    // Events received before a loss of the connection still reach their callbacks (the daemon's
    // last words); after our own close() nothing more is delivered. Then every registration goes
    // (no RPCs: the socket is gone), then the close callback runs once.
    if (this.#immediate) clearImmediate(this.#immediate)
    this.#immediate = null
    if (reason === CloseReason.CLIENT) this.#queue.length = this.#pos
    else this.#flush()
    for (const l of this.#locals.values()) l.active = false
    this.#locals.clear()
    this.#servers.clear()
    this.#byRemote.clear()
    this.#retiring.clear()
    this.#draining.clear()
    const c = this.#close
    this.#close = null
    // As libvirt's client: the caller's own close() unregisters the close callback first, so it
    // runs only when the connection is lost (`closed` still settles with CLIENT).
    if (c && reason !== CloseReason.CLIENT) this.#invoke(c.callback, [c.host, reason])
  }
}

// Rate-limited: a daemon flooding events for unknown callbacks must not flood the process.
const eventWarnings = new WarningLimiter('LIBVIRT_ASYNC_UNEXPECTED_EVENT')

function warn(message: string): void {
  eventWarnings.warn(`libvirt-async: ${message}`)
}
