// Generator (dev-only). The public types of the typed API's structured values: a result holding
// protocol structs (DHCP leases, file-system info, interface addresses, …) gets an interface of its
// own, named after the C struct it mirrors, with camelCase fields, enum-typed fields (from the
// C struct's field comments) and a converter from the wire struct. Wire type names never appear in
// a public signature. Written to src/generated/api/types.gen.ts.

import { banner, byCode, Imports } from './emit-util.mjs'
import { matchKey, pascalCase } from './naming.mjs'
import { moduleFiles } from './emit-program.mjs'
import { SMALL_HYPERS, enumTypeName, enumsNamed } from './api-idioms.mjs'

/**
 * @typedef {import('./model.mjs').Model} Model
 * @typedef {import('./parse-xdr.mjs').Declaration} Declaration
 * @typedef {{ ts: string, conv: ((v: string) => string) | null }} Rendered
 */

/** camelCase of a wire name: `xml_desc` → `xmlDesc`, `dev_aliases` → `devAliases`; others unchanged. @param {string} n */
export function camelName(n) {
  return n.replace(/_+([a-zA-Z0-9])/g, (_, c) => c.toUpperCase())
}

/** Public names for wire structs whose C struct differs in shape (so it is not found by its fields). */
export const TYPE_NAMES = /** @type {Record<string, string>} */ ({
  remote_domain_fsinfo: 'DomainFSInfo', // C: devAlias + ndevAlias, wire: dev_aliases<>
})

/** Collects the public struct types one generation needs, and emits them. */
export class PublicTypes {
  /** @param {Model} model */
  constructor(model) {
    this.model = model
    /** @type {Map<string, { name: string, fields: string[], body: string[], wire: string }>} wire struct → public type */
    this.structs = new Map()
    this.imports = new Imports()
  }

  /** The C struct a wire struct mirrors: the one whose fields include all of the wire struct's. @param {string} wire */
  cStruct(wire) {
    const def = this.model.types.get(wire)?.def
    if (!def || def.kind !== 'struct') return null
    const keys = def.fields.filter((f) => !('void' in f)).map((f) => matchKey(/** @type {any} */ (f).name))
    const hits = []
    for (const [name, fields] of this.model.docs.structFields) {
      const have = new Set([...fields.keys()].map(matchKey))
      if (keys.every((k) => have.has(k))) hits.push(name)
    }
    const stem = matchKey(wire.replace(/^(remote|qemu|lxc|admin)_/, ''))
    return hits.find((h) => matchKey(h.slice(3)) === stem) ?? (hits.length === 1 ? hits[0] : null)
  }

  /**
   * The public type of one value and how to convert the wire value (null: as it is).
   * @param {Declaration} d @param {{ struct?: string, small?: boolean, enumName?: string | null }} [ctx]
   * @returns {Rendered}
   */
  render(d, ctx = {}) {
    if ('void' in d) throw new Error('void has no public type')
    const el = this.element(d, ctx)
    if (d.type.kind === 'prim' && d.type.name === 'opaque') return { ts: 'Buffer', conv: null }
    if (d.shape === 'var' || d.shape === 'fixed') {
      const conv = el.conv
      return { ts: `${/[ |]/.test(el.ts) ? `(${el.ts})` : el.ts}[]`, conv: conv ? (v) => `${v}.map((x) => ${conv('x')})` : null }
    }
    if (d.shape === 'optional') {
      const conv = el.conv
      return { ts: `${el.ts} | null`, conv: conv ? (v) => `${v} === null ? null : ${conv(v)}` : null }
    }
    return el
  }

