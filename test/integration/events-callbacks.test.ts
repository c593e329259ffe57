// Registration errors (libvirt's codes, compared with the C client), the close callback, and what
// user callbacks may do: throw, call the API, register/deregister or close mid-dispatch.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, CloseReason, DomainEventID, LibvirtError, SecretEventID, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { startTestDaemon, runOracle, testDomainXml, OracleLibvirtError, type TestDaemon } from '../../src/testing/index.js'
import { nameOf, sleep, waitFor } from './events-helpers.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

async function oracleError(script: string): Promise<OracleLibvirtError> {
  try {
    await runOracle(daemon.uri, script, { events: true })
  } catch (e) {
    if (e instanceof OracleLibvirtError) return e
    throw e
  }
  throw new Error('the oracle script succeeded')
}

function sameError(ours: unknown, theirs: OracleLibvirtError): boolean {
  assert.ok(ours instanceof LibvirtError, String(ours))
  assert.deepEqual([ours.code, ours.domain, ours.message], [theirs.code, theirs.domain, theirs.message])
  return true
}

async function domainCycle(conn: Connection, name: string): Promise<void> {
  const { dom } = await conn.call(REMOTE_PROCEDURES.DOMAIN_DEFINE_XML, { xml: testDomainXml(name) })
  await conn.call(REMOTE_PROCEDURES.DOMAIN_UNDEFINE, { dom })
}

test('errors are the C client\'s: unknown callback id, second close callback, different close callback, unsupported family', async () => {
  await using conn = await connect(daemon.uri)
  const unknown = await oracleError('conn.domainEventDeregisterAny(77)')
  await assert.rejects(conn.domainEventDeregisterAny(77), (e) => sameError(e, unknown))
  await assert.rejects(conn.networkEventDeregisterAny(77), (e) => sameError(e, unknown))
  const cb = () => {}
  await conn.registerCloseCallback(cb)
  const twice = await oracleError('cb = lambda *a: None\nconn.registerCloseCallback(cb, None)\nconn.registerCloseCallback(cb, None)')
  await assert.rejects(conn.registerCloseCallback(() => {}), (e) => sameError(e, twice))
  const different = await oracleError('conn.registerCloseCallback(lambda *a: None, None)\nconn.unregisterCloseCallback()\nconn.unregisterCloseCallback()')
  await assert.rejects(conn.unregisterCloseCallback(() => {}), (e) => sameError(e, different))
  await conn.unregisterCloseCallback(cb)
  await conn.registerCloseCallback(cb) // free again
  // the test driver has no secrets: the daemon's own error travels unchanged
  const noSecrets = await oracleError('conn.secretEventRegisterAny(None, 0, lambda *a: None, None)')
  await assert.rejects(conn.secretEventRegisterAny(null, SecretEventID.LIFECYCLE, () => {}), (e) => sameError(e, noSecrets))
  // misuse before anything is sent
  await assert.rejects(conn.domainEventRegisterAny(null, 999 as 0, () => {}), RangeError)
  await assert.rejects(conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, 'nope' as never), TypeError)
  await assert.rejects(conn.domainEventRegisterAny({ bogus: 1 } as never, DomainEventID.LIFECYCLE, () => {}), TypeError)
  await assert.rejects(conn.domainEventDeregisterAny('1' as never), TypeError)
})

// NIC_MAC_CHANGE (27) arrived in libvirt 11.2.0: on a daemon that knows it only the success path
// can be checked, on an older one (Debian 12's 9.0) only the error path. Each test says which.
const dotted = (v: number): string => `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1000}.${v % 1000}`

async function libVersion(conn: Connection): Promise<number> {
  return Number((await conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)).lib_ver)
}

test('NIC_MAC_CHANGE registers on a daemon that knows it (libvirt ≥ 11.2.0)', async (t) => {
  await using conn = await connect(daemon.uri)
  const v = await libVersion(conn)
  if (v < 11_002_000) return t.skip(`libvirt ${dotted(v)} predates NIC_MAC_CHANGE: only the error path can be checked here (next test)`)
  const id = await conn.domainEventRegisterAny(null, DomainEventID.NIC_MAC_CHANGE, () => {})
  await conn.domainEventDeregisterAny(id)
})

test('event ids newer than the daemon: registration fails with the daemon\'s error (libvirt < 11.2.0)', async (t) => {
  await using conn = await connect(daemon.uri)
  const v = await libVersion(conn)
  if (v >= 11_002_000) return t.skip(`libvirt ${dotted(v)} knows every event id we have: the error path needs libvirt < 11.2.0 (Debian 12)`)
  // libvirt 9.0 answers VIR_ERR_INTERNAL_ERROR "unsupported event ID 27" (from the daemon, not from us)
  await assert.rejects(conn.domainEventRegisterAny(null, DomainEventID.NIC_MAC_CHANGE, () => {}), (e: unknown) => e instanceof LibvirtError && !e.local && /event ID 27/.test(e.message))
  // the failed key is not left half-registered
  const ok = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => {})
  await conn.domainEventDeregisterAny(ok)
  assert.equal(conn.eventRouter.size, 0)
})

