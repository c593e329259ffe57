// Layer 7 (notifier). The reconnect settings of ManagedConnection: validated ranges (RangeError
// before anything is touched), the documented defaults, and the backoff delay of each attempt.

/** How a {@link ManagedConnection} with `reconnect` behaves after a loss. Every field is optional. */
export interface ReconnectOptions {
  /** Milliseconds before the first attempt (default 100). ≥ 0. */
  initialDelay?: number
  /** Upper bound of the delay between attempts, in ms (default 30 000). ≥ initialDelay. */
  maxDelay?: number
  /** Each delay is the previous one times `factor` (default 2). ≥ 1. */
  factor?: number
  /** Random spread of each delay, as a fraction of it: 0.2 means ±20 % (default 0.2). 0 … 1. */
  jitter?: number
  /** Attempts before giving up (then onClose runs with the loss). Default Infinity (never give up). ≥ 0. */
  maxAttempts?: number
  /** Milliseconds one attempt may take (connect, authenticate, open); default: the connect() `timeout` the wrapped connection was opened with (30 s unless set). */
  attemptTimeout?: number
  /**
   * What calls made while disconnected do: `'reject'` (default) — reject at once with a
   * {@link ConnectionClosedError} (`retryable: true`); `'wait'` — wait for the next connection,
   * at most `waitTimeout` ms, then reject with that error.
   */
  whileDisconnected?: 'reject' | 'wait'
  /** With `whileDisconnected: 'wait'`: how long a call waits, in ms (default 30 000). */
  waitTimeout?: number
}

/** The settings after validation, every default filled in. */
export interface ReconnectSettings {
  readonly initialDelay: number
  readonly maxDelay: number
  readonly factor: number
  readonly jitter: number
  readonly maxAttempts: number
  readonly attemptTimeout: number | undefined
  readonly whileDisconnected: 'reject' | 'wait'
  readonly waitTimeout: number
}

/** The defaults a platform would choose: ~100 ms → ~30 s exponential backoff with jitter, unlimited attempts. */
export const RECONNECT_DEFAULTS: ReconnectSettings = Object.freeze({
  initialDelay: 100,
  maxDelay: 30_000,
  factor: 2,
  jitter: 0.2,
  maxAttempts: Infinity,
  attemptTimeout: undefined,
  whileDisconnected: 'reject',
  waitTimeout: 30_000,
})

/** setTimeout's largest delay: anything above fires at once, so it is refused. */
const MAX_TIMER_MS = 2 ** 31 - 1
const KEYS = new Set(['initialDelay', 'maxDelay', 'factor', 'jitter', 'maxAttempts', 'attemptTimeout', 'whileDisconnected', 'waitTimeout'])

/**
 * Checks `reconnect` (true, false/undefined or a {@link ReconnectOptions}); null when off.
 * @throws TypeError for a wrong type or unknown key; RangeError for a value out of range.
 */
export function checkReconnectOptions(v: unknown): ReconnectSettings | null {
  if (v === undefined || v === false) return null
  if (v === true) return RECONNECT_DEFAULTS
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError('ManagedConnection: "reconnect" must be a boolean or an options object')
  const o = v as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k))
  if (unknown.length > 0) throw new TypeError(`ManagedConnection: unknown reconnect option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`)
  const num = (k: string, min: number, max: number, integer = false): number | undefined => {
    const x = o[k]
    if (x === undefined) return undefined
    if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`ManagedConnection: reconnect.${k} must be a number`)
    if (x < min || x > max || (integer && x !== Infinity && !Number.isInteger(x))) {
      throw new RangeError(`ManagedConnection: reconnect.${k} must be ${integer ? 'an integer ' : ''}between ${min} and ${max}, got ${x}`)
    }
    return x
  }
  const d = RECONNECT_DEFAULTS
  const initialDelay = num('initialDelay', 0, MAX_TIMER_MS) ?? d.initialDelay
  const maxDelay = num('maxDelay', 0, MAX_TIMER_MS) ?? Math.max(d.maxDelay, initialDelay)
  if (maxDelay < initialDelay) throw new RangeError(`ManagedConnection: reconnect.maxDelay (${maxDelay}) must not be below reconnect.initialDelay (${initialDelay})`)
  const w = o.whileDisconnected
  if (w !== undefined && w !== 'reject' && w !== 'wait') throw new TypeError(`ManagedConnection: reconnect.whileDisconnected must be 'reject' or 'wait'`)
  const attemptTimeout = num('attemptTimeout', 1, MAX_TIMER_MS)
  return Object.freeze({
    initialDelay,
    maxDelay,
    factor: num('factor', 1, Number.MAX_VALUE) ?? d.factor,
    jitter: num('jitter', 0, 1) ?? d.jitter,
    maxAttempts: num('maxAttempts', 0, Infinity, true) ?? d.maxAttempts,
    attemptTimeout,
    whileDisconnected: (w as 'reject' | 'wait' | undefined) ?? d.whileDisconnected,
    waitTimeout: num('waitTimeout', 1, MAX_TIMER_MS) ?? d.waitTimeout,
  })
}

/** The delay before attempt `n` (1-based): initialDelay × factor^(n-1), capped, spread by ±jitter. */
export function backoffDelay(s: ReconnectSettings, n: number, random: () => number = Math.random): number {
  const base = Math.min(s.maxDelay, s.initialDelay * s.factor ** Math.max(0, n - 1))
  const spread = base * s.jitter * (2 * random() - 1)
  return Math.max(0, Math.min(s.maxDelay, Math.round(base + spread)))
}
