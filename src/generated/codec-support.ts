// Layer 1 (generated protocol) support, hand-written: the few checks every generated encoder
// shares. They turn a wrong value into a TypeError/RangeError whose message names the field
// path (`dom.name: expected a string, got undefined`) before any byte is sent.

const PATH = Symbol('libvirt-async.xdrPath')

type PathedError = Error & { [PATH]?: string }

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  return typeof v
}

/** Throws a TypeError unless `v` is a non-null object (a struct or union value). */
export function expectObject(v: unknown, type: string): void {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new TypeError(`expected an object for ${type}, got ${describe(v)}`)
}

/** Throws unless `v` is an array (of exactly `fixed` elements when given). */
export function expectArray(v: unknown, fixed?: number): asserts v is unknown[] {
  if (!Array.isArray(v)) throw new TypeError(`expected an array, got ${describe(v)}`)
  if (fixed !== undefined && v.length !== fixed) throw new RangeError(`expected an array of exactly ${fixed} elements, got ${v.length}`)
}

/** A union value whose discriminant selects no arm. */
export function badDiscriminant(type: string, field: string, d: unknown): Error {
  if (typeof d !== 'number') return new TypeError(`expected a number for ${type}.${field}, got ${describe(d)}`)
  return new RangeError(`${d} is not a valid ${field} for ${type}`)
}

/**
 * Prefix the message of an encoding error with the field it happened in; nested structs
 * build the path outwards (`params.value.s: ...`). Other errors pass through untouched.
 */
export function fieldError(e: unknown, field: string): unknown {
  if (!(e instanceof TypeError || e instanceof RangeError)) return e
  const err = e as PathedError
  const inner = err[PATH]
  const path = inner === undefined ? field : `${field}.${inner}`
  const bare = inner === undefined ? err.message : err.message.slice(inner.length + 2)
  err[PATH] = path
  err.message = `${path}: ${bare}`
  return err
}
