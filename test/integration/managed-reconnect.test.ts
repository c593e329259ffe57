// ManagedConnection with `reconnect` against a real private libvirtd (test driver): the daemon
// killed and restarted on the same socket, frozen (keepalive) and thawed, kept down past
// maxAttempts, closed by us during backoff, flapping 20 times, and our connection cut from the
// daemon's side (virt-admin client-disconnect). Every registration comes back by itself under the
// same id, exactly one register call per registration goes out, every trigger is delivered
// exactly once, objects from before keep working, and the gap is reported (resync diff, markers).
import { after, afterEach, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { connect, CloseReason, ConnectionClosedError, DomainEventID, LibvirtError, NetworkEventID, NodeDeviceEventID, StoragePoolEventID } from '../../src/index.js'
import { AsyncQueue } from '../../src/managed/async-queue.js'
import { EventGap } from '../../src/managed/event-gap.js'
import { ManagedConnection, type ReconnectInfo } from '../../src/managed/managed-connection.js'
import { startTestDaemon, testDomainXml, testNodeXml, type TestDaemon } from '../../src/testing/index.js'
import { AdminShell, countProcedures, waitFor, within } from './reconnect-helpers.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
/** Every wrapper a test made: closed after each test, so a failure cannot leak into the next. */
const made: ManagedConnection[] = []
afterEach(async () => {
  await Promise.all(made.splice(0).map((w) => within(10_000, 'closing a wrapper', w.close())))
})
after(async () => {
  await daemon?.stop()
})

/** Kill the daemon (EOF for every client) and start it again on the same socket. */
async function bounce(): Promise<void> {
  daemon.kill()
  await within(60_000, 'daemon restart', daemon.restart())
}

/** A wrapper that records its disconnects and reconnects. */
async function wrap(uri: string, extra: Partial<Parameters<typeof ManagedConnection.create>[0]> = {}) {
  const log: string[] = []
  const reconnects: ReconnectInfo[] = []
  const errors: unknown[] = []
  const virt = await connect(uri)
  const w = await ManagedConnection.create({
    virt,
    reconnect: { initialDelay: 10, maxDelay: 200 },
    onDisconnect: (_w, r) => void log.push(`disconnect ${r}`),
    onReconnect: (_w, info) => {
      log.push(`reconnect ${info.reason}`)
      reconnects.push(info)
    },
    onClose: (_w, r) => void log.push(`onClose ${r}`),
    onError: (e) => void errors.push(e),
    ...extra,
  })
  made.push(w)
  return { w, virt, log, reconnects, errors }
}

test('reconnect options: out of range is a RangeError, a wrong type a TypeError, before the connection is touched', async () => {
  await using virt = await connect(daemon.uri)
  const bad: Array<[unknown, ErrorConstructor]> = [
    [{ initialDelay: -1 }, RangeError],
    [{ maxDelay: -5 }, RangeError],
    [{ initialDelay: 500, maxDelay: 100 }, RangeError],
    [{ factor: 0.5 }, RangeError],
    [{ jitter: 1.5 }, RangeError],
    [{ jitter: -0.1 }, RangeError],
    [{ maxAttempts: -1 }, RangeError],
    [{ maxAttempts: 1.5 }, RangeError],
    [{ initialDelay: 2 ** 31 }, RangeError],
    [{ waitTimeout: 0 }, RangeError],
    [{ attemptTimeout: -1 }, RangeError],
    [{ initialDelay: '100' }, TypeError],
    [{ whileDisconnected: 'queue' }, TypeError],
    [{ bogus: 1 }, TypeError],
    ['yes', TypeError],
  ]
  for (const [reconnect, E] of bad) {
    assert.throws(() => new ManagedConnection({ virt, reconnect } as never), E, JSON.stringify(reconnect))
  }
  assert.throws(() => new ManagedConnection({ virt, resync: 1 } as never), TypeError)
  assert.throws(() => new ManagedConnection({ virt, onReconnect: 1 } as never), TypeError)
  assert.throws(() => new ManagedConnection({ virt, onDisconnect: {} } as never), TypeError)
  // nothing was registered on the connection: a wrapper (which needs the one close callback) still fits
  assert.equal(virt.eventRouter.size, 0)
  await using w = await ManagedConnection.create({ virt, reconnect: { maxAttempts: 0, factor: 1, jitter: 0 } })
  assert.equal(w.isAlive(), true)
})

test('daemon killed and restarted: every family the test driver has is registered again by itself, same ids, objects from before work, calls while down reject at once', async () => {
  const { w, log, reconnects, errors } = await wrap(daemon.uri)
  const got: string[] = []
  const changes: string[] = []
  const q = new AsyncQueue<unknown[]>()
  // a second wrapper: onDomainChange comes back too
  const w2 = await wrap(daemon.uri, { onDomainChange: (_w, d, e) => void changes.push(`${d.name} ${e}`) })
  const ids = {
    domain: await w.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (wr, d, e) => void got.push(`domain ${d.name} ${e} ${wr === w}`)),
    network: await w.networkEventRegisterAny(null, NetworkEventID.LIFECYCLE, (_w, n, e) => void got.push(`network ${n.name} ${e}`)),
    storagePool: await w.storagePoolEventRegisterAny(null, StoragePoolEventID.REFRESH, q),
    nodeDevice: await w.nodeDeviceEventRegisterAny(null, NodeDeviceEventID.LIFECYCLE, (_w, d, e) => void got.push(`nodeDevice ${d.name} ${e}`)),
  }
  const dom = await w.domainLookupByName('test')
  // an iterable of one domain's life-cycle events (another key than the registration above)
  const iterable = w.domainEvents(DomainEventID.LIFECYCLE, { domain: dom, gaps: true })
  const iterId = await iterable.ready
  const net = await w.networkLookupByName('default')
  const pool = await w.storagePoolLookupByName('default-pool')
  const tracked = () => (['domain', 'network', 'storagePool', 'nodeDevice'] as const).map((k) => w.trackedCallbackIds(k))
  const before = tracked()
  const virtBefore = w.virt
  const wire = countProcedures()
  try {
    await bounce()
    await waitFor(() => reconnects.length === 1 && w2.reconnects.length === 1, 'both wrappers reconnected', 30_000)
    assert.deepEqual(log, ['disconnect 1', 'reconnect 1'])
    assert.equal(reconnects[0]!.refused.length, 0)
    assert.ok(reconnects[0]!.attempt >= 1 && reconnects[0]!.downtimeMs >= 0)
    // exactly one register call per registration: w has 5 (4 + the iterable), w2 one (onDomainChange)
    assert.equal(wire.registers(), 6, JSON.stringify([...wire.counts]))
    assert.equal(wire.counts.get('REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK'), 2)
  } finally {
    wire.stop()
  }
  assert.deepEqual(tracked(), before, 'the ids the user holds are unchanged')
  assert.notEqual(w.virt, virtBefore, 'wrapper.virt is the current connection')
  assert.equal(w.virt.isAlive(), true)
  assert.deepEqual(errors, [])
  // objects obtained before the loss keep working; events flow with no user code
  await dom.suspend()
  await net.destroy()
  await pool.refresh()
  const dev = await w.nodeDeviceCreateXML(
    "<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'><wwnn>2000000012341299</wwnn><wwpn>1000000012341299</wwpn></capability></capability></device>",
  )
  await dev.destroy()
  await waitFor(() => got.length >= 4 && q.length >= 1 && changes.length >= 1, `events after reconnect (got ${got.join(', ')}; queue ${q.length}; changes ${changes.join(', ')})`)
  assert.deepEqual(got.slice(0, 2), ['domain test 3 true', 'network default 3'])
  assert.ok(got.some((g) => g.startsWith('nodeDevice ') && g.endsWith(' 0')), got.join(', '))
  assert.equal(((await q.shift()) as unknown[])[0], w)
  assert.ok(changes.includes('test 3'), changes.join(', '))
  // the iterable survived: first the gap marker, then the suspend from the new connection
  const it = iterable[Symbol.asyncIterator]()
  const first = await within(10_000, 'gap marker', it.next())
  assert.ok(first.value instanceof EventGap)
  assert.equal((first.value as EventGap).reason, CloseReason.EOF)
  const second = await within(10_000, 'suspend event', it.next())
  assert.deepEqual((second.value as [{ name: string }, number]).slice(1, 2), [3])
  assert.equal((second.value as [{ name: string }])[0].name, 'test')
  await it.return!()
  // deregistering by the ids from before the loss works (and really deregisters on the daemon)
  await w.domainEventDeregisterAny(ids.domain)
  await w.networkEventDeregisterAny(ids.network)
  await w.storagePoolEventDeregisterAny(ids.storagePool)
  await w.nodeDeviceEventDeregisterAny(ids.nodeDevice)
  assert.deepEqual(tracked(), [[], [], [], []])
  assert.ok(!w.trackedCallbackIds('domain').includes(iterId))
  await dom.resume()
  await net.create()
  await w.close()
  await w2.w.close()
  assert.equal(await w.closed, CloseReason.CLIENT)
  assert.ok(!log.includes('onClose 3'), 'no onClose for an explicit close')
})

