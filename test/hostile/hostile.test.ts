// The hostile-peer suite (peer-cases.ts) in a child process under --unhandled-rejections=strict:
// any promise of ours rejected without a handler fails the run, even one the runner would catch.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const CASES = fileURLToPath(new URL('./peer-cases.js', import.meta.url))

test('hostile peer: every case passes under --unhandled-rejections=strict', { timeout: 240_000 }, async () => {
  // Without NODE_TEST_CONTEXT the child runs as a top-level runner and prints its own report.
  const env = { ...process.env }
  delete env.NODE_TEST_CONTEXT
  const { code, out } = await new Promise<{ code: number | null; out: string }>((resolve) => {
    execFile(process.execPath, ['--unhandled-rejections=strict', '--test', '--test-reporter=spec', '--test-timeout=120000', CASES],
      { timeout: 230_000, maxBuffer: 32 << 20, env }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: `${stdout}\n${stderr}` }))
  })
  assert.equal(code, 0, out)
  const pass = /ℹ pass (\d+)/.exec(out)
  assert.ok(pass && Number(pass[1]) >= 25, `expected every case to run and pass:\n${out}`)
  assert.match(out, /ℹ fail 0/)
})
