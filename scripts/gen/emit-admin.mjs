// Generator (dev-only). The admin program (virt-admin's protocol, src/admin/admin_protocol.x):
// its own small model beside the main one, so the main model's programs and tables stay as they
// are. Emits admin.gen.ts (XDR types and codecs), admin-procedures.gen.ts (ADMIN_PROCEDURES) and
// admin-api.gen.ts (ADMIN_API: the public method each procedure becomes, by the naming rule, and
// the libvirt release that added it).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { banner } from './emit-util.mjs'
import { emitPrograms } from './emit-program.mjs'
import { emitProcedures } from './emit-procedures.mjs'
import { buildModel } from './model.mjs'
import { docPage, matchKey } from './naming.mjs'

/** Where the admin protocol lives in a libvirt tree, and the C file whose doc comments carry `Since:`. */
export const ADMIN_XDR = { module: 'admin', path: 'src/admin/admin_protocol.x', split: false }
const ADMIN_C = 'src/admin/libvirt-admin.c'

/** Receiver class of each virAdm handle type (the C function's first parameter). */
const RECEIVERS = { virAdmConnectPtr: 'AdminConnection', virAdmServerPtr: 'AdminServer', virAdmClientPtr: 'AdminClient' }
/** Name part dropped for each receiver after `virAdm` (SPEC §3 naming rule). */
const PREFIX = { AdminConnection: 'Connect', AdminServer: 'Server', AdminClient: 'Client' }
/** Opening and closing the connection are internal (SPEC §2a), like the remote program's. */
const INTERNAL = new Set(['CONNECT_OPEN', 'CONNECT_CLOSE'])

/**
 * The admin program's model, or null when the tree has no admin protocol.
 * @param {string} srcDir libvirt tree
 * @param {import('./model.mjs').Model} main the main model (for its headers and version)
 */
export function loadAdminModel(srcDir, main) {
  let text
  try {
    text = readFileSync(join(srcDir, ADMIN_XDR.path), 'utf8')
  } catch {
    return null
  }
  const model = buildModel({ version: main.version, headers: main.headers, xdr: [{ ...ADMIN_XDR, text }] })
  const since = sinceVersions(srcDir)
  const fnByKey = new Map(main.functions.filter((f) => f.name.startsWith('virAdm')).map((f) => [matchKey(f.name), f]))
  for (const prog of model.programs) {
    for (const p of prog.procedures) {
      const fn = fnByKey.get(`viradm${matchKey(p.key)}`)
      Object.assign(p, { cFunction: fn ? { name: fn.name, header: fn.header, params: fn.params, since: since.get(fn.name) ?? null } : null })
    }
  }
  return model
}

// `Since: X.Y.Z` of each virAdm function, from the doc comment right before its definition.
function sinceVersions(srcDir) {
  const out = new Map()
  let text = ''
  try {
    text = readFileSync(join(srcDir, ADMIN_C), 'utf8')
  } catch {
    return out
  }
  for (const m of text.matchAll(/\* Since: (\d+\.\d+\.\d+)\s*\n\s*\*\/\s*\n(?:[^\n(]*\n)?[^\n(]*?\b(virAdm\w+)\(/g)) out.set(m[2], m[1])
  return out
}

/**
 * @param {import('./model.mjs').Model & { admin?: import('./model.mjs').Model | null }} model
 * @returns {{ path: string, text: string }[]}
 */
export function emitAdmin(model) {
  const admin = model.admin
  if (!admin) return []
  const files = [...emitPrograms(admin), ...emitProcedures(admin).filter((f) => f.path !== 'procedures.gen.ts')]
  files.push({ path: 'admin-api.gen.ts', text: emitAdminApi(admin) })
  return files
}

/** @param {string | null | undefined} v */
const q = (v) => (v == null ? 'null' : `'${v}'`)

/** @param {import('./model.mjs').Model} admin */
function emitAdminApi(admin) {
  const prog = admin.programs.find((p) => p.name === 'admin')
  if (!prog) throw new Error('admin_protocol.x has no admin program')
  const rows = []
  for (const p of prog.procedures) {
    const fn = /** @type {any} */ (p.cFunction)
    if (INTERNAL.has(p.key)) {
      rows.push(`  ${p.key}: { method: null, receiver: null, cFunction: ${q(fn?.name)}, since: ${q(fn?.since)}, doc: null },`)
      continue
    }
    if (!fn) throw new Error(`admin procedure ${p.name} matches no virAdm function`)
    const receiver = RECEIVERS[/** @type {keyof typeof RECEIVERS} */ (fn.params[0]?.type)]
    if (!receiver) throw new Error(`${fn.name}: first parameter ${fn.params[0]?.type} is no admin handle`)
    const rest = fn.name.slice('virAdm'.length)
    const prefix = PREFIX[receiver]
    if (!rest.startsWith(prefix)) throw new Error(`${fn.name} lacks the ${prefix} prefix of ${receiver}`)
    const base = rest.slice(prefix.length)
    const method = base[0].toLowerCase() + base.slice(1)
    const doc = `${docPage(fn.header)}#${fn.name}`
    rows.push(`  ${p.key}: { method: '${method}', receiver: '${receiver}', cFunction: '${fn.name}', since: ${q(fn.since)}, doc: '${doc}' },`)
  }
  return [
    banner(admin.version),
    '// Layer 1 (generated protocol). The admin program (virt-admin) as API: for each procedure, the method',
    '// that exposes it (libvirt\'s C name without `virAdm` and the receiver\'s prefix, first letter lower-cased),',
    '// its class, and the libvirt release that added it (for version gating). Internal procedures have no method.',
    '',
    '/** One admin procedure as the public API exposes it. */',
    'export interface AdminApiEntry {',
    '  readonly method: string | null',
    "  readonly receiver: 'AdminConnection' | 'AdminServer' | 'AdminClient' | null",
    '  readonly cFunction: string | null',
    '  /** libvirt release that added the C function (`Since:`), e.g. `11.2.0`. */',
    '  readonly since: string | null',
    '  readonly doc: string | null',
    '}',
    '',
    '/** Every admin procedure by its key (`ADMIN_PROC_<key>`). */',
    'export const ADMIN_API = {',
    ...rows,
    '} as const satisfies Record<string, AdminApiEntry>',
    '',
  ].join('\n')
}
