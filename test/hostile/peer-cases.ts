// The hostile-peer cases (issue 15 items 4, 5, 8), run by hostile.test.ts in a child process under
// --unhandled-rejections=strict. A fake daemon sends what a real libvirtd never sends; each case
// asserts a typed error, a settled promise within an explicit bound, bounded memory, and that no
// handle of ours (socket, timer) is left behind afterwards.
import { afterEach, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { CloseReason, connect, ErrorCode, LibvirtError, type Connection } from '../../src/index.js'
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/client/connect-options.js'
import { DEFAULT_KEEPALIVE } from '../../src/client/keepalive.js'
import { CLOSE_TIMEOUT_MS } from '../../src/client/rpc-client.js'
import { WARN_BURST } from '../../src/client/warning-limiter.js'
import { FrameDecoder } from '../../src/core/frame-decoder.js'
import { FRAME_MIN, MESSAGE_MAX, MessageStatus, MessageType } from '../../src/core/limits.js'
import { REMOTE_PROCEDURES as P } from '../../src/generated/procedures.gen.js'
import { SCRAM_MAX_ITERATIONS } from '../../src/auth/sasl/scram.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { XdrWriter } from '../../src/xdr/xdr-writer.js'
import { assertInWindow, keepaliveWindow, timed, within } from '../helpers/bounded.js'
import type { MessageHeader } from '../../src/core/header.js'
import { buildFrame, type FakeDaemon, type FakePeer, keepaliveFrame, startFakeDaemon } from './fake-daemon.js'

/** What "at once" means for a settled promise here: generous, it only has to not hang. */
const AT_ONCE_MS = 3000

let fake: FakeDaemon | null = null
let conn: Connection | null = null
let baseline: Map<string, number>

function resources(): Map<string, number> {
  const m = new Map<string, number>()
  for (const r of process.getActiveResourcesInfo()) m.set(r, (m.get(r) ?? 0) + 1)
  return m
}

function excess(now: Map<string, number>): string[] {
  const out: string[] = []
  for (const [k, v] of now) if (v > (baseline.get(k) ?? 0)) out.push(`${k} ×${v - (baseline.get(k) ?? 0)}`)
  return out
}

beforeEach(() => {
  baseline = resources()
})

afterEach(async () => {
  await conn?.close().catch(() => {})
  conn = null
  await fake?.close()
  fake = null
  // Handles close asynchronously (uv_close callbacks): give them a few turns, then nothing of
  // ours (socket, server, timer) may remain beyond what was there before the case.
  const end = performance.now() + 2000
  let left = excess(resources())
  while (left.length > 0 && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 20))
    left = excess(resources())
  }
  assert.deepEqual(left, [], `handles left behind: ${left.join(', ')}`)
})

const rpcError = (e: unknown): boolean => {
  assert.ok(e instanceof LibvirtError, `expected LibvirtError, got ${String(e)}`)
  assert.equal(e.code, ErrorCode.RPC, e.message)
  return true
}

/** Connects to a fresh fake daemon; resolves with the connection and the daemon's side of it. */
async function open(opts: Parameters<typeof startFakeDaemon>[0] = {}, connectOpts: Parameters<typeof connect>[1] = { keepAlive: false }): Promise<{ c: Connection; peer: FakePeer }> {
  fake = await startFakeDaemon(opts)
  conn = await within(AT_ONCE_MS * 3, connect(fake.uri, connectOpts), 'connect to the fake daemon')
  return { c: conn, peer: await fake.firstPeer() }
}

/** Two calls in flight, their CALL frames seen by the fake. */
async function twoCalls(c: Connection, peer: FakePeer) {
  const a = c.getLibVersion()
  const b = c.getHostname()
  const ca = await peer.nextCall(P.CONNECT_GET_LIB_VERSION.procedure)
  const cb = await peer.nextCall(P.CONNECT_GET_HOSTNAME.procedure)
  a.catch(() => {})
  b.catch(() => {})
  return { a, b, ca, cb }
}

