// Every ```ts sample of README.md and docs/coming-from-libvirt-python.md compiles, each as its own module,
// under strict NodeNext TypeScript against the package's built declarations (imported by name,
// 'libvirt-async', as a user would). A sample that drifts from the real API fails here, not in a user's editor.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { REPO, assertSamplesCompile, tsSamples } from '../helpers/ts-samples.js'

test('README TypeScript samples compile against the built types', async () => {
  const samples = tsSamples('README.md')
  assert.ok(samples.length >= 5, `found ${samples.length} samples`)
  await assertSamplesCompile('README.md', samples)
})

const PYTHON_GUIDE = 'docs/coming-from-libvirt-python.md'

test('"Coming from libvirt-python": samples compile and cover every method of the table', async () => {
  const samples = tsSamples(PYTHON_GUIDE)
  assert.ok(samples.length >= 5, `found ${samples.length} samples`)
  // The table is prose; its right-hand column is kept honest by requiring each method it names to be
  // called in a compiled sample (so a renamed or missing method fails the compile, not a reader).
  const text = readFileSync(join(REPO, PYTHON_GUIDE), 'utf8')
  const rows = text.split('\n').filter((l) => /^\| `/.test(l))
  assert.ok(rows.length >= 25, `the table has ${rows.length} rows (at least 25 common calls)`)
  const code = samples.map((s) => s.code).join('\n')
  const missing: string[] = []
  for (const row of rows) {
    const ours = row.split(' | ')[1] ?? ''
    for (const m of ours.matchAll(/\.(\w+)\(/g)) if (!code.includes(`.${m[1]}(`)) missing.push(`${m[1]} (row: ${row.slice(0, 60)}…)`)
  }
  assert.deepEqual(missing, [], 'methods named in the table but called in no sample')
  await assertSamplesCompile(PYTHON_GUIDE, samples)
})
