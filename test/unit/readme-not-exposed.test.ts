// Issue 17 item 5: the README's "Not exposed as methods" list is exactly the procedures API_TABLE
// leaves without a method because they pass file descriptors — each named once, with its reason —
// and every other procedure without a method has a reason in API_TABLE. A new libvirt that adds
// such a procedure, or a method that appears for one, makes the list and the table disagree here.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { API_TABLE } from '../../src/index.js'
import { REPO } from '../helpers/ts-samples.js'

test('README "Not exposed as methods" names exactly the fd-passing procedures of API_TABLE', () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const start = readme.indexOf('**Not exposed as methods**')
  assert.ok(start >= 0, 'README has a "Not exposed as methods" paragraph')
  const end = readme.indexOf('\n\n', readme.indexOf('\n- ', start))
  const section = readme.slice(start, end < 0 ? undefined : end)
  const bullets = section.split('\n- ').slice(1).map((b) => `- ${b.replace(/\n\s+/g, ' ')}`) // a bullet may wrap
  const named = new Set<string>()
  for (const b of bullets) {
    const names = [...b.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!)
    assert.ok(names.length > 0, `bullet names a procedure: ${b}`)
    assert.match(b, /:\s+\S/, `bullet gives a reason: ${b}`) // "PROC: why"
    for (const n of names) named.add(n)
  }
  const noMethod = API_TABLE.filter((e) => e.method === null)
  for (const e of noMethod) assert.ok(e.reason && e.reason.length > 10, `${e.procedure} has no method and no reason`)
  const fdPassing = new Set(noMethod.filter((e) => /file descriptors/.test(e.reason ?? '')).map((e) => e.procedure.replace(/^(REMOTE|QEMU|LXC)_PROC_/, '')))
  assert.ok(fdPassing.size >= 7, `${fdPassing.size} fd-passing procedures`)
  assert.deepEqual([...named].sort(), [...fdPassing].sort())
})
