// Generator (dev-only). Emits constants.gen.ts: every enum constant and integer #define of the
// public headers, string #defines (typed-parameter field names), one grouped `as const` object
// per C enum type, and the error code/domain/level → symbolic name maps.

import { banner } from './emit-util.mjs'
import { docPage, isIdentifier } from './naming.mjs'
import { flagSets } from './api-idioms.mjs'

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

  lines.push(
    '',
    '// One object per C enum type (members without the common prefix, sentinels `_LAST` dropped) and a',
    '// type of the same name. A flag set\'s members are branded with its C name, so a member of another',
    '// set is a type error where a flag set is expected; a combination (`A.X | A.Y`) is a plain number.',
    '',
    'declare const flagSetBrand: unique symbol',
    '/** A member of the libvirt flag set `N` (a number at run time). */',
    'export type FlagSet<N extends string> = number & { readonly [flagSetBrand]?: N }',
    '/** Any number that is not a member of a named flag set: combinations (`A.X | A.Y`), 0, or a value from elsewhere. */',
    'export type FlagBits = number & { readonly [flagSetBrand]?: never }',
    '',
    '/**',
    ' * The member name of an enum value: `enumName(DomainState, 1)` → `\'RUNNING\'`; undefined for a value',
    ' * the enum does not have (e.g. from a newer daemon). Where members share a value, the first wins.',
    ' */',
    'export function enumName<E extends Readonly<Record<string, number>>>(enumObject: E, value: number): (keyof E & string) | undefined {',
    '  for (const k in enumObject) if (enumObject[k] === value) return k',
    '  return undefined',
    '}',
    '',
  )
  const flags = flagSets(model)
  const groupNames = new Set()
  for (const e of enums) {
    const members = e.members.filter((m) => !m.sentinel)
    if (members.length === 0 || !e.name.startsWith('vir')) continue
    const group = e.name.slice(3)
    if (groupNames.has(group)) continue
    groupNames.add(group)
    const prefix = commonPrefix(members.map((m) => m.name))
    const isFlags = flags.has(e.name)
    const brand = isFlags ? ` as FlagSet<'${e.name}'>` : ''
    lines.push(`/** Members of [${e.name}](${docPage(e.header)}#${e.name})${isFlags ? ' (a flag set)' : ''}. */`, `export const ${group} = {`)
    for (const m of members) {
      const key = m.name.slice(prefix.length)
      lines.push(`  ${isIdentifier(key) ? key : `'${key}'`}: ${m.value}${brand},`)
    }
    lines.push('} as const')
    lines.push(
      isFlags
        ? `/** A member of ${e.name}; combine members with \`|\`. */`
        : `/** A ${e.name} value; a value a newer daemon adds still arrives as its number. */`,
      `export type ${group} = ${isFlags ? `FlagSet<'${e.name}'>` : `(typeof ${group})[keyof typeof ${group}]`}`,
    )
  }

  lines.push('', ...lifecycleDetails(enums, groupNames), '', ...errorCodes(enums))
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

/**
 * The detail enum of each life-cycle event type, paired by name as libvirt names them
 * (`VIR_DOMAIN_EVENT_STARTED` → `virDomainEventStartedDetailType`): a lookup object keyed by
 * the event type's value, and the union of the detail types.
 * @param {import('./parse-headers.mjs').HeaderEnum[]} enums @param {Set<string>} groups
 */
function lifecycleDetails(enums, groups) {
  const lines = []
  const byLower = new Map([...groups].map((g) => [g.toLowerCase(), g]))
  for (const e of enums) {
    if (e.name !== 'virDomainEventType') continue
    const members = e.members.filter((m) => !m.sentinel)
    const prefix = commonPrefix(members.map((m) => m.name))
    const pairs = []
    for (const m of members) {
      const key = m.name.slice(prefix.length).replace(/_/g, '').toLowerCase()
      const detail = byLower.get(`domainevent${key}detailtype`)
      if (!detail) throw new Error(`no detail enum for ${m.name}`)
      pairs.push({ value: m.value, detail })
    }
    lines.push(
      `/** The detail enum of each ${e.name} value: \`${'DomainEventDetail'}[DomainEventType.STARTED]\` is \`DomainEventStartedDetailType\`. */`,
      'export const DomainEventDetail = {',
      ...pairs.map((p) => `  ${p.value}: ${p.detail},`),
      '} as const',
      '/** A life-cycle event detail: one of the detail enums, chosen by the event type. */',
      `export type DomainEventDetail = ${pairs.map((p) => p.detail).join(' | ')}`,
    )
  }
  return lines
}

/**
 * The `VIR_ERR_*` members of virErrorNumber without the prefix (`ErrorCode.NO_DOMAIN`), beside the
 * grouped `ErrorNumber` (which keeps `ERR_`/`WAR_` since both occur).
 * @param {import('./parse-headers.mjs').HeaderEnum[]} enums
 */
function errorCodes(enums) {
  const e = enums.find((x) => x.name === 'virErrorNumber')
  if (!e) throw new Error('virterror.h has no virErrorNumber')
  const lines = ['/** The `VIR_ERR_*` codes of [virErrorNumber](https://libvirt.org/html/libvirt-virterror.html#virErrorNumber), without the prefix. */', 'export const ErrorCode = {']
  for (const m of e.members) if (!m.sentinel && m.name.startsWith('VIR_ERR_')) lines.push(`  ${m.name.slice('VIR_ERR_'.length)}: ${m.value},`)
  lines.push('} as const', '/** A virErrorNumber value; a code a newer daemon adds still arrives as its number. */', 'export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode]')
  return lines
}
