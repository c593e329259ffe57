// Generator (dev-only). Reads libvirt's public C headers (include/libvirt/*.h) for what the
// wire protocol does not carry: enum constants, integer and string #defines, and every public
// function with its parameters and return type. A tolerant scanner, not a C compiler.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { evalCExpr } from './c-expr.mjs'

/**
 * @typedef {{ name: string, value: number, sentinel: boolean }} HeaderEnumMember
 * @typedef {{ name: string, header: string, members: HeaderEnumMember[] }} HeaderEnum
 * @typedef {{ type: string, name: string | null }} HeaderParam
 * @typedef {{ name: string, header: string, returnType: string, params: HeaderParam[] }} HeaderFunction
 * @typedef {{ name: string, header: string, value: number | string, text: string }} HeaderDefine
 * @typedef {{ enums: HeaderEnum[], defines: HeaderDefine[], functions: HeaderFunction[], constants: Map<string, number> }} HeaderModel
 */

/**
 * Parse every public header of a libvirt tree's include/libvirt directory. `libvirt-common.h.in`
 * is read too: it holds the typed-parameter enum and field-length constant.
 * @param {string} dir path to include/libvirt
 * @returns {HeaderModel}
 */
export function parseHeaders(dir) {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.h') || f === 'libvirt-common.h.in')
    .sort()
  return parseHeaderTexts(files.map((f) => ({ name: f.replace(/\.in$/, ''), text: readFileSync(join(dir, f), 'utf8') })))
}

/**
 * Parse header texts (exposed for tests).
 * @param {{ name: string, text: string }[]} headers
 * @returns {HeaderModel}
 */
export function parseHeaderTexts(headers) {
  /** @type {Map<string, number>} */
  const constants = new Map()
  /** @type {HeaderEnum[]} */
  const enums = []
  /** @type {HeaderDefine[]} */
  const defines = []
  /** @type {HeaderFunction[]} */
  const functions = []
  /** @type {{ name: string, header: string, text: string }[]} */
  const pendingDefines = []
  const lookup = (/** @type {string} */ n) => constants.get(n)
  // An enum member may name a constant of a header read later (virDomainSnapshotXMLFlags uses
  // VIR_DOMAIN_XML_SECURE): such enums are parsed again once every header is read, never dropped.
  /** @type {{ decl: string, header: string, at: number }[]} */
  const deferredEnums = []

  for (const { name: header, text } of headers) {
    const { code, defs } = preprocess(text)
    for (const d of defs) pendingDefines.push({ ...d, header })
    for (const decl of splitTopLevel(code)) {
      const e = parseEnum(decl, header, lookup)
      if (e) {
        if (e.unresolved.length > 0) deferredEnums.push({ decl, header, at: enums.length })
        enums.push(stripUnresolved(e))
        for (const m of e.members) if (!constants.has(m.name)) constants.set(m.name, m.value)
        continue
      }
      const f = parseFunction(decl, header)
      if (f) functions.push(f)
    }
  }
  for (const d of deferredEnums) {
    const e = /** @type {NonNullable<ReturnType<typeof parseEnum>>} */ (parseEnum(d.decl, d.header, lookup))
    if (e.unresolved.length > 0) throw new Error(`${d.header}: enum ${e.name}: cannot resolve the value of ${e.unresolved.join(', ')}`)
    enums[d.at] = stripUnresolved(e)
    for (const m of e.members) if (!constants.has(m.name)) constants.set(m.name, m.value)
  }
  // #defines may refer to enum constants and to each other: resolve until nothing changes.
  let progress = true
  const done = new Set()
  while (progress) {
    progress = false
    for (const d of pendingDefines) {
      if (done.has(d.name)) continue
      const s = /^"((?:[^"\\]|\\.)*)"$/.exec(d.text)
      if (s) {
        defines.push({ name: d.name, header: d.header, value: s[1], text: d.text })
        done.add(d.name)
        progress = true
        continue
      }
      const v = evalCExpr(d.text, lookup)
      if (v === undefined) continue
      if (!constants.has(d.name)) constants.set(d.name, v)
      defines.push({ name: d.name, header: d.header, value: v, text: d.text })
      done.add(d.name)
      progress = true
    }
  }
  defines.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  functions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { enums, defines, functions, constants }
}

/**
 * Strip comments; drop preprocessor lines (keeping object-like #defines and the sentinel
 * markers); drop `#ifdef __cplusplus` blocks.
 * @param {string} text
 */
function preprocess(text) {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '')
  const lines = noComments.replace(/\\\n/g, ' ').split('\n')
  const out = []
  /** @type {{ name: string, text: string }[]} */
  const defs = []
  /** @type {string[]} */
  const stack = []
  for (const line of lines) {
    const m = /^\s*#\s*(\w+)\s*(.*)$/.exec(line)
    if (!m) {
      if (!stack.includes('__cplusplus')) out.push(line)
      continue
    }
    const [, dir, rest] = m
    if (dir === 'if' || dir === 'ifdef' || dir === 'ifndef') {
      stack.push(rest.trim())
      if (rest.trim() === 'VIR_ENUM_SENTINELS') out.push('@@SENTINEL_BEGIN@@')
    } else if (dir === 'endif') {
      const top = stack.pop()
      if (top === 'VIR_ENUM_SENTINELS') out.push('@@SENTINEL_END@@')
    } else if (dir === 'define') {
      const d = /^([A-Za-z_]\w*)(\(?)\s*(.*)$/.exec(rest)
      if (d && d[2] === '' && d[3].trim() !== '') defs.push({ name: d[1], text: d[3].trim() })
    }
  }
  return { code: out.join('\n'), defs }
}

