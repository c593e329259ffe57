// Layer 1 (hand-written, beside the generated protocol). The plain-object form of libvirt typed
// parameters, named here so generated event payloads and the core's decoder share one type.

/** Typed parameters as a plain object: int/uint/double → number, llong/ullong → bigint, boolean, string. */
export type TypedParams = Record<string, number | bigint | boolean | string>