test('calls while disconnected reject at once with a retryable ConnectionClosedError; with whileDisconnected "wait" they wait for the next connection or waitTimeout', async () => {
  const r = await wrap(daemon.uri, { reconnect: { initialDelay: 10, maxDelay: 100 } })
  const waiting = await wrap(daemon.uri, { reconnect: { initialDelay: 10, maxDelay: 100, whileDisconnected: 'wait', waitTimeout: 60_000 } })
  const short = await wrap(daemon.uri, { reconnect: { initialDelay: 60_000, whileDisconnected: 'wait', waitTimeout: 50 } })
  const dom = await r.w.domainLookupByName('test')
  const wdom = await waiting.w.domainLookupByName('test')
  const sdom = await short.w.domainLookupByName('test')
  daemon.kill()
  await waitFor(() => r.log.length === 1 && waiting.log.length === 1 && short.log.length === 1, 'three disconnects')
  // "at once": bounded far below any reconnect
  const e = await within(1_000, 'call while disconnected', dom.getState().then(() => null, (err: unknown) => err))
  assert.ok(e instanceof ConnectionClosedError && e instanceof LibvirtError, String(e))
  assert.equal(e.code, 1)
  assert.equal(e.message, 'client socket is closed')
  assert.equal(e.retryable, true)
  await assert.rejects(within(1_000, 'registration while disconnected', r.w.domainEventRegisterAny(null, 0, () => {})), ConnectionClosedError)
  // waitTimeout: 50 ms, bounded
  const se = await within(5_000, 'waitTimeout', sdom.getState().then(() => null, (err: unknown) => err))
  assert.ok(se instanceof ConnectionClosedError && se.retryable, String(se))
  // 'wait': resolves once the daemon is back
  const pending = wdom.getState()
  await within(60_000, 'daemon restart', daemon.restart())
  const st = await within(30_000, 'waiting call', pending)
  assert.equal(typeof st.state, 'number')
  await waitFor(() => r.reconnects.length === 1, 'reconnect')
  assert.equal(typeof (await dom.getState()).state, 'number')
  await short.w.close()
  assert.equal(await within(5_000, 'close during backoff', short.w.closed), CloseReason.CLIENT)
  await r.w.close()
  await waiting.w.close()
})

