// Fuzzing the protocol engine with a fixed seed: ≥100,000 inputs made by mutating valid frames
// (flipped bytes, cut and huge lengths, wrong program/procedure/type/status, truncated strings
// and arrays). Every input must end in a result or a clear LibvirtError/XdrError: no other
// exception, no unhandled rejection, no hang (everything here is synchronous).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ProtocolSession } from '../../src/core/session.js'
import { LibvirtError } from '../../src/errors.js'
import { PROCEDURES_BY_NUMBER, REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import { XdrError } from '../../src/xdr/xdr-error.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
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

test('fuzz: 100,000 mutated frames never crash, hang or leak a rejection', async () => {
  const rnd = mulberry32(0x5eed1234)
  let outcomes = { ok: 0, rejected: 0, fatal: 0, unexpected: 0, eventErrors: 0, events: 0 }
  const strayErrors: unknown[] = []
  let session: ProtocolSession
  const fresh = (): ProtocolSession =>
    new ProtocolSession({
      write: () => {},
      onUnexpected: () => void outcomes.unexpected++,
      onStream: () => {},
      onMessage: (h, body) => {
        // What the events layer does: decode with the generated decoder of that procedure.
        const d = PROCEDURES_BY_NUMBER.get(h.program)?.get(h.procedure)
        if (!d?.decodeArgs) return void outcomes.unexpected++
        try {
          const r = new XdrReader(body)
          d.decodeArgs(r)
          r.done()
          outcomes.events++
        } catch (e) {
          if (!(e instanceof XdrError || e instanceof TypeError)) strayErrors.push(e)
          outcomes.eventErrors++
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
      settle.push(p.then(() => void outcomes.ok++, (e) => {
        if (!(e instanceof LibvirtError)) strayErrors.push(e)
        outcomes.rejected++
      }))
    }
    const input = mutate(rnd, SEEDS[Math.floor(rnd() * SEEDS.length)]!)
    try {
      session.feed(input)
    } catch (e) {
      if (!(e instanceof LibvirtError)) strayErrors.push(e)
      outcomes.fatal++
      session = fresh()
    }
    // A partial frame left behind would swallow the next input; start clean now and then.
    if (i % 16 === 15) {
      session.fail()
      session = fresh()
      // Every call made so far belongs to a failed session, so all of them have settled.
      if (settle.length > 5000) await Promise.all(settle.splice(0))
    }
  }
  session.fail()
  await Promise.all(settle)
  assert.deepEqual(strayErrors, [])
  // The mutations must actually reach every path.
  assert.ok(outcomes.fatal > 1000, `fatal framing errors: ${outcomes.fatal}`)
  assert.ok(outcomes.rejected > 1000, `rejected calls: ${outcomes.rejected}`)
  assert.ok(outcomes.ok > 100, `successful replies: ${outcomes.ok}`)
  assert.ok(outcomes.unexpected > 100, `unexpected frames: ${outcomes.unexpected}`)
  assert.ok(outcomes.eventErrors > 100 && outcomes.events > 100, `events ${outcomes.events}, bad events ${outcomes.eventErrors}`)
})
