// Reconnect over many cycles and at the process level: 500 cuts from the daemon's side
// (virt-admin client-disconnect) with every dropped connection collected and exactly one register
// call per registration each time; a wrapper in backoff that was unref()'d does not keep the
// process alive, and one closed during backoff leaves no timer or socket behind.
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
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

test('500 disconnect/reconnect cycles (cut by virt-admin): every dropped connection is collected, 5 register calls per reconnect, events still flow', async () => {
  const cycles = 500
  const { stdout } = await run(process.execPath, ['--expose-gc', fixture('managed-reconnect-gc.js'), daemon.uri, daemon.adminSocket, String(cycles)], { timeout: 280_000, maxBuffer: 1 << 20 })
  const r = JSON.parse(stdout) as { reconnected: number; registers: number; collected: { virt: number; rpc: number }; alive: number; events: number[]; heapAt50: number; heapEnd: number }
  assert.equal(r.reconnected, cycles)
  // four families + onDomainChange, once per reconnect
  assert.equal(r.registers, 5 * cycles)
  assert.equal(r.alive, 0, `objects still reachable: ${stdout}`)
  assert.deepEqual(r.collected, { virt: cycles, rpc: cycles })
  assert.deepEqual(r.events, [3, 4])
})

test('a wrapper in backoff that was unref()d does not keep the process alive', async () => {
  // a process kept alive would hit execFile's timeout and fail the test
  const { stdout } = await run(process.execPath, [fixture('managed-reconnect-unref.js'), daemon.uri, daemon.adminSocket, 'unref'], { timeout: 60_000 })
  assert.deepEqual(stdout.trim().split('\n'), ['reconnecting true', 'exit while reconnecting'])
})

test('closed during backoff: the process exits by itself (no timer or socket left), no onClose, CLIENT', async () => {
  const { stdout } = await run(process.execPath, [fixture('managed-reconnect-unref.js'), daemon.uri, daemon.adminSocket, 'closed'], { timeout: 60_000 })
  assert.deepEqual(stdout.trim().split('\n'), ['reconnecting true', 'closed 3'])
})
