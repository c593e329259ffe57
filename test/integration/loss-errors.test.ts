// The error of a call in flight when the daemon closes the connection cleanly (it read the call,
// then its socket closed: a daemon killed mid-call). A real daemon cannot be stopped at that point
// on demand, so a fake peer on a unix socket answers the handshake, reads the call and ends; both
// clients connect to it. The reset case (calls unread) is compared on a real daemon in
// close-parity.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CloseReason, connect, LibvirtError } from '../../src/index.js'
import { OracleLibvirtError, runOracle } from '../../src/testing/index.js'
import { REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import { startFakeDaemon } from '../hostile/fake-daemon.js'
import { cClientMissing } from '../helpers/c-client.js'
import { AT_ONCE_MS, within } from '../helpers/bounded.js'

const EOF_ERROR = [38, 7, 'End of file while reading data: Input/output error'] as const

test('daemon closes (FIN) with a call in flight: the call gets libvirt\'s "End of file while reading data", later calls "client socket is closed"', async (t) => {
  const fake = await startFakeDaemon({
    onCall(peer, call) {
      if (call.header.procedure === REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION.procedure) peer.socket.end()
    },
  })
  try {
    const conn = await connect(fake.uri, { keepAlive: false })
    const err = await within(AT_ONCE_MS, conn.getLibVersion().then(() => null, (e: unknown) => e), 'the call in flight settles')
    assert.ok(err instanceof LibvirtError, String(err))
    assert.deepEqual([err.code, err.domain, err.message], EOF_ERROR)
    assert.equal(await within(AT_ONCE_MS, conn.closed, 'closed'), CloseReason.EOF)
    await assert.rejects(conn.getLibVersion(), (e: unknown) => e instanceof LibvirtError && e.code === 1 && e.message === 'client socket is closed')

    const missing = await cClientMissing()
    if (missing) return t.skip(`python3-libvirt: ${missing}; the C client side not compared`)
    const theirs = await runOracle(fake.uri, 'result = conn.getLibVersion()', { timeoutMs: 20_000 }).then(() => null, (e: unknown) => e)
    assert.ok(theirs instanceof OracleLibvirtError, `the C client: ${String(theirs)}`)
    assert.deepEqual([theirs.code, theirs.domain, theirs.message], EOF_ERROR, 'the C client reports the same')
  } finally {
    await fake.close()
  }
})
