// Layer 0 (XDR, RFC 4506). Appends big-endian XDR items to one growable Buffer. Values are
// checked as they are written (range, declared maximum lengths) so a bad argument is a
// TypeError/RangeError raised before any byte reaches a socket. No I/O.
//
// Numbers are written through a DataView (single built-ins) rather than Buffer's writeUInt32BE
// & co., JavaScript functions that run interpreted for a process's first thousands of calls.

import { Buffer } from 'node:buffer'
import { I32_MAX, I32_MIN, I64_MAX, I64_MIN, U32_MAX, U64_MAX } from './int-range.js'

/** Writes XDR items (RFC 4506, big-endian, 4-byte aligned) into a growing Buffer. */
export class XdrWriter {
  /** The buffer written to (replaced by a larger one as it grows). */
  buf: Buffer
  pos = 0
  #dv: DataView

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(initialSize, 4))
    this.#dv = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length)
  }

  #ensure(n: number): void {
    const need = this.pos + n
    if (need <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < need) size *= 2
    const next = Buffer.allocUnsafe(size)
    this.buf.copy(next, 0, 0, this.pos)
    this.buf = next
    this.#dv = new DataView(next.buffer, next.byteOffset, next.length)
  }

  /** Reserve `n` bytes to be patched later (e.g. a frame's length word); returns their offset. */
  reserve(n: number): number {
    this.#ensure(n)
    const at = this.pos
    this.pos += n
    return at
  }

  /**
   * A DataView on exactly the bytes of {@link XdrWriter.buf}, replaced with it when it grows:
   * for patching reserved slots without a method call per word. Take it after the last write.
   * @internal (the session writes frame headers through it)
   */
  get dataView(): DataView {
    return this.#dv
  }

  /** Overwrites the unsigned 32-bit value at `at` (a slot from `reserve(4)`). */
  patchU32(at: number, v: number): void {
    this.#dv.setUint32(at, v)
  }

  /** `int`: signed 32-bit; RangeError outside its range. */
  i32(v: number): void {
    if (!Number.isInteger(v) || v < I32_MIN || v > I32_MAX) throw badInt(v, 'int')
    this.#ensure(4)
    this.#dv.setInt32(this.pos, v)
    this.pos += 4
  }

  /** `unsigned int`: unsigned 32-bit; RangeError outside its range. */
  u32(v: number): void {
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw badInt(v, 'unsigned int')
    this.#ensure(4)
    this.#dv.setUint32(this.pos, v)
    this.pos += 4
  }

  /** `hyper`: signed 64-bit, from a bigint or a safe integer. */
  i64(v: bigint | number): void {
    const b = toBigInt(v, 'hyper')
    if (b < I64_MIN || b > I64_MAX) throw new RangeError(`${v} is out of range for hyper`)
    this.#ensure(8)
    this.#dv.setBigInt64(this.pos, b)
    this.pos += 8
  }

  /** `unsigned hyper`: unsigned 64-bit, from a bigint or a safe integer. */
  u64(v: bigint | number): void {
    const b = toBigInt(v, 'unsigned hyper')
    if (b < 0n || b > U64_MAX) throw new RangeError(`${v} is out of range for unsigned hyper`)
    this.#ensure(8)
    this.#dv.setBigUint64(this.pos, b)
    this.pos += 8
  }

  /** `float`: IEEE 754 single precision. */
  f32(v: number): void {
    if (typeof v !== 'number') throw new TypeError(`expected a number for float, got ${typeof v}`)
    this.#ensure(4)
    this.#dv.setFloat32(this.pos, v)
    this.pos += 4
  }

  /** `double`: IEEE 754 double precision. */
  f64(v: number): void {
    if (typeof v !== 'number') throw new TypeError(`expected a number for double, got ${typeof v}`)
    this.#ensure(8)
    this.#dv.setFloat64(this.pos, v)
    this.pos += 8
  }

  /** `bool`: 0 or 1. */
  bool(v: boolean): void {
    if (typeof v !== 'boolean') throw new TypeError(`expected a boolean, got ${typeof v}`)
    this.#ensure(4)
    this.#dv.setInt32(this.pos, v ? 1 : 0)
    this.pos += 4
  }

  /** A length prefix for a variable-length array, checked against the declared maximum. */
  length(n: number, max: number): void {
    if (n > max) throw new RangeError(`length ${n} exceeds the declared maximum ${max}`)
    this.u32(n)
  }

  /**
   * `string<max>`: UTF-8 bytes with their length, padded to 4; RangeError over `max` bytes.
   * TypeError for a string containing NUL: the daemon reads C strings, so `'prod\0-x'` would act
   * on `'prod'` (python3-libvirt refuses such a string too).
   */
  string(s: string, max = U32_MAX): void {
    if (typeof s !== 'string') throw new TypeError(`expected a string, got ${s === null ? 'null' : typeof s}`)
    if (s.includes('\0')) throw nulError(s)
    const n = Buffer.byteLength(s, 'utf8')
    if (n > max) throw new RangeError(`string of ${n} bytes exceeds the declared maximum ${max}`)
    const padded = (n + 3) & ~3
    this.#ensure(4 + padded)
    this.#dv.setUint32(this.pos, n)
    this.pos += 4
    const buf = this.buf
    const at = this.pos
    buf.write(s, at, n, 'utf8')
    // zero padding (0-3 bytes): a loop is cheaper than fill()'s argument handling
    for (let i = at + n; i < at + padded; i++) buf[i] = 0
    this.pos = at + padded
  }

  /** `opaque<max>`: bytes with their length, padded to 4; RangeError over `max` bytes. */
  opaque(b: Uint8Array, max = U32_MAX): void {
    if (!(b instanceof Uint8Array)) throw new TypeError(`expected a Buffer or Uint8Array, got ${b === null ? 'null' : typeof b}`)
    if (b.length > max) throw new RangeError(`opaque of ${b.length} bytes exceeds the declared maximum ${max}`)
    this.u32(b.length)
    this.#raw(b)
  }

  /** `opaque[len]`: exactly `len` bytes, padded to 4. */
  fixedOpaque(b: Uint8Array, len: number): void {
    if (!(b instanceof Uint8Array)) throw new TypeError(`expected a Buffer or Uint8Array, got ${b === null ? 'null' : typeof b}`)
    if (b.length !== len) throw new RangeError(`fixed opaque needs exactly ${len} bytes, got ${b.length}`)
    this.#raw(b)
  }

  #raw(b: Uint8Array): void {
    const n = b.length
    const padded = (n + 3) & ~3
    this.#ensure(padded)
    const buf = this.buf
    const at = this.pos
    buf.set(b, at)
    for (let i = at + n; i < at + padded; i++) buf[i] = 0
    this.pos = at + padded
  }

  /** Copy of the bytes written so far. */
  toBuffer(): Buffer {
    const out = Buffer.allocUnsafe(this.pos)
    out.set(new Uint8Array(this.buf.buffer, this.buf.byteOffset, this.pos))
    return out
  }

  /** View of the bytes written so far (valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  /** Starts over, keeping the buffer (for reuse on a hot path). */
  reset(): void {
    this.pos = 0
  }
}

function badInt(v: unknown, what: string): Error {
  if (typeof v !== 'number') return new TypeError(`expected a number for ${what}, got ${v === null ? 'null' : typeof v}`)
  return new RangeError(`${v} is not a valid ${what}`)
}

function toBigInt(v: bigint | number, what: string): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v)
  if (typeof v === 'number') throw new RangeError(`${v} is not a safe integer for ${what}; pass a bigint`)
  throw new TypeError(`expected a bigint for ${what}, got ${v === null ? 'null' : typeof v}`)
}

/**
 * The TypeError for a string with an embedded NUL. It names the position, not the text (the
 * string may be a password).
 */
export function nulError(s: string, what = 'a string'): TypeError {
  return new TypeError(`${what} contains a NUL character (at index ${s.indexOf('\0')}); libvirt strings are C strings and would be cut there`)
}
