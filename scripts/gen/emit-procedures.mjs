// Generator (dev-only). Emits one procedure table per program (`<module>-procedures.gen.ts`)
// and procedures.gen.ts, which gathers the tables, the program/version numbers and a lookup
// map by (program, procedure) number.

import { Imports, banner, numLiteral } from './emit-util.mjs'
import { docPage, pascalCase } from './naming.mjs'
import { moduleFiles } from './emit-program.mjs'

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
    '/** Descriptor of every procedure, by program number, then procedure number. */',
    'export const PROCEDURES_BY_NUMBER: ReadonlyMap<number, ReadonlyMap<number, ProcedureDescriptor>> = new Map([',
    ...model.programs.map((p) => `  [${p.prefix}_PROGRAM, byNumber(${p.prefix}_PROCEDURES)],`),
    '])',
    '',
    '/** Version of every program, by program number. */',
    'export const PROGRAM_VERSIONS: ReadonlyMap<number, number> = new Map([',
    ...model.programs.map((p) => `  [${p.prefix}_PROGRAM, ${p.prefix}_PROTOCOL_VERSION],`),
    '])',
    '',
  )
  out.push({ path: 'procedures.gen.ts', text: lines.join('\n') })
  return out
}

/**
 * @param {import('./model.mjs').Model} model
 * @param {import('./model.mjs').Program} prog
 * @param {Map<string, { main: string, types: string, codecs: string }>} byModule
 */
function emitProgramTable(model, prog, byModule) {
  const imp = new Imports()
  imp.add('./procedure.js', 'ProcedureDescriptor', true)
  const here = /** @type {{ types: string }} */ (byModule.get(prog.module)).types.replace(/\.ts$/, '.js')
  imp.add(`./${here}`, `${prog.prefix}_PROGRAM`, false)
  imp.add(`./${here}`, `${prog.prefix}_PROTOCOL_VERSION`, false)
  /** @param {string | null} xdr */
  const codecs = (xdr) => {
    if (xdr === null) return null
    const e = model.types.get(xdr)
    if (!e) throw new Error(`unknown ${xdr}`)
    const files = /** @type {{ types: string, codecs: string }} */ (byModule.get(e.module))
    const T = pascalCase(xdr)
    imp.add(`./${files.types.replace(/\.ts$/, '.js')}`, T, true)
    imp.add(`./${files.codecs.replace(/\.ts$/, '.js')}`, `encode${T}`, false)
    imp.add(`./${files.codecs.replace(/\.ts$/, '.js')}`, `decode${T}`, false)
    const fields = e.def.kind === 'struct' ? e.def.fields.flatMap((f) => ('void' in f ? [] : [f.name])) : []
    return { T, fields }
  }
  const body = []
  for (const p of prog.procedures) {
    const a = codecs(p.args)
    const r = codecs(p.ret)
    const doc = [`\`${p.name}\` (${prog.prefix}_PROGRAM procedure ${p.number}).`]
    if (p.cFunction) doc.push(`C API: [${p.cFunction.name}](${docPage(p.cFunction.header)}#${p.cFunction.name}).`)
    if (p.isEvent) doc.push('Event message sent by the daemon; `decodeArgs` reads its payload.')
    if (p.stream !== 'none') doc.push(`Opens a ${p.stream === 'both' ? 'bidirectional' : p.stream} stream.`)
    body.push(
      `/** ${doc.join(' ')} */`,
      `const ${p.key}: ProcedureDescriptor<${a ? a.T : 'void'}, ${r ? r.T : 'void'}> = {`,
      `  program: ${prog.prefix}_PROGRAM,`,
      `  version: ${prog.prefix}_PROTOCOL_VERSION,`,
      `  procedure: ${p.number},`,
      `  name: '${p.name}',`,
      `  cFunction: ${p.cFunction ? `'${p.cFunction.name}'` : 'null'},`,
      `  encodeArgs: ${a ? `encode${a.T}` : 'null'},`,
      `  decodeArgs: ${a ? `decode${a.T}` : 'null'},`,
      `  encodeRet: ${r ? `encode${r.T}` : 'null'},`,
      `  decodeRet: ${r ? `decode${r.T}` : 'null'},`,
      `  priority: ${p.priority},`,
      `  stream: '${p.stream}',`,
      `  sparseFlag: ${p.sparseFlag ? `'${p.sparseFlag}'` : 'null'},`,
      `  acl: [${p.acl.map((x) => `'${x}'`).join(', ')}],`,
      `  generate: '${p.generate}',`,
      `  argNames: [${(a?.fields ?? []).map((x) => `'${x}'`).join(', ')}],`,
      `  retNames: [${(r?.fields ?? []).map((x) => `'${x}'`).join(', ')}],`,
      '}',
      '',
    )
  }
  const text = [
    banner(model.version),
    `// Layer 1 (generated protocol). Procedure table of the ${prog.name} program (${numLiteral(prog.program, prog.programText)}, version ${prog.version}):`,
    '// numbers, codecs of the argument and return structs, stream direction, priority and ACLs.',
    '',
    ...imp.lines(),
    '',
    ...body,
    `/** Every procedure of the ${prog.name} program, by name without the \`${prog.prefix}_PROC_\` prefix. */`,
    `export const ${prog.prefix}_PROCEDURES = {`,
    ...prog.procedures.map((p) => `  ${p.key},`),
    '} as const',
    '',
  ].join('\n')
  return { path: `${prog.module}-procedures.gen.ts`, text }
}
