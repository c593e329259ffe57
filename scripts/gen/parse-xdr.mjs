// Generator (dev-only). Parser for the XDR language (RFC 4506 plus rpcgen's extensions used by
// libvirt) into a plain JSON-able model: constants, enums, structs, unions and typedefs, with
// every size resolved to a number and the `@key: value` annotations of enum members kept.

import { GenSyntaxError, lexXdr } from './xdr-lexer.mjs'

/**
 * @typedef {{ kind: 'prim', name: 'int' | 'uint' | 'hyper' | 'uhyper' | 'float' | 'double' | 'bool' | 'string' | 'opaque' } | { kind: 'ref', name: string }} TypeSpec
 * @typedef {{ name: string, type: TypeSpec, shape: 'plain' | 'fixed' | 'var' | 'optional', size: number | null, sizeName: string | null } | { void: true }} Declaration
 * @typedef {{ name: string, value: number, annotations: Record<string, string[]> }} EnumMember
 * @typedef {{ kind: 'const', name: string, value: number, text: string }
 *   | { kind: 'enum', name: string, members: EnumMember[] }
 *   | { kind: 'struct', name: string, fields: Declaration[] }
 *   | { kind: 'union', name: string, discriminant: Declaration, arms: { values: number[], labels: string[], decl: Declaration }[], defaultArm: Declaration | null }
 *   | { kind: 'typedef', name: string, decl: Declaration }} Definition
 * @typedef {{ definitions: Definition[], constants: Map<string, number> }} XdrFile
 */

/**
 * Parse an integer literal as rpcgen does (decimal, 0x hex, leading-0 octal).
 * @param {string} t
 */
export function parseIntLiteral(t) {
  if (/^0[xX]/.test(t)) return Number.parseInt(t.slice(2), 16)
  if (t.length > 1 && t[0] === '0') return Number.parseInt(t, 8)
  return Number.parseInt(t, 10)
}

/**
 * Read the `@key: value` lines of a comment (one annotation per line, keys may repeat).
 * @param {string | null} comment
 * @returns {Record<string, string[]>}
 */
export function parseAnnotations(comment) {
  /** @type {Record<string, string[]>} */
  const out = {}
  if (!comment) return out
  for (const raw of comment.split('\n')) {
    const m = /^\s*\*?\s*@([A-Za-z][A-Za-z0-9_]*)\s*:\s*(.*?)\s*$/.exec(raw)
    if (!m) continue
    ;(out[m[1]] ??= []).push(m[2])
  }
  return out
}

const PRIMS = new Set(['int', 'hyper', 'char', 'short', 'long', 'float', 'double', 'quadruple', 'bool', 'string', 'opaque', 'void', 'unsigned'])

/**
 * Parse one XDR file.
 * @param {string} text
 * @param {{ constants?: Map<string, number> | Record<string, number>, file?: string }} [options]
 *   `constants`: names defined elsewhere (C headers, earlier XDR files) that sizes and case labels may use.
 * @returns {XdrFile}
 */
