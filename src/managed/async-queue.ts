// Layer 7 (notifier). A small promise-based FIFO — the counterpart of Perl's Future::Queue —
// used to receive events with `await queue.shift()` or `for await`. Bounded on request, so a
// queue nobody reads cannot grow without limit; finishing it is observable so producers stop.

/** What {@link AsyncQueue.push} does when the queue already holds `maxLength` items. */
export type OverflowPolicy = 'drop-oldest' | 'drop-newest' | 'error'

/** Options of {@link AsyncQueue}. */
export interface AsyncQueueOptions {
  /**
   * Most items held at once (a positive integer or `Infinity`, the default). When full, `overflow`
   * decides; every item not kept is counted in {@link AsyncQueue.dropped}.
   */
  maxLength?: number
  /**
   * Policy when full: `'drop-oldest'` (default: the oldest buffered item is discarded to make room),
   * `'drop-newest'` (the pushed item is discarded), `'error'` (`push` throws a RangeError and
   * the pushed item is discarded).
   */
  overflow?: OverflowPolicy
  /**
   * Aborting finishes the queue at once: buffered items are discarded and every pending and later
   * `shift()` rejects with `signal.reason` (so a `for await` loop throws, as Node's own iterators do).
   */
  signal?: AbortSignal
}

const POLICIES: ReadonlySet<string> = new Set(['drop-oldest', 'drop-newest', 'error'])
const OPTION_KEYS: ReadonlySet<string> = new Set(['maxLength', 'overflow', 'signal'])

/**
 * Where an event producer can put items: the part of {@link AsyncQueue} a ManagedConnection uses.
 * Anything implementing it may stand in for an AsyncQueue.
 */
export interface QueueSink<T> {
  /** Adds one item; returns false when the item was not kept (queue finished or full). */
  push(item: T): boolean
  /** True once the queue is finished (no more items will be accepted). */
  readonly finished: boolean
  /** Runs `listener` once, synchronously, when the queue is finished; returns an unsubscriber. */
  onFinish(listener: () => void): () => void
  /** Finishes the queue (called by the notifier when the connection closes). */
  finish?(): void
}

