// Issue 16 item 2, swept rather than listed: every `is*` / `has*` method and every `getAutostart*`
// of every class the package root exports resolves to `boolean` (read with the TypeScript compiler
// from the built declarations, as a user's editor would). test/types/idioms-types names a sample;
// this catches a predicate a future libvirt adds whose documentation the generator misreads.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import ts from 'typescript'
import { REPO } from '../helpers/ts-samples.js'

const PREDICATE = /^(is[A-Z]\w*|has[A-Z]\w*|getAutostart\w*)$/

test('every is*/has*/getAutostart* method of the exported classes resolves to boolean', () => {
  const index = join(REPO, 'dist/src/index.d.ts')
  const program = ts.createProgram([index], { strict: true, skipLibCheck: true, types: ['node'] })
  const checker = program.getTypeChecker()
  const sf = program.getSourceFile(index)
  assert.ok(sf, 'dist/src/index.d.ts exists (build first)')
  const offences: string[] = []
  const seen: string[] = []
  for (const exp of checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!)) {
    const sym = exp.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exp) : exp
    if (!(sym.flags & ts.SymbolFlags.Class)) continue
    const decl = sym.declarations?.[0]
    if (!decl) continue
    for (const prop of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(sym))) {
      if (!PREDICATE.test(prop.name)) continue
      for (const sig of checker.getTypeOfSymbolAtLocation(prop, decl).getCallSignatures()) {
        const ret = checker.typeToString(sig.getReturnType())
        seen.push(`${exp.name}.${prop.name}`)
        if (ret !== 'boolean' && ret !== 'Promise<boolean>') offences.push(`${exp.name}.${prop.name}(): ${ret}`)
      }
    }
  }
  // the issue counted 15 predicates that resolved to number; with isAlive, isSecure, isEncrypted, the
  // autostart getters and the classes' own, there are more
  assert.ok(seen.length >= 20, `checked ${seen.length}: ${seen.join(', ')}`)
  assert.deepEqual(offences, [])
})
