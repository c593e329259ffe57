// Generator (dev-only). Emits constants.gen.ts: every enum constant and integer #define of the
// public headers, string #defines (typed-parameter field names), one grouped `as const` object
// per C enum type, and the error code/domain/level → symbolic name maps.

import { banner } from './emit-util.mjs'
import { docPage, isIdentifier } from './naming.mjs'

/** @param {import('./model.mjs').Model} model @returns {{ path: string, text: string }[]} */
export function emitConstants(model) {
  const { enums, defines } = model.headers
  const lines = [
    banner(model.version),
    "// Layer 1 (generated protocol). The C API's constants from libvirt's public headers: enum members and",
    '// #defines one by one, grouped objects per enum type, and the names of error codes, domains and levels.',
    '',
  ]
  const seen = new Set()
  for (const e of enums) {
    lines.push(`// ${e.name} — ${docPage(e.header)}#${e.name}`)
    for (const m of e.members) {
      if (seen.has(m.name)) continue
      seen.add(m.name)
      lines.push(`/** ${e.name} member. */ export const ${m.name} = ${m.value}`)
    }
  }
  lines.push('', '// Integer and string #defines')
  for (const d of defines) {
    if (seen.has(d.name)) continue
    seen.add(d.name)
    lines.push(`/** #define of ${d.header}. */ export const ${d.name} = ${typeof d.value === 'number' ? d.value : JSON.stringify(d.value)}`)
  }

  lines.push('', '// One object per C enum type: members without the common prefix, sentinels (`_LAST`) dropped.')
  const groupNames = new Set()
  for (const e of enums) {
    const members = e.members.filter((m) => !m.sentinel)
    if (members.length === 0 || !e.name.startsWith('vir')) continue
    const group = e.name.slice(3)
    if (groupNames.has(group)) continue
    groupNames.add(group)
    const prefix = commonPrefix(members.map((m) => m.name))
    lines.push(`/** Members of [${e.name}](${docPage(e.header)}#${e.name}). */`, `export const ${group} = {`)
    for (const m of members) {
      const key = m.name.slice(prefix.length)
      lines.push(`  ${isIdentifier(key) ? key : `'${key}'`}: ${m.value},`)
    }
    lines.push('} as const')
  }

  lines.push('')
  for (const [name, type] of [
    ['VIR_ERROR_NUMBER_NAMES', 'virErrorNumber'],
    ['VIR_ERROR_DOMAIN_NAMES', 'virErrorDomain'],
    ['VIR_ERROR_LEVEL_NAMES', 'virErrorLevel'],
  ]) {
    const e = enums.find((x) => x.name === type)
    if (!e) throw new Error(`virterror.h has no ${type}`)
    lines.push(`/** Symbolic name of each \`${type}\` value. */`, `export const ${name}: Readonly<Record<number, string>> = Object.freeze({`)
    const done = new Set()
    for (const m of e.members) {
      if (m.sentinel || done.has(m.value)) continue
      done.add(m.value)
      lines.push(`  ${m.value}: '${m.name}',`)
    }
    lines.push('})')
  }
  lines.push('')
  return [{ path: 'constants.gen.ts', text: lines.join('\n') }]
}

/** Longest common `X_Y_` prefix (ending in `_`) that leaves every name non-empty. @param {string[]} names */
export function commonPrefix(names) {
  let p = names[0] ?? ''
  for (const n of names) {
    let i = 0
    while (i < p.length && i < n.length && p[i] === n[i]) i++
    p = p.slice(0, i)
  }
  for (let cut = p.lastIndexOf('_'); cut >= 0; cut = p.lastIndexOf('_', cut - 1)) {
    const q = p.slice(0, cut + 1)
    if (names.every((x) => x.length > q.length)) return q
  }
  return ''
}
