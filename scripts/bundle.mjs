// Build step 2 (after tsc): the package as users import it. Node 20's ESM loader costs about
// 0.35 ms per module and tsc emits one module per source file (~100 behind the main entry), so
// the public entry points and the CLI are bundled by esbuild into a few ES modules, split so that
// code shared between entries lives in one shared chunk (one LibvirtError class for `.`, `./testing`,
// `./xdr`, `./protocol`; the main entry is itself plus that chunk) and what the library loads with
// import() (transports, SASL, admin, CLI commands) stays in chunks of its own, loaded on first use.
//
// Input is tsc's JavaScript (dist/src), not the .ts sources: the bundle holds exactly the code the
// tests run. Output: dist/bundle/{index,testing,xdr,protocol,cli}.js + dist/bundle/chunks/*.js;
// the build's metafile (which source went where) goes to dist/bundle-meta.json, not shipped.
// Types stay tsc's .d.ts under dist/src.
//
// Usage: node scripts/bundle.mjs [distDir]   (default: dist next to this script's repository)

import { build } from 'esbuild'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  cli: 'cli/bin.js',
}

rmSync(out, { recursive: true, force: true })
mkdirSync(out, { recursive: true })

// One chunk for what the main entry loads: esbuild puts code in one chunk per set of entry points
// that reach it — and every import() target counts as an entry point. So in the bundle only (not
// in tsc's modules) the other entries (./testing, ./xdr, ./protocol) and every module loaded with
// import() (the CLI's main module among them) also import the main entry's module (for no effect: no module of
// ours has side effects, and an import() target is only ever loaded after the main module). Then
// all of the main entry's code is reached by the same set and lands in one chunk, instead of a
// dozen chunks told apart by which lazy parts share them (~0.35 ms of Node's ESM loader each at
// import). The price: ./xdr and ./protocol load the whole library, not just their part.
const MAIN = join(src, ENTRIES.index)
// (not the executable's entry, cli/bin.js: it must load nothing of the library before it turns on
// Node's compile cache; the CLI it imports, cli/main.js, is an import() target like the others)
const reachesMain = new Set(Object.entries(ENTRIES).filter(([n]) => n !== 'index' && n !== 'cli').map(([, f]) => join(src, f)))
const reachMain = {
  name: 'reach-main',
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, (args) => {
      if (!reachesMain.has(args.path)) return undefined
      const text = readFileSync(args.path, 'utf8')
      const shebang = text.startsWith('#!') ? text.slice(0, text.indexOf('\n') + 1) : ''
      return { contents: `${shebang}import ${JSON.stringify(MAIN_CORE)};\n${text.slice(shebang.length)}`, loader: 'js', resolveDir: dirname(args.path) }
    })
  },
}

// Node's built-ins through process.getBuiltinModule instead of `import … from 'node:…'`: an ES
// module import of a built-in makes Node build a module facade that copies every export (for
// node:fs it even runs the lazy `ReadStream` getter); the nine the main entry imports cost ≈ 1.5–2
// ms more that way. Each built-in becomes a small module of the bundle exporting the names our
// sources import from it. Node < 20.16 has no getBuiltinModule: there a require() made by
// node:module's createRequire (node:module is the one built-in still imported as a module: no
// top-level await, which would keep require(esm) from loading the package).
const BUILTIN_NAMES = new Map()
// Functions our modules import from a built-in that the library does not call at import: each
// becomes a function of the bundle that loads the built-in on its first call, so neither the
// built-in (node:os, node:fs/promises) nor a lazy getter behind the name (node:util's parseArgs
// loads Node's argument parser) is paid for by a process that never calls it. Only plain
// functions: a class (`extends Transform`) or a value must be the built-in's own.
const LAZY_BUILTIN_FUNCTIONS = {
  'node:os': ['homedir', 'tmpdir'],
  'node:util': ['parseArgs'],
  'node:fs/promises': ['open'],
  'node:stream/promises': ['pipeline'],
}

