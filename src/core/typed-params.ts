// Layer 2 (protocol core). libvirt typed parameters off the wire (`remote_typed_param` lists) as
// one plain object keyed by field name, as libvirt's Python binding gives a dict; 64-bit values
// are bigint so nothing loses precision. Shared by API results and event payloads (TUNABLE, …).

import type { RemoteTypedParam } from '../generated/remote-types.gen.js'
import {
  VIR_TYPED_PARAM_BOOLEAN, VIR_TYPED_PARAM_DOUBLE, VIR_TYPED_PARAM_INT, VIR_TYPED_PARAM_LLONG, VIR_TYPED_PARAM_STRING, VIR_TYPED_PARAM_UINT, VIR_TYPED_PARAM_ULLONG,
} from '../generated/constants.gen.js'

import type { TypedParams } from '../generated/typed-params.js'
export type { TypedParams }

/** Wire list → plain object. A repeated field keeps its last value (as libvirt-python does). */
export function typedParamsToObject(params: readonly RemoteTypedParam[]): TypedParams {
  const out: TypedParams = {}
  for (const { field, value: v } of params) {
    switch (v.type) {
      case VIR_TYPED_PARAM_INT: out[field] = v.i; break
      case VIR_TYPED_PARAM_UINT: out[field] = v.ui; break
      case VIR_TYPED_PARAM_LLONG: out[field] = v.l; break
      case VIR_TYPED_PARAM_ULLONG: out[field] = v.ul; break
      case VIR_TYPED_PARAM_DOUBLE: out[field] = v.d; break
      case VIR_TYPED_PARAM_BOOLEAN: out[field] = v.b !== 0; break
      case VIR_TYPED_PARAM_STRING: out[field] = v.s; break
    }
  }
  return out
}
