// Generator (dev-only). Emits one procedure table per program (`<module>-procedures.gen.ts`)
// and procedures.gen.ts, which gathers the tables, the program/version numbers and a lookup
// map by (program, procedure) number.

import { Imports, banner, multilineString, numLiteral } from './emit-util.mjs'
import { docPage, pascalCase } from './naming.mjs'
import { codecSetNames, moduleFiles } from './emit-program.mjs'

/** @param {import('./model.mjs').Model} model @returns {{ path: string, text: string }[]} */
export function emitProcedures(model) {
  const out = []
  const byModule = new Map(model.files.map((f) => [f.module, moduleFiles(f)]))
  for (const prog of model.programs) out.push(emitProgramTable(model, prog, byModule))

  const lines = [
    banner(model.version),
    '// Layer 1 (generated protocol). Every program of the protocol: its number, version and procedure',
    '// table, and PROCEDURES_BY_NUMBER to find a descriptor from the numbers in a message header.',
    '',
    "import type { ProcedureDescriptor } from './procedure.js'",
  ]
  for (const p of model.programs) {
    const f = `./${p.module}-procedures.gen.js`
    lines.push(`import { ${p.prefix}_PROCEDURES } from '${f}'`)
  }
  for (const p of model.programs) {
    const f = /** @type {{ types: string }} */ (byModule.get(p.module)).types.replace(/\.ts$/, '.js')
    lines.push(`import { ${p.prefix}_PROGRAM, ${p.prefix}_PROTOCOL_VERSION } from './${f}'`)
  }
  lines.push('')
  for (const p of model.programs) {
    const f = /** @type {{ types: string }} */ (byModule.get(p.module)).types.replace(/\.ts$/, '.js')
    lines.push(`export { ${p.prefix}_PROCEDURES } from './${p.module}-procedures.gen.js'`)
    lines.push(`export { ${p.prefix}_PROGRAM, ${p.prefix}_PROTOCOL_VERSION } from './${f}'`)
  }
  lines.push(
    '',
    '// The tables are typed per procedure; erase that here (any is safe: descriptors are only read).',
    '// eslint-disable-next-line @typescript-eslint/no-explicit-any',
    'function byNumber(table: Readonly<Record<string, ProcedureDescriptor<any, any>>>): ReadonlyMap<number, ProcedureDescriptor> {',
    '  const m = new Map<number, ProcedureDescriptor>()',
    '  for (const d of Object.values(table)) m.set(d.procedure, d)',
    '  return m',
    '}',
    '',
    '// Pure (no side effects): a bundle that does not use these maps drops them (the library does not;',
    '// building them walked every descriptor at import).',
    '/** Descriptor of every procedure, by program number, then procedure number. */',
    'export const PROCEDURES_BY_NUMBER: ReadonlyMap<number, ReadonlyMap<number, ProcedureDescriptor>> = /* @__PURE__ */ new Map([',
    ...model.programs.map((p) => `  [${p.prefix}_PROGRAM, /* @__PURE__ */ byNumber(${p.prefix}_PROCEDURES)],`),
    '])',
    '',
    '/** Version of every program, by program number. */',
    'export const PROGRAM_VERSIONS: ReadonlyMap<number, number> = /* @__PURE__ */ new Map([',
    ...model.programs.map((p) => `  [${p.prefix}_PROGRAM, ${p.prefix}_PROTOCOL_VERSION],`),
    '])',
    '',
  )
  out.push({ path: 'procedures.gen.ts', text: lines.join('\n') })
  return out
}

/**
 * A program's table: its type (type-only, one member per procedure with its doc) and compact rows
 * the runtime (procedure-table.ts) turns into descriptors at import, codecs resolved on first use.
 * @param {import('./model.mjs').Model} model
 * @param {import('./model.mjs').Program} prog
 * @param {Map<string, { main: string, types: string, codecs: string }>} byModule
 */
