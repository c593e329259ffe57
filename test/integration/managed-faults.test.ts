// ManagedConnection when the daemon dies: with registrations of all five families tracked (the
// secret one through the QEMU daemon's real secret driver), onClose gets EOF first, then every
// registration is dropped without an RPC, every queue finished, the resolvable resolved.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, CloseReason } from '../../src/index.js'
import { AsyncQueue } from '../../src/managed/async-queue.js'
import { ManagedConnection } from '../../src/managed/managed-connection.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { assertInWindow, keepaliveWindow, within } from '../helpers/bounded.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon({ qemu: true })
})
after(async () => {
  await daemon?.stop()
})

const FAMILIES = ['domain', 'network', 'storagePool', 'nodeDevice', 'secret'] as const

test('daemon killed with all five families tracked: onClose(EOF) first, clean-up, resolvable, closed', async () => {
  const virt = await connect(daemon.qemuUri!)
  const order: string[] = []
  let resolveDone!: (v: [ManagedConnection, CloseReason]) => void
  const done = new Promise<[ManagedConnection, CloseReason]>((r) => (resolveDone = r))
  const change = new AsyncQueue<unknown[]>()
  const w = await ManagedConnection.create({
    virt,
    onDomainChange: change,
    onClose: async (wr, reason) => {
      // still tracked while onClose runs: clean-up comes after it
      order.push(`onClose ${reason} ${wr === w} tracked=${FAMILIES.map((k) => wr.trackedCallbackIds(k).length).join('')}`)
    },
  })
  const queues = FAMILIES.map(() => new AsyncQueue<unknown[]>())
  queues.forEach((q, i) => q.onFinish(() => order.push(`finished ${FAMILIES[i]}`)))
  change.onFinish(() => order.push('finished change'))
  await w.domainEventRegisterAny(null, 0, queues[0]!)
  await w.networkEventRegisterAny(null, 0, queues[1]!)
  await w.storagePoolEventRegisterAny(null, 0, queues[2]!)
  await w.nodeDeviceEventRegisterAny(null, 0, queues[3]!)
  await w.secretEventRegisterAny(null, 0, queues[4]!)
  // and one function per family, tracked just the same
  await w.domainEventRegisterAny(null, 1, () => {})
  await w.networkEventRegisterAny(null, 0, () => {})
  await w.storagePoolEventRegisterAny(null, 1, () => {})
  await w.nodeDeviceEventRegisterAny(null, 1, () => {})
  await w.secretEventRegisterAny(null, 1, () => {})
  for (const k of FAMILIES) assert.equal(w.trackedCallbackIds(k).length, 2, k)
  // a real secret event first, to prove the QEMU daemon's secret driver is wired
  const secret = await w.secretDefineXML("<secret ephemeral='no' private='no'><usage type='volume'><volume>/tmp/managed-faults.img</volume></usage></secret>")
  const [, , ev] = (await queues[4]!.shift())!
  assert.equal(ev, 0) // VIR_SECRET_EVENT_DEFINED
  await secret.undefine()
  const wOnClose = new ManagedConnection({ virt: await connect(daemon.qemuUri!), onClose: { resolve: resolveDone } })
  await wOnClose.ready
  void w.closed.then((r) => order.push(`closed ${r}`))

  daemon.kill('SIGKILL')
  await checkAfterKill()
  async function checkAfterKill(): Promise<void> {
  assert.equal(await w.closed, CloseReason.EOF)
  const [wr2, r2] = await done
  assert.equal(wr2, wOnClose)
  assert.equal(r2, CloseReason.EOF)
  assert.equal(order[0], 'onClose 1 true tracked=22222')
  assert.deepEqual(order.slice(1, 7).sort(), ['finished change', ...FAMILIES.map((k) => `finished ${k}`)].sort())
  assert.equal(order[7], 'closed 1')
  for (const k of FAMILIES) assert.deepEqual(w.trackedCallbackIds(k), [])
  assert.equal(w.eventRouter.size, 0)
  assert.ok(queues.every((q) => q.finished) && change.finished)
  // and the connection refuses politely afterwards
  await assert.rejects(w.networkEventRegisterAny(null, 0, () => {}), /client socket is closed/)
  await w.close()
  }
})

test('frozen daemon: keepalive closes, the wrapper reports KEEPALIVE and cleans up', async () => {
  // a daemon of its own: the one above was killed for good
  await using daemon = await startTestDaemon()
  const virt = await connect(daemon.uri, { keepAlive: { interval: 1, count: 1 } })
  const q = new AsyncQueue<unknown[]>()
  const order: string[] = []
  const w = await ManagedConnection.create({
    virt,
    onDomainChange: q,
    onClose: (wr, reason) => void order.push(`onClose ${reason} tracked=${wr.trackedCallbackIds('network').length} queue=${q.finished}`),
  })
  q.onFinish(() => order.push('queue finished'))
  void w.closed.then((r) => order.push(`closed ${r}`))
  await w.networkEventRegisterAny(null, 0, () => {})
  daemon.freeze()
  const t0 = performance.now()
  try {
    const window = keepaliveWindow(1, 1)
    assert.equal(await within(window.max + 1000, w.closed, 'KEEPALIVE close of the wrapper'), CloseReason.KEEPALIVE)
    assertInWindow(performance.now() - t0, window, 'keepalive (1 s, 1) → wrapper closed')
    // the same sequence as for every other way of closing: onClose first, then clean-up
    assert.deepEqual(order, ['onClose 2 tracked=1 queue=false', 'queue finished', 'closed 2'])
    assert.equal(q.finished, true)
    assert.deepEqual(w.trackedCallbackIds('network'), [])
  } finally {
    daemon.thaw()
  }
})
