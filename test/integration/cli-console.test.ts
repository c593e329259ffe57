// `libvirt-async console` with the embedded daemon: a tiny real VM's SeaBIOS shows up on stdout,
// Ctrl+] (0x1d) on stdin leaves with exit 0. Root and QEMU only; skipped otherwise.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { isOneLine, run, start } from './cli-run.js'

const HAS_QEMU = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64')

test('console (embedded VM): SeaBIOS on stdout, Ctrl+] leaves, exit 0', { skip: HAS_QEMU ? false : 'needs root and qemu-system-x86_64' }, async () => {
  const c = start(['console'], {}, 'pipe')
  try {
    await c.waitFor('stderr', /Escape character is \^\]/)
    await c.waitFor('stdout', /SeaBIOS|bootable/)
    c.child.stdin!.write(Buffer.from([0x1d]))
    assert.equal(await c.exit, 0, c.stderr())
    assert.match(c.stderr(), /console left/)
  } finally {
    c.child.kill('SIGKILL')
  }
})

test('console with a URI but no domain → exit 2', async () => {
  const r = await run(['console', 'test:///default'])
  assert.equal(r.code, 2)
  assert.ok(isOneLine(r.stderr), r.stderr)
})