/** Validates an AsyncQueueOptions object; shared with ManagedConnection's `*Events()` helpers. */
export function validateQueueOptions(options: unknown, where: string): AsyncQueueOptions {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object') throw new TypeError(`${where}: options must be an object`)
  const o = options as Record<string, unknown>
  for (const k of Object.keys(o)) if (!OPTION_KEYS.has(k)) throw new TypeError(`${where}: unknown option ${JSON.stringify(k)}`)
  const max = o.maxLength
  if (max !== undefined && (typeof max !== 'number' || !(max === Infinity || (Number.isInteger(max) && max > 0)))) {
    throw new RangeError(`${where}: maxLength must be a positive integer or Infinity`)
  }
  if (o.overflow !== undefined && (typeof o.overflow !== 'string' || !POLICIES.has(o.overflow))) {
    throw new TypeError(`${where}: overflow must be 'drop-oldest', 'drop-newest' or 'error'`)
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new TypeError(`${where}: signal must be an AbortSignal`)
  return o as AsyncQueueOptions
}

interface Waiter<T> {
  resolve(v: T | undefined): void
  reject(e: unknown): void
}

/**
 * An asynchronous FIFO queue. Producers `push()`; consumers `await shift()` (resolves with
 * `undefined` once the queue is finished and drained) or iterate with `for await`. Leaving a
 * `for await` loop early (`break`, `return`, `throw`) finishes the queue.
 *
 * @example
 * ```ts
 * const q = new AsyncQueue<string>({ maxLength: 100 })
 * q.push('a'); q.finish()
 * for await (const item of q) console.log(item)
 * ```
 */
export class AsyncQueue<T> implements QueueSink<T>, AsyncIterable<T> {
  readonly #max: number
  readonly #policy: OverflowPolicy
  #items: T[] = []
  #head = 0
  #waiters: Waiter<T>[] = []
  #finished = false
  #abortReason: { reason: unknown } | null = null
  #listeners: (() => void)[] = []
  #dropped = 0
  #signal: AbortSignal | undefined
  #onAbort: (() => void) | undefined

  constructor(options?: AsyncQueueOptions) {
    const o = validateQueueOptions(options, 'AsyncQueue')
    this.#max = o.maxLength ?? Infinity
    this.#policy = o.overflow ?? 'drop-oldest'
    const signal = o.signal
    if (signal) {
      if (signal.aborted) this.#abort(signal.reason)
      else {
        this.#signal = signal
        this.#onAbort = () => this.#abort(signal.reason)
        signal.addEventListener('abort', this.#onAbort, { once: true })
      }
    }
  }

  /** Items buffered and not yet shifted. */
  get length(): number {
    return this.#items.length - this.#head
  }

  /** How many pushed items were discarded because the queue was full. */
  get dropped(): number {
    return this.#dropped
  }

  /** True once {@link finish} was called (or the signal aborted). Buffered items may remain. */
  get finished(): boolean {
    return this.#finished
  }

  /**
   * Adds `item` at the end. Returns true when it was kept (or handed straight to a waiting
   * `shift()`), false when the queue is finished or the item was dropped by `'drop-newest'`.
   * @throws RangeError when full and the overflow policy is `'error'`.
   */
  push(item: T): boolean {
    if (this.#finished) return false
    const w = this.#waiters.shift()
    if (w) {
      w.resolve(item)
      return true
    }
    if (this.length >= this.#max) {
      this.#dropped++
      if (this.#policy === 'drop-newest') return false
      if (this.#policy === 'error') throw new RangeError(`AsyncQueue is full (maxLength ${this.#max})`)
      this.#items[this.#head++] = undefined as T // drop-oldest: let the dropped item be collected
    }
    this.#items.push(item)
    this.#compact()
    return true
  }

  /**
   * Resolves with the next item, waiting for one if necessary; with `undefined` once the queue is
   * finished and empty. Rejects with the signal's reason after an abort.
   */
  shift(): Promise<T | undefined> {
    if (this.#abortReason) return Promise.reject(this.#abortReason.reason)
    if (this.length > 0) {
      const item = this.#items[this.#head]!
      this.#items[this.#head++] = undefined as T // let the item be collected
      this.#compact()
      return Promise.resolve(item)
    }
    if (this.#finished) return Promise.resolve(undefined)
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }))
  }

  /**
   * Marks the queue finished: later pushes are refused, buffered items can still be shifted,
   * waiting consumers get `undefined`. Finish listeners run now, all of them; if any threw, the
   * first exception is rethrown afterwards. Calling it again does nothing.
   */
  finish(): void {
    if (this.#finished) return
    this.#finished = true
    if (this.#signal && this.#onAbort) this.#signal.removeEventListener('abort', this.#onAbort)
    this.#signal = undefined
    this.#onAbort = undefined
    for (const w of this.#waiters.splice(0)) w.resolve(undefined)
    const listeners = this.#listeners
    this.#listeners = []
    let failure: { error: unknown } | null = null
    for (const l of listeners) {
      try {
        l()
      } catch (e) {
        // one listener's failure must not stop the others; the first is rethrown at the end
        failure ??= { error: e }
      }
    }
    if (failure) throw failure.error
  }

  /** Runs `listener` once when the queue is finished (at once, on a microtask, if it already is). */
  onFinish(listener: () => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('AsyncQueue.onFinish: listener must be a function')
    if (this.#finished) {
      let live = true
      queueMicrotask(() => live && listener())
      return () => void (live = false)
    }
    this.#listeners.push(listener)
    return () => {
      const i = this.#listeners.indexOf(listener)
      if (i >= 0) this.#listeners.splice(i, 1)
    }
  }

  /**
   * Drops the consumed (or overflowed) slots at the front now and then, so that neither a
   * long-lived queue nor a full one nobody reads keeps a growing array: the array stays below
   * twice the items held, plus 1024.
   */
  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
  }

  #abort(reason: unknown): void {
    if (this.#finished) return
    this.#abortReason = { reason }
    this.#items = []
    this.#head = 0
    const waiters = this.#waiters.splice(0)
    this.finish()
    for (const w of waiters) w.reject(reason)
  }

  /** Iterates until the queue is finished and drained; leaving the loop early finishes the queue. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: async (): Promise<IteratorResult<T>> => {
        if (this.#abortReason) throw this.#abortReason.reason
        if (this.length === 0 && this.#finished) return { done: true, value: undefined }
        const v = await this.shift()
        if (v === undefined && this.#finished && this.length === 0) return { done: true, value: undefined }
        return { done: false, value: v as T }
      },
      return: async (): Promise<IteratorResult<T>> => {
        this.finish()
        return { done: true, value: undefined }
      },
    }
  }
}
