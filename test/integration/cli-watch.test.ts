// `libvirt-async watch URI --json` against a daemon this test starts: a define made here shows up
// as a JSON line; killing the daemon prints the close reason and exits 3.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from '../../src/index.js'
import { startTestDaemon, testDomainXml, type TestDaemon } from '../../src/testing/index.js'
import { readFileSync } from 'node:fs'
import { isOneLine, start } from './cli-run.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

test('watch --json: a define appears as a JSON line; a killed daemon → close reason, exit 3', async () => {
  const w = start(['watch', daemon.uri, '--json'])
  try {
    await w.waitFor('stderr', /watching .* registrations/)
    // refusals are reported, not fatal (the test driver has no secrets)
    assert.match(w.stderr(), /secret: .*refused/)
    const conn = await connect(daemon.uri)
    await conn.domainDefineXML(testDomainXml('cli-watch-1'))
    const [line] = await w.waitFor('stdout', /^.*"cli-watch-1".*$/m)
    const ev = JSON.parse(line)
    assert.equal(ev.family, 'domain')
    assert.equal(ev.event, 'LIFECYCLE')
    assert.equal(ev.object, 'cli-watch-1')
    assert.deepEqual(ev.args, { event: 'DEFINED', detail: 'ADDED' })
    daemon.kill('SIGKILL')
    const code = await w.exit
    assert.equal(code, 3, w.stderr())
    const last = w.stdout().trim().split('\n').at(-1)!
    assert.deepEqual({ ...JSON.parse(last), time: undefined }, { time: undefined, closed: 'EOF', reason: 1 })
    assert.match(w.stderr(), /connection closed: EOF \(1\)/)
  } finally {
    w.child.kill('SIGKILL')
  }
})

function alive(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return !/^State:\s+[ZX]/m.test(status)
  } catch {
    return false
  }
}

test('watch with no URI: embedded daemon; Ctrl-C → exit 130 and the daemon is gone', async () => {
  const w = start(['watch'])
  try {
    const [, pid] = await w.waitFor('stderr', /private libvirtd \(pid (\d+)\)/)
    await w.waitFor('stderr', /watching test\+unix:/)
    assert.ok(alive(Number(pid)))
    w.child.kill('SIGINT')
    assert.equal(await w.exit, 130, w.stderr())
    assert.equal(alive(Number(pid)), false, `libvirtd ${pid} still running after Ctrl-C`)
  } finally {
    w.child.kill('SIGKILL')
  }
})

test('watch (text): readable lines as events arrive; closed daemon → reason on stderr, exit 3', async () => {
  await using own = await startTestDaemon()
  const w = start(['watch', own.uri])
  try {
    await w.waitFor('stderr', /watching .* registrations/)
    const conn = await connect(own.uri)
    const dom = await conn.domainDefineXML(testDomainXml('cli-watch-text'))
    await dom.undefine()
    const [line] = await w.waitFor('stdout', /^.*cli-watch-text.*UNDEFINED.*$/m)
    assert.match(w.stdout(), /domain\s+LIFECYCLE\s+cli-watch-text\s+event=DEFINED detail=ADDED/)
    assert.match(line, /domain\s+LIFECYCLE\s+cli-watch-text\s+event=UNDEFINED detail=REMOVED/)
    assert.ok(!w.stdout().trimStart().startsWith('{'), 'text, not JSON')
    own.kill('SIGKILL')
    assert.equal(await w.exit, 3, w.stderr())
    assert.match(w.stderr(), /connection closed: EOF \(1\)/)
  } finally {
    w.child.kill('SIGKILL')
  }
})

test('watch: unreachable URI → exit 1, one line', async () => {
  const w = start(['watch', 'test+unix:///default?socket=/nonexistent/libvirt-sock'])
  assert.equal(await w.exit, 1)
  assert.match(w.stderr(), /cannot connect to/)
  assert.ok(isOneLine(w.stderr()), w.stderr())
})
