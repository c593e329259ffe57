// The README's recipes run, not only compile: every ```ts block marked `<!-- recipe: name -->` is
// compiled as a user's ESM project would compile it (importing 'libvirt-async' by name) and run
// against a private libvirtd, pointed there the way a user would (LIBVIRT_DEFAULT_URI,
// LIBVIRT_ADMIN_DEFAULT_URI, arguments). Long-running recipes get their events triggered, then
// Ctrl-C (SIGINT), and must exit 0 by themselves. Recipes that need QEMU or the storage driver
// skip without root, saying so.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { connect, type Connection } from '../../src/index.js'
import { startTestDaemon, testDomainXml, type QemuTestDaemon, type TestDaemon } from '../../src/testing/index.js'

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const HAS_QEMU = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64')
const exec = promisify(execFile)

let dir: string
let recipes: Map<string, string>

/** `<!-- recipe: name -->` followed by a ```ts block. */
function readRecipes(): Map<string, string> {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  return new Map([...readme.matchAll(/<!-- recipe: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]))
}

before(async () => {
  recipes = readRecipes()
  dir = mkdtempSync(join(tmpdir(), 'readme-recipes-'))
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  mkdirSync(join(dir, 'node_modules/@types'), { recursive: true })
  symlinkSync(REPO, join(dir, 'node_modules/libvirt-async'))
  symlinkSync(join(REPO, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'))
  for (const [name, code] of recipes) writeFileSync(join(dir, `${name}.ts`), code)
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2022', lib: ['ES2023', 'esnext.disposable'], module: 'NodeNext', moduleResolution: 'NodeNext',
      strict: true, types: ['node'], skipLibCheck: true, outDir: 'out',
    },
    include: ['*.ts'],
  }))
  await exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir]).catch((err: { stdout?: string }) => {
    assert.fail(`README recipes do not compile:\n${err.stdout ?? String(err)}`)
  })
  // the recipes load what users load: the bundle, through package.json "exports"
  const resolved = await exec(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('libvirt-async'))"], { cwd: dir })
  assert.equal(resolved.stdout.trim(), `file://${join(REPO, 'dist/bundle/index.js')}`)
})
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true })
})

interface Running {
  out: () => string
  err: () => string
  exit: Promise<number | null>
  waitFor(re: RegExp, ms?: number): Promise<void>
  interrupt(): void
}

/** Runs a compiled recipe; `waitFor` carries its own bound (a hang fails with what was printed). */
function runRecipe(name: string, env: NodeJS.ProcessEnv, args: string[] = [], cwd = dir): Running {
  assert.ok(recipes.has(name), `README has the recipe ${name}`)
  const child = spawn(process.execPath, [join(dir, 'out', `${name}.js`), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d))
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)))
  let ended = false
  void exit.then(() => (ended = true))
  return {
    out: () => out,
    err: () => err,
    exit,
    async waitFor(re, ms = 30_000) {
      const end = Date.now() + ms
      while (!re.test(out)) {
        if (ended || Date.now() > end) assert.fail(`${name}: no ${re} ${ended ? 'before it exited' : `within ${ms} ms`}\nstdout:\n${out}\nstderr:\n${err}`)
        await new Promise((r) => setTimeout(r, 20))
      }
    },
    interrupt: () => void child.kill('SIGINT'),
  }
}

/** Exit code within a bound. */
async function exited(r: Running, ms = 30_000): Promise<number | null> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<'timeout'>((res) => (timer = setTimeout(() => res('timeout'), ms)))
  const code = await Promise.race([r.exit, bound])
  clearTimeout(timer)
  assert.notEqual(code, 'timeout', `did not exit within ${ms} ms\nstdout:\n${r.out()}\nstderr:\n${r.err()}`)
  return code as number | null
}

