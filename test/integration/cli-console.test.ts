// `libvirt-async console` with the embedded daemon, on a pseudo-terminal (script -qec): a tiny
// real VM's SeaBIOS shows up, Ctrl+] (0x1d) typed leaves with exit 0. Root and QEMU only; skipped
// otherwise. (A stdin that is not a terminal is refused: see cli-tool.test.ts.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { isOneLine, run, startInPty } from './cli-run.js'

const HAS_QEMU = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64')

test('console (embedded VM): SeaBIOS on stdout, Ctrl+] leaves, exit 0', { skip: HAS_QEMU ? false : 'needs root and qemu-system-x86_64' }, async () => {
  const c = startInPty(['console'])
  try {
    await c.waitFor('stdout', /Escape character is \^\]/)
    // the embedded VM runs only once its console is open, so the banner is never missed
    await c.waitFor('stdout', /SeaBIOS/)
    c.child.stdin!.write(Buffer.from([0x1d]))
    assert.equal(await c.exit, 0, c.stdout())
    assert.match(c.stdout(), /console left/)
  } finally {
    c.child.kill('SIGKILL')
  }
})

test('console with a URI but no domain → exit 2', async () => {
  const r = await run(['console', 'test:///default'])
  assert.equal(r.code, 2)
  assert.ok(isOneLine(r.stderr), r.stderr)
})
