// `libvirt-async watch URI --json` against a daemon this test starts: a define made here shows up
// as a JSON line; killing the daemon prints the close reason and exits 3.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect } from '../../src/index.js'
import { startTestDaemon, testDomainXml, type TestDaemon } from '../../src/testing/index.js'
import { start } from './cli-run.js'

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
