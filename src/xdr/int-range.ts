// Layer 0 (XDR). The value ranges of XDR's integer types (RFC 4506 §4.1–4.5), shared by the
// writer's checks and the API layer's argument checks.
export const I32_MIN = -0x80000000
export const I32_MAX = 0x7fffffff
export const U32_MAX = 0xffffffff
export const I64_MIN = -(1n << 63n)
export const I64_MAX = (1n << 63n) - 1n
export const U64_MAX = (1n << 64n) - 1n