// One pass over tsc's modules for both: the import() targets (reach-main) and the names imported
// from each built-in (builtins).
for (const file of readdirSync(src, { recursive: true })) {
  if (!file.endsWith('.js')) continue
  const text = readFileSync(join(src, file), 'utf8')
  for (const m of text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g)) reachesMain.add(resolve(src, dirname(file), m[1]))
  for (const m of text.matchAll(/^import (?:(\w+)|\{([^}]*)\}) from '(node:[\w/]+)'/gm)) {
    const names = BUILTIN_NAMES.get(m[3]) ?? new Set()
    if (m[1]) names.add('default')
    for (const part of (m[2] ?? '').split(',')) {
      const name = part.trim().split(/\s+as\s+/)[0]
      if (name) names.add(name)
    }
    BUILTIN_NAMES.set(m[3], names)
  }
}
const builtins = {
  name: 'builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      if (args.kind !== 'import-statement' || args.path === 'node:module' || !BUILTIN_NAMES.has(args.path)) return undefined
      return { path: args.path, namespace: 'builtin' }
    })
    b.onResolve({ filter: /^libvirt-async:builtin$/ }, () => ({ path: 'get', namespace: 'builtin-get' }))
    b.onLoad({ filter: /.*/, namespace: 'builtin-get' }, () => ({
      contents: 'import { createRequire } from "node:module"\nexport const builtin = process.getBuiltinModule ?? createRequire(import.meta.url)\n',
      loader: 'js',
    }))
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const all = [...BUILTIN_NAMES.get(args.path)]
      const lazy = LAZY_BUILTIN_FUNCTIONS[args.path] ?? []
      const eager = all.filter((n) => n !== 'default' && !lazy.includes(n))
      const used = all.filter((n) => lazy.includes(n))
      const load = `builtin(${JSON.stringify(args.path)})`
      // A built-in none of whose imported names is needed before a call is not loaded at import.
      const lazyOnly = !all.includes('default') && eager.length === 0
      return {
        contents: 'import { builtin } from "libvirt-async:builtin"\n' +
          (lazyOnly ? 'let m\n' : `const m = ${load}\nexport default m\n`) +
          (eager.length ? `export const ${eager.map((n) => `${n} = m.${n}`).join(', ')}\n` : '') +
          used.map((n) => `export function ${n}(...args) { return (${lazyOnly ? `m ??= ${load}` : 'm'}).${n}(...args) }\n`).join(''),
        loader: 'js',
      }
    })
  },
}

