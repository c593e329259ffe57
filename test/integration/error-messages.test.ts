// Error messages a user can act on: a number past 2^53 says it is not a safe integer and to pass a
// bigint (through a real method on a real daemon; nothing is sent), and a URI whose driver only
// exists inside libvirt's C library is refused with VIR_ERR_NO_CONNECT saying so, before any
// socket is opened (a connection attempt would fail with another code).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, LibvirtError } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

test('a number that is not a safe integer: RangeError saying so, with the bigint to pass', async () => {
  await using conn = await connect(daemon.uri)
  const dom = await conn.domainLookupByName('test')
  await assert.rejects(dom.blockPeek('/dev/none', 2 ** 53 + 2, 1), (e: Error) => {
    assert.ok(e instanceof RangeError, String(e))
    assert.match(e.message, /^offset is 9007199254740994, which is not a safe integer .*pass a bigint, e\.g\. 9007199254740994n/)
    return true
  })
  await assert.rejects(dom.blockPeek('/dev/none', 1.5, 1), (e: Error) => {
    assert.ok(e instanceof TypeError, String(e))
    assert.match(e.message, /^offset must be an integer: a bigint, or a number that is a safe integer; got the number 1\.5$/)
    return true
  })
  await assert.rejects(dom.blockPeek('/dev/none', 0, 2 ** 60), (e: Error) => {
    assert.ok(e instanceof RangeError, String(e))
    assert.match(e.message, /^size must be between 0 and 4294967295, got 1152921504606847000 \(not even a safe integer\)$/)
    return true
  })
  assert.ok(Number(await conn.getLibVersion()) > 0, 'the connection is still fine')
})

for (const uri of ['esx://127.0.0.1:1/', 'vpx://127.0.0.1:1/dc/cluster/host', 'gsx://127.0.0.1:1/', 'hyperv://admin:secret@127.0.0.1:1/',
  'vmwareplayer:///session', 'vmwarews:///session', 'vmwarefusion:///session', 'openvz:///system']) {
  test(`${uri.replace(/:secret@/, ':***@')}: VIR_ERR_NO_CONNECT, the driver lives in libvirt's C library, use a libvirt.so client`, async () => {
    await assert.rejects(connect(uri, { timeout: 5000 }), (e: Error) => {
      assert.ok(e instanceof LibvirtError, String(e))
      assert.equal(e.codeName, 'VIR_ERR_NO_CONNECT')
      const driver = uri.slice(0, uri.indexOf(':'))
      assert.match(e.message, new RegExp(`^no connection driver available for .*: the ${driver} driver .* runs inside libvirt's C library, not in a libvirt daemon`))
      assert.match(e.message, /use a client built on libvirt\.so for it \(virsh -c/)
      assert.ok(!e.message.includes('secret'), 'password masked')
      return true
    })
  })
}

test('an explicit transport (esx+tcp://) is the daemon\'s business, as in libvirt: not refused locally', async () => {
  await assert.rejects(connect('esx+tcp://127.0.0.1:1/', { timeout: 5000 }), (e: Error) => {
    assert.ok(e instanceof LibvirtError)
    assert.notEqual(e.codeName, 'VIR_ERR_NO_CONNECT')
    return true
  })
})