test('frozen daemon: keepalive loss, then thawed: the wrapper reconnects with reason KEEPALIVE and events flow', async () => {
  const log: string[] = []
  const got: number[] = []
  const virt = await connect(daemon.uri, { keepAlive: { interval: 1, count: 1 } })
  const w = await ManagedConnection.create({
    virt,
    reconnect: { initialDelay: 50, maxDelay: 200, attemptTimeout: 1_000 },
    onDisconnect: (_w, r) => void log.push(`disconnect ${r}`),
    onReconnect: (_w, i) => void log.push(`reconnect ${i.reason}`),
  })
  made.push(w)
  await w.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_w, _d, e) => void got.push(e))
  const dom = await w.domainLookupByName('test')
  daemon.freeze()
  try {
    await waitFor(() => log.length === 1, 'keepalive loss', 30_000)
    assert.deepEqual(log, ['disconnect 2'])
  } finally {
    daemon.thaw()
  }
  await waitFor(() => log.length === 2, 'reconnect after thaw', 60_000)
  assert.deepEqual(log, ['disconnect 2', 'reconnect 2'])
  await dom.suspend()
  await waitFor(() => got.includes(3), 'suspend event')
  await dom.resume()
  await w.close()
})

test('daemon down past maxAttempts: onClose with the loss that started the attempts, closed settles with it, nothing left running', async () => {
  let resolveDone!: (v: [ManagedConnection, CloseReason]) => void
  const done = new Promise<[ManagedConnection, CloseReason]>((r) => (resolveDone = r))
  const r = await wrap(daemon.uri, { reconnect: { initialDelay: 10, maxDelay: 20, maxAttempts: 3 } })
  const res = await wrap(daemon.uri, { reconnect: { initialDelay: 10, maxDelay: 20, maxAttempts: 2 }, onClose: { resolve: resolveDone } })
  const q = r.w.networkEvents(0)
  await q.ready
  daemon.kill()
  try {
    assert.equal(await within(30_000, 'closed after maxAttempts', r.w.closed), CloseReason.EOF)
    assert.deepEqual(r.log, ['disconnect 1', 'onClose 1'])
    const [wr, reason] = await within(30_000, 'resolvable', done)
    assert.equal(wr, res.w)
    assert.equal(reason, CloseReason.EOF)
    // the iterable ends; the wrapper is closed for good
    for await (const _ of q) assert.fail('no event')
    await assert.rejects(r.w.getCapabilities(), ConnectionClosedError)
    assert.deepEqual(r.errors, [], 'a daemon that is not there is not an error to report')
  } finally {
    await within(60_000, 'daemon restart', daemon.restart())
  }
})

