// Faults through a real private libvirtd: killed (SIGKILL, SIGTERM) → EOF, frozen (SIGSTOP) with
// keepalive → KEEPALIVE; pending calls rejected, registrations dropped, close callback once.
// Each promise carries its own bound (test/helpers/bounded.ts): EOF at once (3 s), KEEPALIVE
// interval × (count + 1) ± 2 s after the daemon went silent.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, CloseReason, DomainEventID, LibvirtError, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { waitFor } from './events-helpers.js'
import { AT_ONCE_MS, assertInWindow, keepaliveWindow, within } from '../helpers/bounded.js'

// Each test kills its own daemon.
const daemons: TestDaemon[] = []
async function freshDaemon(): Promise<TestDaemon> {
  const d = await startTestDaemon()
  daemons.push(d)
  return d
}
after(async () => {
  for (const d of daemons) await d.stop()
})

async function watched(conn: Connection) {
  const reasons: number[] = []
  const at: number[] = []
  await conn.registerCloseCallback((_c, r) => {
    reasons.push(r)
    at.push(Date.now())
  })
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => {})
  await conn.networkEventRegisterAny(null, 0, () => {})
  assert.equal(conn.eventRouter.size, 2)
  return { reasons, at }
}

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`daemon ${signal} → close callback EOF at once (well under the 5 s keepalive interval), registrations dropped`, async () => {
    const daemon = await freshDaemon()
    const conn = await connect(daemon.uri)
    const w = await watched(conn)
    const t0 = Date.now()
    daemon.kill(signal)
    assert.equal(await within(AT_ONCE_MS, conn.closed, `closed after ${signal}`), CloseReason.EOF)
    assert.ok(w.at[0]! - t0 < AT_ONCE_MS, `close callback after ${w.at[0]! - t0} ms`)
    assert.deepEqual(w.reasons, [CloseReason.EOF])
    assert.equal(conn.eventRouter.size, 0)
    await conn.close() // harmless, and the close callback does not run again
    assert.deepEqual(w.reasons, [CloseReason.EOF])
    await assert.rejects(conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined), (e: unknown) => e instanceof LibvirtError && e.message === 'client socket is closed')
  })
}

// libvirt's C client in the same scenario (a frozen daemon with calls unread, then SIGKILL): its
// close callback gets EOF, since poll reports a hang-up on the unix socket (SPEC §2a).
const ORACLE_KILL_MID_CALL = `
import threading, os, signal
reasons = []
conn.registerCloseCallback(lambda c, r, o: reasons.append(r), None)
os.kill(args['pid'], signal.SIGSTOP)
def call():
    try:
        conn.getLibVersion()
    except libvirt.libvirtError:
        pass
t = threading.Thread(target=call)
t.start()
time.sleep(0.05)
os.kill(args['pid'], signal.SIGKILL)
t.join(10)
wait_until(lambda: reasons, 10)
result = reasons
`

test('daemon SIGKILLed with a call in flight → the call is rejected, close callback once with the C client\'s reason (EOF)', async () => {
  const theirs = await freshDaemon()
  const cReasons = await runOracle<number[]>(theirs.uri, ORACLE_KILL_MID_CALL, { events: true, args: { pid: theirs.pid } })
  assert.deepEqual(cReasons, [CloseReason.EOF], 'the C client reports EOF')

  const daemon = await freshDaemon()
  const conn = await connect(daemon.uri)
  const w = await watched(conn)
  // a call the daemon never reads: freeze it, call, then kill
  daemon.freeze()
  const pending = conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  pending.catch(() => {})
  await new Promise((r) => setTimeout(r, 50))
  daemon.kill('SIGKILL')
  // the call in flight gets the reset itself, as in libvirt's client (close-parity.test.ts compares)
  await within(AT_ONCE_MS, assert.rejects(pending, (e: unknown) => e instanceof LibvirtError && e.code === 38 && e.message === 'Cannot recv data: Connection reset by peer'), 'the pending call after SIGKILL')
  assert.equal(await within(AT_ONCE_MS, conn.closed, 'closed after SIGKILL'), CloseReason.EOF)
  assert.deepEqual(w.reasons, [CloseReason.EOF])
  assert.equal(conn.eventRouter.size, 0)
})

test('daemon frozen (SIGSTOP) with setKeepAlive(1, 2) → KEEPALIVE after interval × (count + 1) = 3 s ± 2 s', async () => {
  const daemon = await freshDaemon()
  const conn = await connect(daemon.uri, { keepAlive: false })
  await conn.setKeepAlive(1, 2)
  const w = await watched(conn)
  const t0 = Date.now()
  daemon.freeze()
  try {
    const window = keepaliveWindow(1, 2)
    const pending = conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
    await within(window.max + 1000, assert.rejects(pending, LibvirtError), 'the pending call on a frozen daemon')
    assert.equal(await within(1000, conn.closed, 'closed after the pending call was rejected'), CloseReason.KEEPALIVE)
    assertInWindow(w.at[0]! - t0, window, 'KEEPALIVE close callback after SIGSTOP')
    assert.deepEqual(w.reasons, [CloseReason.KEEPALIVE])
    assert.equal(conn.eventRouter.size, 0)
  } finally {
    daemon.thaw()
  }
  // the daemon is fine afterwards
  await using again = await connect(daemon.uri)
  await again.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
})

test('a lost connection leaves nothing behind; a new connection registers afresh', async () => {
  const daemon = await freshDaemon()
  const conn = await connect(daemon.uri)
  await watched(conn)
  daemon.kill('SIGKILL')
  await conn.closed
  assert.equal(conn.eventRouter.size, 0)
  const daemon2 = await freshDaemon()
  await using fresh = await connect(daemon2.uri)
  const got: number[] = []
  await fresh.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, _d, e) => void got.push(e))
  const { dom } = await fresh.call(REMOTE_PROCEDURES.DOMAIN_DEFINE_XML, { xml: "<domain type='test'><name>ev-after-restart</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>" })
  await fresh.call(REMOTE_PROCEDURES.DOMAIN_UNDEFINE, { dom })
  await waitFor(() => got.length >= 2, 'events on the new connection')
  assert.deepEqual(got, [0, 1])
})
