// Streams when the daemon dies: a console, a download held by a paused consumer (once it reads
// again) and an upload in progress all error with a LibvirtError, nothing hangs, the connections
// close, and an error with no listener becomes a warning instead of a crash.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { connect, CloseReason, LibvirtError, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { openDomainChannel, openDomainConsole, storageVolDownload, storageVolUpload } from '../../src/streams/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { HAS_QEMU, createVolume, startDirPool, startVm, turns } from './streams-fixtures.js'
import { AT_ONCE_MS, within } from '../helpers/bounded.js'

const MiB = 1024 * 1024

describe('streams when the daemon is killed', { skip: !HAS_QEMU && 'needs root and qemu-system-x86_64' }, () => {
  let daemon: TestDaemon
  before(async () => {
    daemon = await startTestDaemon({ qemu: true })
  })
  after(async () => {
    await daemon?.stop()
  })

  it('every open stream errors, nothing hangs', async () => {
    const conn: Connection = await connect(daemon.qemuUri!)
    const bulk: Connection = await connect(daemon.qemuUri!)
    const pool = await startDirPool(conn, daemon.dir, 'st-fault-pool')
    const { vol } = await createVolume(conn, pool, 'big.raw', 64 * MiB)
    const dom = await startVm(conn, 'st-fault', { channel: 'org.libvirt-async.fault' })

    const console = await openDomainConsole(conn, dom)
    console.resume()
    const down = await storageVolDownload(bulk, vol, 0, 0, 0, { highWaterMark: 256 * 1024 })
    while (!down.pausingConnection) await turns(1) // a consumer that stopped reading midway
    const up = await storageVolUpload(conn, vol)
    up.write(Buffer.alloc(2 * MiB, 1))
    // an error nobody listens for must not crash the process
    const quiet = await openDomainChannel(conn, dom, 'org.libvirt-async.fault')
    const warned = once(process, 'warning')

    const settled = [console, down, up].map((s) => finished(s).then(() => null, (e: unknown) => e))
    daemon.kill('SIGKILL')
    // The paused consumer's connection is not reading, so it learns of the death when the
    // consumer reads again (or at the next keepalive ping): read on.
    down.resume()

    for (const err of await Promise.all(settled)) {
      assert.ok(err instanceof LibvirtError, `stream error is a LibvirtError: ${String(err)}`)
      assert.match(err.message, /client socket is closed|connection|reset|End of file while reading data/i)
    }
    // EOF, as libvirt's client reports a dead daemon on a unix socket, unsent upload data or not (SPEC §2a)
    assert.equal(await within(AT_ONCE_MS, conn.closed, 'conn closed'), CloseReason.EOF)
    assert.equal(await within(AT_ONCE_MS, bulk.closed, 'bulk closed'), CloseReason.EOF)
    const [w] = await warned
    assert.equal((w as Error & { code?: string }).code, 'LIBVIRT_ASYNC_UNHANDLED_STREAM_ERROR')
    assert.equal(quiet.destroyed, true)
    // writing to a dead stream fails, it does not throw or hang
    await within(AT_ONCE_MS, assert.rejects(new Promise<void>((resolve, reject) => up.write(Buffer.from('x'), (e) => (e ? reject(e) : resolve())))), 'a write to a dead stream')
    // opening a stream on the dead connection rejects at once
    await within(AT_ONCE_MS, assert.rejects(storageVolDownload(conn, vol), LibvirtError), 'a download on a dead connection')
    await within(AT_ONCE_MS, assert.rejects(conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined), LibvirtError), 'a call on a dead connection')
  })
})
