// Type-level tests of LibvirtError.callerStack and the JSON helper: compiled by tsc (a wrong type
// fails the build); the runtime part checks the default and the exports.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LibvirtError, jsonReplacer, toJson } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `A` and `B` are the same type. */
function same<A, B>(..._: Equal<A, B> extends true ? [] : [never]): void {}

same<typeof LibvirtError.callerStack, 'await' | 'call' | 'off'>()
same<typeof toJson, (value: unknown, indent?: number | string) => string>()

// Misuse the compiler must refuse (never run).
export function misuse(): void {
  // @ts-expect-error: one of the three modes
  LibvirtError.callerStack = 'sometimes'
  // @ts-expect-error: not a boolean
  LibvirtError.callerStack = true
  // the replacer fits JSON.stringify's replacer parameter
  JSON.stringify({ a: 1n }, jsonReplacer)
}

test('callerStack defaults to await; the JSON helpers exist', () => {
  assert.equal(LibvirtError.callerStack, 'await')
  assert.equal(typeof jsonReplacer, 'function')
  assert.equal(toJson({ a: 1n }), '{"a":"1"}')
})
