// Layer 7 (notifier). One tracked event registration: what it was registered for (so a reconnect
// can register it again), the id the user holds and the events layer's id on the current
// connection, and the callback handed to the events layer, which forwards to the user's function
// (synchronously, with the wrapper first) or pushes one array onto the user's queue (on a later
// microtask, in order), and stops the moment it is deactivated, so nothing is delivered after a
// deregistration or a queue's finish.

import type { EventFamily } from '../events/families.js'
import type { EventObjectKind } from '../events/objects.js'
import type { QueueSink } from './async-queue.js'
import type { DeliveryGate } from './delivery-gate.js'

/** Duck test for {@link QueueSink}: `push`, `onFinish` and a boolean `finished`. */
export function isQueueSink(v: unknown): v is QueueSink<unknown> {
  if (v === null || typeof v !== 'object') return false
  const q = v as Record<string, unknown>
  return typeof q.push === 'function' && typeof q.onFinish === 'function' && typeof q.finished === 'boolean'
}

/** A user callback: anything callable; its result is checked for a rejected promise. */
export type AnyCallback = (...args: never[]) => unknown

/** What a registration delivers to. */
export type Target = AnyCallback | QueueSink<unknown>

/** What a registration is for: enough to make it again on a new connection. */
export interface RegistrationSpec {
  readonly family: EventFamily
  /** The object filter as the user gave it (null: every object). */
  readonly filter: unknown
  /** The event id (-1 for QEMU monitor events). */
  readonly eventId: number
  /** QEMU monitor events: the event name filter and its flags. */
  readonly qemu?: { event: string | null; flags: number }
}

export class Registration {
  readonly family: EventFamily
  readonly kind: EventObjectKind
  readonly spec: RegistrationSpec
  /** The callback id the user holds (stable across reconnects); -1 until first registered. */
  id = -1
  /** The events layer's id on the current connection; -1 while not registered there. */
  routerId = -1
  /** Set when a queue item should be a gap marker for the *Events() iterables that asked for one. */
  wantsGaps = false
  #active = true
  #target: Target | null
  #wrapper: object | null
  #report: (err: unknown) => void
  #offFinish: (() => void) | null = null
  /** True when the notifier created the queue (the *Events() iterables) and must finish it. */
  readonly ownsQueue: boolean

  #gate: DeliveryGate

  constructor(spec: RegistrationSpec, kind: EventObjectKind, target: Target, wrapper: object, gate: DeliveryGate, report: (err: unknown) => void, onQueueFinished: (r: Registration) => void, ownsQueue = false) {
    this.spec = spec
    this.family = spec.family
    this.kind = kind
    this.#gate = gate
    this.#target = target
    this.#wrapper = wrapper
    this.#report = report
    this.ownsQueue = ownsQueue
    if (typeof target !== 'function') this.#offFinish = target.onFinish(() => onQueueFinished(this))
  }

  get active(): boolean {
    return this.#active
  }

  /** The queue this registration pushes to, if any. */
  get queue(): QueueSink<unknown> | null {
    const t = this.#target
    return t !== null && typeof t !== 'function' ? t : null
  }

  /**
   * The function given to the events layer. Its first argument (the connection the events layer
   * saw) is replaced by the wrapper.
   */
  readonly callback = (_conn: unknown, ...rest: unknown[]): void => {
    if (!this.#active) return
    this.#gate.pass(() => this.#deliver(rest))
  }

  #deliver(rest: unknown[]): void {
    if (!this.#active) return
    const target = this.#target!
    const item = [this.#wrapper, ...rest]
    if (typeof target === 'function') {
      try {
        const r = (target as (...a: unknown[]) => unknown)(...item)
        if (r !== null && typeof r === 'object' && typeof (r as Promise<unknown>).then === 'function') {
          ;(r as Promise<unknown>).then(undefined, this.#report)
        }
      } catch (e) {
        this.#report(e)
      }
      return
    }
    // A queue gets the item on a later turn, never inside protocol processing; microtasks keep order.
    queueMicrotask(() => {
      if (!this.#active || target.finished) return
      try {
        target.push(item)
      } catch (e) {
        this.#report(e)
      }
    })
  }

  /** Pushes a gap marker onto the queue (the *Events() iterables that asked for one). */
  pushMarker(marker: unknown): void {
    const q = this.queue
    if (!this.#active || !q || q.finished) return
    try {
      q.push(marker)
    } catch (e) {
      this.#report(e)
    }
  }

  /**
   * Stops delivery now and forgets the target (so nothing here keeps the user's callback or
   * queue alive); returns the queue it pushed to, if any.
   */
  deactivate(): QueueSink<unknown> | null {
    const q = this.queue
    this.#active = false
    this.#offFinish?.()
    this.#offFinish = null
    this.#target = null
    this.#wrapper = null
    return q
  }
}

/** Tracked registrations per family, by callback id. */
export class RegistrationTable {
  #byKind = new Map<EventFamily, Map<number, Registration>>()

  add(reg: Registration): void {
    let m = this.#byKind.get(reg.family)
    if (!m) this.#byKind.set(reg.family, (m = new Map()))
    m.set(reg.id, reg)
  }

  /** Removes and returns the registration, or undefined if it was not tracked. */
  take(kind: EventFamily, id: number): Registration | undefined {
    const m = this.#byKind.get(kind)
    const r = m?.get(id)
    if (r) m!.delete(id)
    return r
  }

  has(reg: Registration): boolean {
    return this.#byKind.get(reg.family)?.get(reg.id) === reg
  }

  /** Removes and returns every registration (of `kinds`, default all). */
  takeAll(kinds?: readonly EventFamily[]): Registration[] {
    const out: Registration[] = []
    for (const [k, m] of this.#byKind) {
      if (kinds && !kinds.includes(k)) continue
      out.push(...m.values())
      m.clear()
    }
    return out
  }

  /** Tracked ids per family (for inspection and tests). */
  ids(kind: EventFamily): number[] {
    return [...(this.#byKind.get(kind)?.keys() ?? [])]
  }

  /** Every tracked registration, in registration order per family. */
  all(): Registration[] {
    const out: Registration[] = []
    for (const m of this.#byKind.values()) out.push(...m.values())
    return out
  }
}
