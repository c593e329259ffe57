// `libvirt-async demo` end to end (what `bash scripts/demo.sh` runs): exit 0, events of the
// domain, network, storage pool and node device families, onClose with EOF, every registration
// cleaned up. With root and the QEMU driver, `demo --qemu` also shows secret events.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { run } from './cli-run.js'

function families(stdout: string): Set<string> {
  return new Set([...stdout.matchAll(/\[event[^\]]*\] (\w+)/g)].map((m) => m[1]!))
}

test('demo: events of each family, close reason, registrations before/after', async () => {
  const r = await run(['demo'])
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`)
  for (const f of ['domain', 'network', 'storagePool', 'nodeDevice']) assert.ok(families(r.stdout).has(f), `no ${f} event in:\n${r.stdout}`)
  assert.match(r.stdout, /domain\s+LIFECYCLE\s+demo-dom\s+event=STARTED detail=BOOTED/)
  assert.match(r.stdout, /storagePool REFRESH\s+demo-pool/)
  assert.match(r.stdout, /onClose fired: reason EOF \(1\)/)
  const before = Number(r.stdout.match(/tracked registrations before: (\d+)/)?.[1])
  assert.ok(before > 0, r.stdout)
  assert.match(r.stdout, /tracked registrations after: 0 /)
})

test('demo --qemu: a real VM and secret events (root with the QEMU driver only)', async (t) => {
  const r = await run(['demo', '--qemu'])
  // Only one reason to skip: not root (the QEMU driver needs it). As root, a daemon that does not
  // start is a failure, whatever the reason.
  if (process.getuid?.() !== 0) {
    assert.equal(r.code, 4, `not root: --qemu must refuse with exit 4\n${r.stdout}\n${r.stderr}`)
    assert.match(r.stderr, /needs root/)
    return t.skip('not root: the QEMU driver of the embedded daemon needs root (the refusal was checked)')
  }
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`)
  const f = families(r.stdout)
  for (const fam of ['domain', 'secret']) assert.ok(f.has(fam), `no ${fam} event in:\n${r.stdout}`)
  assert.match(r.stdout, /demo-vm\s+event=STARTED/)
  assert.match(r.stdout, /tracked registrations after: 0 \+ 0/)
})