test('explicit close during backoff (wrapper.close() and virt.close()) stops the attempts at once: CLIENT, no onClose', async () => {
  const a = await wrap(daemon.uri, { reconnect: { initialDelay: 60_000 } })
  const b = await wrap(daemon.uri, { reconnect: { initialDelay: 60_000 } })
  daemon.kill()
  await waitFor(() => a.log.length === 1 && b.log.length === 1, 'disconnects')
  assert.equal(a.w.reconnecting, true)
  await within(1_000, 'wrapper.close() during backoff', a.w.close())
  assert.equal(await within(1_000, 'closed', a.w.closed), CloseReason.CLIENT)
  await within(1_000, 'virt.close() during backoff', b.virt.close())
  assert.equal(await within(1_000, 'closed', b.w.closed), CloseReason.CLIENT)
  assert.deepEqual([a.log, b.log], [['disconnect 1'], ['disconnect 1']])
  await within(60_000, 'daemon restart', daemon.restart())
  // no attempt after the close: nobody of ours connects to the restarted daemon
  await new Promise((r) => setTimeout(r, 300))
  const admin = new AdminShell(daemon)
  try {
    assert.deepEqual(await admin.clients(), [])
  } finally {
    admin.close()
  }
})

test('20 flaps in a row: the wrapper ends up connected once, every registration back once, each trigger delivered exactly once', async () => {
  const { w, reconnects } = await wrap(daemon.uri, { reconnect: { initialDelay: 5, maxDelay: 50 } })
  const got: string[] = []
  await w.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_w, d, e) => void got.push(`${d.name} ${e}`))
  await w.networkEventRegisterAny(null, NetworkEventID.LIFECYCLE, (_w, n, e) => void got.push(`${n.name} ${e}`))
  for (let i = 0; i < 20; i++) await bounce()
  await waitFor(() => !w.reconnecting && w.isAlive(), 'connected after the flaps', 30_000)
  assert.ok(reconnects.length >= 1 && reconnects.length <= 20, String(reconnects.length))
  const wire = countProcedures()
  try {
    // one more loss, with the count running: exactly one register call per registration
    const n = reconnects.length
    await bounce()
    await waitFor(() => reconnects.length === n + 1, 'reconnect', 30_000)
    assert.equal(wire.registers(), 2, JSON.stringify([...wire.counts]))
  } finally {
    wire.stop()
  }
  const dom = await w.domainLookupByName('test')
  const net = await w.networkLookupByName('default')
  await dom.suspend()
  await net.destroy()
  await dom.resume() // the last trigger: once its event is in, the earlier ones were dispatched
  await waitFor(() => got.includes('test 4'), 'resume event')
  assert.deepEqual(got, ['test 3', 'default 3', 'test 4'])
  await net.create()
  await w.close()
})

