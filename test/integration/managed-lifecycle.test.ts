// What is left of the seed's event-loop rows (catalogue 11–12): after close no timer or handle of
// the client fires or keeps the process alive, an unref()'d wrapper does not either; and nothing
// leaks: 2,000 wrap/register/close cycles in a child with --expose-gc, everything collected.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

const run = promisify(execFile)
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url))

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon({ qemu: true })
})
after(async () => {
  await daemon?.stop()
})

test('an unref()d wrapper with registrations does not keep the process alive', async () => {
  // a process kept alive would hit execFile's timeout and fail the test
  const { stdout } = await run(process.execPath, [fixture('managed-unref.js'), daemon.uri, 'unref'], { timeout: 60_000 })
  assert.equal(stdout.trim(), 'exit while open')
})

test('after close the process exits by itself: no timer or handle left, no callback after close', async () => {
  const { stdout } = await run(process.execPath, [fixture('managed-unref.js'), daemon.uri, 'closed'], { timeout: 60_000 })
  // onClose is for a loss, not for the caller's own close()
  assert.deepEqual(stdout.trim().split('\n'), ['closed 3'])
})

test('2,000 cycles of open, wrap, register five families, close: wrappers, connections and callbacks are collected', async () => {
  const cycles = 2000
  const { stdout } = await run(process.execPath, ['--expose-gc', fixture('managed-gc.js'), daemon.qemuUri!, String(cycles)], { timeout: 280_000, maxBuffer: 1 << 20 })
  const r = JSON.parse(stdout) as { cycles: number; collected: Record<string, number>; alive: number; heapBefore: number; heapAfter: number }
  assert.equal(r.alive, 0, `objects still reachable: ${stdout}`)
  assert.deepEqual(r.collected, { wrapper: cycles, virt: cycles, callback: cycles })
})