async function assertFatal(c: Connection, calls: Promise<unknown>[], reason: number = CloseReason.ERROR): Promise<void> {
  for (const p of calls) await within(AT_ONCE_MS, assert.rejects(p, reason === CloseReason.ERROR ? rpcError : LibvirtError), 'pending call settles')
  assert.equal(await within(AT_ONCE_MS, c.closed, 'closed settles'), reason)
  await assert.rejects(c.getLibVersion(), LibvirtError)
}

// --- framing -----------------------------------------------------------------------------------

for (const [what, len] of [['oversized length word', 0x7fffffff], ['length just over the maximum', MESSAGE_MAX + 1], ['length below the header size', FRAME_MIN - 1], ['zero length', 0]] as const) {
  test(`framing: ${what} → closed with ERROR, every pending call VIR_ERR_RPC`, async () => {
    const { c, peer } = await open()
    const { a, b } = await twoCalls(c, peer)
    const w = Buffer.alloc(4)
    w.writeUInt32BE(len >>> 0)
    peer.send(w)
    await assertFatal(c, [a, b])
  })
}

test('framing: a truncated frame then EOF → closed with EOF, pending calls rejected', async () => {
  const { c, peer } = await open()
  const { a, ca } = await twoCalls(c, peer)
  const whole = buildFrame({ ...ca.header, type: MessageType.REPLY, status: MessageStatus.OK }, Buffer.alloc(8))
  peer.send(whole.subarray(0, whole.length - 3))
  peer.socket.end()
  await within(AT_ONCE_MS, assert.rejects(a, LibvirtError), 'pending call settles')
  assert.equal(await within(AT_ONCE_MS, c.closed, 'closed'), CloseReason.EOF)
})

// --- misrouted replies (libvirt's client: fatal) ------------------------------------------------

for (const [what, edit] of [
  ['procedure of another call', (h: { procedure: number }) => ({ procedure: P.CONNECT_GET_HOSTNAME.procedure })],
  ['another program', () => ({ program: 0x20008087 })],
  ['another version', () => ({ version: 2 })],
  ['a serial nobody waits for', () => ({ serial: 0x7777 })],
  ['type CALL from the server', () => ({ type: MessageType.CALL })],
] as const) {
  test(`misrouted reply (${what}) → closed with ERROR, every pending call VIR_ERR_RPC`, async () => {
    const { c, peer } = await open()
    const { a, b, ca } = await twoCalls(c, peer)
    const w = new XdrWriter()
    w.u64(1n)
    peer.send(buildFrame({ ...ca.header, type: MessageType.REPLY, status: MessageStatus.OK, ...edit(ca.header) }, w.toBuffer()))
    await assertFatal(c, [a, b])
  })
}

// --- huge strings ---------------------------------------------------------------------------------

test('a reply whose string length claims 4 GiB inside a small frame rejects that call only', async () => {
  const { c, peer } = await open()
  const p = c.getHostname()
  const call = await peer.nextCall(P.CONNECT_GET_HOSTNAME.procedure)
  const body = Buffer.alloc(8)
  body.writeUInt32BE(0xfffffff0, 0)
  peer.send(buildFrame({ ...call.header, type: MessageType.REPLY, status: MessageStatus.OK }, body))
  await within(AT_ONCE_MS, assert.rejects(p, (e: unknown) => rpcError(e) && /decode/.test((e as Error).message)), 'call settles')
  // the connection survives a bad payload, as libvirt's does
  const q = c.getHostname()
  const call2 = await peer.nextCall(P.CONNECT_GET_HOSTNAME.procedure)
  peer.reply(call2.header, P.CONNECT_GET_HOSTNAME, { hostname: 'h'.repeat(1 << 20) })
  assert.equal((await within(AT_ONCE_MS, q, 'second call')).length, 1 << 20)
})

// --- keepalive counts messages, not bytes (slowloris) ----------------------------------------------

