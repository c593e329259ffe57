// XDR strings against bytes laid out by hand: short and long, ASCII and multi-byte UTF-8 (the
// reader decodes long ASCII strings on a fast path; the result must be identical either way).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { XdrError } from '../../src/xdr/xdr-error.js'

function xdrString(raw: Buffer): Buffer {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(raw.length)
  return Buffer.concat([len, raw, Buffer.alloc((4 - (raw.length % 4)) % 4)])
}

for (const [name, s] of [
  ['short ASCII', 'vm-1'],
  ['long ASCII', '<domain>' + 'x'.repeat(5000) + '</domain>'],
  ['long UTF-8, multi-byte at the end', 'a'.repeat(4000) + 'é'],
  ['long UTF-8, multi-byte at the start', '日本' + 'b'.repeat(4000)],
  ['long Latin-1 range but not ASCII', 'ÿ'.repeat(2000)],
  ['exactly at the fast-path threshold', 'q'.repeat(512)],
] as const) {
  test(`string: ${name}`, () => {
    const raw = Buffer.from(s, 'utf8')
    const r = new XdrReader(Buffer.concat([xdrString(raw), Buffer.from([0, 0, 0, 7])]))
    assert.equal(r.string(), s)
    assert.equal(r.i32(), 7, 'padding consumed')
    r.done()
  })
}

test('string: declared maximum and truncation are errors, before allocation', () => {
  const raw = Buffer.from('y'.repeat(600))
  assert.throws(() => new XdrReader(xdrString(raw)).string(599), XdrError)
  assert.throws(() => new XdrReader(xdrString(raw).subarray(0, 300)).string(), XdrError)
  const huge = Buffer.from([0xff, 0xff, 0xff, 0xf0])
  assert.throws(() => new XdrReader(huge).string(), XdrError)
})
