// Real-daemon faults under load (issue 15 item 8): the daemon SIGKILLed with 1,000 calls in
// flight on one connection, and the daemon frozen (SIGSTOP) while a volume download is streaming.
// Every call and the stream settle with a LibvirtError within an explicit bound, `closed` settles
// with libvirt's reason (EOF on a unix socket; KEEPALIVE after interval × (count + 1)), and no
// unhandled rejection escapes (the runner fails the file on one).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { finished } from 'node:stream/promises'
import { CloseReason, LibvirtError, connect } from '../../src/index.js'
import { storageVolDownload } from '../../src/streams/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { HAS_QEMU, createVolume, startDirPool } from './streams-fixtures.js'
import { AT_ONCE_MS, assertInWindow, keepaliveWindow, timed, within } from '../helpers/bounded.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon({ qemu: HAS_QEMU })
})
after(async () => {
  await daemon?.stop()
})

test('daemon SIGKILLed with 1,000 calls in flight: every call rejects with a LibvirtError, closed is EOF, nothing pends', async () => {
  const conn = await connect(daemon.uri)
  const dom = await conn.domainLookupByName('test')
  let replied = 0
  const calls: Promise<unknown>[] = []
  for (let i = 0; i < 1000; i++) {
    const p = i % 2 === 0 ? conn.getCapabilities() : dom.getXMLDesc()
    calls.push(p.then(() => void replied++, (e: unknown) => e))
  }
  // kill while the daemon is answering: some replies are in, most are not
  daemon.kill('SIGKILL')
  const results = await within(10_000, Promise.all(calls), '1,000 calls in flight settle')
  const errors = results.filter((r) => r !== undefined)
  assert.equal(errors.length + replied, 1000)
  assert.ok(errors.length > 0, 'the kill came while calls were in flight')
  for (const e of errors) assert.ok(e instanceof LibvirtError, `a LibvirtError, got ${String(e)}`)
  assert.equal(await within(AT_ONCE_MS, conn.closed, 'closed'), CloseReason.EOF)
  await within(AT_ONCE_MS, assert.rejects(conn.getCapabilities(), LibvirtError), 'a call after the loss')
  await within(60_000, daemon.restart(), 'daemon restart')
})

test('daemon frozen while a volume download streams: keepalive closes after interval × (count + 1), the stream errors with a LibvirtError', async (t) => {
  if (!HAS_QEMU) return t.skip('needs root and qemu-system-x86_64 for the QEMU driver (storage volumes)')
  const conn = await connect(daemon.qemuUri!, { keepAlive: { interval: 1, count: 2 } })
  const pool = await startDirPool(conn, daemon.dir, 'freeze-pool')
  const { vol } = await createVolume(conn, pool, 'big.raw', 256 << 20)
  const down = await storageVolDownload(conn, vol, 0, 0, 0, { highWaterMark: 64 * 1024 })
  let bytes = 0
  const settled = finished(down).then(() => null, (e: unknown) => e)
  // read slowly, so the download is still streaming when the daemon stops
  down.on('data', (b: Buffer) => {
    bytes += b.length
    down.pause()
    setTimeout(() => down.resume(), 5)
  })
  const start = Date.now()
  while (bytes === 0 && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 5))
  assert.ok(bytes > 0, 'the download started')
  daemon.freeze()
  try {
    const { value: reason, ms } = await timed(() => within(30_000, conn.closed, 'keepalive verdict'))
    assert.equal(reason, CloseReason.KEEPALIVE)
    assertInWindow(ms, keepaliveWindow(1, 2), 'keepalive close while streaming')
    const err = await within(AT_ONCE_MS, settled, 'the stream settles')
    assert.ok(err instanceof LibvirtError, `the stream ends with a LibvirtError, got ${String(err)}`)
    assert.ok(bytes < 256 << 20, 'the download did not finish before the freeze')
  } finally {
    daemon.thaw()
  }
})