// The flat VIR_* constants (~1,500 numbers and strings) and the ~180 enum objects made of them are
// declared in the main entry itself instead of being re-exported from the shared chunk, where each
// one was a chunk variable, a chunk export, an import of the entry and an export of the entry: four
// names for V8 to scan and link per constant, against one declaration here (and every chunk export
// is one more entry that each lazily compiled function's free names are looked up in, linearly).
// For that the entry's own code must not be reached by the other entries (esbuild would move it
// into the chunk, constants and all), so the main module is split in two: "main-core" — index.js
// with the constants' `export *` narrowed to what is not copied (enumName, the name tables, the
// nested DomainEventDetail) — which the other entries, the import() targets and any internal import
// of index.js get; and the entry itself, which is `export * from main-core` plus the copies.
// Internal modules still import the few constants and enum objects they use from constants.gen.js:
// numbers and strings, read by property, so either copy gives the same values.
const CONSTANTS = join(src, 'generated', 'constants.gen.js')
const STAR = "export * from './generated/constants.gen.js';"
const MAIN_CORE = 'libvirt-async:main-core'
// A constant's value as tsc and esbuild print it: a number, or a double-quoted string (escaped,
// never a raw newline). Also an enum object's quoted key (COPY, below).
const STRING = String.raw`"(?:[^"\\\n]|\\.)*"`
const LITERAL = String.raw`(?:-?\d[\w.]*|${STRING})`
const FLAT = new RegExp(String.raw`^(?:\/\*\*[^\n]*?\*\/ )?export const (VIR_\w+) = (${LITERAL});$`, 'gm')
const GROUP = /^export const ([A-Z]\w*) = \{\n((?: {4}[^\n]*\n)*?)\};$/gm
const MEMBER = new RegExp(String.raw`^ {4}[A-Za-z_$][\w$]*: ${LITERAL},$`)
function splitMain() {
  const text = readFileSync(MAIN, 'utf8')
  if (!text.includes(STAR)) throw new Error(`bundle: ${relative(REPO, MAIN)} no longer has \`${STAR}\``)
  const gen = readFileSync(CONSTANTS, 'utf8')
  // `export *` yields to the entry's own exports of the same name (ErrorCode comes from errors.js)
  const own = new Set()
  for (const m of text.matchAll(/^export (?:const|let|class|function) (\w+)|^export \{([^}]*)\}/gm)) {
    if (m[1]) own.add(m[1])
    for (const part of (m[2] ?? '').split(',')) if (part.trim()) own.add(part.trim().split(/\s+as\s+/).pop())
  }
  const flat = [...gen.matchAll(FLAT)].filter((m) => !own.has(m[1]))
  // and the grouped enum objects whose members are all such literals (`DomainState = { RUNNING: 1, … }`):
  // copied too — an object of numbers and strings, read by property, works the same from either copy
  const groups = [...gen.matchAll(GROUP)].filter((m) => !own.has(m[1]) && m[2].split('\n').every((l) => l === '' || MEMBER.test(l)))
  const copied = new Set([...flat, ...groups].map((m) => m[1]))
  const rest = [...gen.matchAll(/^(?:\/\*\*[^\n]*?\*\/ )?export (?:const|function) (\w+)/gm)].map((m) => m[1])
    .filter((n) => !copied.has(n) && !own.has(n))
  return {
    core: text.replace(STAR, `export { ${rest.join(', ')} } from './generated/constants.gen.js';`),
    entry: `export * from ${JSON.stringify(MAIN_CORE)};\nexport const ${[
      ...flat.map((m) => `${m[1]} = ${m[2]}`),
      ...groups.map((m) => `${m[1]} = {\n${m[2]}}`),
    ].join(',\n  ')};\n`,
  }
}
const flatConstants = {
  name: 'flat-constants',
  setup(b) {
    let split = null
    const parts = () => (split ??= splitMain())
    b.onResolve({ filter: /^libvirt-async:main-core$/ }, () => ({ path: MAIN, namespace: 'main-core' }))
    b.onResolve({ filter: /(^|\/)index\.js$/ }, (args) =>
      args.kind !== 'entry-point' && args.namespace === 'file' && resolve(args.resolveDir, args.path) === MAIN
        ? { path: MAIN, namespace: 'main-core' }
        : undefined)
    b.onLoad({ filter: /.*/, namespace: 'main-core' }, () => ({ contents: parts().core, loader: 'js', resolveDir: dirname(MAIN) }))
    b.onLoad({ filter: /\.js$/ }, (args) =>
      args.path === MAIN ? { contents: parts().entry, loader: 'js', resolveDir: dirname(MAIN) } : undefined)
  },
}

const result = await build({
  plugins: [reachMain, flatConstants, builtins],
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
  // chunk (esbuild then renames one, `plain` → `plain2`), keepNames restores the original `.name`,
  // which V8 prints in stack traces (error names, callerStack frames). It costs ~2,000
  // `__name(fn, "fn")` calls at import (most of them in the generated codecs).
  keepNames: true,
  minifyIdentifiers: false,
  minifySyntax: false,
  // Comments (tsc keeps them) and whitespace go: V8 scans every byte of a module at import, and
  // this measured ~6 % fewer instructions for importing the main entry (callgrind). Frames keep
  // their function names; their positions become line 1, column N of a chunk.
  minifyWhitespace: true,
  legalComments: 'none',
  // (esbuild's default, stated) non-ASCII escaped: one non-ASCII character makes V8 hold and scan
  // the whole chunk as two-byte source
  charset: 'ascii',
  // No source maps: maps would point into .ts sources the package does not ship, Node applies
  // them only with --enable-source-maps, and the named frames read without them.
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
})

