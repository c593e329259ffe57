// A LibvirtError from a call names the code that made the call, per LibvirtError.callerStack:
// 'await' (default) — the async functions awaiting the failed call; 'call' — captured when the call
// is made, so a synchronous caller whose promise is awaited later is named too; 'off' — neither,
// which shows the names come from the mechanism. Daemon errors keep their fields; the shared
// "client socket is closed" error of a closed connection gives each failed call its own frames.
// Real private libvirtd, test driver.
import { after, afterEach, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Connection, LibvirtError, VIR_ERR_NO_DOMAIN, VIR_FROM_TEST } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
let conn: Connection
before(async () => {
  daemon = await startTestDaemon()
  conn = await connect(daemon.uri)
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})
afterEach(() => {
  LibvirtError.callerStack = 'await'
})

async function lookUpMissingDomainAwaited(c: Connection): Promise<unknown> {
  return await c.domainLookupByName('no-such-domain').catch((e: unknown) => e)
}

// Not async: there is no await chain through this frame, only a capture at call time can know it.
function startMissingLookupSync(c: Connection): Promise<unknown> {
  return c.domainLookupByName('no-such-domain')
}

async function settleLater(p: Promise<unknown>): Promise<unknown> {
  const outcome = p.then(() => null, (e: unknown) => e) // handled at once: no unhandled rejection
  await new Promise((r) => setTimeout(r, 20))
  return outcome
}

function framesOf(err: unknown): string[] {
  assert.ok(err instanceof LibvirtError, `a LibvirtError, got ${String(err)}`)
  const lines = (err.stack ?? '').split('\n')
  assert.equal(lines[0], `LibvirtError: ${err.message}`)
  return lines.slice(1)
}
const names = (frames: string[], fn: string): boolean => frames.some((l) => l.includes(fn))

test("default 'await': a daemon error names the awaiting caller; the error's fields are unchanged", async () => {
  assert.equal(LibvirtError.callerStack, 'await')
  const err = await lookUpMissingDomainAwaited(conn)
  const frames = framesOf(err)
  assert.ok(names(frames, 'lookUpMissingDomainAwaited'), frames.join('\n'))
  assert.ok(!frames.some((l) => /core[\\/]session\.js/.test(l)), 'no reply-reading frames')
  assert.equal((err as LibvirtError).code, VIR_ERR_NO_DOMAIN)
  assert.equal((err as LibvirtError).domain, VIR_FROM_TEST, "the daemon's error, fields intact")
})

test("'call': captured when the call is made — a synchronous caller whose promise settles later is named", async () => {
  LibvirtError.callerStack = 'call'
  const frames = framesOf(await settleLater(startMissingLookupSync(conn)))
  assert.ok(names(frames, 'startMissingLookupSync'), frames.join('\n'))
  assert.ok(!frames.some((l) => /core[\\/]session\.js/.test(l)), 'no reply-reading frames')
  // and the awaiting caller as well
  assert.ok(names(framesOf(await lookUpMissingDomainAwaited(conn)), 'lookUpMissingDomainAwaited'))
})

test("'await' cannot know a synchronous caller; 'off' names no caller at all", async () => {
  const viaAwait = framesOf(await settleLater(startMissingLookupSync(conn)))
  assert.ok(!names(viaAwait, 'startMissingLookupSync'), viaAwait.join('\n'))
  LibvirtError.callerStack = 'off'
  const err = await lookUpMissingDomainAwaited(conn)
  assert.ok(err instanceof LibvirtError)
  assert.equal(err.code, VIR_ERR_NO_DOMAIN)
  assert.ok(!(err.stack ?? '').includes('lookUpMissingDomainAwaited'), err.stack)
})

for (const mode of ['await', 'call'] as const) {
  test(`'${mode}': calls on a closed connection share one error object; each failed call gets its own frames`, async () => {
    LibvirtError.callerStack = mode
    const c = await connect(daemon.uri)
    await c.close()
    async function firstCallAfterClose(): Promise<unknown> {
      return await c.getHostname().catch((e: unknown) => e)
    }
    async function secondCallAfterClose(): Promise<unknown> {
      return await c.getCapabilities().catch((e: unknown) => e)
    }
    const a = await firstCallAfterClose()
    const b = await secondCallAfterClose()
    const fa = framesOf(a)
    const fb = framesOf(b)
    assert.ok(names(fa, 'firstCallAfterClose') && !names(fa, 'secondCallAfterClose'), fa.join('\n'))
    assert.ok(names(fb, 'secondCallAfterClose') && !names(fb, 'firstCallAfterClose'), fb.join('\n'))
    const ea = a as LibvirtError
    const eb = b as LibvirtError
    assert.ok(eb instanceof LibvirtError && ea !== eb)
    assert.deepEqual([eb.code, eb.domain, eb.message, eb.local, eb.codeName], [ea.code, ea.domain, ea.message, ea.local, ea.codeName])
    assert.equal(ea.message, 'client socket is closed')
  })
}
