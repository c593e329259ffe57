// The public surface speaks TypeScript, not the wire (issue 16): no protocol struct name
// (`Remote…Args`, `Remote…Ret`, `RemoteNonnull…`, …) in the type of anything the package root
// exports, and no snake_case parameter or result field of ours. Read with the TypeScript compiler
// from the built declarations, as a user's editor would. The raw protocol (`REMOTE_PROCEDURES` and
// friends, for `conn.call()`) shows wire structs on purpose, so it lives in its own entry point,
// `libvirt-async/protocol` (src/protocol.ts), which is not checked here.

import assert from 'node:assert/strict'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import ts from 'typescript'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const RAW_PROTOCOL = ['REMOTE_PROCEDURES', 'QEMU_PROCEDURES', 'LXC_PROCEDURES', 'ADMIN_PROCEDURES']
const WIRE_NAME = /\b(Remote|Qemu|Lxc|Admin|Keepalive|VirNet)[A-Z]\w*(Args|Ret|Msg)\b|\bRemote(Nonnull|TypedParam|String)\w*/
// libvirt's own strings (typed-parameter keys such as `hard_limit`) are quoted; our names are not.
const SNAKE_PARAM = /[(,]\s*([a-z]+_[a-z_]+)\??:/
const SNAKE_FIELD = /[{;]\s*([a-z]+_[a-z_]+)\??:/

test('no wire type names and no snake_case names in the types of the package root exports', () => {
  const index = join(REPO, 'dist/src/index.d.ts')
  const program = ts.createProgram([index], { strict: true, skipLibCheck: true, types: ['node'] })
  const checker = program.getTypeChecker()
  const sf = program.getSourceFile(index)
  assert.ok(sf, 'dist/src/index.d.ts exists (build first)')
  const moduleSymbol = checker.getSymbolAtLocation(sf)!
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias
  const offences: string[] = []
  const ours = new Set(checker.getExportsOfModule(moduleSymbol).map((e) => e.name)) // e.g. QemuMonitorEventArgs is a name of ours
  const look = (where: string, text: string): void => {
    const w = WIRE_NAME.exec(text)
    if (w && !ours.has(w[0])) offences.push(`${where}: wire type ${w[0]} in ${text.slice(0, 200)}`)
    const p = SNAKE_PARAM.exec(text) ?? SNAKE_FIELD.exec(text)
    if (p) offences.push(`${where}: snake_case name ${p[1]} in ${text.slice(0, 200)}`)
  }
  let checked = 0
  for (const name of RAW_PROTOCOL) assert.ok(!ours.has(name), `${name} belongs to libvirt-async/protocol, not the root`)
  for (const exp of checker.getExportsOfModule(moduleSymbol)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp
    const decl = sym.declarations?.[0]
    if (!decl) continue
    const types: ts.Type[] = []
    if (sym.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) types.push(checker.getDeclaredTypeOfSymbol(sym))
    if (sym.flags & (ts.SymbolFlags.Value)) types.push(checker.getTypeOfSymbolAtLocation(sym, decl))
    for (const t of types) {
      checked++
      look(exp.name, checker.typeToString(t, undefined, flags))
      for (const prop of checker.getPropertiesOfType(t)) {
        if (exp.name === 'ConnectionBase' || prop.name === 'call' || prop.name === 'wire') continue // the raw protocol call
        const pt = checker.getTypeOfSymbolAtLocation(prop, decl)
        look(`${exp.name}.${prop.name}`, checker.typeToString(pt, undefined, flags))
      }
    }
  }
  assert.ok(checked > 100, `looked at ${checked} exported types`)
  assert.deepEqual(offences, [])
})

test('libvirt-async/protocol exports the raw tables (intentionally wire-typed)', async () => {
  const protocol = await import(join(REPO, 'dist/src/protocol.js')) as Record<string, unknown>
  for (const name of RAW_PROTOCOL) assert.equal(typeof protocol[name], 'object', name)
})
