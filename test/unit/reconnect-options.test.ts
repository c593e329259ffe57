// The reconnect settings of ManagedConnection: documented defaults, ranges, and the backoff
// schedule (exponential, capped, jitter within its bounds).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { RECONNECT_DEFAULTS, backoffDelay, checkReconnectOptions } from '../../src/managed/reconnect-options.js'

test('defaults: ~100 ms → ~30 s, factor 2, ±20 % jitter, unlimited attempts, calls rejected while down', () => {
  assert.equal(checkReconnectOptions(undefined), null)
  assert.equal(checkReconnectOptions(false), null)
  assert.equal(checkReconnectOptions(true), RECONNECT_DEFAULTS)
  assert.deepEqual({ ...checkReconnectOptions({}) }, { ...RECONNECT_DEFAULTS })
  assert.deepEqual(
    [RECONNECT_DEFAULTS.initialDelay, RECONNECT_DEFAULTS.maxDelay, RECONNECT_DEFAULTS.factor, RECONNECT_DEFAULTS.jitter, RECONNECT_DEFAULTS.maxAttempts, RECONNECT_DEFAULTS.whileDisconnected],
    [100, 30_000, 2, 0.2, Infinity, 'reject'],
  )
  // a larger initial delay raises the default cap with it
  assert.equal(checkReconnectOptions({ initialDelay: 60_000 })!.maxDelay, 60_000)
})

test('backoff: initialDelay × factor^(n−1), capped at maxDelay; jitter stays within ±jitter', () => {
  const s = checkReconnectOptions({ initialDelay: 100, maxDelay: 1000, factor: 2, jitter: 0 })!
  assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(s, n)), [100, 200, 400, 800, 1000, 1000, 1000])
  const j = checkReconnectOptions({ initialDelay: 1000, maxDelay: 10_000, jitter: 0.5 })!
  assert.equal(backoffDelay(j, 1, () => 0), 500)
  assert.equal(backoffDelay(j, 1, () => 1), 1500)
  assert.equal(backoffDelay(j, 10, () => 1), 10_000, 'never above maxDelay')
  assert.equal(backoffDelay(checkReconnectOptions({ initialDelay: 0, factor: 1 })!, 7), 0)
})

test('out of range is a RangeError, a wrong type a TypeError', () => {
  for (const bad of [{ initialDelay: -1 }, { maxDelay: 10, initialDelay: 20 }, { factor: 0.99 }, { jitter: 2 }, { maxAttempts: -1 }, { maxAttempts: 0.5 }, { waitTimeout: 2 ** 31 }, { attemptTimeout: 0 }]) {
    assert.throws(() => checkReconnectOptions(bad), RangeError, JSON.stringify(bad))
  }
  for (const bad of [null, 'yes', 1, [], { factor: '2' }, { factor: NaN }, { whileDisconnected: 'later' }, { retries: 3 }]) {
    assert.throws(() => checkReconnectOptions(bad), TypeError, JSON.stringify(bad))
  }
  assert.equal(checkReconnectOptions({ maxAttempts: Infinity })!.maxAttempts, Infinity)
})
