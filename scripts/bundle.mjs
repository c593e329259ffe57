// Build step 2 (after tsc): the package as users import it. Node 20's ESM loader costs about
// 0.35 ms per module and tsc emits one module per source file (~100 behind the main entry), so
// the public entry points and the CLI are bundled by esbuild into a few ES modules, split so that
// code shared between entries lives in shared chunks (one LibvirtError class for `.`, `./testing`,
// `./xdr`, `./protocol`) and what the library loads with import() (transports, SASL, admin, CLI
// commands) stays in chunks of its own, loaded on first use.
//
// Input is tsc's JavaScript (dist/src), not the .ts sources: the bundle holds exactly the code the
// tests run. Output: dist/bundle/{index,testing,xdr,protocol,cli}.js + dist/bundle/chunks/*.js;
// the build's metafile (which source went where) goes to dist/bundle-meta.json, not shipped.
// Types stay tsc's .d.ts under dist/src.
//
// Usage: node scripts/bundle.mjs [distDir]   (default: dist next to this script's repository)

import { build } from 'esbuild'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const dist = resolve(process.argv[2] ?? join(REPO, 'dist'))
const src = join(dist, 'src')
const out = join(dist, 'bundle')

/** Public entry (file name in dist/bundle) → tsc output it starts from. */
export const ENTRIES = {
  index: 'index.js',
  testing: 'testing/index.js',
  xdr: 'xdr/index.js',
  protocol: 'protocol.js',
  cli: 'cli/main.js',
}

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

const result = await build({
  absWorkingDir: dist,
  entryPoints: Object.entries(ENTRIES).map(([name, file]) => ({ in: join(src, file), out: name })),
  outdir: out,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // node:* and every other bare import stays an import (we have no runtime dependencies; a
  // package import sneaking in is caught below)
  packages: 'external',
  // Names stay: no identifier minification, and where two modules' top-level names collide in a
  // chunk, keepNames restores the original `.name` (error names, stack traces, callerStack frames).
  keepNames: true,
  minifyIdentifiers: false,
  minifySyntax: false,
  // Comments are dropped anyway by the bundler (tsc keeps them); whitespace stays so stack traces
  // have useful line numbers — minifying it measured no difference in import time (see CHANGELOG).
  minifyWhitespace: false,
  legalComments: 'none',
  // No source maps: the bundle is unminified, named code whose frames read as they are; maps
  // would point into .ts sources the package does not ship, and Node applies them only with
  // --enable-source-maps.
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
})

// Every input must be one of our compiled modules: no stray dependency inside the bundle.
const strays = Object.keys(result.metafile.inputs).filter((p) => !resolve(dist, p).startsWith(src + sep))
if (strays.length > 0) {
  console.error(`bundle: inputs outside ${relative(REPO, src)}: ${strays.join(', ')}`)
  process.exit(1)
}
writeFileSync(join(dist, 'bundle-meta.json'), JSON.stringify(result.metafile, null, 1))