export function parseXdr(text, options = {}) {
  const file = options.file ?? '<xdr>'
  const outside = options.constants instanceof Map ? options.constants : new Map(Object.entries(options.constants ?? {}))
  const toks = lexXdr(text, file)
  let p = 0
  /** @type {Map<string, number>} */
  const local = new Map()
  /** @type {Definition[]} */
  const defs = []

  const peek = () => toks[p]
  const next = () => toks[p++]
  /** @param {string} msg @param {import('./xdr-lexer.mjs').Token} [t] */
  const fail = (msg, t = toks[p]) => {
    throw new GenSyntaxError(`${msg}, found ${JSON.stringify(t.text)}`, file, t.line)
  }
  /** @param {string} text */
  const expect = (text) => {
    const t = next()
    if (t.text !== text || t.kind === 'eof') fail(`expected ${JSON.stringify(text)}`, t)
    return t
  }
  /** @param {string} text */
  const accept = (text) => {
    if (peek().text === text && peek().kind !== 'eof') {
      p++
      return true
    }
    return false
  }
  const ident = (what = 'an identifier') => {
    const t = next()
    if (t.kind !== 'id') fail(`expected ${what}`, t)
    return t.text
  }

  /** A constant value: a (possibly negative) literal or a known name. Returns number and source text. */
  const value = () => {
    const neg = accept('-')
    const t = next()
    if (t.kind === 'num') {
      const v = parseIntLiteral(t.text)
      return { value: neg ? -v : v, name: null, text: (neg ? '-' : '') + t.text }
    }
    if (t.kind === 'id' && !neg) {
      const v = local.has(t.text) ? local.get(t.text) : outside.get(t.text)
      if (v === undefined) throw new GenSyntaxError(`unknown constant ${t.text}`, file, t.line)
      return { value: v, name: t.text, text: t.text }
    }
    return fail('expected a constant', t)
  }

  /** @param {string} name @param {number} v @param {import('./xdr-lexer.mjs').Token} t */
  const define = (name, v, t) => {
    if (local.has(name)) throw new GenSyntaxError(`duplicate constant ${name}`, file, t.line)
    local.set(name, v)
  }

  /** @returns {TypeSpec} */
  const typeSpec = () => {
    const t = peek()
    if (t.kind !== 'id') fail('expected a type')
    if (t.text === 'struct' || t.text === 'union' || t.text === 'enum') {
      p++
      if (peek().text === '{') fail(`inline ${t.text} definitions are not supported; name the type`)
      return { kind: 'ref', name: ident('a type name') }
    }
    p++
    switch (t.text) {
      case 'unsigned': {
        const n = peek().text
        if (n === 'int' || n === 'char' || n === 'short' || n === 'long') {
          p++
          return { kind: 'prim', name: 'uint' }
        }
        if (n === 'hyper') {
          p++
          return { kind: 'prim', name: 'uhyper' }
        }
        return { kind: 'prim', name: 'uint' }
      }
      // rpcgen widens char/short/long to a 4-byte int on the wire.
      case 'int':
      case 'char':
      case 'short':
      case 'long':
        return { kind: 'prim', name: 'int' }
      case 'hyper':
        return { kind: 'prim', name: 'hyper' }
      case 'float':
        return { kind: 'prim', name: 'float' }
      case 'double':
        return { kind: 'prim', name: 'double' }
      case 'bool':
        return { kind: 'prim', name: 'bool' }
      case 'string':
        return { kind: 'prim', name: 'string' }
      case 'opaque':
        return { kind: 'prim', name: 'opaque' }
      case 'quadruple':
        throw new GenSyntaxError('quadruple is not supported', file, t.line)
      default:
        if (PRIMS.has(t.text)) fail('unexpected keyword', t)
        return { kind: 'ref', name: t.text }
    }
  }

  /** @returns {Declaration} */
  const declaration = () => {
    if (peek().text === 'void') {
      p++
      return { void: true }
    }
    const at = peek()
    const type = typeSpec()
    if (accept('*')) {
      if (type.kind === 'prim' && (type.name === 'string' || type.name === 'opaque')) fail('optional string/opaque needs a typedef', at)
      return { name: ident('a field name'), type, shape: 'optional', size: null, sizeName: null }
    }
    const name = ident('a field name')
    const isBytes = type.kind === 'prim' && (type.name === 'string' || type.name === 'opaque')
    if (accept('[')) {
      if (type.kind === 'prim' && type.name === 'string') fail('string needs <max>, not [n]', at)
      const v = value()
      expect(']')
      if (v.value < 0) throw new GenSyntaxError(`negative array size for ${name}`, file, at.line)
      return { name, type, shape: 'fixed', size: v.value, sizeName: v.name }
    }
    if (accept('<')) {
      let size = null
      let sizeName = null
      if (peek().text !== '>') {
        const v = value()
        if (v.value < 0) throw new GenSyntaxError(`negative maximum for ${name}`, file, at.line)
        size = v.value
        sizeName = v.name
      }
      expect('>')
      return { name, type, shape: 'var', size, sizeName }
    }
    if (isBytes) fail(`${type.name} ${name} needs a size`, at)
    return { name, type, shape: 'plain', size: null, sizeName: null }
  }

  /** @param {string} name */
  const enumBody = (name) => {
    expect('{')
    /** @type {EnumMember[]} */
    const members = []
    let nextValue = 0
    for (;;) {
      const t = peek()
      const mname = ident('an enum member')
      let v = nextValue
      if (accept('=')) v = value().value
      define(mname, v, t)
      members.push({ name: mname, value: v, annotations: parseAnnotations(t.comment) })
      nextValue = v + 1
      if (accept(',')) {
        if (peek().text === '}') break
        continue
      }
      break
    }
    expect('}')
    if (members.length === 0) fail(`enum ${name} has no members`)
    return members
  }

  const structBody = () => {
    expect('{')
    /** @type {Declaration[]} */
    const fields = []
    while (!accept('}')) {
      const d = declaration()
      expect(';')
      fields.push(d)
    }
    return fields
  }

  /** @param {string} name */
  const unionBody = (name) => {
    expect('switch')
    expect('(')
    const discriminant = declaration()
    if ('void' in discriminant || discriminant.shape !== 'plain') fail(`union ${name} needs a plain discriminant`)
    expect(')')
    expect('{')
    /** @type {{ values: number[], labels: string[], decl: Declaration }[]} */
    const arms = []
    /** @type {Declaration | null} */
    let defaultArm = null
    let sawDefault = false
    const seen = new Set()
    while (!accept('}')) {
      if (accept('default')) {
        if (sawDefault) fail('second default arm')
        expect(':')
        defaultArm = declaration()
        sawDefault = true
        expect(';')
        continue
      }
      const values = []
      const labels = []
      while (accept('case')) {
        const v = value()
        expect(':')
        if (seen.has(v.value)) fail(`duplicate case ${v.text} in union ${name}`)
        seen.add(v.value)
        values.push(v.value)
        labels.push(v.text)
      }
      if (values.length === 0) fail('expected case or default')
      arms.push({ values, labels, decl: declaration() })
      expect(';')
    }
    if (arms.length === 0 && !sawDefault) fail(`union ${name} has no arms`)
    return { discriminant, arms, defaultArm }
  }

  while (peek().kind !== 'eof') {
    const t = next()
    switch (t.text) {
      case 'const': {
        const name = ident('a constant name')
        expect('=')
        const v = value()
        expect(';')
        define(name, v.value, t)
        defs.push({ kind: 'const', name, value: v.value, text: v.text })
        break
      }
      case 'enum': {
        const name = ident('an enum name')
        defs.push({ kind: 'enum', name, members: enumBody(name) })
        expect(';')
        break
      }
      case 'struct': {
        const name = ident('a struct name')
        defs.push({ kind: 'struct', name, fields: structBody() })
        expect(';')
        break
      }
      case 'union': {
        const name = ident('a union name')
        const u = unionBody(name)
        defs.push({ kind: 'union', name, discriminant: u.discriminant, arms: u.arms, defaultArm: u.defaultArm })
        expect(';')
        break
      }
      case 'typedef': {
        // rpcgen also accepts `typedef struct { ... } name;` (and enum/union) as a named definition.
        const kw = peek().text
        if ((kw === 'struct' || kw === 'enum' || kw === 'union') && toks[p + 1]?.text === '{') {
          p++
          if (kw === 'struct') {
            const fields = structBody()
            defs.push({ kind: 'struct', name: ident('a type name'), fields })
          } else if (kw === 'enum') {
            const members = enumBody('typedef')
            defs.push({ kind: 'enum', name: ident('a type name'), members })
          } else {
            const u = unionBody('typedef')
            defs.push({ kind: 'union', name: ident('a type name'), discriminant: u.discriminant, arms: u.arms, defaultArm: u.defaultArm })
          }
          expect(';')
          break
        }
        const decl = declaration()
        if ('void' in decl) fail('typedef of void', t)
        expect(';')
        defs.push({ kind: 'typedef', name: /** @type {any} */ (decl).name, decl })
        break
      }
      default:
        fail('expected const, enum, struct, union or typedef', t)
    }
  }

  const names = new Set()
  for (const d of defs) {
    if (d.kind === 'const') continue
    if (names.has(d.name)) throw new GenSyntaxError(`duplicate type ${d.name}`, file, 0)
    names.add(d.name)
  }
  return { definitions: defs, constants: local }
}
