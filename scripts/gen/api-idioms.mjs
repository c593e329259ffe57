// Generator (dev-only). The TypeScript idioms of the typed API, decided from libvirt's headers and
// documentation comments (scripts/gen/parse-docs.mjs): which enum a value or a `flags` parameter
// belongs to, which results are truth values, and which 64-bit values are small enough for
// `number`. Each decision has a small override table beside it; stale entries fail generation.

/**
 * @typedef {import('./model.mjs').Model} Model
 * @typedef {import('./parse-headers.mjs').HeaderFunction} HeaderFunction
 */

/**
 * Truth values the documentation does not state as "1 if …, 0 if …" (or states so where the
 * answer is not one): C function → out-parameter (or `return`) → true (a boolean) / false (not).
 */
export const BOOLEAN_OVERRIDES = /** @type {Record<string, Record<string, boolean>>} */ ({
  // the security label's `enforcing` is documented in the struct, not the function
  virDomainGetSecurityLabel: { enforcing: true },
  // "1 when info was found and 0 when there is no active block job": the reply's `found`
  virDomainGetBlockJobInfo: { found: true },
})

/**
 * 64-bit values that are `number` by the number/bigint rule (README "Numbers and bigints"):
 * versions, seconds since the epoch and process ids never reach 2^53. Wire struct → fields.
 */
export const SMALL_HYPERS = /** @type {Record<string, string[]>} */ ({
  remote_connect_get_lib_version_ret: ['lib_ver'],
  remote_connect_get_version_ret: ['hv_ver'],
  remote_domain_get_time_ret: ['seconds'],
  remote_network_dhcp_lease: ['expirytime'],
})

/**
 * Enum members of the public headers that are not an enum type users meet (internal sentinels
 * and the typed-parameter enums of deprecated aliases) are left as they are; everything else is
 * typed. Enum pairings the documentation names ambiguously: C function → parameter → enum.
 */
export const ENUM_OVERRIDES = /** @type {Record<string, Record<string, string | null>>} */ ({
  // "one of virDomain*Reason corresponding to the current state": depends on `state`
  virDomainGetState: { reason: null },
})

/** @type {WeakMap<Model, Set<string>>} */
const flagCache = new WeakMap()
/** @type {WeakMap<Model, Map<string, import('./parse-headers.mjs').HeaderEnum>>} */
const enumCache = new WeakMap()

/** Header enums with members, by C name. @param {Model} model */
function enumsByName(model) {
  let m = enumCache.get(model)
  if (!m) {
    m = new Map(model.headers.enums.filter((e) => e.name.startsWith('vir') && e.members.some((x) => !x.sentinel)).map((e) => [e.name, e]))
    enumCache.set(model, m)
  }
  return m
}

/** The header enum names a doc text names (wildcards like `virDomain*Reason` name none). @param {Model} model @param {string} text */
export function enumsNamed(model, text) {
  const known = enumsByName(model)
  const out = []
  for (const m of text.matchAll(/\b(vir[A-Z]\w*)\b(\*)?/g)) if (!m[2] && known.has(m[1]) && !out.includes(m[1])) out.push(m[1])
  return out
}

/**
 * The flag sets of the API: every enum a function's `@flags` documentation names, the enums
 * named `…Flags`/`…FlagValues` (flags of a struct or a callback), and enums of distinct single
 * bits (masks such as virDomainStatsTypes).
 * @param {Model} model @returns {Set<string>}
 */
export function flagSets(model) {
  const cached = flagCache.get(model)
  if (cached) return cached
  const out = new Set()
  flagCache.set(model, out)
  for (const [, doc] of model.docs.functions) {
    const f = doc.params.get('flags')
    if (f) for (const e of enumsNamed(model, f)) out.add(e)
  }
  for (const [name, e] of enumsByName(model)) {
    const values = e.members.filter((m) => !m.sentinel).map((m) => m.value)
    const bits = values.length >= 3 && values.every((v) => v > 0 && (v & (v - 1)) === 0) && new Set(values).size === values.length
    if (/Flags?(Values)?$/.test(name) || bits) out.add(name)
  }
  return out
}

/**
 * The flag set(s) a function's `flags` parameter takes, when its documentation names them
 * ("bitwise-OR of virDomainCreateFlags"); empty when unknown or unused.
 * @param {Model} model @param {string} fn
 */
export function flagsOf(model, fn) {
  const f = model.docs.functions.get(fn)?.params.get('flags')
  return f ? enumsNamed(model, f) : []
}

/**
 * The enum a value belongs to: parameter `param` of C function `fn` (its `@param` line), or the
 * field of the struct the function fills (the comment beside the field). Null when not exactly one.
 * @param {Model} model @param {HeaderFunction} fn @param {string} param
 */
export function enumOf(model, fn, param) {
  const o = ENUM_OVERRIDES[fn.name]
  if (o && Object.hasOwn(o, param)) return o[param]
  const doc = model.docs.functions.get(fn.name)
  const texts = []
  const own = doc?.params.get(param)
  if (own !== undefined) texts.push(own)
  else {
    for (const p of fn.params) {
      const st = /^(vir\w+?)(Ptr| \*)$/.exec(p.type)?.[1]
      const fields = st ? model.docs.structFields.get(st) : undefined
      const c = fields?.get(param)
      if (c !== undefined) texts.push(c)
    }
  }
  const names = texts.flatMap((t) => enumsNamed(model, t))
  return names.length === 1 ? names[0] : null
}

/**
 * Whether the function's answer is a truth value: its `Returns` paragraph says "1 if …" and
 * "0 if …" (either order), or an `int *` out-parameter is described as a boolean.
 * @param {Model} model @param {HeaderFunction} fn @param {string} field the wire field carrying it
 * @param {boolean} onlyResult the field is the reply's only value
 */
export function isTruthValue(model, fn, field, onlyResult) {
  const o = BOOLEAN_OVERRIDES[fn.name]
  if (o && Object.hasOwn(o, field)) return o[field]
  const out = fn.params.find((p) => p.name === field)
  if (!out && !onlyResult) return false // the C return value travels alone
  if (o && Object.hasOwn(o, 'return') && !out) return o.return
  const doc = model.docs.functions.get(fn.name)
  if (!doc) return false
  if (out) {
    // the only `int *` out-parameter, described as a boolean (or as a "flag", singular)
    const own = doc.params.get(field) ?? ''
    return out.type === 'int *' && fn.params.filter((p) => p.type === 'int *').length === 1 && (/\bboolean\b/i.test(doc.text) || /\bflag\b/i.test(own))
  }
  if (fn.returnType !== 'int') return false
  const r = doc.returns
  return /\b1 if\b/.test(r) && /\b0 if\b/.test(r)
}

/**
 * Whether an `int` argument is a truth value: its `@param` line starts with "whether" (as
 * virDomainSetAutostart's does). The wire still carries 0/1.
 * @param {Model} model @param {HeaderFunction} fn @param {string} param
 */
export function isTruthArg(model, fn, param) {
  const p = fn.params.find((x) => x.name === param)
  if (!p || p.type !== 'int') return false
  return /^\s*whether\b/i.test(model.docs.functions.get(fn.name)?.params.get(param) ?? '')
}

/** TypeScript type name of a C enum (the grouped constant object's name). @param {string} cEnum */
export function enumTypeName(cEnum) {
  return cEnum.slice(3)
}