test("the README's two contributor commands are there as CI runs them", () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  assert.match(readme, /^bash scripts\/demo\.sh {6}# /m)
  assert.match(readme, /^bash scripts\/test\.sh {6}# /m)
  assert.match(readFileSync(join(REPO, '.ci/run'), 'utf8'), /^bash scripts\/test\.sh$/m)
  for (const script of ['scripts/demo.sh', 'scripts/test.sh']) assert.ok(existsSync(join(REPO, script)), script)
})

test('every recipe the tests run is in the README', () => {
  assert.deepEqual([...recipes.keys()].sort(), ['admin', 'console', 'event-logger', 'first-program', 'inventory', 'tracing', 'unit-test', 'upload-download'].sort())
})

test('first program: lists the domains by name and state, prints events as they come, Ctrl-C closes cleanly', { timeout: 120_000 }, async () => {
  await using daemon = await startTestDaemon()
  const r = runRecipe('first-program', { LIBVIRT_DEFAULT_URI: daemon.uri })
  await r.waitFor(/waiting for events/)
  assert.match(r.out(), /^test: RUNNING, \d+ KiB$/m)
  const conn = await connect(daemon.uri)
  const dom = await conn.domainDefineXML(testDomainXml('readme-vm'))
  await dom.create()
  await r.waitFor(/^event: readme-vm DEFINED ADDED$/m)
  await r.waitFor(/^event: readme-vm STARTED BOOTED$/m)
  r.interrupt()
  assert.equal(await exited(r), 0, r.err())
  assert.match(r.out(), /^connection closed: CLIENT$/m)
  await conn.close()
})

test('inventory: typed statistics of every domain', { timeout: 120_000 }, async () => {
  await using daemon = await startTestDaemon()
  const r = runRecipe('inventory', { LIBVIRT_DEFAULT_URI: daemon.uri })
  assert.equal(await exited(r), 0, r.err())
  assert.match(r.out(), /^test\s+RUNNING\s+cpu n\/a\s+memory n\/a$/m) // the test driver reports state.* only
})

test('event logger: ManagedConnection logs events, survives a daemon restart (reconnect), Ctrl-C ends it', { timeout: 180_000 }, async () => {
  await using daemon = await startTestDaemon()
  const r = runRecipe('event-logger', { LIBVIRT_DEFAULT_URI: daemon.uri })
  await r.waitFor(/logging domain events/)
  let conn: Connection = await connect(daemon.uri)
  await conn.domainDefineXML(testDomainXml('before-restart'))
  await r.waitFor(/ before-restart DEFINED ADDED$/m)
  await conn.close()
  await daemon.restart()
  await r.waitFor(/^lost \(EOF\), reconnecting/m)
  await r.waitFor(/^back after \d+ ms/m, 60_000)
  conn = await connect(daemon.uri)
  await conn.domainDefineXML(testDomainXml('after-restart'))
  await r.waitFor(/ after-restart DEFINED/)
  r.interrupt()
  assert.equal(await exited(r), 0, r.err())
  assert.doesNotMatch(r.out(), /gave up/)
  await conn.close()
})

test('tracing: call spans from the diagnostics channels, failures included', { timeout: 120_000 }, async () => {
  await using daemon = await startTestDaemon()
  const r = runRecipe('tracing', { LIBVIRT_DEFAULT_URI: daemon.uri })
  assert.equal(await exited(r), 0, r.err())
  assert.match(r.out(), /^span virConnectGetLibVersion serial=\d+ [\d.]+ ms$/m)
  assert.match(r.out(), /^span virDomainLookupByName failed after [\d.]+ ms: Domain not found/m)
})

test('unit test with libvirt-async/testing: passes under node --test', { timeout: 180_000 }, async () => {
  // the TAP reporter named: without it Node picks by version and terminal (Node 24 prints `ℹ pass 1`)
  const { stdout } = await exec(process.execPath, ['--test', '--test-reporter=tap', join(dir, 'out', 'unit-test.js')], { cwd: dir, timeout: 170_000, env: { ...process.env, NODE_TEST_CONTEXT: undefined } }).catch((e: { stdout?: string; stderr?: string }) =>
    assert.fail(`the unit-test recipe fails:\n${e.stdout}\n${e.stderr}`))
  assert.match(stdout, /^# pass 1$/m)
  assert.match(stdout, /^# fail 0$/m)
})

test('admin API: servers with their clients and limits', { timeout: 120_000 }, async () => {
  await using daemon: TestDaemon = await startTestDaemon()
  const r = runRecipe('admin', { LIBVIRT_ADMIN_DEFAULT_URI: `libvirtd:///system?socket=${daemon.adminSocket}` })
  assert.equal(await exited(r), 0, r.err())
  assert.match(r.out(), /^libvirtd: \d+ clients? \(at most \d+\)$/m)
})

test('serial console of a tiny VM: SeaBIOS', { skip: HAS_QEMU ? false : 'needs root and qemu-system-x86_64', timeout: 180_000 }, async () => {
  await using daemon: QemuTestDaemon = await startTestDaemon({ qemu: true })
  const r = runRecipe('console', { LIBVIRT_DEFAULT_URI: daemon.qemuUri })
  assert.equal(await exited(r, 90_000), 0, r.err())
  assert.match(r.out(), /^SeaBIOS/m)
})

test('upload and download with progress: byte-identical copy', { skip: HAS_QEMU ? false : "needs root (the daemon's storage driver)", timeout: 180_000 }, async () => {
  await using daemon: QemuTestDaemon = await startTestDaemon({ qemu: true })
  const conn = await connect(daemon.qemuUri)
  const poolDir = join(daemon.dir, 'pool')
  mkdirSync(poolDir)
  const pool = await conn.storagePoolCreateXML(`<pool type='dir'><name>default</name><target><path>${poolDir}</path></target></pool>`)
  await pool.storageVolCreateXML("<volume><name>disk.img</name><capacity unit='MiB'>4</capacity><target><format type='raw'/></target></volume>")
  const work = join(daemon.dir, 'work')
  mkdirSync(work)
  const data = randomBytes(4 * 1024 * 1024)
  writeFileSync(join(work, 'disk.img'), data)
  const r = runRecipe('upload-download', { LIBVIRT_DEFAULT_URI: daemon.qemuUri }, ['default', 'disk.img', 'disk.img'], work)
  assert.equal(await exited(r, 90_000), 0, r.err())
  assert.match(r.err(), /upload 100%/)
  assert.match(r.err(), /download 100%/)
  assert.ok(readFileSync(join(work, 'disk.img.copy')).equals(data), 'the downloaded copy is the uploaded file')
  await conn.close()
})
