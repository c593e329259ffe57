// Test helper: explicit time bounds for tests of a promise ("at once", "no hang", "timeout",
// keepalive). The runner's own per-test timeout is minutes; a test that promises seconds must
// fail in seconds, with a message that names what stalled.
import assert from 'node:assert/strict'

/**
 * Resolves with `promise`'s value if it settles within `ms`; otherwise rejects with an
 * AssertionError naming `what`. A rejection of `promise` passes through unchanged.
 */
export async function within<T>(ms: number, promise: Promise<T> | (() => Promise<T>), what: string): Promise<T> {
  const p = typeof promise === 'function' ? promise() : promise
  let timer: NodeJS.Timeout | undefined
  const started = performance.now()
  const stall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({
      message: `${what}: not settled within ${ms} ms (waited ${Math.round(performance.now() - started)} ms)`,
    })), ms)
  })
  try {
    return await Promise.race([p, stall])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs `fn` and returns its value (or rethrows) together with the milliseconds it took. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now()
  const value = await fn()
  return { value, ms: performance.now() - t0 }
}

/** The same, for a promise that rejects: returns the rejection reason and the time it took. */
export async function timedRejection(fn: () => Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const t0 = performance.now()
  try {
    await fn()
  } catch (error) {
    return { error, ms: performance.now() - t0 }
  }
  assert.fail('expected a rejection')
}

/**
 * When a keepalive close must come for a peer that stops answering at time 0: libvirt's rule is
 * interval × (count + 1) seconds (count unanswered pings, then one more interval), ± `marginMs`.
 */
export function keepaliveWindow(intervalS: number, count: number, marginMs = 2000): { min: number; max: number } {
  const at = intervalS * (count + 1) * 1000
  return { min: Math.max(0, at - marginMs), max: at + marginMs }
}

/** Asserts `ms` lies in `[w.min, w.max]`, naming `what`. */
export function assertInWindow(ms: number, w: { min: number; max: number }, what: string): void {
  assert.ok(ms >= w.min && ms <= w.max, `${what}: took ${Math.round(ms)} ms, expected ${w.min}..${w.max} ms`)
}

/**
 * The bound for "at once", "no hang" and "within milliseconds": what takes a few milliseconds on
 * an idle machine gets 3 s on a loaded 2-core CI runner. Any stall of a timer the client owns (a
 * 5 s keepalive interval, a 10 s TLS wait) is still caught.
 */
export const AT_ONCE_MS = 3000
