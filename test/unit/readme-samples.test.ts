// Every ```ts sample of README.md compiles, each as its own module, under strict NodeNext
// TypeScript against the package's built declarations (imported by name, 'libvirt-async', as a
// user would). A sample that drifts from the real API fails here, not in a user's editor.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test } from 'node:test'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

test('README TypeScript samples compile against the built types', async () => {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
  const samples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({ line: readme.slice(0, m.index).split('\n').length, code: m[1]! }))
  assert.ok(samples.length >= 5, `found ${samples.length} samples`)
  const dir = mkdtempSync(join(tmpdir(), 'readme-samples-'))
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
    mkdirSync(join(dir, 'node_modules/@types'), { recursive: true })
    symlinkSync(REPO, join(dir, 'node_modules/libvirt-async'))
    symlinkSync(join(REPO, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'))
    for (const s of samples) writeFileSync(join(dir, `readme-line-${s.line}.ts`), `${s.code}\nexport {}\n`)
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2023', 'esnext.disposable'], module: 'NodeNext', moduleResolution: 'NodeNext',
        strict: true, noEmit: true, types: ['node'], skipLibCheck: true,
      },
      include: ['*.ts'],
    }))
    await promisify(execFile)(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir]).catch((err: { stdout?: string }) => {
      assert.fail(`README samples do not compile (file name = README line of the sample):\n${err.stdout ?? String(err)}`)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
