// ManagedConnection against a real private libvirtd (test driver): construction rules, the one
// close callback, forwarding, tracked registrations with functions and queues, onDomainChange,
// the legacy rejections, callback failures, and the close sequence for each way of closing
// explicitly (onClose is only for a loss: see managed-faults.test.ts).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, CloseReason, Connection, LibvirtError } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { AsyncQueue } from '../../src/managed/async-queue.js'
import { ManagedConnection } from '../../src/managed/managed-connection.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

const P = REMOTE_PROCEDURES
type Conn = Awaited<ReturnType<typeof connect>>

/** A private test-driver node per test, so tests never see each other's events. */
async function openPrivate(): Promise<Conn> {
  return connect(daemon.writeTestNode(DEFAULT_NODE))
}

// The test driver's stock objects, written out so each test gets its own state.
const DEFAULT_NODE = `<node>
  <domain type='test'><name>vm1</name><memory>8192</memory><os><type>hvm</type></os></domain>
  <network><name>net1</name><bridge name='virbr9'/><forward/><ip address='192.168.199.1' netmask='255.255.255.0'/></network>
  <pool type='dir'><name>pool1</name><target><path>/pool1</path></target></pool>
</node>`

async function dom(c: Conn) {
  return (await c.call(P.DOMAIN_LOOKUP_BY_NAME, { name: 'vm1' })).dom
}

/** Resolves once `pred()` holds, checking after every turn of the loop (no timing assumption). */
async function until(pred: () => boolean): Promise<void> {
  while (!pred()) await new Promise((r) => setImmediate(r))
}

const nameOf = (o: unknown): string => (o as { name: string }).name

test('options: virt required, unknown keys and wrong types rejected without touching virt', async () => {
  const virt = await openPrivate()
  try {
    assert.throws(() => new ManagedConnection(undefined as never), { name: 'TypeError', message: 'Missing required "virt" argument' })
    assert.throws(() => new ManagedConnection({} as never), { name: 'TypeError', message: 'Missing required "virt" argument' })
    await assert.rejects(ManagedConnection.create({ onClose: () => {} } as never), { name: 'TypeError', message: 'Missing required "virt" argument' })
    assert.throws(() => new ManagedConnection({ virt, bogus: 1 } as never), (e: unknown) => e instanceof TypeError && /unknown option "bogus"/.test(e.message))
    assert.throws(() => new ManagedConnection({ virt: {} } as never), TypeError)
    assert.throws(() => new ManagedConnection({ virt, onClose: 42 } as never), TypeError)
    assert.throws(() => new ManagedConnection({ virt, onDomainChange: {} } as never), TypeError)
    assert.throws(() => new ManagedConnection({ virt, onError: 'x' } as never), TypeError)
    // the seed closed the caller's connection here; ours is untouched and can still be wrapped
    assert.equal(virt.isAlive(), true)
    const w = await ManagedConnection.create({ virt })
    assert.equal(w.virt, virt)
    assert.equal(w.rpc, virt.rpc)
    await w.close()
  } finally {
    await virt.close()
  }
})

test('exactly one close callback: a second wrapper (or virt itself) is refused; the first keeps working', async () => {
  const virt = await openPrivate()
  const first = await ManagedConnection.create({ virt })
  await assert.rejects(ManagedConnection.create({ virt }), (e: unknown) => e instanceof LibvirtError && /A close callback is already registered/.test(e.message))
  await assert.rejects(virt.registerCloseCallback(() => {}), /A close callback is already registered/)
  // new + ready: the same failure on `ready`, and no unhandled rejection if nobody awaits it
  const second = new ManagedConnection({ virt })
  await assert.rejects(second.ready, /A close callback is already registered/)
  assert.equal(first.isAlive(), true)
  assert.ok((await first.call(P.CONNECT_GET_LIB_VERSION, undefined)).lib_ver > 0n)
  await first.close()
  assert.equal(await first.closed, CloseReason.CLIENT)
})

test('forwarding: every Connection method works on the wrapper, on the same RPC client', async () => {
  await using virt = await openPrivate()
  await using w = await ManagedConnection.create({ virt })
  assert.ok(w instanceof ManagedConnection)
  const [a, b] = await Promise.all([w.call(P.CONNECT_GET_URI, undefined), virt.call(P.CONNECT_GET_URI, undefined)])
  assert.deepEqual(a, b)
  assert.equal(w.isAlive(), true)
  // a missing object is the daemon's error, unchanged
  await assert.rejects(w.call(P.DOMAIN_LOOKUP_BY_NAME, { name: 'nope' }), (e: unknown) => e instanceof LibvirtError && e.codeName === 'VIR_ERR_NO_DOMAIN')
})