  /** @param {Declaration & { type: any }} d @param {{ small?: boolean, enumName?: string | null }} ctx @returns {Rendered} */
  element(d, ctx) {
    const t = d.type
    if (t.kind === 'prim') {
      if (t.name === 'hyper' || t.name === 'uhyper') return ctx.small ? { ts: 'number', conv: (v) => `Number(${v})` } : { ts: 'bigint', conv: null }
      if ((t.name === 'int' || t.name === 'uint') && ctx.enumName) {
        this.imports.add('../constants.gen.js', ctx.enumName, true)
        return { ts: ctx.enumName, conv: (v) => `${v} as ${ctx.enumName}` }
      }
      const ts = { int: 'number', uint: 'number', bool: 'boolean', double: 'number', float: 'number', string: 'string', opaque: 'Buffer', char: 'number', uchar: 'number', short: 'number', ushort: 'number' }[/** @type {string} */ (t.name)]
      if (!ts) throw new Error(`no public type for ${t.name}`)
      return { ts, conv: null }
    }
    const name = t.name
    if (this.model.uuidTypedefs.has(name)) return { ts: 'string', conv: null }
    const def = this.model.types.get(name)?.def
    if (def?.kind === 'typedef' && !('void' in def.decl)) {
      const inner = def.decl
      if (inner.type.kind === 'prim' && inner.type.name === 'string') return { ts: 'string', conv: null }
      if (inner.shape === 'optional' && inner.type.kind === 'ref') {
        const r = this.render({ ...inner, shape: 'plain' })
        const conv = r.conv
        return { ts: `${r.ts} | null`, conv: conv ? (v) => `${v} === null ? null : ${conv(v)}` : null }
      }
      return this.render(inner)
    }
    if (def?.kind === 'struct') {
      const pub = this.struct(name)
      return { ts: pub, conv: (v) => `to${pub}(${v})` }
    }
    throw new Error(`no public type for ${name}`)
  }

  /** The public interface of a wire struct (emitted once). @param {string} wire @returns {string} */
  struct(wire) {
    const known = this.structs.get(wire)
    if (known) return known.name
    const c = this.cStruct(wire)
    const name = TYPE_NAMES[wire] ?? (c ? c.slice(3) : pascalCase(wire.replace(/^(remote|qemu|lxc|admin)_/, '')))
    const entry = { name, fields: /** @type {string[]} */ ([]), body: /** @type {string[]} */ ([]), wire }
    this.structs.set(wire, entry)
    const def = /** @type {any} */ (this.model.types.get(wire)?.def)
    const comments = c ? this.model.docs.structFields.get(c) : undefined
    const byKey = new Map([...(comments ?? new Map())].map(([k, v]) => [matchKey(k), v]))
    for (const f of def.fields) {
      if ('void' in f) continue
      const text = byKey.get(matchKey(f.name)) ?? ''
      // "a CPU number, or one of virVcpuHostCpuState": a number first, not an enum
      const enums = /\bor one of\b/.test(text) ? [] : enumsNamed(this.model, text)
      const r = this.render(f, { small: SMALL_HYPERS[wire]?.includes(f.name), enumName: enums.length === 1 ? enumTypeName(enums[0]) : null })
      const pubField = camelName(f.name)
      entry.fields.push(`  ${pubField}: ${r.ts}`)
      entry.body.push(`${pubField}: ${r.conv ? r.conv(`w.${f.name}`) : `w.${f.name}`}`)
    }
    const mod = /** @type {{ module: string }} */ (this.model.types.get(wire)).module
    const file = /** @type {import('./model.mjs').ModelFile} */ (this.model.files.find((x) => x.module === mod))
    this.imports.add(`../${moduleFiles(file).types.replace(/\.ts$/, '.js')}`, pascalCase(wire), true)
    return name
  }

  /** @returns {{ path: string, text: string }[]} the public interfaces, and their converters (internal) */
  emit() {
    const types = [
      banner(this.model.version),
      '// Layer 5 (typed API, generated). The public types of structured results: camelCase fields, enum-typed where the',
      '// C struct documents an enum. Their converters from the wire structs are in convert.gen.ts.',
      '',
      ...this.imports.lines().filter((l) => l.includes("'../constants.gen.js'")),
      '',
    ]
    const conv = [
      banner(this.model.version),
      '// Layer 5 (typed API, generated). Wire struct → public type (types.gen.ts), for the generated methods.',
      '',
      ...this.imports.lines().filter((l) => !l.includes("'../constants.gen.js'")),
    ]
    const all = [...this.structs.values()].sort((a, b) => byCode(a.name, b.name))
    const enumTypes = this.imports.map.get('../constants.gen.js')
    if (enumTypes) conv.push(`import type { ${[...enumTypes.keys()].sort(byCode).join(', ')} } from '../constants.gen.js'`)
    conv.push(`import type { ${all.map((e) => e.name).join(', ')} } from './types.gen.js'`, '')
    for (const e of all) {
      types.push(`/** One \`${e.name}\` as the typed API returns it. */`, `export interface ${e.name} {`, ...e.fields, '}', '')
      conv.push(`export function to${e.name}(w: ${pascalCase(e.wire)}): ${e.name} {`, `  return { ${e.body.join(', ')} }`, '}', '')
    }
    return [
      { path: 'api/types.gen.ts', text: types.join('\n').replace(/\n\n\n/, '\n\n') },
      { path: 'api/convert.gen.ts', text: conv.join('\n') },
    ]
  }
}
