// Two contracts of the events issue seen on the wire of a real private libvirtd: the legacy
// domainEventRegister / domainEventDeregister (built on register-any; the legacy procedures are
// never sent; deregistration stops delivery; libvirt's INVALID_ARG for a repeat or an unknown
// callback), and keepalive on by default (5 s, 5): against a frozen daemon a default connection
// sends exactly 5 PINGs and then closes with KEEPALIVE, `connect({ keepAlive })` changes the
// count, `keepAlive: false` sends none.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, CloseReason, DomainEventID, LibvirtError, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { startTestDaemon, testDomainXml, type TestDaemon } from '../../src/testing/index.js'
import { nameOf, sleep, waitFor } from './events-helpers.js'
import { assertInWindow, keepaliveWindow, within } from '../helpers/bounded.js'
import { splitFrames, tapWrites } from '../helpers/wire-tap.js'

const KEEPALIVE_PROGRAM = 0x6b656570
const PING = 1

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

/** Every frame the client writes from now on, as [program, procedure] (both write paths; merged writes split). */
function recordFrames(c: Connection): Array<[number, number]> {
  const seen: Array<[number, number]> = []
  let rest = Buffer.alloc(0)
  tapWrites(c.rpc, (chunk) => {
    const bytes = Buffer.concat([rest, chunk])
    let used = 0
    for (const f of splitFrames(bytes)) {
      if (f.length >= 16) seen.push([f.readUInt32BE(4), f.readUInt32BE(12)])
      used += f.length
    }
    rest = bytes.subarray(used)
  })
  return seen
}

const pings = (frames: Array<[number, number]>): number => frames.filter(([p, proc]) => p === KEEPALIVE_PROGRAM && proc === PING).length

async function domainCycle(conn: Connection, name: string): Promise<void> {
  const { dom } = await conn.call(REMOTE_PROCEDURES.DOMAIN_DEFINE_XML, { xml: testDomainXml(name) })
  await conn.call(REMOTE_PROCEDURES.DOMAIN_UNDEFINE, { dom })
}

test('legacy domainEventRegister/Deregister: delivered, then nothing after deregistration; repeats and unknown callbacks are INVALID_ARG; legacy procedures never sent', async () => {
  await using conn = await connect(daemon.uri)
  const frames = recordFrames(conn)
  const legacy: unknown[][] = []
  const any: unknown[][] = []
  const cb = (_c: Connection, d: unknown, e: number, det: number): void => void legacy.push([nameOf(d), e, det])
  await conn.domainEventRegister(cb)
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, d, e, det) => void any.push([nameOf(d), e, det]))
  await assert.rejects(conn.domainEventRegister(cb), (e: unknown) => e instanceof LibvirtError && e.code === 8 && /already tracked/.test(e.message))

  await domainCycle(conn, 'legacy-a')
  await waitFor(() => legacy.length >= 2 && any.length >= 2, 'legacy events')
  assert.deepEqual(legacy, [['legacy-a', 0, 0], ['legacy-a', 1, 0]]) // DEFINED/ADDED, UNDEFINED/REMOVED
  assert.deepEqual(legacy, any)

  await conn.domainEventDeregister(cb)
  await domainCycle(conn, 'legacy-b')
  await waitFor(() => any.length >= 4, 'events after the legacy deregistration')
  await sleep(100)
  assert.equal(legacy.length, 2, 'nothing after domainEventDeregister')
  await assert.rejects(conn.domainEventDeregister(cb), (e: unknown) => e instanceof LibvirtError && e.code === 8)
  await assert.rejects(conn.domainEventDeregister(() => {}), (e: unknown) => e instanceof LibvirtError && e.code === 8)
  await assert.rejects(conn.domainEventRegister('cb' as never), TypeError)

  const legacyProcs = new Set([REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_REGISTER.procedure, REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_DEREGISTER.procedure])
  assert.ok(frames.some(([, p]) => p === REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY.procedure), 'register-any was sent')
  assert.deepEqual(frames.filter(([prog, p]) => prog !== KEEPALIVE_PROGRAM && legacyProcs.has(p)), [], 'no legacy procedure on the wire')
})

test('keepalive is on by default (5 s, 5): a frozen daemon gets 5 PINGs, then KEEPALIVE after 30 s ± 2 s; connect() options change it', async () => {
  const d = await startTestDaemon()
  const byDefault = await connect(d.uri)
  const custom = await connect(d.uri, { keepAlive: { interval: 1, count: 2 } })
  const off = await connect(d.uri, { keepAlive: false })
  const frames = [byDefault, custom, off].map(recordFrames)
  try {
    d.freeze()
    // libvirt's rule: declared dead interval × (count + 1) after the last byte, ± 2 s.
    const t0 = performance.now()
    const at = (c: Connection): Promise<[number, number]> => c.closed.then((r) => [r, performance.now() - t0])
    const defaultWindow = keepaliveWindow(5, 5)
    const [[customReason, customMs], [defaultReason, defaultMs]] = await within(defaultWindow.max + 1000,
      Promise.all([at(custom), at(byDefault)]), 'KEEPALIVE closes on a frozen daemon')
    assert.equal(customReason, CloseReason.KEEPALIVE)
    assert.equal(defaultReason, CloseReason.KEEPALIVE)
    assertInWindow(customMs, keepaliveWindow(1, 2), 'keepAlive { interval: 1, count: 2 }')
    assertInWindow(defaultMs, defaultWindow, 'default keepalive (5 s, 5)')
    assert.deepEqual(frames.map(pings), [5, 2, 0], 'PINGs sent: default, { interval: 1, count: 2 }, false')
    assert.equal(off.isAlive(), true, 'keepAlive: false never gives up on a frozen daemon')
  } finally {
    d.thaw()
    await off.close()
    await d.stop()
  }
})