function emitProgramTable(model, prog, byModule) {
  const imp = new Imports()
  imp.add('./procedure.js', 'ProcedureDescriptor', true)
  imp.add('./procedure-table.js', 'procedureTable', false)
  const here = /** @type {{ types: string }} */ (byModule.get(prog.module)).types.replace(/\.ts$/, '.js')
  imp.add(`./${here}`, `${prog.prefix}_PROGRAM`, false)
  imp.add(`./${here}`, `${prog.prefix}_PROTOCOL_VERSION`, false)
  /** @type {string | null} */
  let codecSet = null
  /** @param {string | null} xdr */
  const codecs = (xdr) => {
    if (xdr === null) return null
    const e = model.types.get(xdr)
    if (!e) throw new Error(`unknown ${xdr}`)
    // The table resolves codecs through its own program's set (which reaches the sets it uses).
    if (e.module !== prog.module) throw new Error(`${xdr}: a ${prog.name} procedure struct from module ${e.module}`)
    const files = /** @type {{ types: string, codecs: string }} */ (byModule.get(e.module))
    const T = pascalCase(xdr)
    imp.add(`./${files.types.replace(/\.ts$/, '.js')}`, T, true)
    codecSet = codecSetNames(e.module).set
    imp.add(`./${files.codecs.replace(/\.ts$/, '.js')}`, codecSet, false)
    const fields = e.def.kind === 'struct' ? e.def.fields.flatMap((f) => ('void' in f ? [] : [f.name])) : []
    return { T, fields }
  }
  /** A row field: '-' for null, never a space (the separator). @param {string | null} v */
  const field = (v) => {
    if (v === null || v === '') return '-'
    if (/[\s,]/.test(v) || v === '-') throw new Error(`procedure table field ${JSON.stringify(v)} cannot go in a row`)
    return v
  }
  const fieldList = (/** @type {string[]} */ vs) => (vs.length ? vs.map(field).join(',') : '-')
  const members = []
  const rows = []
  for (const p of prog.procedures) {
    if (!p.generate) throw new Error(`${p.name}: no @generate value`)
    if (p.name !== `${prog.prefix}_PROC_${p.key}`) throw new Error(`${p.name}: name is not ${prog.prefix}_PROC_${p.key}`)
    const a = codecs(p.args)
    const r = codecs(p.ret)
    const doc = [`\`${p.name}\` (${prog.prefix}_PROGRAM procedure ${p.number}).`]
    if (p.cFunction) doc.push(`C API: [${p.cFunction.name}](${docPage(p.cFunction.header)}#${p.cFunction.name}).`)
    if (p.isEvent) doc.push('Event message sent by the daemon; `decodeArgs` reads its payload.')
    if (p.stream !== 'none') doc.push(`Opens a ${p.stream === 'both' ? 'bidirectional' : p.stream} stream.`)
    members.push(`  /** ${doc.join(' ')} */`, `  readonly ${p.key}: ProcedureDescriptor<${a ? a.T : 'void'}, ${r ? r.T : 'void'}>`)
    rows.push(
      [
        p.key, String(p.number), field(p.cFunction?.name ?? null), field(p.args ? pascalCase(p.args) : null), field(p.ret ? pascalCase(p.ret) : null),
        p.priority ? '1' : '0', p.stream, field(p.sparseFlag), fieldList(p.acl), field(p.generate), fieldList(a?.fields ?? []), fieldList(r?.fields ?? []),
      ].join(' '),
    )
  }
  const text = [
    banner(model.version),
    `// Layer 1 (generated protocol). Procedure table of the ${prog.name} program (${numLiteral(prog.program, prog.programText)}, version ${prog.version}):`,
    '// numbers, codecs of the argument and return structs, stream direction, priority and ACLs. The type',
    '// below is erased at build; the descriptors are built at import from the rows (procedure-table.ts).',
    '',
    ...imp.lines(),
    '',
    '// Rows: KEY NUMBER C_FUNCTION ARGS_TYPE RET_TYPE PRIORITY STREAM SPARSE_FLAG ACL,... GENERATE ARG,... RET,... (- for none)',
    `/** Every procedure of the ${prog.name} program, by name without the \`${prog.prefix}_PROC_\` prefix. */`,
    `export const ${prog.prefix}_PROCEDURES: {`,
    ...members,
    `} = /* @__PURE__ */ procedureTable(${prog.prefix}_PROGRAM, ${prog.prefix}_PROTOCOL_VERSION, '${prog.prefix}', ${codecSet ?? 'null'}, ${multilineString(rows).join('\n')})`,
    '',
  ].join('\n')
  return { path: `${prog.module}-procedures.gen.ts`, text }
}
