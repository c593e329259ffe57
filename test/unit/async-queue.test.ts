// AsyncQueue: order, finish/drain, for-await, abort, the three overflow policies, finish
// listeners, and option validation. Pure unit tests: no daemon needed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { runInNewContext } from 'node:vm'
import { setFlagsFromString } from 'node:v8'
import { AsyncQueue } from '../../src/managed/async-queue.js'

test('FIFO order; shift waits; undefined once finished and drained', async () => {
  const q = new AsyncQueue<number>()
  const early = q.shift()
  q.push(1)
  q.push(2)
  q.push(3)
  assert.equal(await early, 1)
  assert.equal(q.length, 2)
  q.finish()
  assert.equal(q.finished, true)
  assert.equal(q.push(4), false, 'push after finish is refused')
  assert.equal(await q.shift(), 2)
  assert.equal(await q.shift(), 3)
  assert.equal(await q.shift(), undefined)
  assert.equal(await q.shift(), undefined)
})

test('finish wakes every waiting consumer with undefined', async () => {
  const q = new AsyncQueue<string>()
  const waits = [q.shift(), q.shift()]
  q.finish()
  assert.deepEqual(await Promise.all(waits), [undefined, undefined])
})

test('for await yields every item, ends on finish; break finishes the queue', async () => {
  const q = new AsyncQueue<number>()
  setImmediate(() => {
    for (let i = 0; i < 5; i++) q.push(i)
    q.finish()
  })
  const got: number[] = []
  for await (const v of q) got.push(v)
  assert.deepEqual(got, [0, 1, 2, 3, 4])

  const q2 = new AsyncQueue<number>()
  q2.push(1)
  q2.push(2)
  let finishedSeen = 0
  q2.onFinish(() => finishedSeen++)
  for await (const v of q2) {
    assert.equal(v, 1)
    break
  }
  assert.equal(q2.finished, true)
  assert.equal(finishedSeen, 1)
})

test('overflow policies count what they drop', async () => {
  const oldest = new AsyncQueue<number>({ maxLength: 2 })
  for (let i = 0; i < 5; i++) assert.equal(oldest.push(i), true)
  assert.equal(oldest.dropped, 3)
  assert.deepEqual([await oldest.shift(), await oldest.shift()], [3, 4])

  const newest = new AsyncQueue<number>({ maxLength: 2, overflow: 'drop-newest' })
  assert.deepEqual([0, 1, 2, 3].map((i) => newest.push(i)), [true, true, false, false])
  assert.equal(newest.dropped, 2)
  assert.deepEqual([await newest.shift(), await newest.shift()], [0, 1])

  const strict = new AsyncQueue<number>({ maxLength: 1, overflow: 'error' })
  strict.push(0)
  assert.throws(() => strict.push(1), RangeError)
  assert.equal(strict.dropped, 1)
  assert.equal(await strict.shift(), 0)
  // a waiting consumer takes the item directly, so a full-size-1 queue never overflows then
  const w = strict.shift()
  assert.equal(strict.push(7), true)
  assert.equal(await w, 7)
})

test('a bounded queue nobody reads stays bounded: dropped items are released', async () => {
  const q = new AsyncQueue<object>({ maxLength: 10 })
  const first = new WeakRef({ n: 0 })
  q.push(first.deref()!)
  for (let i = 1; i < 100_000; i++) q.push({ n: i })
  assert.equal(q.length, 10)
  assert.equal(q.dropped, 99_990)
  // length alone cannot tell: the items pushed out must not stay reachable from the queue
  const gc = globalThis.gc ?? (setFlagsFromString('--expose-gc'), runInNewContext('gc') as () => void)
  for (let i = 0; i < 10 && first.deref() !== undefined; i++) {
    await new Promise((r) => setImmediate(r)) // a WeakRef target is kept until the job ends
    gc()
  }
  assert.equal(first.deref(), undefined, 'the oldest dropped item is still referenced by the queue')
  const kept: unknown[] = []
  for (let i = 0; i < 10; i++) kept.push(await q.shift())
  assert.deepEqual(kept, Array.from({ length: 10 }, (_, i) => ({ n: 99_990 + i })))
})

test('abort discards items, rejects pending and later shifts, ends for-await with the reason', async () => {
  const ac = new AbortController()
  const q = new AsyncQueue<number>({ signal: ac.signal })
  let finished = false
  q.onFinish(() => (finished = true))
  const pending = q.shift()
  ac.abort(new Error('stop'))
  await assert.rejects(pending, /stop/)
  assert.equal(finished, true)
  assert.equal(q.finished, true)
  assert.equal(q.push(1), false)
  await assert.rejects(q.shift(), /stop/)
  await assert.rejects(async () => {
    for await (const _ of q) assert.fail('nothing to yield')
  }, /stop/)

  const pre = AbortSignal.abort(new Error('already'))
  const q2 = new AsyncQueue<number>({ signal: pre })
  assert.equal(q2.finished, true)
  await assert.rejects(q2.shift(), /already/)
})

test('finish listeners: once, in order, unsubscribable; a throwing one does not stop the rest, and is rethrown', async () => {
  const q = new AsyncQueue<number>()
  const calls: string[] = []
  q.onFinish(() => calls.push('a'))
  const off = q.onFinish(() => calls.push('b'))
  q.onFinish(() => {
    throw new Error('listener boom')
  })
  q.onFinish(() => calls.push('c'))
  off()
  assert.throws(() => q.finish(), /listener boom/)
  q.finish()
  assert.deepEqual(calls, ['a', 'c'])
  assert.equal(q.finished, true)
  // on an already finished queue the listener runs on a microtask
  let late = false
  q.onFinish(() => (late = true))
  assert.equal(late, false)
  await Promise.resolve()
  assert.equal(late, true)
})

test('bad options are typed errors', () => {
  assert.throws(() => new AsyncQueue({ maxLength: 0 }), RangeError)
  assert.throws(() => new AsyncQueue({ maxLength: 1.5 }), RangeError)
  assert.throws(() => new AsyncQueue({ maxLength: '3' } as never), RangeError)
  assert.throws(() => new AsyncQueue({ overflow: 'drop-all' } as never), TypeError)
  assert.throws(() => new AsyncQueue({ signal: {} } as never), TypeError)
  assert.throws(() => new AsyncQueue({ bogus: 1 } as never), TypeError)
  assert.throws(() => new AsyncQueue(null as never), TypeError)
  assert.doesNotThrow(() => new AsyncQueue({ maxLength: Infinity }))
})