test('slowloris: a frame dribbled a byte at a time is closed with KEEPALIVE after interval × (count + 1)', async () => {
  const ka = { interval: 1, count: 1 }
  const { c, peer } = await open({ keepalive: true }, { keepAlive: ka })
  const t0 = performance.now()
  const head = Buffer.alloc(4)
  head.writeUInt32BE(4096)
  let i = 0
  const bytes = Buffer.concat([head, Buffer.alloc(4092)])
  const drip = setInterval(() => peer.send(bytes.subarray(i, ++i)), 100)
  try {
    const reason = await within(keepaliveWindow(ka.interval, ka.count).max + 1000, c.closed, 'keepalive verdict on a dribbling peer')
    assert.equal(reason, CloseReason.KEEPALIVE)
    assertInWindow(performance.now() - t0, keepaliveWindow(ka.interval, ka.count), 'KEEPALIVE close')
  } finally {
    clearInterval(drip)
  }
})

// --- floods ---------------------------------------------------------------------------------------

test('PING flood from a peer that never reads: at most one PONG is queued', async () => {
  const { c, peer } = await open()
  peer.socket.pause() // from now on the fake reads nothing
  const ping = keepaliveFrame(1)
  const flood = Buffer.concat(Array.from({ length: 20_000 }, () => ping))
  for (let k = 0; k < 5; k++) peer.send(flood)
  // let the client read all 100,000 PINGs
  const stream = c.rpc.transport.stream
  const end = performance.now() + 10_000
  let seen = 0
  while (performance.now() < end) {
    await new Promise((r) => setTimeout(r, 50))
    if (peer.socket.writableLength === 0 && (stream as unknown as { bytesRead: number }).bytesRead >= 100_000 * FRAME_MIN) break
    seen++
  }
  assert.ok((stream as unknown as { bytesRead: number }).bytesRead >= 100_000 * FRAME_MIN, `the client read the flood (${seen} polls)`)
  assert.ok(stream.writableLength <= FRAME_MIN, `queued for the peer: ${stream.writableLength} bytes (one PONG is ${FRAME_MIN})`)
  assert.equal(c.isAlive(), true)
})

test('event flood for unknown callbacks: warnings rate-limited, connection usable', async () => {
  const warnings: string[] = []
  const onWarning = (w: Error & { code?: string }): void => {
    if (w.code?.startsWith('LIBVIRT_ASYNC_UNEXPECTED')) warnings.push(w.message)
  }
  process.on('warning', onWarning)
  try {
    const { c, peer } = await open()
    const w = new XdrWriter()
    P.DOMAIN_EVENT_CALLBACK_LIFECYCLE.encodeArgs!(w, { callbackID: 999, msg: { dom: { name: 'x', uuid: Buffer.alloc(16) as never, id: 1 }, event: 0, detail: 0 } })
    const ev = buildFrame({ program: P.DOMAIN_EVENT_CALLBACK_LIFECYCLE.program, version: 1, procedure: P.DOMAIN_EVENT_CALLBACK_LIFECYCLE.procedure, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK }, w.toBuffer())
    const unknownProgram = buildFrame({ program: 0x1234567, version: 1, procedure: 1, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK })
    peer.send(Buffer.concat(Array.from({ length: 5000 }, () => ev)))
    peer.send(Buffer.concat(Array.from({ length: 5000 }, () => unknownProgram)))
    // the connection still answers, after all of them
    const p = c.getLibVersion()
    const call = await within(AT_ONCE_MS * 3, peer.nextCall(P.CONNECT_GET_LIB_VERSION.procedure), 'call after the flood')
    peer.reply(call.header, P.CONNECT_GET_LIB_VERSION, { lib_ver: 11003000n } as never)
    await within(AT_ONCE_MS, p, 'reply after the flood')
    await new Promise((r) => setImmediate(r))
    assert.ok(warnings.length >= 1, 'the flood is reported')
    assert.ok(warnings.length <= 3 * (WARN_BURST + 1), `${warnings.length} warnings for 10,000 unexpected messages`)
  } finally {
    process.off('warning', onWarning)
  }
})

// --- memory -----------------------------------------------------------------------------------------

