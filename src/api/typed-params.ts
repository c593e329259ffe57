// Layer 5 (typed API). libvirt's typed parameters (`remote_typed_param` arrays) as plain objects
// `{ name: value }` both ways. The wire type of a value is inferred from its JavaScript type, or
// forced with the `typedParam.*` wrappers when the daemon expects a specific one.

import type { RemoteTypedParam } from '../generated/remote-types.gen.js'
import { TypedParameterType } from '../generated/constants.gen.js'

/** libvirt's virTypedParameterType numbers (the generated `TypedParameterType`, under the name this API has used). */
export const TypedParamType = TypedParameterType
export type TypedParamTypeNumber = TypedParameterType

/** A value with its wire type forced; made by the {@link typedParam} helpers. */
export class TypedParamValue {
  /** The wire type (a `TypedParamType` value). */
  readonly type: TypedParamTypeNumber
  /** The value, sent with that type. */
  readonly value: number | bigint | boolean | string
  constructor(type: TypedParamTypeNumber, value: number | bigint | boolean | string) {
    this.type = type
    this.value = value
  }
}

/**
 * Force the wire type of one typed parameter, e.g.
 * `dom.setMemoryParameters({ hard_limit: typedParam.ullong(1048576n) })`.
 * Without a wrapper: string → STRING, boolean → BOOLEAN, bigint → ULLONG (LLONG if negative),
 * integer number → UINT when it fits 0..2³²-1, INT when a negative 32-bit value, else
 * ULLONG/LLONG; other numbers → DOUBLE.
 */
export const typedParam = {
  /** A signed 32-bit `int` parameter. */
  int: (v: number) => new TypedParamValue(TypedParamType.INT, v),
  /** An unsigned 32-bit `uint` parameter. */
  uint: (v: number) => new TypedParamValue(TypedParamType.UINT, v),
  /** A signed 64-bit `llong` parameter. */
  llong: (v: bigint | number) => new TypedParamValue(TypedParamType.LLONG, v),
  /** An unsigned 64-bit `ullong` parameter. */
  ullong: (v: bigint | number) => new TypedParamValue(TypedParamType.ULLONG, v),
  /** A `double` parameter. */
  double: (v: number) => new TypedParamValue(TypedParamType.DOUBLE, v),
  /** A `boolean` parameter. */
  boolean: (v: boolean) => new TypedParamValue(TypedParamType.BOOLEAN, v),
  /** A `string` parameter. */
  string: (v: string) => new TypedParamValue(TypedParamType.STRING, v),
}

/** One typed-parameter value as given: its wire type is inferred, or forced with {@link typedParam}. */
export type TypedParamInputValue = number | bigint | boolean | string | TypedParamValue
/**
 * Typed parameters as given to the API. An array value sends the field once per element (libvirt
 * uses repeated fields, e.g. `migrate_disks`); `undefined` values are skipped.
 */
export type TypedParamsInput = Readonly<Record<string, TypedParamInputValue | readonly TypedParamInputValue[] | undefined>>
export type { TypedParams } from '../core/typed-params.js'

// VIR_TYPED_PARAM_FIELD_LENGTH: the field name must fit 80 bytes with its NUL.
const FIELD_MAX = 79

function encodeOne(field: string, v: TypedParamInputValue, where: string): RemoteTypedParam {
  const t = v instanceof TypedParamValue ? v.type : infer(v, where)
  const raw = v instanceof TypedParamValue ? v.value : v
  const int = (min: number, max: number): number => {
    if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new TypeError(`${where} must be an integer number`)
    if (raw < min || raw > max) throw new RangeError(`${where} is out of range: ${raw}`)
    return raw
  }
  const big = (min: bigint, max: bigint): bigint => {
    const b = typeof raw === 'bigint' ? raw : typeof raw === 'number' && Number.isSafeInteger(raw) ? BigInt(raw) : null
    if (b === null) throw new TypeError(`${where} must be a bigint or a safe integer`)
    if (b < min || b > max) throw new RangeError(`${where} is out of range: ${b}`)
    return b
  }
  switch (t) {
    case TypedParamType.INT:
      return { field, value: { type: TypedParamType.INT, i: int(-0x80000000, 0x7fffffff) } }
    case TypedParamType.UINT:
      return { field, value: { type: TypedParamType.UINT, ui: int(0, 0xffffffff) } }
    case TypedParamType.LLONG:
      return { field, value: { type: TypedParamType.LLONG, l: big(-(1n << 63n), (1n << 63n) - 1n) } }
    case TypedParamType.ULLONG:
      return { field, value: { type: TypedParamType.ULLONG, ul: big(0n, (1n << 64n) - 1n) } }
    case TypedParamType.DOUBLE:
      if (typeof raw !== 'number') throw new TypeError(`${where} must be a number`)
      return { field, value: { type: TypedParamType.DOUBLE, d: raw } }
    case TypedParamType.BOOLEAN:
      if (typeof raw !== 'boolean') throw new TypeError(`${where} must be a boolean`)
      return { field, value: { type: TypedParamType.BOOLEAN, b: raw ? 1 : 0 } }
    case TypedParamType.STRING:
      if (typeof raw !== 'string') throw new TypeError(`${where} must be a string`)
      return { field, value: { type: TypedParamType.STRING, s: raw } }
    default:
      throw new TypeError(`${where}: unknown typed parameter type ${String(t)}`)
  }
}

function infer(v: unknown, where: string): TypedParamTypeNumber {
  switch (typeof v) {
    case 'string':
      return TypedParamType.STRING
    case 'boolean':
      return TypedParamType.BOOLEAN
    case 'bigint':
      return v < 0n ? TypedParamType.LLONG : TypedParamType.ULLONG
    case 'number':
      if (!Number.isInteger(v)) return TypedParamType.DOUBLE
      if (v >= 0 && v <= 0xffffffff) return TypedParamType.UINT
      if (v < 0 && v >= -0x80000000) return TypedParamType.INT
      if (!Number.isSafeInteger(v)) throw new RangeError(`${where} is not a safe integer: use a bigint`)
      return v < 0 ? TypedParamType.LLONG : TypedParamType.ULLONG
    default:
      throw new TypeError(`${where} must be a number, bigint, boolean, string or typedParam.*(), got ${v === null ? 'null' : typeof v}`)
  }
}

/** Plain object → wire list. Throws TypeError/RangeError on bad input (nothing is sent). */
export function toTypedParams(input: unknown, name: string, max: number): RemoteTypedParam[] {
  if (input === null || typeof input !== 'object' || Array.isArray(input) || input instanceof TypedParamValue)
    throw new TypeError(`${name} must be a plain object { field: value }`)
  const out: RemoteTypedParam[] = []
  for (const [field, v] of Object.entries(input as Record<string, unknown>)) {
    if (v === undefined) continue
    if (Buffer.byteLength(field) > FIELD_MAX) throw new RangeError(`${name}: field name longer than ${FIELD_MAX} bytes: ${field}`)
    const values = Array.isArray(v) ? v : [v]
    for (const one of values) out.push(encodeOne(field, one as TypedParamInputValue, `${name}.${field}`))
  }
  if (out.length > max) throw new RangeError(`${name}: at most ${max} typed parameters, got ${out.length}`)
  return out
}

/** Wire list → plain object. A repeated field keeps its last value (as libvirt-python does). */
export { typedParamsToObject as fromTypedParams } from '../core/typed-params.js'
