#!/usr/bin/env node
// Enforces docs/architecture.md: each module under src/ imports only from its own layer or the
// layers below, with no exception; the sans-I/O layers import no
// I/O or timer modules. Dev-only (never shipped). Exit 0 when clean, 1 with one line per offence.
// Usage: node scripts/check-layers.mjs [SRC_DIR]   (default: src/ next to this script)

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Rank of each unit: a unit may import from units of lower or equal rank. A unit is a folder
 * under src/ (src/generated/api apart from src/generated) or one top-level file. The numbers
 * follow the table in docs/architecture.md.
 */
export const RANKS = {
  'dispose-symbol.ts': 0, //  Symbol.asyncDispose on Node 20.0–20.3; imports nothing
  'xdr': 0,
  'json.ts': 0, //             toJson/jsonReplacer: imports nothing
  'generated': 1, //            tables, codecs, constants; procedure.ts and codec-support.ts (hand-written)
  'errors.ts': 1.5, //          LibvirtError: imports generated constants, imported by every layer above
  'core': 2,
  'transport': 3,
  'client': 4,
  'auth': 4.2, //               SASL: a plug-in of the client (registerSaslAuthenticator), above it
  'streams': 4.5, //            4b: on the RPC client alone
  'events': 4.8, //             EventConnection: the RPC client plus event routing; the API's Connection builds on it
  'api': 5,
  'generated/api': 5, //        generated method bodies of the API classes
  'connect.ts': 5, //           connect(): RPC client + SASL → api Connection
  'admin': 5, //                connectAdmin(): the admin program's connection, servers and clients
  'managed': 7,
  'index.ts': 8, //             the public surface
  'protocol.ts': 8, //          libvirt-async/protocol: the raw procedure tables
  'testing': 9, //              may import the public surface only (see TESTING_MAY_IMPORT)
  'cli': 10,
}

/** src/testing is shipped as `libvirt-async/testing` and uses the library as a user would. */
export const TESTING_MAY_IMPORT = ['index.ts', 'dispose-symbol.ts']

/** Sans-I/O layers: no sockets, processes, files or timers. */
const NO_IO_UNITS = new Set(['xdr', 'generated', 'core'])
const IO_MODULES = /^(node:)?(net|tls|dgram|child_process|fs|fs\/promises|timers|timers\/promises|http|https|worker_threads)$/

const IMPORT_RE = /(?:^|[\s;}])(?:import|export)\s+(?:type\s+)?(?:[\w*${},\s]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g

/** The unit of a path relative to src/ ('generated/api', 'core', 'errors.ts', …). */
export function unitOf(rel) {
  const parts = rel.split('/')
  if (parts.length === 1) return parts[0]
  if (parts[0] === 'generated' && parts[1] === 'api') return 'generated/api'
  return parts[0]
}

/** Strips comments so that an import shown in a doc comment does not count. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
}

function listTs(dir) {
  const out = []
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) out.push(...listTs(p))
    else if (p.endsWith('.ts') && !p.endsWith('.d.ts')) out.push(p)
  }
  return out
}

/** Every offence under `srcDir`, as readable lines (empty when the layering holds). */
export function checkLayers(srcDir) {
  const offences = []
  for (const file of listTs(srcDir).sort()) {
    const rel = relative(srcDir, file).split(sep).join('/')
    const from = unitOf(rel)
    if (!(from in RANKS)) {
      offences.push(`${rel}: unit '${from}' is not in the layer table (scripts/check-layers.mjs, docs/architecture.md)`)
      continue
    }
    for (const m of stripComments(readFileSync(file, 'utf8')).matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2]
      if (!spec.startsWith('.')) {
        if (NO_IO_UNITS.has(from) && IO_MODULES.test(spec)) offences.push(`${rel}: sans-I/O layer '${from}' imports '${spec}'`)
        continue
      }
      const target = relative(srcDir, resolve(dirname(file), spec)).split(sep).join('/').replace(/\.js$/, '.ts')
      if (target.startsWith('..')) {
        offences.push(`${rel}: imports '${spec}' from outside src/`)
        continue
      }
      const to = unitOf(target)
      if (to === from) continue
      if (!(to in RANKS)) {
        offences.push(`${rel}: imports '${spec}', unit '${to}' is not in the layer table`)
        continue
      }
      if (from === 'testing') {
        if (!TESTING_MAY_IMPORT.includes(target)) offences.push(`${rel}: src/testing may import only the public surface (src/index.ts), not '${target}'`)
        continue
      }
      if (RANKS[to] > RANKS[from]) {
        offences.push(`${rel}: layer '${from}' (${RANKS[from]}) imports '${target}' from the higher layer '${to}' (${RANKS[to]})`)
      }
    }
  }
  return offences
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '../src'))
  const offences = checkLayers(srcDir)
  for (const o of offences) console.error(`check-layers: ${o}`)
  if (offences.length > 0) process.exit(1)
  console.log(`check-layers: ${listTs(srcDir).length} modules follow docs/architecture.md`)
}
