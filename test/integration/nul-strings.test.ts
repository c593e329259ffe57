// Strings are C strings on the wire: one containing NUL is refused with a TypeError before a byte
// is sent, wherever a string is encoded (API arguments, typed parameters, URIs, SASL credentials,
// CLI arguments), so `domainLookupByName('prod\0-sandbox')` can never act on `prod`. python3-libvirt
// refuses the same call.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Connection } from '../../src/index.js'
import { ProtocolSession } from '../../src/core/session.js'
import { parseLibvirtUri } from '../../src/transport/libvirt-uri.js'
import { XdrWriter } from '../../src/xdr/xdr-writer.js'
import { runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { run } from './cli-run.js'
import { cClientMissing } from '../helpers/c-client.js'

let daemon: TestDaemon
let conn: Connection

before(async () => {
  daemon = await startTestDaemon()
  conn = await connect(daemon.uri, { keepAlive: false })
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})

const isNulError = (e: unknown): boolean => {
  assert.ok(e instanceof TypeError, `expected TypeError, got ${String(e)}`)
  assert.match(e.message, /contains a NUL character/)
  return true
}

// Every byte the client hands its transport, whether through the socket's Writable or written
// straight to the descriptor (Transport.tryWrite), so socket.bytesWritten alone would miss some.
function bytesWritten(c: Connection): number {
  return c.rpc.bytesOut
}

test('API argument with NUL: TypeError, nothing written, the prefix is not acted on', async () => {
  // the test driver's domain is called "test": "test\0-sandbox" must not find it
  const before = bytesWritten(conn)
  await assert.rejects(conn.domainLookupByName('test\0-sandbox'), isNulError)
  await assert.rejects(conn.domainLookupByName('\0'), isNulError)
  assert.equal(bytesWritten(conn), before, 'no byte was sent for the refused calls')
  // the connection is unharmed, and the counter does count what is sent
  assert.equal((await conn.domainLookupByName('test')).name, 'test')
  assert.ok(bytesWritten(conn) > before, 'a call that is sent is counted')
})

test('typed parameters: a field name or a string value with NUL is refused before sending', async () => {
  const dom = await conn.domainLookupByName('test')
  const before = bytesWritten(conn)
  await assert.rejects(dom.setSchedulerParameters({ 'weight\0x': 5 }), isNulError)
  await assert.rejects(dom.setSchedulerParameters({ weight: 'a\0b' as unknown as number }), isNulError)
  assert.equal(bytesWritten(conn), before)
})

test('the XDR writer and the session refuse NUL for every string they encode', () => {
  assert.throws(() => new XdrWriter().string('a\0'), isNulError)
  let writes = 0
  const s = new ProtocolSession({ write: () => void writes++ })
  const encode = (w: XdrWriter, v: string): void => w.string(v)
  return assert.rejects(s.callRaw(1, 1, 1, encode, 'x\0y', null), isNulError).then(() => assert.equal(writes, 0))
})

test('URIs: a NUL, raw or percent-encoded, anywhere in the URI is a TypeError', async () => {
  for (const u of [`${daemon.uri}\0`, `${daemon.uri}&x=%00`, 'test+unix:///def%00ault', 'test+ssh://us%00er@127.0.0.1/default', `test+unix:///default?socket=${daemon.socket}%00.evil`]) {
    assert.throws(() => parseLibvirtUri(u), isNulError, u)
    await assert.rejects(connect(u, { keepAlive: false }), isNulError, u)
  }
})

test('SASL credentials with NUL are refused (PLAIN would split them, the daemon would cut them)', async () => {
  await assert.rejects(connect(daemon.uri, { keepAlive: false, auth: { username: 'a\0b', password: 'x' } }), isNulError)
  await assert.rejects(connect(daemon.uri, { keepAlive: false, auth: { username: 'a', password: 'secret\0tail' } }), (e: unknown) => {
    isNulError(e)
    assert.doesNotMatch((e as Error).message, /secret|tail/, 'the message does not echo the password')
    return true
  })
})

test('CLI: a JSON argument decoding to a string with NUL fails with a one-line usage error, nothing acted on', async () => {
  const r = await run(['call', daemon.uri, 'domainLookupByName', '"test\\u0000-sandbox"'])
  assert.notEqual(r.code, 0, r.stdout)
  assert.match(r.stderr, /NUL character/)
  assert.equal(r.stdout, '')
})

test('oracle: python3-libvirt refuses the same string (embedded null character)', async (t) => {
  const missing = await cClientMissing()
  if (missing) return t.skip(`no C client to compare with: ${missing}`)
  await assert.rejects(
    runOracle(daemon.uri, 'result = conn.lookupByName(args).name()', { args: 'test\0-sandbox' }),
    (e: unknown) => {
      assert.match(String((e as Error).message), /ValueError: embedded null character/)
      return true
    },
  )
})