test('cut from the daemon side (virt-admin client-disconnect), 5 times: exactly one register call per registration each time, each trigger delivered exactly once', async () => {
  const { w, reconnects, log } = await wrap(daemon.uri)
  const got: string[] = []
  await w.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_w, d, e) => void got.push(`${d.name} ${e}`))
  await w.networkEventRegisterAny(null, NetworkEventID.LIFECYCLE, (_w, n, e) => void got.push(`${n.name} ${e}`))
  await w.storagePoolEventRegisterAny(null, StoragePoolEventID.REFRESH, (_w, p) => void got.push(`${p.name} refresh`))
  const dom = await w.domainLookupByName('test')
  const net = await w.networkLookupByName('default')
  const pool = await w.storagePoolLookupByName('default-pool')
  const wire = countProcedures()
  const admin = new AdminShell(daemon)
  try {
    for (let i = 1; i <= 5; i++) {
      wire.reset()
      got.length = 0
      assert.equal(await admin.disconnectAll(), 1)
      await waitFor(() => reconnects.length === i, `reconnect ${i}`)
      assert.equal(wire.registers(), 3, `round ${i}: ${JSON.stringify([...wire.counts])}`)
      await net.destroy()
      await net.create()
      await pool.refresh()
      await dom.suspend()
      await dom.resume()
      await waitFor(() => got.includes('test 4'), `round ${i} events`)
      assert.deepEqual(got, ['default 3', 'default 2', 'default-pool refresh', 'test 3', 'test 4'], `round ${i}`)
    }
  } finally {
    wire.stop()
    admin.close()
  }
  assert.equal(log.filter((l) => l === 'disconnect 1').length, 5)
  await w.close()
})

test('resync: a domain defined and another undefined while the daemon is down (and one whose state changed) are reported on reconnect', async () => {
  // fixed UUIDs: the restarted daemon reads the file again, and a domain is known by its UUID
  const keepXml = testDomainXml('keep', { uuid: '11111111-2222-3333-4444-000000000001' })
  const goneXml = testDomainXml('gone', { uuid: '11111111-2222-3333-4444-000000000002' })
  const newXml = testDomainXml('new', { uuid: '11111111-2222-3333-4444-000000000003' })
  const uri = daemon.writeTestNode(testNodeXml([keepXml, goneXml]), 'resync')
  const path = `${daemon.dir}/nodes/resync.xml`
  const { w, reconnects } = await wrap(uri, { resync: true })
  const keep = await w.domainLookupByName('keep')
  await keep.suspend() // 3 PAUSED now; the restarted daemon reads the file again: 1 RUNNING
  // the wrapper keeps its listing current with life-cycle events: the diff is what changed in the gap
  await new Promise((r) => setTimeout(r, 200))
  daemon.kill()
  writeFileSync(path, testNodeXml([keepXml, newXml]))
  await within(60_000, 'daemon restart', daemon.restart())
  await waitFor(() => reconnects.length === 1, 'reconnect', 30_000)
  const diff = reconnects[0]!.resync!
  assert.deepEqual(diff.appeared.map((d) => d.name), ['new'])
  assert.deepEqual(diff.disappeared.map((d) => d.name), ['gone'])
  assert.deepEqual(diff.changed.map((c) => [c.name, c.before, c.after]), [['keep', 3, 1]])
  // the domains in the diff are bound to the wrapper
  assert.equal(diff.appeared[0]!.domain!.connection, w)
  assert.equal((await diff.appeared[0]!.domain!.getState()).state, 1)
  await w.close()
})