// Every input must be one of our compiled modules: no stray dependency inside the bundle.
const strays = Object.keys(result.metafile.inputs).filter((p) => !/^(builtin(-get)?|main-core):/.test(p) && !resolve(dist, p).startsWith(src + sep))
if (strays.length > 0) {
  console.error(`bundle: inputs outside ${relative(REPO, src)}: ${strays.join(', ')}`)
  process.exit(1)
}
writeFileSync(join(dist, 'bundle-meta.json'), JSON.stringify(result.metafile, null, 1))

// keepNames, trimmed. esbuild's keepNames marks every function and class with its name
// (`__name(f, "f")` after `function f(){}`, `static{__name(this, "C")}` in `var C = class {…}`),
// also where JavaScript already gives it that very name — which, without identifier minification,
// is everywhere but the few that two modules' names made esbuild rename. Each mark is work at
// import: a call and a defineProperty per function, and each static block is a class static
// initializer V8 compiles — reparsing the whole class body, all of Domain's methods included — and
// runs. The marks whose name is the one the binding already gives are dropped; a renamed one keeps
// its mark. (bundle.test checks the names of everything the entries export.)
function trimKeepNames(text) {
  const declared = new Set([...text.matchAll(/\bfunction\s*\*?\s*([\w$]+)\s*\(/g)].map((m) => m[1]))
  return text
    .replace(/(\b(?:var|let|const) ([\w$]+)=class(?: extends [^{]+)?\{)static\{__name\(this,"([\w$]+)"\)\}/g,
      (all, head, binding, name) => (binding === name ? head : all))
    .replace(/\}__name\(([\w$]+),"([\w$]+)"\);/g, (all, fn, name) => (fn === name && declared.has(fn) ? '}' : all))
}

// The main entry's copies, exported where they are declared. esbuild prints every module as `var`
// statements plus one `export{…}` list at the end, which for the ~1,700 copied constants means a
// declaration statement and a second mention in the list each; one `export const A=1,B=2,…`
// declaration per run of them is the same module (same names, same values, never reassigned) that
// V8 parses and instantiates with ~4.9 M fewer main-thread instructions (callgrind, fixed seeds).
const COPY = new RegExp(String.raw`var ([A-Za-z_$][\w$]*)=(${LITERAL}|\{(?:(?:[A-Za-z_$][\w$]*|${STRING}):${LITERAL},?)*\});`, 'y')
function exportInPlace(text) {
  const list = /;export\{([^}]*)\};\n?$/.exec(text)
  if (list === null) throw new Error('bundle: the main entry no longer ends in one export list')
  const plain = new Set(list[1].split(',').filter((n) => !n.includes(' as ')))
  const moved = new Set()
  let out = ''
  let run = []
  let i = 0
  const flush = () => {
    if (run.length > 0) out += `export const ${run.join(',')};`
    run = []
  }
  while (i < list.index + 1) {
    COPY.lastIndex = i
    const m = COPY.exec(text)
    if (m !== null && plain.has(m[1]) && !moved.has(m[1])) {
      run.push(`${m[1]}=${m[2]}`)
      moved.add(m[1])
      i = COPY.lastIndex
      continue
    }
    flush()
    const next = text.indexOf(';var ', i)
    const stop = next === -1 || next >= list.index ? list.index + 1 : next + 1
    out += text.slice(i, stop)
    i = stop
  }
  flush()
  const left = list[1].split(',').filter((n) => !moved.has(n))
  return `${out}export{${left.join(',')}};\n`
}

for (const file of Object.keys(result.metafile.outputs)) {
  if (!file.endsWith('.js')) continue
  const path = join(dist, file)
  const text = readFileSync(path, 'utf8')
  let trimmed = trimKeepNames(text)
  if (file === `${relative(dist, out)}/index.js`) trimmed = exportInPlace(trimmed)
  if (trimmed !== text) writeFileSync(path, trimmed)
}