test('close callback: not called for our own close() (as libvirt), closed = CLIENT; registering on a closed connection fails', async () => {
  const conn = await connect(daemon.uri)
  const reasons: number[] = []
  await conn.registerCloseCallback((c, r) => {
    assert.equal(c, conn)
    reasons.push(r)
  })
  const id = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => {})
  await conn.close()
  assert.equal(await conn.closed, CloseReason.CLIENT)
  await conn.close()
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(reasons, [])
  const closed = (e: unknown) => e instanceof LibvirtError && e.code === 1 && e.message === 'client socket is closed'
  await assert.rejects(conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => {}), closed)
  await assert.rejects(conn.registerCloseCallback(() => {}), closed)
  // dropped locally with the connection
  await assert.rejects(conn.domainEventDeregisterAny(id), { code: 8 })
  assert.equal(conn.eventRouter.size, 0)
})

test('a throwing callback goes to onCallbackError and later events still arrive; async rejections too', async () => {
  const errors: unknown[] = []
  await using conn = await connect(daemon.uri, { onCallbackError: (e) => errors.push(e) })
  const seen: string[] = []
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, d) => {
    seen.push(nameOf(d))
    throw new Error('boom')
  })
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, async () => {
    throw new Error('async boom')
  })
  await domainCycle(conn, 'ev-throw')
  await waitFor(() => seen.length >= 2 && errors.length >= 4, 'two events, four errors')
  assert.deepEqual(seen, ['ev-throw', 'ev-throw'])
  assert.deepEqual(errors.map((e) => (e as Error).message).sort(), ['async boom', 'async boom', 'boom', 'boom'])
  assert.equal(conn.isAlive(), true)
})

test('calling the API, registering and deregistering from inside a callback', async () => {
  await using conn = await connect(daemon.uri)
  const out: unknown[] = []
  let extraId = -1
  const extra: string[] = []
  const selfId: number = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, async (c, d, event) => {
    // deregisters itself first (takes effect at once), then an RPC and a registration from inside
    const gone = c.domainEventDeregisterAny(selfId)
    const info = await c.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
    out.push([nameOf(d), event, typeof info.lib_ver])
    extraId = await c.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c2, d2) => void extra.push(nameOf(d2)))
    await gone
  })
  await domainCycle(conn, 'ev-reentrant')
  await waitFor(() => extraId > 0, 'first callback done')
  await domainCycle(conn, 'ev-reentrant-2')
  await waitFor(() => extra.filter((n) => n === 'ev-reentrant-2').length >= 2, 'the callback registered from a callback works')
  await sleep(100)
  assert.deepEqual(out, [['ev-reentrant', 0, 'bigint']], 'nothing after self-deregistration')
})

test('deregistering a sibling mid-dispatch: it gets nothing more, not even the current event', async () => {
  await using conn = await connect(daemon.uri)
  const got: string[] = []
  let second = -1
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (c) => {
    got.push('first')
    if (got.length === 1) void c.domainEventDeregisterAny(second)
  })
  second = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => void got.push('second'))
  await domainCycle(conn, 'ev-sibling')
  await waitFor(() => got.length >= 2, 'events')
  await sleep(100)
  assert.deepEqual(got, ['first', 'first'])
})

test('a callback that destroys the connection mid-dispatch: no crash, nothing after (a CLIENT close runs no close callback)', async () => {
  const conn = await connect(daemon.uri)
  const got: string[] = []
  const reasons: number[] = []
  await conn.registerCloseCallback((_c, r) => void reasons.push(r))
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (c) => {
    got.push('a')
    c.rpc.destroy(CloseReason.CLIENT)
  })
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => void got.push('b'))
  const other = await connect(daemon.uri)
  await domainCycle(other, 'ev-destroy')
  await other.close()
  assert.equal(await conn.closed, CloseReason.CLIENT)
  await sleep(100)
  assert.deepEqual(got, ['a'])
  // our own close (CLIENT) does not run the close callback, as in libvirt's client
  assert.deepEqual(reasons, [])
})

test('the same registrations are visible through every connection object of one RpcClient', async () => {
  await using conn = await connect(daemon.uri)
  const { EventConnection } = await import('../../src/events/index.js')
  const view = new EventConnection({ rpc: conn.rpc, uri: conn.parsedUri })
  const got: unknown[] = []
  const id = await view.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (c) => void got.push(c))
  await domainCycle(conn, 'ev-view')
  await waitFor(() => got.length >= 2, 'events')
  assert.ok(got.every((c) => c === view), 'callbacks get the object they were registered through')
  await conn.domainEventDeregisterAny(id)
})