test('legacy domainEventRegister/Deregister reject with the two messages', async () => {
  await using virt = await openPrivate()
  await using w = await ManagedConnection.create({ virt })
  await assert.rejects(w.domainEventRegister(() => {}), { message: 'A domain event callback can only be added at instantiation' })
  await assert.rejects(w.domainEventDeregister(() => {}), { message: 'Domain event callback deregistration not supported' })
})

test('domainEventRegisterAny with a function: (wrapper, domain, event, detail), tracked; deregister untracks, twice is harmless', async () => {
  await using virt = await openPrivate()
  await using w = await ManagedConnection.create({ virt })
  const got: unknown[][] = []
  const id = await w.domainEventRegisterAny(null, 0, (...args) => void got.push(args))
  assert.deepEqual(w.trackedCallbackIds('domain'), [id])
  const d = await dom(w)
  await w.call(P.DOMAIN_SUSPEND, { dom: d })
  await until(() => got.length === 1)
  assert.equal(got[0]![0], w)
  assert.equal(nameOf(got[0]![1]), 'vm1')
  assert.deepEqual(got[0]!.slice(2), [3, 0]) // SUSPENDED / PAUSED
  await w.domainEventDeregisterAny(id)
  assert.deepEqual(w.trackedCallbackIds('domain'), [])
  await w.domainEventDeregisterAny(id) // harmless
  await w.call(P.DOMAIN_RESUME, { dom: d })
  // a second registration proves events still flow; the first one saw nothing more
  const q = new AsyncQueue<unknown[]>()
  await w.domainEventRegisterAny(null, 0, q)
  await w.call(P.DOMAIN_SUSPEND, { dom: d })
  await q.shift()
  assert.equal(got.length, 1)
  await assert.rejects(w.domainEventDeregisterAny('x' as never), TypeError)
  await assert.rejects(w.domainEventRegisterAny(null, 0, {} as never), TypeError)
})

test('a queue gets [wrapper, domain, event, detail] on a later turn, in order; finishing it deregisters at once', async () => {
  await using virt = await openPrivate()
  await using w = await ManagedConnection.create({ virt })
  const q = new AsyncQueue<unknown[]>()
  const emptyAtDispatch: boolean[] = []
  // A function registered for the same event runs at dispatch time: when it sees event i, the
  // queue must not hold event i yet (it gets it on a later turn), so at most the i before it.
  await w.domainEventRegisterAny(null, 0, () => void emptyAtDispatch.push(q.length <= emptyAtDispatch.length))
  const id = await w.domainEventRegisterAny(null, 0, q)
  const d = await dom(w)
  await w.call(P.DOMAIN_SUSPEND, { dom: d })
  await w.call(P.DOMAIN_RESUME, { dom: d })
  const first = (await q.shift())!
  const second = (await q.shift())!
  assert.equal(first[0], w)
  assert.deepEqual([first.slice(2), second.slice(2)], [[3, 0], [4, 0]])
  assert.deepEqual(emptyAtDispatch, [true, true])
  assert.ok(w.trackedCallbackIds('domain').includes(id))
  q.finish()
  assert.ok(!w.trackedCallbackIds('domain').includes(id), 'untracked synchronously on finish')
  await w.call(P.DOMAIN_SUSPEND, { dom: d })
  await until(() => emptyAtDispatch.length === 3)
  assert.equal(q.length, 0, 'nothing delivered after finish')
  await w.domainEventDeregisterAny(id) // already gone: harmless
  await assert.rejects(w.domainEventRegisterAny(null, 0, q), /already finished/)
})

test('onDomainChange: function and queue; finishing the queue frees the registration', async () => {
  await using virt = await openPrivate()
  const seen: unknown[][] = []
  const w1 = await ManagedConnection.create({ virt, onDomainChange: (...a) => void seen.push(a) })
  const d = await dom(virt)
  await virt.call(P.DOMAIN_SUSPEND, { dom: d })
  await until(() => seen.length === 1)
  assert.equal(seen[0]![0], w1)
  assert.equal(nameOf(seen[0]![1]), 'vm1')
  assert.deepEqual(seen[0]!.slice(2), [3, 0])
  await w1.close()

  await using virt2 = await openPrivate()
  const q = new AsyncQueue<unknown[]>()
  const w2 = await ManagedConnection.create({ virt: virt2, onDomainChange: q })
  const before = w2.eventRouter.size
  const d2 = await dom(virt2)
  await virt2.call(P.DOMAIN_SUSPEND, { dom: d2 })
  const item = (await q.shift())!
  assert.equal(item[0], w2)
  assert.deepEqual(item.slice(2), [3, 0])
  q.finish()
  assert.equal(w2.eventRouter.size, before - 1, 'domain-change registration dropped at once')
  await w2.close()
  assert.equal(await w2.closed, CloseReason.CLIENT)
})

