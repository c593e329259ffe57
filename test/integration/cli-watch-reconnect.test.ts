// `libvirt-async watch --reconnect` against a daemon this test starts: killing the daemon prints
// the disconnect instead of exiting; while it is down a domain is defined and another undefined
// (the test driver reads its node file again at restart); after the restart the reconnect line
// names them (resync), and events flow again with no new registration by hand.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { startTestDaemon, testDomainXml, testNodeXml, type TestDaemon } from '../../src/testing/index.js'
import { start } from './cli-run.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

const keep = testDomainXml('keep', { uuid: '21111111-2222-3333-4444-000000000001' })
const gone = testDomainXml('gone', { uuid: '21111111-2222-3333-4444-000000000002' })
const added = testDomainXml('added', { uuid: '21111111-2222-3333-4444-000000000003' })

for (const json of [true, false]) {
  test(`watch --reconnect${json ? ' --json' : ''}: disconnect and reconnect printed with the resync difference; the watcher keeps running`, async () => {
    const name = json ? 'cli-reconnect-json' : 'cli-reconnect-text'
    const uri = daemon.writeTestNode(testNodeXml([keep, gone]), name)
    const w = start(['watch', uri, '--reconnect', ...(json ? ['--json'] : [])])
    try {
      await w.waitFor('stderr', /watching .* registrations/)
      daemon.kill('SIGKILL')
      const [disc] = await w.waitFor('stdout', json ? /^.*"disconnected".*$/m : /^-- disconnected.*$/m)
      if (json) assert.deepEqual({ ...JSON.parse(disc), time: undefined }, { time: undefined, disconnected: 'EOF', reason: 1 })
      else assert.equal(disc, '-- disconnected: EOF (1); reconnecting')
      writeFileSync(`${daemon.dir}/nodes/${name}.xml`, testNodeXml([keep, added]))
      await daemon.restart()
      const [rec] = await w.waitFor('stdout', json ? /^.*"reconnected".*$/m : /^-- reconnected.*$/m)
      if (json) {
        const r = JSON.parse(rec)
        assert.deepEqual([r.appeared, r.disappeared, r.changed, r.refused], [['added'], ['gone'], [], 0])
        assert.ok(r.attempt >= 1 && r.downtimeMs >= 0)
      } else {
        assert.match(rec, /^-- reconnected after \d+ ms \(attempt \d+\); appeared: added; disappeared: gone$/)
      }
      // still watching: not exited
      assert.equal(w.child.exitCode, null)
    } finally {
      w.child.kill('SIGINT')
      await w.exit
    }
  })
}
