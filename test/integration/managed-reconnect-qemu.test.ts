// Reconnect with the QEMU driver of a private libvirtd (root): the families the test driver lacks —
// secrets (the daemon's real secret driver) and QEMU monitor events — are registered again after a
// restart under the same ids (one register call each), a secret event flows again with no user
// code, and a stream that was open (a volume download) ends with the retryable
// ConnectionClosedError and is not resumed.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { CloseReason, ConnectionClosedError, SecretEventID, connect } from '../../src/index.js'
import { ManagedConnection, type ReconnectInfo } from '../../src/managed/managed-connection.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { HAS_QEMU, createVolume, startDirPool } from './streams-fixtures.js'
import { countProcedures, waitFor, within } from './reconnect-helpers.js'

let daemon: TestDaemon | undefined
before(async () => {
  if (HAS_QEMU) daemon = await startTestDaemon({ qemu: true })
})
after(async () => {
  await daemon?.stop()
})

async function bounce(d: TestDaemon): Promise<void> {
  d.kill()
  await within(60_000, 'daemon restart', d.restart())
}

test('secrets and QEMU monitor events come back after a restart: same ids, one register call each, secret events flow', async (t) => {
  if (!daemon) return t.skip('needs root and qemu-system-x86_64 for the QEMU driver')
  const d = daemon
  const reconnects: ReconnectInfo[] = []
  const errors: unknown[] = []
  const w = await ManagedConnection.create({
    virt: await connect(d.qemuUri!),
    reconnect: { initialDelay: 10, maxDelay: 100 },
    onReconnect: (_w, i) => void reconnects.push(i),
    onError: (e) => void errors.push(e),
  })
  try {
    const got: string[] = []
    const secretId = await w.secretEventRegisterAny(null, SecretEventID.LIFECYCLE, (wr, s, e) => void got.push(`secret ${s.usageID} ${e} ${wr === w}`))
    const qemuId = await w.qemuMonitorEventRegister(null, null, () => void got.push('qemu'))
    assert.deepEqual([w.trackedCallbackIds('secret'), w.trackedCallbackIds('qemuMonitor')], [[secretId], [qemuId]])
    const wire = countProcedures()
    try {
      await bounce(d)
      await waitFor(() => reconnects.length === 1, 'reconnect', 30_000)
      assert.equal(wire.counts.get('REMOTE_PROC_CONNECT_SECRET_EVENT_REGISTER_ANY'), 1, JSON.stringify([...wire.counts]))
      assert.equal(wire.counts.get('QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER'), 1, JSON.stringify([...wire.counts]))
      assert.equal(wire.registers(), 2)
    } finally {
      wire.stop()
    }
    assert.deepEqual(reconnects[0]!.refused, [])
    assert.deepEqual([w.trackedCallbackIds('secret'), w.trackedCallbackIds('qemuMonitor')], [[secretId], [qemuId]])
    const secret = await w.secretDefineXML("<secret ephemeral='no' private='no'><usage type='volume'><volume>/tmp/reconnect-qemu.img</volume></usage></secret>")
    await waitFor(() => got.length === 1, 'secret DEFINED event after the reconnect')
    assert.deepEqual(got, ['secret /tmp/reconnect-qemu.img 0 true'])
    await secret.undefine()
    await waitFor(() => got.length === 2, 'secret UNDEFINED event')
    await w.qemuMonitorEventDeregister(qemuId)
    await w.secretEventDeregisterAny(secretId)
    assert.deepEqual([w.trackedCallbackIds('secret'), w.trackedCallbackIds('qemuMonitor')], [[], []])
    assert.deepEqual(errors, [])
  } finally {
    await w.close()
  }
  assert.equal(await w.closed, CloseReason.CLIENT)
})

test('a stream open at the loss ends with the retryable ConnectionClosedError and is not resumed', async (t) => {
  if (!daemon) return t.skip('needs root and qemu-system-x86_64 for the QEMU driver')
  const d = daemon
  const reconnects: ReconnectInfo[] = []
  const w = await ManagedConnection.create({
    virt: await connect(d.qemuUri!),
    reconnect: { initialDelay: 10, maxDelay: 100 },
    onReconnect: (_w, i) => void reconnects.push(i),
  })
  try {
    const pool = await startDirPool(w, d.dir, 'reconnect-pool')
    const { path } = await createVolume(w, pool, 'big.img', 64 << 20)
    const vol = await w.storageVolLookupByPath(path)
    const stream = await vol.download()
    stream.pause() // nothing read: the stream is open when the daemon dies
    const failed = new Promise<unknown>((resolve) => stream.once('error', resolve))
    let dataAfter = 0
    d.kill()
    const err = await within(10_000, 'stream error', failed)
    assert.ok(err instanceof ConnectionClosedError, String(err))
    assert.equal(err.retryable, true)
    assert.equal(err.code, 1)
    await within(60_000, 'daemon restart', d.restart())
    await waitFor(() => reconnects.length === 1, 'reconnect', 30_000)
    stream.on('data', () => dataAfter++)
    stream.resume()
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(dataAfter, 0)
    assert.equal(stream.destroyed, true)
  } finally {
    await w.close()
  }
})
