// The session's reuse of memory on the read side: replies decoded straight from a read buffer the
// transport reuses (feedTransient), large frames read in place (readTarget/fedInto) and assembled
// in one recycled buffer. Whatever a caller keeps (opaque data, event and stream bodies) must
// survive the buffer being overwritten by the next read or the next large frame.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ProtocolSession } from '../../src/core/session.js'
import type { MessageHeader } from '../../src/core/header.js'
import type { XdrReader } from '../../src/xdr/xdr-reader.js'
import { REMOTE, frame, words } from '../helpers/bytes.js'

const readOpaque = (r: XdrReader): Buffer => r.opaque()

function opaquePayload(bytes: Buffer): Buffer {
  return Buffer.concat([words(bytes.length), bytes, Buffer.alloc((4 - (bytes.length % 4)) % 4)])
}

function session() {
  const messages: Buffer[] = []
  const streams: Buffer[] = []
  const s = new ProtocolSession({
    write: () => {},
    onMessage: (_h: MessageHeader, b) => messages.push(b),
    onStream: (_h: MessageHeader, b) => streams.push(b),
  })
  // A procedure returning one opaque: the result is whatever the reader hands back.
  const call = (): Promise<Buffer> => s.callRaw(REMOTE, 1, 999, null, undefined, readOpaque) as Promise<Buffer>
  return { s, call, messages, streams }
}

test('feedTransient: opaque data of a reply survives the read buffer being reused', async () => {
  const { s, call } = session()
  const p = call()
  const data = Buffer.from('the bytes of a secret value')
  const readBuffer = Buffer.alloc(4096)
  const f = frame(REMOTE, 1, 999, 1, 1, 0, opaquePayload(data))
  f.copy(readBuffer)
  s.feedTransient(readBuffer, f.length)
  readBuffer.fill(0xff) // the transport's next read
  assert.deepEqual(await p, data)
})

test('feedTransient: event and stream bodies are the handler\'s own copies', () => {
  const { s, messages, streams } = session()
  const readBuffer = Buffer.alloc(4096)
  const ev = frame(REMOTE, 1, 318, 2, 0, 0, Buffer.from('event body'))
  const st = frame(REMOTE, 1, 201, 3, 9, 2, Buffer.from('stream data'))
  Buffer.concat([ev, st]).copy(readBuffer)
  s.feedTransient(readBuffer, ev.length + st.length)
  readBuffer.fill(0xff)
  assert.equal(messages.length, 1)
  assert.equal(streams.length, 1)
  assert.equal(messages[0]!.toString(), 'event body')
  assert.equal(streams[0]!.toString(), 'stream data')
})

test('large frames: the second reuses the first one\'s buffer, the first reply\'s data is intact', async () => {
  const { s, call } = session()
  const a = Buffer.alloc(200 * 1024, 0xa1)
  const b = Buffer.alloc(200 * 1024, 0xb2)
  const pa = call()
  const pb = call()
  // Owned chunks of 10 KiB each: the frames are assembled, not handed on as views on a chunk.
  for (const [serial, data] of [[1, a], [2, b]] as const) {
    const f = frame(REMOTE, 1, 999, 1, serial, 0, opaquePayload(data))
    for (let off = 0; off < f.length; off += 10 * 1024) s.feed(Buffer.from(f.subarray(off, off + 10 * 1024)))
  }
  const [ra, rb] = await Promise.all([pa, pb])
  assert.ok(ra.equals(a), 'first reply changed by the second frame')
  assert.ok(rb.equals(b))
})

test('readTarget/fedInto: the rest of a large frame is read in place, and the reply is whole', async () => {
  const { s, call } = session()
  const data = Buffer.alloc(300 * 1024)
  for (let i = 0; i < data.length; i++) data[i] = i % 251
  const p = call()
  const f = frame(REMOTE, 1, 999, 1, 1, 0, opaquePayload(data))
  assert.equal(s.readTarget(), null, 'nothing to read in place before a frame starts')
  const readBuffer = Buffer.alloc(64 * 1024)
  f.copy(readBuffer, 0, 0, readBuffer.length)
  s.feedTransient(readBuffer, readBuffer.length)
  let off = readBuffer.length
  let inPlace = 0
  while (off < f.length) {
    const target = s.readTarget()
    if (target === null) {
      // the last few KiB go through the shared buffer again
      const n = f.copy(readBuffer, 0, off, Math.min(f.length, off + readBuffer.length))
      s.feedTransient(readBuffer, n)
      off += n
      continue
    }
    const n = f.copy(target, 0, off, Math.min(f.length, off + 100 * 1024))
    s.fedInto(n, target)
    off += n
    inPlace += n
  }
  assert.ok(inPlace >= 200 * 1024, `read in place: ${inPlace} bytes`)
  assert.ok((await p).equals(data))
})

test('a large stream frame (its buffer taken over by the handler) is not overwritten by the next large frame', async () => {
  const { s, call, streams } = session()
  const data = Buffer.alloc(150 * 1024, 0x5a)
  const st = frame(REMOTE, 1, 201, 3, 9, 2, data)
  for (let off = 0; off < st.length; off += 10 * 1024) s.feed(Buffer.from(st.subarray(off, off + 10 * 1024)))
  assert.equal(streams.length, 1)
  const p = call()
  const other = Buffer.alloc(140 * 1024, 0xc3) // smaller: it fits the buffer the stream frame came in
  const f = frame(REMOTE, 1, 999, 1, 1, 0, opaquePayload(other))
  for (let off = 0; off < f.length; off += 10 * 1024) s.feed(Buffer.from(f.subarray(off, off + 10 * 1024)))
  assert.ok((await p).equals(other))
  assert.ok(streams[0]!.equals(data), 'stream data overwritten by the next large frame')
})