/** Split code into top-level declarations at `;` outside braces. @param {string} code */
function splitTopLevel(code) {
  const out = []
  let depth = 0
  let start = 0
  for (let i = 0; i < code.length; i++) {
    const c = code[i]
    if (c === '{') depth++
    else if (c === '}') depth--
    else if (c === ';' && depth === 0) {
      out.push(code.slice(start, i).trim())
      start = i + 1
    }
  }
  return out.filter((s) => s.length > 0)
}

/**
 * `typedef enum [tag] { A = 1, B, ... } Name` or `enum tag { ... }`.
 * @param {string} decl @param {string} header @param {(n: string) => number | undefined} lookup
 * @returns {(HeaderEnum & { unresolved: string[] }) | null}
 */
function parseEnum(decl, header, lookup) {
  const m = /^(?:typedef\s+)?enum\s*(\w+)?\s*\{([\s\S]*)\}\s*(\w+)?$/.exec(decl.replace(/^extern\s+"C"\s*\{\s*/, ''))
  if (!m) return null
  const name = m[3] ?? m[1]
  if (!name) return null
  /** @type {HeaderEnumMember[]} */
  const members = []
  let next = 0
  let sentinel = false
  /** @type {Map<string, number>} */
  const own = new Map()
  /** @type {string[]} */
  const unresolved = []
  for (let part of m[2].split(',')) {
    if (part.includes('@@SENTINEL_BEGIN@@')) sentinel = true
    const endsSentinel = part.includes('@@SENTINEL_END@@')
    part = part.replace(/@@SENTINEL_(BEGIN|END)@@/g, '').trim()
    if (part !== '') {
      const mm = /^([A-Za-z_]\w*)\s*(?:=\s*([\s\S]+))?$/.exec(part)
      if (mm) {
        let value = next
        if (mm[2] !== undefined) {
          const v = evalCExpr(mm[2], (n) => own.get(n) ?? lookup(n))
          value = v === undefined ? NaN : v
        }
        if (!Number.isNaN(value)) {
          members.push({ name: mm[1], value, sentinel })
          own.set(mm[1], value)
          next = value + 1
        } else unresolved.push(mm[1])
      }
    }
    if (endsSentinel) sentinel = false
  }
  return { name, header, members, unresolved }
}

/** The enum without the parser's bookkeeping. @param {HeaderEnum & { unresolved: string[] }} e @returns {HeaderEnum} */
function stripUnresolved({ name, header, members }) {
  return { name, header, members }
}

/**
 * A public function prototype `ret virName(params)`.
 * @param {string} decl @param {string} header
 * @returns {HeaderFunction | null}
 */
function parseFunction(decl, header) {
  const d = decl.replace(/\s+/g, ' ').replace(/^extern "C" \{ ?/, '').trim()
  if (d.startsWith('typedef') || d.includes('{')) return null
  const m = /^(.*?)\b(vir[A-Za-z0-9_]*)\s*\((.*)\)\s*([A-Z_]*)$/.exec(d)
  if (!m) return null
  const returnType = m[1].replace(/\bextern\b/g, '').replace(/\bVIR_EXPORT_VAR\b/g, '').trim()
  if (returnType === '' || returnType.includes('(')) return null
  return { name: m[2], header, returnType: normalizeType(returnType), params: parseParams(m[3]) }
}

/** @param {string} t */
function normalizeType(t) {
  return t.replace(/\s*\*\s*/g, ' *').replace(/\s+/g, ' ').replace(/ \*/g, ' *').replace(/\* \*/g, '**').trim()
}

/** @param {string} list @returns {HeaderParam[]} */
function parseParams(list) {
  const parts = []
  let depth = 0
  let start = 0
  for (let i = 0; i < list.length; i++) {
    const c = list[i]
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i))
      start = i + 1
    }
  }
  parts.push(list.slice(start))
  const trimmed = parts.map((s) => s.trim()).filter((s) => s !== '')
  if (trimmed.length === 1 && trimmed[0] === 'void') return []
  return trimmed.map((p) => {
    const fp = /^(.*)\(\s*\*\s*(\w+)\s*\)\s*(\(.*\))$/.exec(p)
    if (fp) return { type: normalizeType(`${fp[1]}(*)${fp[3]}`), name: fp[2] }
    const arr = /^(.*?)(\w+)\s*(\[[^\]]*\])$/.exec(p)
    if (arr) return { type: normalizeType(`${arr[1]}${arr[3]}`), name: arr[2] }
    const m = /^(.*?[\s*])(\w+)$/.exec(p)
    if (m && !/^(const|unsigned|signed|int|char|long|short|void|struct)$/.test(m[2]) && m[1].trim() !== '' && !/^(const|unsigned|signed)$/.test(m[1].trim()))
      return { type: normalizeType(m[1]), name: m[2] }
    return { type: normalizeType(p), name: null }
  })
}
