// The hostile-peer suite (peer-cases.ts) in a child process under --unhandled-rejections=strict:
// any promise of ours rejected without a handler fails the run, even one the runner would catch.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CASES = fileURLToPath(new URL('./peer-cases.js', import.meta.url))

test('hostile peer: every case passes under --unhandled-rejections=strict', { timeout: 240_000 }, async () => {
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, ['--unhandled-rejections=strict', '--test', '--test-reporter=spec', '--test-timeout=120000', CASES],
      { timeout: 230_000, maxBuffer: 32 << 20 }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }))
  })
  assert.equal(code, 0, out)
  assert.match(out, /pass \d+/)
  assert.doesNotMatch(out, /fail [1-9]/)
})
