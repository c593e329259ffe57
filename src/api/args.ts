// Layer 5 (typed API). Argument checks and value conversions shared by the generated methods:
// wrong argument counts and types become a TypeError/RangeError before anything is sent.

import { I32_MAX, I32_MIN, I64_MAX, I64_MIN, U32_MAX, U64_MAX } from '../xdr/int-range.js'
import { uuidToBytes } from '../xdr/uuid.js'
import type { LibvirtObject } from './object-base.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ObjectClass<T> = abstract new (...args: any[]) => T

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'number') return `the number ${v}`
  return typeof v
}

function integer(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`${name} must be an integer, got ${describe(v)}`)
  if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be between ${min} and ${max}, got ${v} (not even a safe integer)`)
  if (v < min || v > max) throw new RangeError(`${name} must be between ${min} and ${max}, got ${v}`)
  return v
}

function big(v: unknown, name: string, min: bigint, max: bigint): bigint {
  let b: bigint
  if (typeof v === 'bigint') b = v
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v)
  else if (typeof v === 'number' && Number.isInteger(v)) {
    // Past 2^53 a number has already been rounded: sending it would send some other value.
    throw new RangeError(`${name} is ${v}, which is not a safe integer (beyond ±2^53 a number loses precision): pass a bigint, e.g. ${BigInt(v)}n, or a string parsed with BigInt()`)
  } else throw new TypeError(`${name} must be an integer: a bigint, or a number that is a safe integer; got ${describe(v)}`)
  if (b < min || b > max) throw new RangeError(`${name} is out of range: ${b}`)
  return b
}

/** Checks and conversions used by the generated methods (one short name each: they are called a lot). */
export const A = {
  argc(n: number, min: number, max: number, fn: string): void {
    if (n < min || n > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`
      throw new TypeError(`${fn} takes ${want} argument${max === 1 ? '' : 's'}, got ${n}`)
    }
  },

  int: (v: unknown, name: string): number => integer(v, name, I32_MIN, I32_MAX),
  uint: (v: unknown, name: string): number => integer(v, name, 0, U32_MAX),
  hyper: (v: unknown, name: string): bigint => big(v, name, I64_MIN, I64_MAX),
  uhyper: (v: unknown, name: string): bigint => big(v, name, 0n, U64_MAX),

  double(v: unknown, name: string): number {
    if (typeof v !== 'number') throw new TypeError(`${name} must be a number, got ${describe(v)}`)
    return v
  },

  bool(v: unknown, name: string): boolean {
    if (typeof v !== 'boolean') throw new TypeError(`${name} must be a boolean, got ${describe(v)}`)
    return v
  },

  str(v: unknown, name: string): string {
    if (typeof v !== 'string') throw new TypeError(`${name} must be a string, got ${describe(v)}`)
    return v
  },

  optStr(v: unknown, name: string): string | null {
    if (v === null || v === undefined) return null
    return A.str(v, name)
  },

  uuid(v: unknown, name: string): string {
    if (typeof v !== 'string') throw new TypeError(`${name} must be a UUID string, got ${describe(v)}`)
    uuidToBytes(v) // throws TypeError on a malformed UUID
    return v
  },

  bytes(v: unknown, name: string): Buffer {
    if (!(v instanceof Uint8Array)) throw new TypeError(`${name} must be a Buffer or Uint8Array, got ${describe(v)}`)
    return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  },

  strArray(v: unknown, name: string): string[] {
    if (!Array.isArray(v)) throw new TypeError(`${name} must be an array of strings, got ${describe(v)}`)
    return v.map((s, i) => A.str(s, `${name}[${i}]`))
  },

  /** Structured arguments the API passes through as the protocol types: only undefined is refused. */
  defined<T>(v: T, name: string): T {
    if (v === undefined) throw new TypeError(`${name} is required`)
    return v
  },

  /** A list argument passed through as the protocol's array (a copy, so later changes by the caller do not leak in). */
  list<T>(v: readonly T[], name: string): T[] {
    if (!Array.isArray(v)) throw new TypeError(`${name} must be an array, got ${describe(v)}`)
    return [...v]
  },

  /** An object argument: an instance of the class (from any connection object of this library). */
  obj<T extends LibvirtObject<unknown>>(v: unknown, ctor: ObjectClass<T>, name: string): T {
    if (!(v instanceof ctor)) throw new TypeError(`${name} must be a ${ctor.name}, got ${v instanceof Object ? v.constructor.name : describe(v)}`)
    return v as T
  },

  optObj<T extends LibvirtObject<unknown>>(v: unknown, ctor: ObjectClass<T>, name: string): T | null {
    return v === null || v === undefined ? null : A.obj(v, ctor, name)
  },

  /** A C `char[N]` sent as N ints (node model): the characters up to the first NUL. */
  chars(v: readonly number[]): string {
    let end = v.indexOf(0)
    if (end < 0) end = v.length
    return Buffer.from(v.slice(0, end).map((c) => c & 0xff)).toString('utf8')
  },

  /** `{ field, value }` lists (node CPU and memory stats) as one object. */
  fieldValues(v: readonly { field: string; value: bigint }[]): Record<string, bigint> {
    const o: Record<string, bigint> = {}
    for (const { field, value } of v) o[field] = value
    return o
  },
}