test('a connection that cannot be reopened (not from connect(): URI and options unknown): a clear error through onError, once, and the attempts go on', async () => {
  const opened = await connect(daemon.uri)
  const { Connection } = await import('../../src/index.js')
  const bare = new Connection({ rpc: opened.rpc, uri: opened.parsedUri }) // no connect() options remembered
  const errors: unknown[] = []
  let disconnects = 0
  const w = await ManagedConnection.create({ virt: bare, reconnect: { initialDelay: 5, maxDelay: 10 }, onError: (e) => void errors.push(e), onDisconnect: () => void disconnects++ })
  made.push(w)
  const admin = new AdminShell(daemon)
  try {
    await admin.disconnectAll()
  } finally {
    admin.close()
  }
  await waitFor(() => errors.length === 1, 'the first attempt fails with a clear error')
  const e = errors[0]
  assert.ok(e instanceof LibvirtError && /cannot reconnect: the wrapped connection was not opened by connect\(\)/.test(e.message), String(e))
  await new Promise((r) => setTimeout(r, 100)) // several more attempts: still reported once
  assert.equal(errors.length, 1)
  assert.equal(disconnects, 1)
  assert.equal(w.reconnecting, true)
  await w.close()
  assert.equal(await within(1_000, 'closed', w.closed), CloseReason.CLIENT)
})

test('no event of the new connection reaches a callback before every registration is back and onReconnect ran, while another client causes events all along', async () => {
  const order: string[] = []
  // resync: the restore also lists the domains, so it spans several round trips
  const { w } = await wrap(daemon.uri, { resync: true, reconnect: { initialDelay: 50, maxDelay: 50 }, onReconnect: () => void order.push('reconnect') })
  const dom = await w.domainLookupByName('test')
  // many registrations, so the replay takes many round trips while events are already flowing
  await w.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_w, _d, e) => void order.push(`event ${e}`))
  for (const id of Object.values(DomainEventID)) {
    if (typeof id !== 'number' || id === DomainEventID.LIFECYCLE) continue
    await w.domainEventRegisterAny(null, id as never, () => {}).catch(() => {}) // ids newer than the daemon are refused
    await w.domainEventRegisterAny(dom, id as never, () => {}).catch(() => {})
  }
  await w.domainEventRegisterAny(dom, DomainEventID.LIFECYCLE, (_w, _d, e) => void order.push(`event ${e}`))
  daemon.kill()
  await waitFor(() => w.reconnecting, 'disconnect')
  let running = true
  const triggers = (async () => {
    while (running) {
      try {
        const c = await connect(daemon.uri)
        try {
          const d = await c.domainLookupByName('test')
          while (running) {
            await d.suspend()
            await d.resume()
          }
        } finally {
          await c.close()
        }
      } catch {
        await new Promise((r) => setTimeout(r, 2)) // the daemon is not back yet
      }
    }
  })()
  try {
    await within(60_000, 'daemon restart', daemon.restart())
    await waitFor(() => order.some((o) => o.startsWith('event')), 'an event after the reconnect', 30_000)
  } finally {
    running = false
    await within(10_000, 'trigger loop', triggers)
  }
  assert.equal(order[0], 'reconnect', order.slice(0, 5).join(', '))
})
