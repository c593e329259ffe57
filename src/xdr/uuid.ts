// Layer 0 (XDR). libvirt UUIDs travel as 16 raw bytes; users see canonical lower-case strings.
// Parsing accepts exactly what libvirt's virUUIDParse accepts; anything else is a TypeError.
import { XdrError } from './xdr-error.js'
import type { XdrReader } from './xdr-reader.js'
import type { XdrWriter } from './xdr-writer.js'

const HEX: string[] = []
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'))

/** 16 bytes → the canonical lower-case form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
export function uuidToString(b: Uint8Array): string {
  if (b.length !== 16) throw new XdrError(`a UUID has 16 bytes, got ${b.length}`)
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[b[i]!]
  }
  return s
}

// Whitespace as libvirt's parser (GLib's g_ascii_isspace) knows it: space, \t, \n, \f, \r (not \v).
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d
const hexValue = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1)

/**
 * Parses a UUID string exactly as libvirt's client does (virUUIDParse): 32 hex digits in either
 * case, with `-` or space allowed anywhere between byte pairs (not inside one), and whitespace
 * before and after. Anything else is a TypeError.
 */
export function uuidToBytes(s: string): Buffer {
  if (typeof s !== 'string') throw new TypeError(`expected a UUID string, got ${s === null ? 'null' : typeof s}`)
  const out = Buffer.alloc(16)
  let p = 0
  const bad = (): never => {
    throw new TypeError(`not a valid UUID: ${JSON.stringify(s)}`)
  }
  while (p < s.length && isSpace(s.charCodeAt(p))) p++
  for (let i = 0; i < 16; ) {
    if (p >= s.length) bad()
    const c = s.charCodeAt(p)
    if (c === 0x2d || c === 0x20) {
      p++
      continue
    }
    const hi = hexValue(c)
    const lo = p + 1 < s.length ? hexValue(s.charCodeAt(p + 1)) : -1
    if (hi < 0 || lo < 0) bad()
    out[i++] = (hi << 4) | lo
    p += 2
  }
  for (; p < s.length; p++) if (!isSpace(s.charCodeAt(p))) bad()
  return out
}

// readUuid builds the canonical string in one scratch buffer: no Buffer view and no string
// concatenation per UUID (a 10,000-domain list decodes ~2x faster, mostly less GC).
const HI = new Uint8Array(256)
const LO = new Uint8Array(256)
for (let i = 0; i < 256; i++) {
  HI[i] = HEX[i]!.charCodeAt(0)
  LO[i] = HEX[i]!.charCodeAt(1)
}
const AT = Uint8Array.of(0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34)
const SCRATCH = Buffer.alloc(36, 0x2d)

/** Reads a `remote_uuid` (16 bytes) as the canonical string. */
export function readUuid(r: XdrReader): string {
  const p = r.pos
  if (r.end - p < 16) throw new XdrError(`XDR data truncated: need 16 bytes at offset ${p}, have ${r.end - p}`)
  const b = r.buf
  for (let i = 0; i < 16; i++) {
    const v = b[p + i]!
    const o = AT[i]!
    SCRATCH[o] = HI[v]!
    SCRATCH[o + 1] = LO[v]!
  }
  r.pos = p + 16
  return SCRATCH.toString('latin1', 0, 36)
}

// writeUuid parses the canonical 36-character form straight into the writer; other accepted
// spellings (and errors) go through uuidToBytes.
const NIBBLE = new Int8Array(128).fill(-1)
for (let i = 0; i < 16; i++) {
  NIBBLE['0123456789abcdef'.charCodeAt(i)] = i
  NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i
}
const PARSED = new Uint8Array(16)

function parseCanonical(s: string): boolean {
  if (s.length !== 36 || s.charCodeAt(8) !== 0x2d || s.charCodeAt(13) !== 0x2d || s.charCodeAt(18) !== 0x2d || s.charCodeAt(23) !== 0x2d) return false
  for (let i = 0; i < 16; i++) {
    const o = AT[i]!
    const hi = NIBBLE[s.charCodeAt(o) & 0x7f]!
    const lo = NIBBLE[s.charCodeAt(o + 1) & 0x7f]!
    if (hi < 0 || lo < 0 || s.charCodeAt(o) > 0x7f || s.charCodeAt(o + 1) > 0x7f) return false
    PARSED[i] = (hi << 4) | lo
  }
  return true
}

/** Writes a `remote_uuid`: a UUID string (any form libvirt accepts) or 16 bytes. */
export function writeUuid(w: XdrWriter, v: string | Uint8Array): void {
  if (typeof v === 'string' && parseCanonical(v)) {
    const at = w.reserve(16)
    w.buf.set(PARSED, at)
    return
  }
  w.fixedOpaque(typeof v === 'string' ? uuidToBytes(v) : v, 16)
}
