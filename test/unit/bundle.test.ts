// The bundle users import (dist/bundle, made by scripts/bundle.mjs from tsc's dist/src): the package's
// own name resolves to it, it is made only of our modules, each in one place (one copy of every
// class, shared by all entry points and the lazily loaded chunks), lazily loaded parts stay out of
// the entries' static imports, and it exports what tsc's modules export, under the same names.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const DIST = fileURLToPath(new URL('../../', import.meta.url))
const REPO = dirname(DIST.replace(/\/$/, ''))

interface Metafile {
  inputs: Record<string, unknown>
  outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[]; entryPoint?: string }>
}
const meta = JSON.parse(readFileSync(join(DIST, 'bundle-meta.json'), 'utf8')) as Metafile

/** Public entry (package subpath) → its bundle file and tsc module. */
const ENTRIES: Record<string, [bundle: string, tsc: string]> = {
  'libvirt-async': ['index.js', 'index.js'],
  'libvirt-async/testing': ['testing.js', 'testing/index.js'],
  'libvirt-async/xdr': ['xdr.js', 'xdr/index.js'],
  'libvirt-async/protocol': ['protocol.js', 'protocol.js'],
}

/** Source modules an output file loads before it runs: its own and those of its static imports. */
function staticInputs(output: string, seen = new Set<string>()): Set<string> {
  if (seen.has(output)) return seen
  seen.add(output)
  for (const i of meta.outputs[output]!.imports) if (i.kind === 'import-statement' && !i.external) staticInputs(i.path, seen)
  return seen
}
const inputsOf = (outputs: Set<string>): string[] => [...outputs].flatMap((o) => Object.keys(meta.outputs[o]!.inputs))

test('the package name resolves to the bundle, types to tsc declarations', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> }
  for (const [name, [bundle]] of Object.entries(ENTRIES)) {
    assert.equal(import.meta.resolve(name), pathToFileURL(join(DIST, 'bundle', bundle)).href, name)
    const sub = name === 'libvirt-async' ? '.' : `.${name.slice('libvirt-async'.length)}`
    assert.match(pkg.exports[sub]!.types, /^\.\/dist\/src\/.*\.d\.ts$/, sub)
  }
})

// scripts/bundle.mjs turns each `import … from 'node:x'` into a small module of the bundle
// (`builtin:node:x`, through process.getBuiltinModule; `builtin-get:get` is their shared helper)
const isBuiltinShim = (p: string): boolean => /^builtin(-get)?:/.test(p)
// and splits src/index.js in two (flat-constants): the entry keeps the flat VIR_* constants, the
// rest of it is `main-core:<path of dist/src/index.js>`, which the other entries import
const isMainCore = (p: string): boolean => /^main-core:.*\/src\/index\.js$/.test(p)

test('every bundle input is one of our sources, bundled exactly once', () => {
  const inputs = Object.keys(meta.inputs).filter((p) => !isBuiltinShim(p) && !isMainCore(p))
  assert.equal(Object.keys(meta.inputs).filter(isMainCore).length, 1)
  assert.ok(inputs.length > 50, `${inputs.length} inputs`)
  assert.ok(Object.keys(meta.inputs).some((p) => p === 'builtin:node:fs'), 'built-ins are shims of the bundle')
  for (const p of inputs) {
    assert.match(p, /^src\/.*\.js$/, `${p} is tsc output of src/`)
    assert.ok(existsSync(join(REPO, `${p.slice(0, -3)}.ts`)), `${p} has its .ts source`)
  }
  // a module in two output files would be two copies of its classes (instanceof would fail across entries)
  const where = new Map<string, string[]>()
  for (const [out, o] of Object.entries(meta.outputs)) for (const i of Object.keys(o.inputs)) where.set(i, [...(where.get(i) ?? []), out])
  assert.deepEqual([...where].filter(([, outs]) => outs.length > 1), [])
})

