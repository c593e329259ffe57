// Layer 4 (client). A timeout that honours any delay. Node's setTimeout takes at most 2^31 - 1 ms
// (about 24.8 days) and fires after 1 ms for anything larger, Infinity included, which would turn
// "wait a long time" into "at once". Here a longer delay is a chain of maximal timers, and
// Infinity is no timer at all.

import { monotonicMs } from './clock.js'

/** Largest delay `setTimeout` honours, in ms. */
export const TIMER_MAX_MS = 0x7fffffff

/** A pending {@link setLongTimeout}. */
export interface LongTimer {
  /** Cancels it (idempotent). */
  clear(): void
  /** From now on it does not keep the process alive. */
  unref(): void
}

/**
 * Calls `fn` once after `ms` milliseconds, for any `ms` >= 0 (Infinity: never). The timer never
 * keeps the process alive when `unref` is true.
 */
export function setLongTimeout(fn: () => void, ms: number, unref = false): LongTimer {
  if (!(ms >= 0)) throw new RangeError(`a delay must be a non-negative number of milliseconds, got ${ms}`)
  let timer: NodeJS.Timeout | null = null
  // the clock is read only for a delay beyond one timer's reach
  const due = ms > TIMER_MAX_MS ? monotonicMs() + ms : 0
  const arm = (left: number): void => {
    if (left === Infinity) return
    timer = setTimeout(left > TIMER_MAX_MS ? () => arm(due - monotonicMs()) : fn, Math.min(Math.max(left, 0), TIMER_MAX_MS))
    if (unref) timer.unref()
  }
  arm(ms)
  return {
    clear: () => {
      if (timer) clearTimeout(timer)
      timer = null
    },
    unref: () => {
      unref = true
      timer?.unref()
    },
  }
}
