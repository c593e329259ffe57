// Generator (dev-only). Builds the one model every emitter reads: the parsed XDR programs with
// their types and procedures (annotations, stream direction, matching C function) and the
// public headers' constants and functions. Pure data, no output.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseHeaders } from './parse-headers.mjs'
import { parseXdr } from './parse-xdr.mjs'
import { emptyDocs, parseDocs } from './parse-docs.mjs'
import { matchKey, procedureFunctionKey } from './naming.mjs'
import { STREAM_OVERRIDES, UUID_TYPEDEFS, XDR_FILES } from './overrides.mjs'

/**
 * @typedef {import('./parse-xdr.mjs').Definition} Definition
 * @typedef {{ def: Exclude<Definition, { kind: 'const' }>, module: string }} TypeEntry
 * @typedef {{
 *   name: string, key: string, number: number, annotations: Record<string, string[]>,
 *   args: string | null, ret: string | null, isEvent: boolean,
 *   cFunction: { name: string, header: string } | null,
 *   stream: 'none' | 'read' | 'write' | 'both', priority: boolean, sparseFlag: string | null,
 *   acl: string[], aclFilter: string[], generate: string
 * }} Procedure
 * @typedef {{ name: string, prefix: string, module: string, program: number, programText: string, version: number, procedures: Procedure[] }} Program
 * @typedef {{ module: string, path: string, split: boolean, definitions: Definition[] }} ModelFile
 * @typedef {{
 *   version: string, files: ModelFile[], types: Map<string, TypeEntry>, xdrConstants: Map<string, { value: number, module: string }>,
 *   programs: Program[], procedures: (Procedure & { program: string })[], constants: Map<string, number>,
 *   headers: import('./parse-headers.mjs').HeaderModel,
 *   functions: import('./parse-headers.mjs').HeaderFunction[], uuidTypedefs: ReadonlySet<string>,
 *   docs: import('./parse-docs.mjs').DocModel
 * }} Model
 */

/**
 * Read libvirt's version from its top-level meson.build.
 * @param {string} dir
 */
export function readLibvirtVersion(dir) {
  const m = /version:\s*'([0-9.]+)'/.exec(readFileSync(join(dir, 'meson.build'), 'utf8'))
  if (!m) throw new Error(`no version in ${join(dir, 'meson.build')}`)
  return m[1]
}

/**
 * Load and cross-link everything the emitters need from a libvirt source tree.
 * @param {string} libvirtSrcDir
 * @returns {Model}
 */
export function loadModel(libvirtSrcDir) {
  const headers = parseHeaders(join(libvirtSrcDir, 'include/libvirt'))
  const inputs = XDR_FILES.map((f) => ({ ...f, text: readFileSync(join(libvirtSrcDir, f.path), 'utf8') }))
  const model = buildModel({ version: readLibvirtVersion(libvirtSrcDir), headers, xdr: inputs, docs: parseDocs(libvirtSrcDir) })
  // A stale override (procedure renamed or removed upstream) must not pass silently.
  for (const name of Object.keys(STREAM_OVERRIDES)) {
    if (!model.programs.some((p) => p.procedures.some((q) => q.name === name))) throw new Error(`stream override for unknown procedure ${name}`)
  }
  return model
}

/**
 * Build the model from already-read inputs (exposed for tests).
 * @param {{ version: string, headers: import('./parse-headers.mjs').HeaderModel, xdr: { module: string, path: string, split: boolean, text: string }[], docs?: import('./parse-docs.mjs').DocModel }} input
 * @returns {Model}
 */
