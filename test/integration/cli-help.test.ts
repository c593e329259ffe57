// `libvirt-async --help` and each command's --help: usage and the documented exit codes; an
// unknown command or option is a usage error (2) in one line.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { isOneLine, run } from './cli-run.js'

test('--help lists the commands and exit codes', async () => {
  const r = await run(['--help'])
  assert.equal(r.code, 0)
  for (const w of ['demo', 'watch', 'call', 'Exit codes', '130']) assert.ok(r.stdout.includes(w), w)
})

for (const cmd of ['demo', 'watch', 'call', 'console']) {
  test(`${cmd} --help`, async () => {
    const r = await run([cmd, '--help'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^Usage: libvirt-async ${cmd}`))
    assert.match(r.stdout, /-c, --connect URI/)
    assert.match(r.stdout, /Exit codes/)
  })
}

test('unknown command and unknown option → exit 2, one line', async () => {
  for (const args of [['frobnicate'], ['watch', '--frob'], ['call']]) {
    const r = await run(args)
    assert.equal(r.code, 2, args.join(' '))
    assert.ok(isOneLine(r.stderr), r.stderr)
  }
})

test('the shipped executable turns on Node\'s compile cache when Node has one (module.enableCompileCache, Node >= 22.1)', async () => {
  // Node 20 has no module.enableCompileCache: a preload gives it one that says it was called
  const { execFile } = await import('node:child_process')
  const { promisify } = await import('node:util')
  const bin = fileURLToPath(new URL('../../bundle/cli.js', import.meta.url))
  const preload = `data:text/javascript,${encodeURIComponent("import m from 'node:module'; m.enableCompileCache = () => process.stderr.write('compile cache enabled\\n')")}`
  const r = await promisify(execFile)(process.execPath, ['--import', preload, bin, '--version'], { timeout: 30_000 })
  assert.match(r.stdout, /^libvirt-async \d+\.\d+\.\d+/)
  assert.equal(r.stderr, 'compile cache enabled\n')
  // and without one (Node 20, or the stub's absence) nothing is said and nothing fails
  const plain = await promisify(execFile)(process.execPath, [bin, '--version'], { timeout: 30_000 })
  assert.equal(plain.stderr, '')
})
