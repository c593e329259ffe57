// Layer 0 (XDR, RFC 4506). Reads big-endian XDR items from one Buffer. Every length is checked
// against the bytes left and the declared maximum *before* anything is allocated, so a hostile
// length is a thrown XdrError, never a huge allocation. No I/O.
//
// Numbers are read through a DataView: its getters are single built-ins, where Buffer's
// readUInt32BE & co. are JavaScript functions that run interpreted (several times slower) for
// the first thousands of calls of a process — the calls a CLI or a short script makes.

import { isAscii } from 'node:buffer'
import { XdrError } from './xdr-error.js'

/** Strings at least this long try the ASCII fast path (below it the check costs more than it saves). */
const ASCII_FAST_PATH = 512

/** Reads XDR items (RFC 4506, big-endian, 4-byte aligned) from `buf[pos, end)`, advancing `pos`. */
export class XdrReader {
  /** The buffer read from. */
  readonly buf: Buffer
  /** Offset of the next item. */
  pos: number
  /** Offset where the data ends (exclusive). */
  end: number
  /**
   * When true, `opaque()` and `fixedOpaque()` return copies instead of views on `buf`: set by
   * whoever reuses `buf` once decoding is done (the client decodes replies straight from its
   * read buffer).
   */
  copyOpaque = false
  readonly #dv: DataView

  /** `view`, when given, must be a DataView on exactly the bytes of `buf`. */
  constructor(buf: Buffer, pos = 0, end = buf.length, view?: DataView) {
    this.buf = buf
    this.pos = pos
    this.end = end
    this.#dv = view ?? new DataView(buf.buffer, buf.byteOffset, buf.length)
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.end - this.pos
  }

  /** `int`: signed 32-bit. */
  i32(): number {
    const p = this.pos
    if (this.end - p < 4) throw truncated(4, p, this.end)
    const v = this.#dv.getInt32(p)
    this.pos = p + 4
    return v
  }

  /** `unsigned int`: unsigned 32-bit. */
  u32(): number {
    const p = this.pos
    if (this.end - p < 4) throw truncated(4, p, this.end)
    const v = this.#dv.getUint32(p)
    this.pos = p + 4
    return v
  }

  /** `hyper`: signed 64-bit, as a bigint (never loses precision). */
  i64(): bigint {
    const p = this.pos
    if (this.end - p < 8) throw truncated(8, p, this.end)
    const v = this.#dv.getBigInt64(p)
    this.pos = p + 8
    return v
  }

  /** `unsigned hyper`: unsigned 64-bit, as a bigint. */
  u64(): bigint {
    const p = this.pos
    if (this.end - p < 8) throw truncated(8, p, this.end)
    const v = this.#dv.getBigUint64(p)
    this.pos = p + 8
    return v
  }

  /** `float`: IEEE 754 single precision. */
  f32(): number {
    const p = this.pos
    if (this.end - p < 4) throw truncated(4, p, this.end)
    const v = this.#dv.getFloat32(p)
    this.pos = p + 4
    return v
  }

  /** `double`: IEEE 754 double precision. */
  f64(): number {
    const p = this.pos
    if (this.end - p < 8) throw truncated(8, p, this.end)
    const v = this.#dv.getFloat64(p)
    this.pos = p + 8
    return v
  }

  /** `bool`: 0 or 1; anything else is an XdrError. */
  bool(): boolean {
    const v = this.i32()
    if (v === 0) return false
    if (v === 1) return true
    throw new XdrError(`invalid XDR bool ${v}`)
  }

  /** An enum value, checked against the set of legal values when one is given. */
  enumValue(legal?: ReadonlySet<number>): number {
    const v = this.i32()
    if (legal !== undefined && !legal.has(v)) throw new XdrError(`invalid XDR enum value ${v}`)
    return v
  }

  /** Length prefix of a variable-length item, checked against `max` and the bytes left (`unit` bytes per element at least). */
  length(max: number, unit = 1): number {
    const n = this.u32()
    if (n > max) throw new XdrError(`XDR length ${n} exceeds the declared maximum ${max}`)
    if (n * unit > this.end - this.pos) throw new XdrError(`XDR length ${n} exceeds the ${this.end - this.pos} bytes left`)
    return n
  }

  /** `string<max>`: length-prefixed UTF-8, padded to 4 bytes; a longer one than `max` is an XdrError. */
  string(max = 0xffffffff): string {
    const n = this.length(max)
    const start = this.pos
    const padded = (n + 3) & ~3
    if (this.end - start < padded) throw truncated(padded, start, this.end)
    this.pos = start + padded
    // libvirt's large strings (XML documents) are nearly always ASCII: checked with SIMD, they
    // decode as Latin-1 about 3× faster than through the UTF-8 decoder, with the same result.
    if (n >= ASCII_FAST_PATH && isAscii(this.buf.subarray(start, start + n))) return this.buf.toString('latin1', start, start + n)
    return this.buf.toString('utf8', start, start + n)
  }

  /**
   * Variable-length opaque data. The result is a view on `buf` (a copy when
   * {@link XdrReader.copyOpaque} is set).
   */
  opaque(max = 0xffffffff): Buffer {
    const n = this.length(max)
    return this.fixedOpaque(n)
  }

  /** `opaque[n]`: `n` bytes plus padding to 4 (a view on `buf`, or a copy: see {@link XdrReader.opaque}). */
  fixedOpaque(n: number): Buffer {
    const p = this.pos
    const padded = (n + 3) & ~3
    if (this.end - p < padded) throw truncated(padded, p, this.end)
    this.pos = p + padded
    return this.copyOpaque ? Buffer.from(this.buf.subarray(p, p + n)) : this.buf.subarray(p, p + n)
  }

  /** Optional data (`T *x`): a bool, then the value when present. */
  present(): boolean {
    return this.bool()
  }

  /** Throws unless every byte was consumed: trailing garbage means a wrong schema or a bad frame. */
  done(): void {
    if (this.pos !== this.end) throw new XdrError(`${this.end - this.pos} unexpected trailing bytes in XDR data`)
  }
}

function truncated(n: number, pos: number, end: number): XdrError {
  return new XdrError(`XDR data truncated: need ${n} bytes at offset ${pos}, have ${end - pos}`)
}
