// The package as users get it: a clean build of src/ (tsconfig.build.json, then the bundle step
// scripts/bundle.mjs) is packed with the repository's own package.json `files` / `exports` / `bin`,
// installed offline into a temp project outside the repository, then imported, run
// (`libvirt-async --help`, a private daemon through `libvirt-async/testing`) and type-checked by a
// strict NodeNext consumer. The tarball ships the bundle (dist/bundle: code) and tsc's declarations
// (dist/src: .d.ts only). Never touches dist/.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { after, before, test } from 'node:test'

const run = promisify(execFile)
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const TSC = join(REPO, 'node_modules/typescript/bin/tsc')
const NPM_ENV = { ...process.env, npm_config_update_notifier: 'false', npm_config_loglevel: 'error' }

const work = mkdtempSync(join(tmpdir(), 'libvirt-async-pkg-'))
const stage = join(work, 'stage')
const consumer = join(work, 'consumer')
let shipped: string[] = []

before(async () => {
  // the build users get: src/ only, into the staging copy (prepack does the same into dist/)
  mkdirSync(stage)
  await run(process.execPath, [TSC, '-p', join(REPO, 'tsconfig.build.json'), '--outDir', join(stage, 'dist')], { cwd: REPO })
  await run(process.execPath, [join(REPO, 'scripts/bundle.mjs'), join(stage, 'dist')], { cwd: REPO })
  for (const f of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(REPO, f), join(stage, f))
  const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: stage, env: NPM_ENV })
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[]
  shipped = info[0]!.files.map((f) => f.path).sort()
  mkdirSync(consumer)
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }))
  await run('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, info[0]!.filename)], { cwd: consumer, env: NPM_ENV })
}, { timeout: 120_000 })

after(() => rmSync(work, { recursive: true, force: true }))

