// Layer 2 (protocol core). libvirt typed parameters off the wire (`remote_typed_param` lists) as
// one plain object keyed by field name, as libvirt's Python binding gives a dict; 64-bit values
// are bigint so nothing loses precision. Shared by API results and event payloads (TUNABLE, …).

import type { RemoteTypedParam } from '../generated/remote-types.gen.js'

/** Typed parameters as a plain object: int/uint/double → number, llong/ullong → bigint, boolean, string. */
export type TypedParams = Record<string, number | bigint | boolean | string>

/** Wire list → plain object. A repeated field keeps its last value (as libvirt-python does). */
export function typedParamsToObject(params: readonly RemoteTypedParam[]): TypedParams {
  const out: TypedParams = {}
  for (const { field, value: v } of params) {
    switch (v.type) {
      case 1: out[field] = v.i; break
      case 2: out[field] = v.ui; break
      case 3: out[field] = v.l; break
      case 4: out[field] = v.ul; break
      case 5: out[field] = v.d; break
      case 6: out[field] = v.b !== 0; break
      case 7: out[field] = v.s; break
    }
  }
  return out
}