test('throwing and rejecting callbacks go to onError; delivery goes on', async () => {
  await using virt = await openPrivate()
  const errors: unknown[] = []
  await using w = await ManagedConnection.create({ virt, onError: (e, wr) => void errors.push([e, wr]) })
  let calls = 0
  await w.domainEventRegisterAny(null, 0, () => {
    calls++
    throw new Error('boom')
  })
  await w.domainEventRegisterAny(null, 0, async () => {
    throw new Error('async boom')
  })
  // a full queue with the 'error' policy is a failing callback too
  const full = new AsyncQueue<unknown[]>({ maxLength: 1, overflow: 'error' })
  await w.domainEventRegisterAny(null, 0, full)
  const d = await dom(w)
  await w.call(P.DOMAIN_SUSPEND, { dom: d })
  await w.call(P.DOMAIN_RESUME, { dom: d })
  await until(() => calls === 2 && errors.length === 5)
  const messages = errors.map((e) => ((e as unknown[])[0] as Error).message).sort()
  assert.deepEqual(messages, ['AsyncQueue is full (maxLength 1)', 'async boom', 'async boom', 'boom', 'boom'])
  assert.ok(errors.every((e) => (e as unknown[])[1] === w))
  assert.equal(w.isAlive(), true)
})

test('calling the API (even close) from inside a callback is safe', async () => {
  const virt = await openPrivate()
  const order: string[] = []
  const w = await ManagedConnection.create({ virt, onClose: (_w, r) => void order.push(`close ${r}`) })
  let name = ''
  await w.domainEventRegisterAny(null, 0, async (wr, d) => {
    name = (await wr.call(P.DOMAIN_GET_XML_DESC, { dom: d as never, flags: 0 })).xml.includes('<name>vm1</name>') ? 'vm1' : '?'
    await wr.close()
    order.push('closed in callback')
  })
  await w.call(P.DOMAIN_SUSPEND, { dom: await dom(w) })
  assert.equal(await w.closed, CloseReason.CLIENT)
  await until(() => order.length === 1)
  assert.equal(name, 'vm1')
  // an explicit close is not a loss: onClose is not called
  assert.deepEqual(order, ['closed in callback'])
})

test('*Events() iterables: yield [object, ...args]; break deregisters; ended by close', async () => {
  const virt = await openPrivate()
  const w = await ManagedConnection.create({ virt })
  const d = await dom(w)
  const events = w.domainEvents(0, { maxLength: 16 })
  const id = await events.ready
  assert.deepEqual(w.trackedCallbackIds('domain'), [id])
  await w.call(P.DOMAIN_SUSPEND, { dom: d })
  for await (const [obj, event, detail] of events) {
    assert.equal(nameOf(obj), 'vm1')
    assert.deepEqual([event, detail], [3, 0])
    break
  }
  assert.deepEqual(w.trackedCallbackIds('domain'), [])
  const nets = w.networkEvents(0)
  await nets.ready
  const ended = (async () => {
    let n = 0
    for await (const _ of nets) n++
    return n
  })()
  await virt.close() // closing the wrapped connection directly ends the wrapper's iterables too
  assert.equal(await ended, 0)
  assert.equal(await w.closed, CloseReason.CLIENT)
  assert.throws(() => w.domainEvents(0, { bogus: 1 } as never), TypeError)
  // registration failure surfaces on the first next(), never as an unhandled rejection
  await assert.rejects(async () => {
    for await (const _ of w.secretEvents(1)) assert.fail('no events on a closed connection')
  }, /client socket is closed/)
})

