// Importing the package does no file, network or process I/O beyond loading its own modules
// (issue 19): a fresh Node process imports the main entry point with test/helpers/io-recorder
// preloaded, and every fs / net / tls / dns / dgram / http(s) / child_process / worker / fetch
// call it makes is listed. The recorder is first proven on a module that does such I/O. Checked for
// tsc's per-file build (dist/src) and for what users import by name: the bundle (dist/bundle, via
// package.json "exports"), every public entry point.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type { IoRecord } from '../helpers/io-recorder.js'

const RECORDER = new URL('../helpers/io-recorder.js', import.meta.url).href
const DIST_SRC = fileURLToPath(new URL('../../src/', import.meta.url))
const PACKAGE_ROOT = dirname(dirname(DIST_SRC))

async function importRecorded(entry: string): Promise<IoRecord[]> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', RECORDER, '--input-type=module', '-e', `await import(${JSON.stringify(entry)})`],
    { timeout: 30_000, cwd: tmpdir() },
  )
  const line = stdout.split('\n').find((l) => l.startsWith('IO-RECORDS '))
  assert.ok(line, `no records line in: ${stdout.slice(0, 500)}`)
  return JSON.parse(line.slice('IO-RECORDS '.length)) as IoRecord[]
}

// reading the package's own files (its modules, its package.json) is loading it — by path, or on
// a descriptor opened with such a path (Node 24's module loader opens, reads and closes a module's
// file through the public fs functions) — and so are calls on a descriptor Node's loader opened
// itself (IoRecord.nodeOwnFd)
const ownPath = (p: string): boolean => p.startsWith(PACKAGE_ROOT) || p.startsWith(pathToFileURL(PACKAGE_ROOT).href)
const loadingItself = (r: IoRecord): boolean =>
  r.api.startsWith('fs') && (r.nodeOwnFd === true || ownPath(r.fdPath ?? r.arg))

test('the recorder sees file, network and process I/O done while a module loads', { timeout: 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'import-io-'))
  try {
    const mod = join(dir, 'does-io.mjs')
    writeFileSync(mod, [
      `import { readFileSync, openSync, readSync, closeSync } from 'node:fs'`,
      `import fsp from 'node:fs/promises'`,
      `import net from 'node:net'`,
      `import { execFileSync } from 'node:child_process'`,
      `readFileSync('/proc/self/stat')`,
      `const fd = openSync('/proc/self/stat', 'r'); readSync(fd, Buffer.alloc(16)); closeSync(fd)`,
      `await fsp.stat('/')`,
      `const s = net.connect({ port: 1, host: '127.0.0.1' }); s.on('error', () => {}); s.destroy()`,
      `execFileSync(process.execPath, ['-e', '0'])`,
    ].join('\n'))
    const records = await importRecorded(pathToFileURL(mod).href)
    const apis = records.map((r) => r.api)
    for (const api of ['fs.readFileSync', 'fs.openSync', 'fs.readSync', 'fs.closeSync', 'fs.promises.stat', 'net.connect', 'child_process.execFileSync']) {
      assert.ok(apis.includes(api), `${api} not recorded: ${apis.join(', ')}`)
    }
    // a read on a descriptor the module opened itself is its I/O, with the path it opened
    const ownReads = records.filter((r) => r.api === 'fs.readSync' && r.fdPath === '/proc/self/stat' && r.nodeOwnFd !== true)
    assert.ok(ownReads.length >= 1, JSON.stringify(records.filter((r) => r.api === 'fs.readSync')))
    assert.ok(!records.filter((r) => r.fdPath === '/proc/self/stat').some(loadingItself), 'and it does not count as loading the package')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('importing the main entry point does no I/O beyond loading its modules', { timeout: 60_000 }, async () => {
  const records = await importRecorded(pathToFileURL(join(DIST_SRC, 'index.js')).href)
  assert.deepEqual(records.filter((r) => !loadingItself(r)), [])
})

test('importing the bundled entry points by package name does no I/O beyond loading their modules', { timeout: 60_000 }, async () => {
  for (const name of ['libvirt-async', 'libvirt-async/testing', 'libvirt-async/xdr', 'libvirt-async/protocol']) {
    // resolved here, inside the package (its own name resolves through "exports"), imported by URL from tmpdir
    const url = import.meta.resolve(name)
    assert.match(url, /\/dist\/bundle\/[a-z]+\.js$/, `${name} resolves to the bundle`)
    const records = await importRecorded(url)
    assert.deepEqual(records.filter((r) => !loadingItself(r)), [], name)
  }
})
