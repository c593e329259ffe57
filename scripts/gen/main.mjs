#!/usr/bin/env node
// Generator (dev-only) entry point: `npm run generate [-- --out DIR] [--check]`. Loads the model
// from a libvirt tree and runs every emitter in EMITTERS, writing src/generated/*.gen.ts.
// Output is deterministic: the same tree always gives byte-identical files.

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { emitAdmin, loadAdminModel } from './emit-admin.mjs'
import { emitApi } from './emit-api.mjs'
import { emitConstants } from './emit-constants.mjs'
import { emitEvents } from './emit-events.mjs'
import { emitPrograms } from './emit-program.mjs'
import { emitProcedures } from './emit-procedures.mjs'
import { emitVersion } from './emit-version.mjs'
import { PinnedLibvirtUnavailableError, REPO_ROOT, libvirtSourceDir } from './libvirt-source.mjs'
import { loadModel } from './model.mjs'

/**
 * Every emitter: (model) => [{ path, text }] with paths relative to the output directory.
 * Adding an output is one line here.
 * @type {ReadonlyArray<(model: import('./model.mjs').Model) => { path: string, text: string }[]>}
 */
export const EMITTERS = [emitVersion, emitPrograms, emitProcedures, emitConstants, emitEvents, emitApi, emitAdmin]

/**
 * Generate all files into `outDir`. Stale `*.gen.ts` files there are removed.
 * @param {{ outDir: string, srcDir: string, check?: boolean }} opts
 * @returns {{ written: string[], changed: string[] }}
 */
export function generate({ outDir, srcDir, check = false }) {
  const main = loadModel(srcDir)
  // The admin program is a model of its own (emit-admin.mjs), carried beside the main one.
  const model = Object.assign(main, { admin: loadAdminModel(srcDir, main) })
  /** @type {Map<string, string>} */
  const files = new Map()
  for (const emit of EMITTERS) {
    for (const f of emit(model)) {
      if (files.has(f.path)) throw new Error(`two emitters write ${f.path}`)
      files.set(f.path, f.text)
    }
  }
  const changed = []
  mkdirSync(outDir, { recursive: true })
  const old = new Set(readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((p) => p.endsWith('.gen.ts')))
  for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    old.delete(path)
    const full = join(outDir, path)
    let prev = null
    try {
      prev = readFileSync(full, 'utf8')
    } catch {}
    if (prev === text) continue
    changed.push(path)
    if (!check) {
      mkdirSync(join(full, '..'), { recursive: true })
      writeFileSync(full, text)
    }
  }
  for (const stale of old) {
    changed.push(stale)
    if (!check) rmSync(join(outDir, stale))
  }
  return { written: [...files.keys()].sort(), changed }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('scripts/gen/main.mjs')) {
  const { values } = parseArgs({ options: { out: { type: 'string' }, check: { type: 'boolean' }, quiet: { type: 'boolean' } } })
  const outDir = resolve(values.out ?? join(REPO_ROOT, 'src/generated'))
  let srcDir
  try {
    srcDir = libvirtSourceDir()
  } catch (e) {
    // A pinned tarball that cannot be had is a stop, said plainly, never a fallback.
    if (!(e instanceof PinnedLibvirtUnavailableError)) throw e
    console.error(`npm run generate: ${e.message}`)
    process.exit(1)
  }
  const { written, changed } = generate({ outDir, srcDir, check: values.check })
  if (!values.quiet) console.log(`${written.length} files from ${srcDir} → ${outDir}; ${changed.length} changed${changed.length ? `: ${changed.join(', ')}` : ''}`)
  if (values.check && changed.length) {
    console.error('generated files are out of date: run npm run generate')
    process.exitCode = 1
  }
}
