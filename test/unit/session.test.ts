// Protocol engine against golden frames written by hand from libvirt's wire layout.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ProtocolSession } from '../../src/core/session.js'
import { LibvirtError } from '../../src/errors.js'
import { REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import type { MessageHeader } from '../../src/core/header.js'
import { REMOTE, frame, hyper, words, xstr } from '../helpers/bytes.js'
import { AT_ONCE_MS, within } from '../helpers/bounded.js'

function harness() {
  const out: Buffer[] = []
  const messages: Array<[MessageHeader, Buffer]> = []
  const streams: Array<[MessageHeader, Buffer]> = []
  const unexpected: LibvirtError[] = []
  const pings: number[] = []
  const s = new ProtocolSession({
    write: (b) => out.push(Buffer.from(b)),
    onMessage: (h, b) => messages.push([h, Buffer.from(b)]),
    onStream: (h, b) => streams.push([h, Buffer.from(b)]),
    onUnexpected: (e) => unexpected.push(e),
    onKeepalive: (p) => pings.push(p),
  })
  return { s, out, messages, streams, unexpected, pings }
}

test('a call is framed exactly as libvirt lays it out', async () => {
  const { s, out } = harness()
  const p = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  assert.deepEqual(out[0], words(28, REMOTE, 1, 157, 0, 1, 0))
  s.feed(frame(REMOTE, 1, 157, 1, 1, 0, hyper(9_000_000n)))
  assert.deepEqual(await p, { lib_ver: 9_000_000n })
})

test('call with arguments: string padded to 4 bytes, serials increase', async () => {
  const { s, out } = harness()
  void s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  const p = s.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 'abcde' })
  const body = Buffer.concat([words(5), Buffer.from('abcde'), Buffer.alloc(3)])
  assert.deepEqual(out[1], Buffer.concat([words(28 + body.length, REMOTE, 1, 23, 0, 2, 0), body]))
  // Reply: remote_nonnull_domain { name, uuid[16], id }
  const uuid = Buffer.from('00112233445566778899aabbccddeeff', 'hex')
  s.feed(frame(REMOTE, 1, 23, 1, 2, 0, Buffer.concat([xstr('abcde'), uuid, words(7)])))
  assert.deepEqual(await p, { dom: { name: 'abcde', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 7 } })
})

test('replies in any order go to the right call', async () => {
  const { s } = harness()
  const a = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  const b = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  s.feed(Buffer.concat([frame(REMOTE, 1, 157, 1, 2, 0, hyper(2n)), frame(REMOTE, 1, 157, 1, 1, 0, hyper(1n))]))
  assert.deepEqual(await a, { lib_ver: 1n })
  assert.deepEqual(await b, { lib_ver: 2n })
})

test('an error reply becomes a LibvirtError with every field of remote_error', async () => {
  const { s } = harness()
  const p = s.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 'nope' })
  // remote_error: code, domain, message*, level, dom*, str1*, str2*, str3*, int1, int2, net*
  const err = Buffer.concat([
    words(42, 10), words(1), xstr("Domain not found: no domain with matching name 'nope'"), words(2),
    words(0), words(1), xstr('Domain not found'), words(1), xstr('nope'), words(0), words(0xffffffff, 0), words(0),
  ])
  s.feed(frame(REMOTE, 1, 23, 1, 1, 1, err))
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof LibvirtError)
    assert.equal(e.code, 42)
    assert.equal(e.codeName, 'VIR_ERR_NO_DOMAIN')
    assert.equal(e.domain, 10)
    assert.equal(e.level, 2)
    assert.equal(e.message, "Domain not found: no domain with matching name 'nope'")
    assert.equal(e.str1, 'Domain not found')
    assert.equal(e.str2, 'nope')
    assert.equal(e.str3, null)
    assert.equal(e.int1, -1)
    assert.equal(e.local, false)
    return true
  })
})

test('event MESSAGE frames go to the event hook; stream frames to the stream hook', () => {
  const { s, messages, streams } = harness()
  const msg = Buffer.concat([words(3), xstr('vm'), Buffer.alloc(16), words(1), words(0, 1)])
  s.feed(frame(REMOTE, 1, 318, 2, 0, 0, msg))
  assert.equal(messages.length, 1)
  assert.equal(messages[0]![0].procedure, 318)
  assert.deepEqual(messages[0]![1], msg)
  s.feed(frame(REMOTE, 1, 201, 3, 9, 2, Buffer.from('hello')))
  s.feed(frame(REMOTE, 1, 201, 6, 9, 2, hyper(4096n)))
  assert.deepEqual(streams.map(([h, b]) => [h.type, h.serial, h.status, b.toString('hex')]), [
    [3, 9, 2, Buffer.from('hello').toString('hex')],
    [6, 9, 2, hyper(4096n).toString('hex')],
  ])
})

test('keepalive PING is answered with PONG', () => {
  const { s, out, pings } = harness()
  s.feed(words(28, 0x6b656570, 1, 1, 2, 0, 0))
  assert.deepEqual(out[0], words(28, 0x6b656570, 1, 2, 2, 0, 0))
  assert.deepEqual(pings, [1])
})

test('frames split at every byte boundary are reassembled', async () => {
  const { s } = harness()
  const a = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  const b = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  const bytes = Buffer.concat([frame(REMOTE, 1, 157, 1, 1, 0, hyper(11n)), frame(REMOTE, 1, 157, 1, 2, 0, hyper(22n))])
  for (let i = 0; i < bytes.length; i++) s.feed(bytes.subarray(i, i + 1))
  assert.deepEqual(await a, { lib_ver: 11n })
  assert.deepEqual(await b, { lib_ver: 22n })
})