test('lazily loaded parts (transports, SASL, admin, migration, CLI commands) stay out of the entries\' static imports', () => {
  // The unix transport is static (a dynamic import of it cost ~4 ms of a process's first connect);
  // it loads node:net on first use, so no node built-in of a transport is a static import.
  const lazy = ['src/transport/tcp.js', 'src/transport/tls.js', 'src/transport/ssh.js', 'src/transport/ext.js',
    'src/auth/sasl/exchange.js', 'src/admin/connect-admin.js', 'src/cli/commands/demo.js', 'src/cli/commands/call.js',
    'src/api/migrate.js', 'src/api/migrate-phases.js']
  for (const entry of ['bundle/index.js', 'bundle/testing.js', 'bundle/cli.js']) {
    const loaded = inputsOf(staticInputs(entry))
    assert.ok(loaded.length > 0, entry)
    assert.deepEqual(lazy.filter((m) => loaded.includes(m)), [], entry)
  }
  const mainStatic = [...staticInputs('bundle/index.js')]
  const builtins = [
    ...mainStatic.flatMap((o) => meta.outputs[o]!.imports.filter((i) => i.kind === 'import-statement' && i.external).map((i) => i.path)),
    ...inputsOf(new Set(mainStatic)).filter(isBuiltinShim).map((p) => p.replace(/^builtin:/, '')),
  ]
  assert.ok(builtins.includes('node:fs'), 'the built-ins the main entry does load are seen here')
  assert.deepEqual(builtins.filter((b) => ['node:net', 'node:tls', 'node:child_process', 'node:crypto'].includes(b)), [], 'main entry')
  // and the only built-in it still imports as an ES module is node:module (the shims' fallback)
  const esmImports = new Set(mainStatic.flatMap((o) => meta.outputs[o]!.imports.filter((i) => i.kind === 'import-statement' && i.external).map((i) => i.path)))
  assert.deepEqual([...esmImports], ['node:module'])
  for (const m of lazy) assert.ok(Object.values(meta.outputs).some((o) => m in o.inputs), `${m} is bundled`)
})

test('the executable loads the library only when a command runs (after turning on the compile cache)', () => {
  // src/cli/bin.ts calls module.enableCompileCache() and then imports the CLI; for the library to be
  // compiled under the cache, the executable must load nothing else before (not even esbuild's
  // __name helper, which lives in the library's chunk)
  assert.deepEqual(inputsOf(staticInputs('bundle/cli.js')), ['src/cli/bin.js'])
  assert.deepEqual(meta.outputs['bundle/cli.js']!.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path), ['node:module'])
  assert.ok(meta.outputs['bundle/cli.js']!.imports.some((i) => i.kind === 'dynamic-import'), 'the CLI itself is imported')
})

test('the main entry is two modules: itself and one chunk with all it loads (scripts/bundle.mjs, reach-main)', () => {
  // Node 20's ESM loader costs ~0.35 ms per module at import; this was 12 modules before.
  const loaded = [...staticInputs('bundle/index.js')]
  assert.equal(loaded.length, 2, loaded.join(', '))
  // and the lazy parts still are not among them (see above), while their own chunks hold them
  assert.ok(Object.keys(meta.outputs).filter((o) => o.includes('/chunks/')).length > 5)
})