test('close sequence on wrapper.close(): clean-up, then closed (CLIENT); onClose is not called for an explicit close', async () => {
  const virt = await openPrivate()
  const order: string[] = []
  const q = new AsyncQueue<unknown[]>()
  const ids: Record<string, number> = {}
  const w = await ManagedConnection.create({
    virt,
    onClose: async (wr, reason) => {
      order.push(`onClose ${reason} ${wr === w}`)
      await new Promise((r) => setImmediate(r)) // awaited before clean-up finishes
      order.push(`onClose done, queue finished: ${q.finished}`)
    },
  })
  q.onFinish(() => order.push('queue finished'))
  ids.domain = await w.domainEventRegisterAny(null, 0, q)
  ids.network = await w.networkEventRegisterAny(null, 0, () => {})
  ids.pool = await w.storagePoolEventRegisterAny(null, 0, () => {})
  ids.dev = await w.nodeDeviceEventRegisterAny(null, 0, () => {})
  assert.equal(w.eventRouter.size, 4)
  void w.closed.then((r) => order.push(`closed ${r}`))
  await w.close()
  order.push('close() returned')
  assert.deepEqual(order, ['queue finished', 'closed 3', 'close() returned'])
  for (const k of ['domain', 'network', 'storagePool', 'nodeDevice', 'secret'] as const) assert.deepEqual(w.trackedCallbackIds(k), [])
  assert.equal(w.eventRouter.size, 0)
  await w.close() // again: harmless
  await assert.rejects(w.domainEventRegisterAny(null, 0, () => {}), /client socket is closed/)
})

test('close sequence when virt is closed directly and with await using: clean-up and CLIENT, no onClose, the resolvable stays pending', async () => {
  const virt = await openPrivate()
  // a resolvable as Promise.withResolvers() would give (Node 20 lacks it)
  let resolve!: (v: [ManagedConnection, CloseReason]) => void
  const done = { promise: new Promise<[ManagedConnection, CloseReason]>((r) => (resolve = r)), resolve: (v: [ManagedConnection, CloseReason]) => resolve(v) }
  const q = new AsyncQueue<unknown[]>()
  const w = await ManagedConnection.create({ virt, onClose: done, onDomainChange: q })
  await w.domainEventRegisterAny(null, 0, () => {})
  let resolved = false
  void done.promise.then(() => (resolved = true))
  await virt.close()
  assert.equal(await w.closed, CloseReason.CLIENT)
  assert.equal(q.finished, true)
  assert.deepEqual(w.trackedCallbackIds('domain'), [])
  // the resolvable is for a loss (daemon-killed tests prove it resolves there); give it turns to misbehave
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
  assert.equal(resolved, false)

  let closedReason: number | undefined
  {
    await using v2 = await openPrivate()
    await using w2 = await ManagedConnection.create({ virt: v2, onClose: (_w, r) => void (closedReason = r) })
    assert.equal(w2.isAlive(), true)
  }
  assert.equal(closedReason, undefined)
})

/**
 * The close sequence of SPEC §2, seen from the outside, for one way of closing explicitly: no
 * onClose (that is for a loss); the queues finish, then `closed` settles; the iterables end.
 */
async function closeOrder(how: (w: ManagedConnection, virt: Conn) => Promise<void>): Promise<string[]> {
  const virt = await openPrivate()
  const order: string[] = []
  const counts = (w: ManagedConnection): string => (['domain', 'network', 'storagePool', 'nodeDevice'] as const).map((k) => w.trackedCallbackIds(k).length).join('')
  let iterEnded = false
  const q = new AsyncQueue<unknown[]>()
  const w = await ManagedConnection.create({
    virt,
    onDomainChange: () => {},
    onClose: (wr, reason) => void order.push(`onClose ${reason} tracked=${counts(wr)} queue=${q.finished} iterable=${iterEnded}`),
  })
  q.onFinish(() => order.push('queue finished'))
  await w.domainEventRegisterAny(null, 0, q)
  await w.networkEventRegisterAny(null, 0, () => {})
  await w.storagePoolEventRegisterAny(null, 0, () => {})
  await w.nodeDeviceEventRegisterAny(null, 0, () => {})
  const nets = w.networkEvents(0)
  await nets.ready
  const iter = (async () => {
    for await (const _ of nets) void 0
    iterEnded = true
    order.push('iterable ended')
  })()
  assert.equal(counts(w), '1211')
  void w.closed.then((r) => order.push(`closed ${r}`))
  await how(w, virt)
  await w.closed
  await iter
  assert.equal(counts(w), '0000')
  assert.equal(w.eventRouter.size, 0)
  return order
}

