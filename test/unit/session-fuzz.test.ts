// Fuzzing the protocol engine with a fixed seed: ≥100,000 inputs made by mutating valid frames
// (flipped bytes, cut and huge lengths, wrong program/procedure/type/status, truncated strings
// and arrays). Every input must end in a result or a clear LibvirtError/XdrError: no other
// exception, no unhandled rejection, no hang. The session wraps what it catches into a
// LibvirtError (keeping the original as `cause`), so every LibvirtError is opened: its cause must
// be an XdrError or absent, and a local one must carry one of the session's documented protocol
// messages. A TypeError anywhere on the decode path therefore fails this test (see docs/testing.md).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { MessageType } from '../../src/core/limits.js'
import { ProtocolSession } from '../../src/core/session.js'
import { LibvirtError } from '../../src/errors.js'
import { PROCEDURES_BY_NUMBER, REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import { XdrError } from '../../src/xdr/xdr-error.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { within } from '../helpers/bounded.js'
import { REMOTE, frame, hyper, words, xstr } from '../helpers/bytes.js'

function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const uuid = Buffer.alloc(16, 0xab)
const dom = Buffer.concat([xstr('fuzz-vm'), uuid, words(3)])
const SEEDS: Buffer[] = [
  frame(REMOTE, 1, 157, 1, 1, 0, hyper(9000000n)),
  frame(REMOTE, 1, 23, 1, 2, 0, dom),
  frame(REMOTE, 1, 23, 1, 3, 1, Buffer.concat([words(42, 10, 1), xstr('no domain'), words(2, 1), dom, words(1), xstr('s1'), words(0, 0, 7, 8, 0)])),
  frame(REMOTE, 1, 318, 2, 0, 0, Buffer.concat([words(5), dom, words(2, 0)])),
  frame(REMOTE, 1, 201, 3, 4, 2, Buffer.from('console bytes')),
  frame(REMOTE, 1, 201, 6, 4, 2, Buffer.concat([hyper(1n << 20n)])),
  words(28, 0x6b656570, 1, 1, 2, 0, 0),
  // CONNECT_LIST_ALL_DOMAINS reply: array of 2 domains + ret count
  frame(REMOTE, 1, 273, 1, 5, 0, Buffer.concat([words(2), dom, dom, words(2)])),
]

function mutate(rnd: () => number, input: Buffer): Buffer {
  const b = Buffer.from(input)
  const kind = Math.floor(rnd() * 8)
  const at = (n: number): number => Math.floor(rnd() * n)
  switch (kind) {
    case 0: { // flip random bytes
      const n = 1 + at(4)
      for (let i = 0; i < n; i++) b[at(b.length)] ^= 1 << at(8)
      return b
    }
    case 1: // cut the frame short but keep its length word
      return b.subarray(0, at(b.length))
    case 2: // huge or tiny length word
      b.writeUInt32BE([0xffffffff, 0x7fffffff, 33554433, 0, 27, 4][at(6)]!, 0)
      return b
    case 3: // wrong program / version / procedure
      b.writeUInt32BE(Math.floor(rnd() * 2 ** 32), 4 + 4 * at(3))
      return b
    case 4: // wrong type / status
      b.writeUInt32BE(at(10), 16 + 4 * at(2) * 5 / 5)
      b.writeUInt32BE(at(5), 24)
      return b
    case 5: { // length word consistent, payload truncated (truncated strings/arrays)
      const cut = 28 + at(Math.max(1, b.length - 28))
      const out = Buffer.from(b.subarray(0, cut))
      out.writeUInt32BE(cut, 0)
      return out
    }
    case 6: { // a string/array length inside the payload set huge
      if (b.length > 32) b.writeUInt32BE([0xffffffff, 0x10000000, 4194305, 65][at(4)]!, 28 + 4 * at(Math.floor((b.length - 28) / 4)))
      return b
    }
    default: { // splice two seeds
      const other = SEEDS[at(SEEDS.length)]!
      return Buffer.concat([b.subarray(0, at(b.length)), other.subarray(at(other.length))])
    }
  }
}

// Every message the protocol core (session + frame decoder) raises on its own. A local
// LibvirtError with any other message was made from something else and laundered.
const DOCUMENTED_LOCAL = [
  /^packet \d+ bytes received from server too (small|large), want \d+$/,
  /^Unable to decode message payload: /,
  /^unexpected reply status -?\d+$/,
  /^client socket is closed$/,
  // misrouted replies and calls from the server are fatal, as in libvirt's client (issue 15 item 4)
  /^no call waiting for reply with prog \d+ vers \d+ serial \d+$/,
  /^reply for serial \d+ names procedure -?\d+, expected procedure \d+$/,
  /^got unexpected RPC call prog \d+ vers \d+ proc -?\d+ type -?\d+$/,
  /^event message with status -?\d+$/,
  /^malformed keepalive message \(procedure -?\d+\)$/,
]

type Kind = 'daemonError' | 'payloadError' | 'protocol'

/** Classifies an error that came out of the session; returns null (and records it) if it is not allowed. */
function classify(e: unknown, where: string, stray: string[]): Kind | null {
  const bad = (why: string): null => {
    stray.push(`${where}: ${why}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
    return null
  }
  if (!(e instanceof LibvirtError)) return bad('not a LibvirtError')
  const cause = (e as Error & { cause?: unknown }).cause
  if (!e.local) {
    // An error reply the daemon sent, decoded field by field: nothing to wrap.
    return cause === undefined ? 'daemonError' : bad(`daemon error with a cause (${String(cause)})`)
  }
  if (cause !== undefined && !(cause instanceof XdrError)) {
    return bad(`wraps ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`)
  }
  if (!DOCUMENTED_LOCAL.some((re) => re.test(e.message))) return bad('undocumented protocol error message')
  if (e.message.startsWith('Unable to decode message payload: ')) {
    return cause instanceof XdrError ? 'payloadError' : bad('payload error without its XdrError')
  }
  return cause === undefined ? 'protocol' : bad('protocol error with an XdrError cause')
}

test('fuzz: 100,000 mutated frames never crash, hang or leak a rejection', async () => {
  const rnd = mulberry32(0x5eed1234)
  const n = {
    ok: 0, daemonErrors: 0, payloadErrors: 0, otherRejected: 0, closedByFail: 0,
    fatal: 0, unexpected: 0, events: 0, eventErrors: 0, streams: 0, holes: 0, keepalives: 0,
  }
  const stray: string[] = []
  let session: ProtocolSession
  const fresh = (): ProtocolSession =>
    new ProtocolSession({
      write: () => {},
      onUnexpected: (err) => {
        const kind = classify(err, 'onUnexpected', stray)
        if (kind === 'protocol') n.unexpected++
        else if (kind !== null) stray.push(`onUnexpected: not a protocol error: ${err.message}`)
      },
      onStream: (h) => {
        if (h.type === MessageType.STREAM) n.streams++
        else if (h.type === MessageType.STREAM_HOLE) n.holes++
        else stray.push(`onStream got message type ${h.type}`)
      },
      onKeepalive: () => void n.keepalives++,
      onMessage: (h, body) => {
        // What the events layer does: decode with the generated decoder of that procedure.
        const d = PROCEDURES_BY_NUMBER.get(h.program)?.get(h.procedure)
        if (!d?.decodeArgs) return void n.unexpected++
        try {
          const r = new XdrReader(body)
          d.decodeArgs(r)
          r.done()
          n.events++
        } catch (e) {
          if (!(e instanceof XdrError)) stray.push(`event decode: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`)
          n.eventErrors++
        }
      },
    })
  session = fresh()
  const settle: Promise<unknown>[] = []
  const N = 100_000
  for (let i = 0; i < N; i++) {
    // Keep a few calls pending so replies can match.
    while (session.pendingCount < 6 && !session.failure) {
      const p = rnd() < 0.5
        ? session.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
        : session.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 'fuzz-vm' })
      settle.push(p.then(() => void n.ok++, (e) => {
        const kind = classify(e, 'call rejection', stray)
        if (kind === 'daemonError') n.daemonErrors++
        else if (kind === 'payloadError') n.payloadErrors++
        else if (kind === 'protocol') {
          if ((e as LibvirtError).message === 'client socket is closed') n.closedByFail++
          else n.otherRejected++
        }
      }))
    }
    const input = mutate(rnd, SEEDS[Math.floor(rnd() * SEEDS.length)]!)
    try {
      session.feed(input)
    } catch (e) {
      classify(e, 'feed', stray)
      n.fatal++
      session = fresh()
    }
    // A partial frame left behind would swallow the next input; start clean now and then.
    if (i % 16 === 15) {
      session.fail()
      session = fresh()
      // Every call made so far belongs to a failed session, so all of them have settled.
      if (settle.length > 5000) await within(10_000, Promise.all(settle.splice(0)), 'calls of failed sessions settle')
    }
  }
  session.fail()
  await within(10_000, Promise.all(settle), 'calls of failed sessions settle')
  assert.equal(stray.length, 0, `${stray.length} errors that must not come out, e.g.:\n${[...new Set(stray)].slice(0, 5).join('\n')}`)
  // The mutations must actually reach every path, each on its own (session.fail() alone proves nothing).
  const atLeast = (what: keyof typeof n, min: number): void => assert.ok(n[what] >= min, `${what}: ${n[what]} < ${min} (${JSON.stringify(n)})`)
  // Minimums are about a quarter of what this fixed seed produces (fatal 36,780, unexpected 2,708
  // since misrouted replies are fatal (issue 15),
  // ok 1,490, error replies 430, payload errors 1,955, events 2,022 / refused 1,142, streams 4,058,
  // holes 3,873, keepalives 2,687): a mutator or seed change that starves a path fails here.
  atLeast('fatal', 9000) // framing errors and misrouted replies thrown by feed()
  atLeast('unexpected', 600) // frames the session could not use but survives (bad events, keepalives)
  atLeast('ok', 300) // replies decoded
  atLeast('daemonErrors', 100) // error replies decoded into the daemon's LibvirtError
  atLeast('payloadErrors', 400) // replies whose payload failed to decode (XdrError cause)
  atLeast('events', 500) // MESSAGE frames decoded by the event decoder
  atLeast('eventErrors', 250) // MESSAGE frames the event decoder refused
  atLeast('streams', 1000) // STREAM frames handed to the stream hook
  atLeast('holes', 1000) // STREAM_HOLE frames handed to the stream hook
  atLeast('keepalives', 600) // keepalive PINGs answered
})