test('the main entry declares the flat VIR_* constants itself; the chunk keeps those the library uses', () => {
  // one declaration per constant instead of a chunk variable + chunk export + entry import + entry
  // export (scripts/bundle.mjs, flat-constants): ~21 M fewer instructions to import (callgrind)
  const main = meta.outputs['bundle/index.js']!
  assert.ok(Object.keys(main.inputs).includes('src/index.js'), Object.keys(main.inputs).join(', '))
  const entry = readFileSync(join(DIST, 'bundle/index.js'), 'utf8')
  assert.ok((entry.match(/\bVIR_DOMAIN_RUNNING=1\b/g) ?? []).length === 1, 'VIR_DOMAIN_RUNNING declared in the entry')
  assert.match(entry, /\bDomainState=\{NOSTATE:0,/, 'and the enum objects made of such constants')
  const chunks = [...staticInputs('bundle/index.js')].filter((o) => o !== 'bundle/index.js')
  const inChunk = chunks.map((o) => (readFileSync(join(DIST, o), 'utf8').match(/\bvar VIR_\w+=/g) ?? []).length).reduce((a, b) => a + b, 0)
  assert.ok(inChunk < 200, `${inChunk} flat constants left in the chunk`)
  // exported where declared (scripts/bundle.mjs, exportInPlace): no `var` copy and no second
  // mention in the final export list
  assert.doesNotMatch(entry, /\bvar VIR_DOMAIN_RUNNING=/)
  const list = /export\{([^}]*)\};\s*$/.exec(entry)
  assert.ok(list !== null, 'the entry ends in an export list')
  assert.ok(!list[1]!.split(',').includes('VIR_DOMAIN_RUNNING') && !list[1]!.split(',').includes('DomainState'), list[1])
})

test('importing the main entry loads no built-in that only a later call needs (scripts/bundle.mjs, LAZY_BUILTIN_FUNCTIONS)', () => {
  // node:os (homedir), node:fs/promises (open), node:util's parseArgs getter (Node's argument
  // parser) are loaded on the first call of a function that needs them, not at import
  const script = `const before = new Set(process.moduleLoadList); await import(${JSON.stringify(pathToFileURL(join(DIST, 'bundle/index.js')).href)});` +
    'console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))))'
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 })
  const loaded = JSON.parse(out) as string[]
  for (const m of ['NativeModule os', 'NativeModule fs/promises', 'NativeModule internal/util/parse_args/parse_args']) {
    assert.ok(!loaded.includes(m), `${m} loaded at import: ${loaded.join(', ')}`)
  }
  assert.ok(loaded.includes('NativeModule stream'), 'the check sees what the import loads')
})

