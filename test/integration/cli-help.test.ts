// `libvirt-async --help` and each command's --help: usage and the documented exit codes; an
// unknown command or option is a usage error (2) in one line.
import { test } from 'node:test'
import assert from 'node:assert/strict'
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