export function buildModel({ version, headers, xdr, docs = emptyDocs() }) {
  /** @type {Map<string, number>} */
  const known = new Map(headers.constants)
  /** @type {Map<string, { value: number, module: string }>} */
  const xdrConstants = new Map()
  /** @type {Map<string, TypeEntry>} */
  const types = new Map()
  /** @type {ModelFile[]} */
  const files = []
  for (const f of xdr) {
    const parsed = parseXdr(f.text, { constants: known, file: f.path })
    for (const [k, v] of parsed.constants) {
      known.set(k, v)
      xdrConstants.set(k, { value: v, module: f.module })
    }
    for (const d of parsed.definitions) {
      if (d.kind === 'const') continue
      if (types.has(d.name)) throw new Error(`${f.path}: type ${d.name} already defined in ${types.get(d.name)?.module}`)
      types.set(d.name, { def: d, module: f.module })
    }
    files.push({ module: f.module, path: f.path, split: f.split, definitions: parsed.definitions })
  }
  checkReferences(types)
  for (const u of UUID_TYPEDEFS) {
    const t = types.get(u)
    if (t && (t.def.kind !== 'typedef' || !('type' in t.def.decl) || t.def.decl.shape !== 'fixed' || t.def.decl.size !== 16))
      throw new Error(`${u} is expected to be opaque[16]`)
  }

  /** @type {Map<string, import('./parse-headers.mjs').HeaderFunction>} */
  const fnByKey = new Map()
  for (const fn of headers.functions) fnByKey.set(matchKey(fn.name), fn)

  /** @type {Program[]} */
  const programs = []
  for (const f of files) {
    for (const d of f.definitions) {
      if (d.kind !== 'enum' || !d.name.endsWith('_procedure')) continue
      const name = d.name.slice(0, -'_procedure'.length)
      const prefix = name.toUpperCase()
      const progConst = f.definitions.find((c) => c.kind === 'const' && c.name === `${prefix}_PROGRAM`)
      const verConst = f.definitions.find((c) => c.kind === 'const' && c.name === `${prefix}_PROTOCOL_VERSION`)
      if (!progConst || progConst.kind !== 'const' || !verConst || verConst.kind !== 'const') throw new Error(`${f.path}: ${prefix}_PROGRAM / ${prefix}_PROTOCOL_VERSION missing`)
      const procPrefix = `${prefix}_PROC_`
      const procedures = d.members.map((m) => {
        if (!m.name.startsWith(procPrefix)) throw new Error(`${f.path}: procedure ${m.name} lacks the ${procPrefix} prefix`)
        const key = m.name.slice(procPrefix.length)
        const base = `${name}_${key.toLowerCase()}`
        const msg = types.has(`${base}_msg`) ? `${base}_msg` : null
        const args = types.has(`${base}_args`) ? `${base}_args` : msg
        if (msg && types.has(`${base}_args`)) throw new Error(`${m.name} has both _args and _msg structs`)
        const ret = types.has(`${base}_ret`) ? `${base}_ret` : null
        const a = m.annotations
        const fn = fnByKey.get(procedureFunctionKey(name, key)) ?? null
        /** @type {'none' | 'read' | 'write' | 'both'} */
        let stream = a.readstream && a.writestream ? 'both' : a.readstream ? 'read' : a.writestream ? 'write' : 'none'
        if (Object.hasOwn(STREAM_OVERRIDES, m.name)) stream = STREAM_OVERRIDES[m.name]
        return {
          name: m.name,
          key,
          number: m.value,
          annotations: a,
          args,
          ret,
          isEvent: msg !== null,
          cFunction: fn ? { name: fn.name, header: fn.header } : null,
          stream,
          priority: (a.priority ?? []).includes('high'),
          sparseFlag: a.sparseflag?.[0] ?? null,
          acl: a.acl ?? [],
          aclFilter: a.aclfilter ?? [],
          generate: a.generate?.[0] ?? 'none',
        }
      })
      programs.push({ name, prefix, module: f.module, program: progConst.value, programText: progConst.text, version: verConst.value, procedures })
    }
  }
  return {
    version,
    files,
    types,
    xdrConstants,
    programs,
    procedures: programs.flatMap((p) => p.procedures.map((q) => ({ ...q, program: p.name }))),
    constants: known,
    headers,
    functions: headers.functions,
    uuidTypedefs: UUID_TYPEDEFS,
    docs,
  }
}

/** Every referenced type name must be defined somewhere. @param {Map<string, TypeEntry>} types */
function checkReferences(types) {
  /** @param {import('./parse-xdr.mjs').Declaration} d @param {string} where */
  const check = (d, where) => {
    if ('void' in d) return
    if (d.type.kind === 'ref' && !types.has(d.type.name)) throw new Error(`${where}: unknown type ${d.type.name}`)
  }
  for (const [name, { def }] of types) {
    if (def.kind === 'struct') for (const f of def.fields) check(f, name)
    if (def.kind === 'typedef') check(def.decl, name)
    if (def.kind === 'union') {
      check(def.discriminant, name)
      for (const a of def.arms) check(a.decl, name)
      if (def.defaultArm) check(def.defaultArm, name)
    }
  }
}