test('a 32 MiB frame delivered a byte per read costs about its size (one buffer per frame)', () => {
  const size = MESSAGE_MAX
  const src = Buffer.alloc(size)
  src.writeUInt32BE(size, 0)
  const d = new FrameDecoder()
  const heap0 = process.memoryUsage().heapUsed
  let got: Buffer | null = null
  // the first 2 MiB a byte per chunk (each a separate Buffer object, as a socket read would be)
  const bytewise = 2 * 1024 * 1024
  for (let i = 0; i < bytewise; i++) d.push(src.subarray(i, i + 1), (f) => (got = f))
  const heapGrowth = process.memoryUsage().heapUsed - heap0
  assert.equal(d.buffered, bytewise)
  // one Buffer object per read kept alive would be > 100 bytes of heap each: 200 MiB here
  assert.ok(heapGrowth < 32 * 1024 * 1024, `heap grew ${heapGrowth} bytes for ${bytewise} one-byte reads`)
  for (let i = bytewise; i < size; i += 1 << 20) d.push(src.subarray(i, Math.min(size, i + (1 << 20))), (f) => (got = f))
  assert.ok(got !== null)
  assert.equal((got as Buffer).length, size)
  assert.equal(d.buffered, 0)
})

// --- SCRAM parameters from a hostile server ------------------------------------------------------------

function scramFake(iterations: number, hooks: { onFirst?(): void; onFinal?(peer: FakePeer, call: { header: MessageHeader }): void } = {}) {
  let clientNonce = ''
  return startFakeDaemon({
    authTypes: [1],
    onCall: (peer, call) => {
      const h = call.header
      if (h.procedure === P.AUTH_SASL_INIT.procedure) return peer.reply(h, P.AUTH_SASL_INIT, { mechlist: 'SCRAM-SHA-256' })
      if (h.procedure === P.AUTH_SASL_START.procedure) {
        const args = P.AUTH_SASL_START.decodeArgs!(new XdrReader(call.body)) as { data: number[] }
        const first = Buffer.from(args.data.map((x) => x & 0xff)).toString()
        clientNonce = /r=([^,]+)/.exec(first)![1]!
        const serverFirst = Buffer.from(`r=${clientNonce}srv,s=${Buffer.alloc(16, 7).toString('base64')},i=${iterations}`)
        hooks.onFirst?.()
        return peer.reply(h, P.AUTH_SASL_START, { complete: 0, nil: 0, data: [...serverFirst].map((b) => (b > 127 ? b - 256 : b)) } as never)
      }
      if (h.procedure === P.AUTH_SASL_STEP.procedure) {
        if (hooks.onFinal) return hooks.onFinal(peer, call)
        const e = Buffer.from('e=invalid-proof')
        return peer.reply(h, P.AUTH_SASL_STEP, { complete: 1, nil: 0, data: [...e] } as never)
      }
    },
  })
}

for (const iterations of [SCRAM_MAX_ITERATIONS + 1, 10_000_000, 4_294_967_295]) {
  test(`SCRAM: an iteration count of ${iterations} from the server is refused (cap ${SCRAM_MAX_ITERATIONS}), nothing hashed`, async () => {
    fake = await scramFake(iterations)
    const { error, ms } = await timedRejectionBound(connect(fake.uri, { keepAlive: false, auth: { username: 'u', password: 'p' } }))
    assert.ok(error instanceof LibvirtError, String(error))
    assert.equal(error.code, ErrorCode.AUTH_FAILED)
    assert.match(error.message, /iteration count .* out of range/)
    assert.ok(ms >= 0)
  })
}