test('the tarball holds the bundle, the declarations, README and LICENSE, nothing else', () => {
  const outside = shipped.filter((p) => !p.startsWith('dist/src/') && !p.startsWith('dist/bundle/'))
  assert.deepEqual(outside, ['LICENSE', 'README.md', 'package.json'])
  assert.deepEqual(shipped.filter((p) => p.startsWith('dist/src/') && !p.endsWith('.d.ts')), [], 'dist/src: declarations only')
  assert.deepEqual(shipped.filter((p) => p.startsWith('dist/bundle/') && !p.endsWith('.js')), [], 'dist/bundle: modules only')
  assert.deepEqual(shipped.filter((p) => /(^|\/)(test|bench|examples)\//.test(p)), [])
  // every shipped declaration has its source: nothing stale or generated-for-tests
  const orphans = shipped.filter((p) => p.endsWith('.d.ts') && !existsSync(join(REPO, p.slice('dist/'.length, -'.d.ts'.length) + '.ts')))
  assert.deepEqual(orphans, [])
  // the shipped modules are exactly what this build's bundle step wrote, and each of its inputs is
  // the compiled form of one of our sources (no dependency, nothing stale, nothing test-only)
  const meta = JSON.parse(readFileSync(join(stage, 'dist/bundle-meta.json'), 'utf8')) as { inputs: Record<string, unknown>; outputs: Record<string, unknown> }
  assert.deepEqual(shipped.filter((p) => p.startsWith('dist/bundle/')), Object.keys(meta.outputs).map((o) => `dist/${o}`).sort())
  // (built-in shims, `builtin:node:…`, and `main-core:…/src/index.js`, the main module less its flat
  // constants, are modules the bundle step writes itself: scripts/bundle.mjs)
  const strays = Object.keys(meta.inputs).filter((i) => !/^(builtin(-get)?|main-core):/.test(i) && (!/^src\/.*\.js$/.test(i) || !existsSync(join(REPO, i.slice(0, -3) + '.ts'))))
  assert.deepEqual(strays, [])
  for (const p of ['dist/bundle/index.js', 'dist/src/index.d.ts', 'dist/bundle/testing.js', 'dist/bundle/xdr.js', 'dist/bundle/protocol.js', 'dist/bundle/cli.js']) {
    assert.ok(shipped.includes(p), p)
  }
})

test('package.json: ESM, engines, types and bin point at shipped files', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, any>
  assert.equal(pkg.type, 'module')
  assert.equal(pkg.engines.node, '>=20')
  assert.deepEqual(pkg.dependencies ?? {}, {}, 'no runtime dependencies')
  const targets = [pkg.main, pkg.types, pkg.bin['libvirt-async']]
  for (const e of Object.values(pkg.exports as Record<string, string | Record<string, string>>)) {
    if (typeof e === 'object') targets.push(...Object.values(e))
  }
  for (const t of targets) {
    if (t === './package.json') continue
    assert.ok(shipped.includes(t.replace(/^\.\//, '')), `${t} is shipped`)
  }
  assert.match(readFileSync(join(stage, 'dist/bundle/cli.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/)
})

test('the installed package imports by name: root, /testing, /xdr, /protocol', async () => {
  const script = `
    import { connect, ManagedConnection, Domain, DomainEventID, LibvirtError, CloseReason } from 'libvirt-async'
    import { startTestDaemon, TestHarnessError } from 'libvirt-async/testing'
    import { XdrReader, XdrWriter } from 'libvirt-async/xdr'
    import { REMOTE_PROCEDURES } from 'libvirt-async/protocol'
    if (typeof REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION !== 'object') throw new Error('REMOTE_PROCEDURES')
    const got = { connect, ManagedConnection, Domain, LibvirtError, startTestDaemon, TestHarnessError, XdrReader, XdrWriter }
    for (const [k, v] of Object.entries(got)) if (typeof v !== 'function') throw new Error(k + ' is ' + typeof v)
    if (DomainEventID.LIFECYCLE !== 0 || CloseReason.CLIENT !== 3) throw new Error('constants')
    if (!import.meta.resolve('libvirt-async').endsWith('/node_modules/libvirt-async/dist/bundle/index.js')) throw new Error('not the bundle')
    // one copy of each class across entry points: a ./protocol codec throws ./xdr's XdrError
    try { REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME.decodeArgs(new XdrReader(Buffer.alloc(2))); throw new Error('decoded') } catch (e) {
      if (!(e instanceof (await import('libvirt-async/xdr')).XdrError)) throw e
    }
    console.log('ok')`
  const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer })
  assert.equal(r.stdout.trim(), 'ok')
  // internals stay internal
  await assert.rejects(run(process.execPath, ['--input-type=module', '-e', "await import('libvirt-async/dist/src/core/session.js')"], { cwd: consumer }), /ERR_PACKAGE_PATH_NOT_EXPORTED/)
})

test('the bin: npx libvirt-async --help', async () => {
  const r = await run('npx', ['--offline', '--no-install', 'libvirt-async', '--help'], { cwd: consumer, env: NPM_ENV })
  assert.match(r.stdout, /^Usage: libvirt-async /)
  assert.match(r.stdout, /Exit codes/)
  // the bundled CLI finds the package's own package.json (by name) for its version
  const v = await run('npx', ['--offline', '--no-install', 'libvirt-async', '--version'], { cwd: consumer, env: NPM_ENV })
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }
  assert.equal(v.stdout.trim(), `libvirt-async ${pkg.version}`)
})

test('a strict NodeNext TypeScript consumer type-checks against the shipped declarations', async () => {
  mkdirSync(join(consumer, 'node_modules/@types'), { recursive: true })
  symlinkSync(join(REPO, 'node_modules/@types/node'), join(consumer, 'node_modules/@types/node'))
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', lib: ['ES2023', 'esnext.disposable'], module: 'NodeNext', moduleResolution: 'NodeNext',
      strict: true, exactOptionalPropertyTypes: true, noUncheckedIndexedAccess: true, noEmit: true, types: ['node'],
    },
    files: ['consumer.ts'],
  }))
  writeFileSync(join(consumer, 'consumer.ts'), `
import { connect, ManagedConnection, LibvirtError, DomainEventID, CloseReason, type Domain, type ConnectOptions } from 'libvirt-async'
import { startTestDaemon } from 'libvirt-async/testing'
import { XdrReader } from 'libvirt-async/xdr'
import { REMOTE_PROCEDURES } from 'libvirt-async/protocol'

const options: ConnectOptions = { keepAlive: { interval: 5, count: 5 }, timeout: 10_000 }
const daemon = await startTestDaemon()
const conn = await connect(daemon.uri, options)
const domains: Domain[] = await conn.listAllDomains()
const raw = await conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined) // the raw escape hatch
console.log(raw.lib_ver)
for (const dom of domains) {
  const info = await dom.getInfo()
  const memory: bigint = info.memory
  const name: string = dom.getName()
  console.log(name, info.state, memory)
}
const id: number = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (c, dom, event, detail) => {
  const n: string = dom.getName()
  const e: number = event
  const d: number = detail
  void c; void n; void e; void d
})
// @ts-expect-error a lifecycle event is a number, not a string
await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, _dom, _event: string) => {})
// @ts-expect-error no such method
await conn.noSuchMethod()
try {
  await conn.domainLookupByName('nope')
} catch (err) {
  if (err instanceof LibvirtError) console.log(err.code satisfies number, err.message)
}
const managed = await ManagedConnection.create({ virt: conn, onClose: (w: ManagedConnection, r: CloseReason) => void [w, r] })
await managed.domainEventDeregisterAny(id)
await managed.close()
const reason: CloseReason = await conn.closed
console.log(reason, new XdrReader(Buffer.alloc(4)).bool())
await daemon.stop()
`)
  await run(process.execPath, [TSC, '-p', consumer], { cwd: consumer }).catch((err: { stdout?: string }) => {
    assert.fail(`tsc failed:\n${err.stdout ?? String(err)}`)
  })
})

test('the installed package talks to a private daemon (skipped without libvirtd)', async (t) => {
  const script = `
    import { connect, LibvirtError } from 'libvirt-async'
    import { startTestDaemon, TestHarnessError } from 'libvirt-async/testing'
    let daemon
    try { daemon = await startTestDaemon() } catch (err) {
      if (err instanceof TestHarnessError && /^(NOT_ROOT|MISSING_)/.test(err.code)) { console.log('skip ' + err.message); process.exit(0) }
      throw err
    }
    try {
      const conn = await connect(daemon.uri)
      const [dom] = await conn.listAllDomains()
      const info = await dom.getInfo()
      // a failed call's error: the root's LibvirtError, its stack naming the caller (callerStack, bundled)
      async function lookUpMissingDomain() { return await conn.domainLookupByName('no-such-domain') }
      const failed = await lookUpMissingDomain().catch((e) => e)
      if (!(failed instanceof LibvirtError)) throw failed
      if (!/^LibvirtError: /.test(failed.stack) || !/ at async lookUpMissingDomain /.test(failed.stack)) throw new Error('stack: ' + failed.stack)
      await conn.close()
      console.log('ok', dom.getName(), typeof info.memory)
    } finally { await daemon.stop() }`
  const r = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, timeout: 60_000 })
  if (r.stdout.startsWith('skip ')) return t.skip(r.stdout.trim())
  assert.equal(r.stdout.trim(), 'ok test bigint')
})