test('an impossible length is fatal and rejects every pending call', async () => {
  const { s } = harness()
  const p = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  assert.throws(() => s.feed(words(0x7fffffff)), (e: unknown) => e instanceof LibvirtError && e.code === 39)
  await assert.rejects(p, (e: unknown) => e instanceof LibvirtError && e.code === 39)
  await assert.rejects(s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined), LibvirtError)
  const small = harness()
  assert.throws(() => small.s.feed(words(27)), LibvirtError)
})

// As libvirt's client (virNetClientCallDispatch): a reply no call waits for, a reply naming
// another program, version or procedure, and a CALL or unknown type from the server are protocol
// errors that end the connection; every pending call is rejected with VIR_ERR_RPC, none pends.
for (const [what, bad] of [
  ['unknown serial', frame(REMOTE, 1, 157, 1, 99, 0, hyper(1n))],
  ['wrong procedure', frame(REMOTE, 1, 4, 1, 1, 0, hyper(1n))],
  ['wrong program', frame(0x20008087, 1, 157, 1, 1, 0, hyper(1n))],
  ['wrong version', frame(REMOTE, 2, 157, 1, 1, 0, hyper(1n))],
  ['a CALL from the server', frame(REMOTE, 1, 157, 0, 1, 0)],
  ['an unknown type', frame(REMOTE, 1, 157, 9, 1, 0)],
] as const) {
  test(`misrouted: ${what} is fatal, every pending call rejected with VIR_ERR_RPC`, async () => {
    const { s } = harness()
    const p = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
    const q = s.call(REMOTE_PROCEDURES.CONNECT_GET_HOSTNAME, undefined)
    assert.throws(() => s.feed(bad), (e: unknown) => e instanceof LibvirtError && e.code === 39)
    for (const call of [p, q]) await assert.rejects(call, (e: unknown) => e instanceof LibvirtError && e.code === 39 && e.message === s.failure?.message)
    await assert.rejects(s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined), LibvirtError)
  })
}

test('a reply with a bad payload rejects only that call with VIR_ERR_RPC', async () => {
  const { s } = harness()
  const p = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  const q = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  s.feed(frame(REMOTE, 1, 157, 1, 1, 0, words(1))) // 4 bytes where a hyper needs 8
  await assert.rejects(p, (e: unknown) => e instanceof LibvirtError && e.code === 39 && /decode/.test(e.message))
  s.feed(frame(REMOTE, 1, 157, 1, 2, 0, Buffer.concat([hyper(1n), words(0)]))) // trailing bytes
  await assert.rejects(q, (e: unknown) => e instanceof LibvirtError && e.code === 39)
})

test('bad arguments are a TypeError before anything is sent', async () => {
  const { s, out } = harness()
  await assert.rejects(s.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 42 as unknown as string }), TypeError)
  assert.equal(out.length, 0)
})

test('an aborted call rejects at once and its late reply is dropped quietly', async () => {
  const { s, unexpected } = harness()
  const ac = new AbortController()
  const p = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined, { signal: ac.signal })
  ac.abort()
  // rejected before any reply arrives (the reply is fed only afterwards)
  await within(AT_ONCE_MS, assert.rejects(p, (e: unknown) => e instanceof LibvirtError && e.code === 78), 'the aborted call')
  s.feed(frame(REMOTE, 1, 157, 1, 1, 0, hyper(1n)))
  assert.equal(unexpected.length, 0)
})

test('fail() rejects every pending call with the given error', async () => {
  const { s } = harness()
  const calls = [1, 2, 3].map(() => s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined))
  s.fail()
  for (const c of calls) await assert.rejects(c, (e: unknown) => e instanceof LibvirtError && e.message === 'client socket is closed')
  assert.equal(s.pendingCount, 0)
})

test('outgoing frame limit: a call or stream frame larger than the maximum is refused, nothing written', async () => {
  const out: Buffer[] = []
  const s = new ProtocolSession({ write: (b) => out.push(Buffer.from(b)) }, { maxFrameOut: 64 })
  // 28 header bytes + 4 length + 32 name bytes = 64: fits exactly; one more byte does not.
  void s.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 'x'.repeat(32) })
  assert.equal(out.length, 1)
  assert.equal(out[0]!.length, 64)
  await assert.rejects(s.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 'x'.repeat(33) }), (e: unknown) =>
    e instanceof LibvirtError && e.code === 39 && /exceeds the protocol maximum of 64/.test(e.message))
  assert.throws(() => s.sendRaw({ program: REMOTE, version: 1, procedure: 201, type: 3, serial: 1, status: 2 }, Buffer.alloc(37)), (e: unknown) => e instanceof LibvirtError && e.code === 39)
  assert.equal(out.length, 1)
  // The session is still usable after a refused frame.
  assert.equal(s.failure, null)
  const p = s.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  s.feed(frame(REMOTE, 1, 157, 1, 3, 0, hyper(7n)))
  assert.deepEqual(await p, { lib_ver: 7n })
})

test('incoming frame limit: a length above the maximum is fatal with VIR_ERR_RPC naming both sizes', () => {
  const s = new ProtocolSession({ write: () => {} }, { maxFrameIn: 64 })
  assert.throws(() => s.feed(words(65)), (e: unknown) => e instanceof LibvirtError && e.code === 39 && /65/.test(e.message) && /64/.test(e.message))
  assert.ok(s.failure instanceof LibvirtError)
})