test('SCRAM: the allowed maximum is hashed without blocking the event loop', async () => {
  // Count event-loop turns between the server-first message going out and the client-final
  // coming back: that interval is the key derivation. On the thread pool the loop keeps turning
  // (hundreds of turns); a synchronous pbkdf2 of 100,000 rounds would allow a handful at most.
  let turns = 0
  let spinning = true
  const spin = (): void => {
    turns++
    if (spinning) setImmediate(spin)
  }
  let atFirst = -1
  let during = -1
  fake = await scramFake(SCRAM_MAX_ITERATIONS, {
    onFirst: () => (atFirst = turns),
    onFinal: (peer, call) => {
      during = turns - atFirst
      const e = Buffer.from('e=invalid-proof')
      peer.reply(call.header, P.AUTH_SASL_STEP, { complete: 1, nil: 0, data: [...e] } as never)
    },
  })
  setImmediate(spin)
  try {
    await within(30_000, assert.rejects(connect(fake.uri, { keepAlive: false, auth: { username: 'u', password: 'p' } }), (e: unknown) => {
      assert.ok(e instanceof LibvirtError && e.code === ErrorCode.AUTH_FAILED, String(e))
      return true
    }), 'SCRAM exchange settles')
  } finally {
    spinning = false
  }
  assert.ok(atFirst >= 0 && during >= 0, 'the exchange reached the client-final message')
  assert.ok(during > 20, `the loop turned ${during} times while the key was derived`)
})

async function timedRejectionBound(p: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const { value, ms } = await timed(() => within(AT_ONCE_MS * 3, p.then(() => null, (e: unknown) => e), 'connect settles'))
  assert.ok(value !== null, 'expected a rejection')
  return { error: value, ms }
}

// --- nothing pends for ever: connect, close, timer ranges ---------------------------------------------------

test(`connect(): a daemon that accepts and never answers → VIR_ERR_OPERATION_TIMEOUT after the default ${DEFAULT_CONNECT_TIMEOUT_MS} ms`, async () => {
  // the default is at most the default keepalive verdict time
  assert.ok(DEFAULT_CONNECT_TIMEOUT_MS <= DEFAULT_KEEPALIVE.interval * (DEFAULT_KEEPALIVE.count + 1) * 1000)
  fake = await startFakeDaemon({ handshake: false })
  const { value: error, ms } = await timed(() => within(DEFAULT_CONNECT_TIMEOUT_MS + 5000, connect(fake!.uri).then(() => null, (e: unknown) => e), 'connect with the default timeout'))
  assert.ok(error instanceof LibvirtError, String(error))
  assert.equal(error.code, ErrorCode.OPERATION_TIMEOUT)
  assert.ok(ms >= DEFAULT_CONNECT_TIMEOUT_MS - 50, `timed out after ${ms} ms`)
})

for (const timeout of [Infinity, 2 ** 31, 2 ** 40]) {
  test(`connect({ timeout: ${timeout} }) waits (never fires at once); the signal still aborts it`, async () => {
    fake = await startFakeDaemon({ handshake: false })
    const ac = new AbortController()
    let settled = false
    const p = connect(fake.uri, { timeout, signal: ac.signal, keepAlive: false }).finally(() => (settled = true))
    p.catch(() => {})
    await new Promise((r) => setTimeout(r, 500))
    assert.equal(settled, false, 'still waiting after 500 ms')
    ac.abort()
    await within(AT_ONCE_MS, assert.rejects(p, (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.OPERATION_ABORTED), 'aborted connect')
  })
}

test('keepalive interval of 30 days: no PING at once, no close; the connection stays usable', async () => {
  const { c, peer } = await open({ keepalive: true }, { keepAlive: { interval: 30 * 86400, count: 1 } })
  await new Promise((r) => setTimeout(r, 500))
  assert.deepEqual(peer.keepalives, [])
  assert.equal(c.isAlive(), true)
})

test(`close(): a daemon that never answers CONNECT_CLOSE → released after ${CLOSE_TIMEOUT_MS} ms, closed = CLIENT`, async () => {
  const { c } = await open({ answerClose: false })
  await within(CLOSE_TIMEOUT_MS + AT_ONCE_MS, c.close(), 'close() against a silent daemon')
  assert.equal(await within(AT_ONCE_MS, c.closed, 'closed'), CloseReason.CLIENT)
  await assert.rejects(c.getLibVersion(), LibvirtError)
})