for (const [name, how] of [
  ['wrapper.close()', (w: ManagedConnection) => w.close()],
  ['virt.close()', (_w: ManagedConnection, virt: Conn) => virt.close()],
  ['await using', async (w: ManagedConnection) => {
    await using _ = w
  }],
] as const) {
  test(`close order with ${name}: no onClose, clean-up, closed (CLIENT) last`, async () => {
    const order = await closeOrder(how)
    // the user's queue is finished before closed settles; the iterable (whose loop ends a few
    // microtasks after its queue finished) ends too
    assert.equal(order[0], 'queue finished', order.join(' | '))
    assert.ok(order.indexOf('closed 3') > 0, order.join(' | '))
    assert.ok(order.includes('iterable ended'), order.join(' | '))
    assert.ok(!order.some((o) => o.startsWith('onClose')), order.join(' | '))
    assert.equal(order.length, 3, order.join(' | '))
  })
}

// Checked by the compiler (a mismatch fails the build): a wrapper is accepted wherever a
// Connection is, and inherited methods keep the Connection's exact types.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const sameType = <A, B>(..._: Same<A, B> extends true ? [] : [never]): void => {}
const asConnection = (w: ManagedConnection): Connection => w
sameType<ManagedConnection['getURI'], Connection['getURI']>()
sameType<ManagedConnection['domainLookupByName'], Connection['domainLookupByName']>()
sameType<ManagedConnection['listAllDomains'], Connection['listAllDomains']>()
sameType<ManagedConnection['closed'], Connection['closed']>()

test('a wrapper is a Connection: typed methods called through a Connection-typed reference', async () => {
  await using virt = await openPrivate()
  await using w = await ManagedConnection.create({ virt })
  const c: Connection = asConnection(w)
  assert.ok(c instanceof Connection)
  assert.equal(await c.getURI(), await virt.getURI())
  const d = await c.domainLookupByName('vm1')
  assert.equal(d.connection, w, 'objects a wrapper returns are bound to it')
  assert.deepEqual((await c.listAllDomains()).map((x) => x.name), ['vm1'])
})

test('deregisterCallbacks(): every tracked registration of every family goes, onDomainChange stays', async () => {
  await using virt = await openPrivate()
  const changes: unknown[][] = []
  await using w = await ManagedConnection.create({ virt, onDomainChange: (...a) => void changes.push(a) })
  const routerBase = w.eventRouter.size // the close callback and onDomainChange
  const fnCalls: string[] = []
  const q = new AsyncQueue<unknown[]>()
  await w.domainEventRegisterAny(null, 0, () => void fnCalls.push('domain'))
  await w.domainEventRegisterAny(null, 0, q)
  await w.networkEventRegisterAny(null, 0, () => void fnCalls.push('network'))
  await w.storagePoolEventRegisterAny(null, 0, () => void fnCalls.push('pool'))
  await w.nodeDeviceEventRegisterAny(null, 0, () => void fnCalls.push('dev'))
  const iterable = w.storagePoolEvents(1)
  await iterable.ready
  assert.equal(w.eventRouter.size, routerBase + 6)
  await w.deregisterCallbacks()
  for (const k of ['domain', 'network', 'storagePool', 'nodeDevice', 'secret'] as const) assert.deepEqual(w.trackedCallbackIds(k), [], k)
  assert.equal(w.eventRouter.size, routerBase, 'deregistered on the daemon side too')
  // the iterable the wrapper made ends; the user's own queue is left to its owner, but gets nothing more
  for await (const _ of iterable) assert.fail('no pool refresh after deregisterCallbacks')
  // the network event first: once the later domain event is in, the earlier one was dispatched
  const net = await w.networkLookupByName('net1')
  await net.destroy()
  await w.call(P.DOMAIN_SUSPEND, { dom: await dom(w) })
  await until(() => changes.length === 1) // onDomainChange still delivers
  assert.deepEqual(changes[0]!.slice(2), [3, 0])
  assert.deepEqual(fnCalls, [])
  assert.equal(q.length, 0)
  await w.deregisterCallbacks() // nothing left: harmless
})

test('*Events() with a signal: aborting ends the loop with the reason and deregisters at once', async () => {
  await using virt = await openPrivate()
  await using w = await ManagedConnection.create({ virt })
  const ac = new AbortController()
  const d = await w.domainLookupByName('vm1')
  const events = w.domainEvents(0, { domain: d, signal: ac.signal })
  const id = await events.ready
  assert.deepEqual(w.trackedCallbackIds('domain'), [id])
  await d.suspend()
  const seen: unknown[] = []
  await assert.rejects(async () => {
    for await (const [obj, event] of events) {
      seen.push(nameOf(obj), event)
      ac.abort(new Error('enough'))
    }
  }, /enough/)
  assert.deepEqual(seen, ['vm1', 3])
  assert.deepEqual(w.trackedCallbackIds('domain'), [])
  assert.throws(() => w.domainEvents(0, { signal: 'x' } as never), TypeError)
})