test('keepNames marks only what esbuild renamed (scripts/bundle.mjs, trimKeepNames)', () => {
  // a mark whose name is the one the binding gives is work at import for nothing (a call and a
  // defineProperty per function; a class static initializer compiled and run per class)
  for (const out of staticInputs('bundle/index.js')) {
    const text = readFileSync(join(DIST, out), 'utf8')
    const redundantStatic = [...text.matchAll(/\b(?:var|let|const) ([\w$]+)=class(?: extends [^{]+)?\{static\{__name\(this,"([\w$]+)"\)\}/g)].filter((m) => m[1] === m[2])
    assert.deepEqual(redundantStatic.map((m) => m[1]), [], out)
    const declared = new Set([...text.matchAll(/\bfunction\s*\*?\s*([\w$]+)\s*\(/g)].map((m) => m[1]))
    const redundantFn = [...text.matchAll(/\}__name\(([\w$]+),"([\w$]+)"\);/g)].filter((m) => m[1] === m[2] && declared.has(m[1]))
    assert.deepEqual(redundantFn.map((m) => m[1]), [], out)
  }
  // and the renamed ones keep theirs: a function bundled next to a same-named one still reports its own name
  const chunk = [...staticInputs('bundle/index.js')].map((o) => readFileSync(join(DIST, o), 'utf8')).join('\n')
  assert.match(chunk, /__name\(([\w$]+?)\d+,"\1"\)/, 'a renamed function keeps its name mark')
})

test('each entry point exports what its tsc module exports, names and all', async () => {
  for (const [name, [, tsc]] of Object.entries(ENTRIES)) {
    const bundled = (await import(name)) as Record<string, unknown>
    const per = (await import(pathToFileURL(join(DIST, 'src', tsc)).href)) as Record<string, unknown>
    assert.deepEqual(Object.keys(bundled).sort(), Object.keys(per).sort(), name)
    for (const [k, v] of Object.entries(per)) {
      // kept names: a class or function bundled next to a same-named one still reports its own name
      if (typeof v === 'function') assert.equal((bundled[k] as Function).name, v.name, `${name} ${k}.name`)
      // the flat constants and enum objects the bundle step copies into the main entry (flat-constants)
      // keep their values
      else if (typeof v !== 'object' || v === null) assert.equal(bundled[k], v, `${name} ${k}`)
      else if (Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every((x) => typeof x !== 'object' && typeof x !== 'function')) {
        assert.deepEqual(bundled[k], v, `${name} ${k}`)
      }
    }
  }
})

// The structural guard is 'bundled exactly once' above; this checks what users see at run time.
test('classes are shared across entry points and lazily loaded chunks (instanceof holds)', async () => {
  const root = (await import('libvirt-async')) as typeof import('../../src/index.js')
  const { XdrReader, XdrError } = (await import('libvirt-async/xdr')) as typeof import('../../src/xdr/index.js')
  const { REMOTE_PROCEDURES } = (await import('libvirt-async/protocol')) as typeof import('../../src/protocol.js')
  const perFile = await import('../../src/index.js')
  assert.notEqual(root.LibvirtError, perFile.LibvirtError, 'the bundle, not tsc\'s modules, is under test')
  // a codec of ./protocol reading a reader of ./xdr throws ./xdr's XdrError
  assert.throws(() => REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME.decodeArgs!(new XdrReader(Buffer.alloc(2))), (e) => e instanceof XdrError)
  // the unix transport is loaded on first use (a chunk of its own): its failure is the root's LibvirtError
  const err = await root.connect('test+unix:///default?socket=/nonexistent/libvirt-async-bundle-test', { timeout: 10_000 }).then(
    () => assert.fail('connected to a socket that does not exist'),
    (e: unknown) => e,
  )
  assert.equal((err as Error).name, 'LibvirtError')
  assert.ok(err instanceof root.LibvirtError, String(err))
  assert.ok(!(err instanceof perFile.LibvirtError))
})

test('the main entry builds no module namespace object at import (esbuild\'s __export)', () => {
  // `import * as ns` indexed by a computed key forces one: an object of getters over every export,
  // built at import (for constants.gen it was ~15 % of the import's instructions)
  for (const out of staticInputs('bundle/index.js')) {
    assert.doesNotMatch(readFileSync(join(DIST, out), 'utf8'), /\b__export\(/, out)
  }
})

test('stream procedures name only sparse flags that SPARSE_FLAGS knows, with the constants\' values', async () => {
  const { REMOTE_PROCEDURES } = await import('../../src/protocol.js')
  const constants = (await import('../../src/generated/constants.gen.js')) as unknown as Record<string, unknown>
  const { SPARSE_FLAGS } = await import('../../src/streams/open.js')
  const named = new Set(Object.values(REMOTE_PROCEDURES).map((d) => d.sparseFlag).filter((f): f is string => f !== null))
  assert.ok(named.size > 0)
  for (const f of named) assert.equal(SPARSE_FLAGS[f], constants[f], f)
  assert.deepEqual(Object.keys(SPARSE_FLAGS).sort(), [...named].sort())
})

test('the bundle is ASCII, ships no source map references, and the CLI keeps its shebang', () => {
  for (const out of Object.keys(meta.outputs)) {
    const text = readFileSync(join(DIST, out), 'utf8')
    assert.doesNotMatch(text, /sourceMappingURL/, out)
    // one non-ASCII character (a kept comment, a raw template literal) and V8 scans the whole chunk as two-byte source
    const at = text.search(/[^\x00-\x7f]/)
    assert.equal(at, -1, `${out}: non-ASCII at ${at}: ${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}`)
  }
  assert.match(readFileSync(join(DIST, 'bundle/cli.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/)
})
