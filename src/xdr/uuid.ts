// Layer 0 (XDR). libvirt UUIDs travel as 16 raw bytes; users see canonical lower-case strings.
import { XdrError } from './xdr-error.js'
import type { XdrReader } from './xdr-reader.js'
import type { XdrWriter } from './xdr-writer.js'

const HEX: string[] = []
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'))

export function uuidToString(b: Uint8Array): string {
  if (b.length !== 16) throw new XdrError(`a UUID has 16 bytes, got ${b.length}`)
  let s = ''
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-'
    s += HEX[b[i]!]
  }
  return s
}

/** Accepts libvirt's forms: 32 hex digits, optionally with dashes anywhere between byte pairs. */
export function uuidToBytes(s: string): Buffer {
  if (typeof s !== 'string') throw new TypeError(`expected a UUID string, got ${s === null ? 'null' : typeof s}`)
  const hex = s.trim().replace(/-/g, '')
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new TypeError(`not a valid UUID: ${JSON.stringify(s)}`)
  return Buffer.from(hex, 'hex')
}

export function readUuid(r: XdrReader): string {
  return uuidToString(r.fixedOpaque(16))
}

export function writeUuid(w: XdrWriter, v: string | Uint8Array): void {
  w.fixedOpaque(typeof v === 'string' ? uuidToBytes(v) : v, 16)
}
