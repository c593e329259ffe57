// Volume streams against a private libvirtd's dir pool: a file with holes uploaded sparsely and
// downloaded back byte-identical with its holes kept (compared by allocated blocks), the plain
// and zero-filling modes, a paused consumer holding memory to its bound, and aborts midway.

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { closeSync, openSync, readFileSync, statSync, writeSync, ftruncateSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Readable, Writable } from 'node:stream'
import { randomBytes } from 'node:crypto'
import { connect, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { STREAM_CHUNK, storageVolDownload, storageVolUpload, uploadSparseFile, writeSparseFile, isStreamHole } from '../../src/streams/index.js'
import { VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM } from '../../src/generated/constants.gen.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { HAS_QEMU, createVolume, startDirPool, turns } from './streams-fixtures.js'
import type { RemoteNonnullStoragePool } from '../../src/generated/remote-types.gen.js'
import { AT_ONCE_MS, within } from '../helpers/bounded.js'

const MiB = 1024 * 1024

describe('volume streams', { skip: !HAS_QEMU && 'needs root (the daemon\'s storage driver)' }, () => {
  let daemon: TestDaemon
  let conn: Connection
  let pool: RemoteNonnullStoragePool
  let work: string
  before(async () => {
    daemon = await startTestDaemon({ qemu: true })
    conn = await connect(daemon.qemuUri!)
    work = join(daemon.dir, 'work')
    mkdirSync(work, { recursive: true })
    pool = await startDirPool(conn, daemon.dir, 'st-pool')
  })
  after(async () => {
    await conn?.close()
    await daemon?.stop()
  })

  /** 8 MiB with three data extents and holes between and at the end. */
  function makeSparseSource(): { path: string; bytes: Buffer } {
    const path = join(work, 'source.img')
    const fd = openSync(path, 'w')
    const extents: [number, Buffer][] = [[0, randomBytes(8192)], [1 * MiB, randomBytes(300 * 1024)], [5 * MiB + 4096, randomBytes(4096)]]
    for (const [at, data] of extents) writeSync(fd, data, 0, data.length, at)
    ftruncateSync(fd, 8 * MiB)
    closeSync(fd)
    return { path, bytes: readFileSync(path) }
  }

  it('uploads a file with holes sparsely and downloads it back identical, holes kept', async (t) => {
    const src = makeSparseSource()
    const srcBlocks = statSync(src.path).blocks
    assert.ok(srcBlocks * 512 < 2 * MiB, `the source file is sparse (${srcBlocks} blocks)`)
    const { vol, path: volPath } = await createVolume(conn, pool, 'sparse.raw', 8 * MiB)

    const up = await storageVolUpload(conn, vol, 0, 0, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM)
    assert.equal(up.sparse, true)
    await uploadSparseFile(up, src.path)
    assert.ok(readFileSync(volPath).equals(src.bytes), 'volume holds the uploaded bytes')
    assert.ok(statSync(volPath).blocks <= srcBlocks, `volume is as sparse as the source (${statSync(volPath).blocks} vs ${srcBlocks} blocks)`)

    // holes as items → a sparse local file
    const down = await storageVolDownload(conn, vol, 0, 0, VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, { holes: 'objects' })
    let holes = 0n
    async function* counted(): AsyncGenerator<unknown> {
      for await (const item of down) {
        if (isStreamHole(item)) holes += BigInt(item.hole)
        yield item
      }
    }
    const dst = join(work, 'download.img')
    const size = await writeSparseFile(counted(), dst)
    assert.equal(size, BigInt(8 * MiB))
    assert.ok(readFileSync(dst).equals(src.bytes), 'downloaded file is byte-identical')
    assert.ok(holes >= BigInt(6 * MiB), `holes were received as holes (${holes} bytes)`)
    t.diagnostic(`blocks: source ${srcBlocks}, volume ${statSync(volPath).blocks}, download ${statSync(dst).blocks}; holes received ${holes} bytes`)
    assert.ok(statSync(dst).blocks <= srcBlocks, `download is as sparse as the source (${statSync(dst).blocks} vs ${srcBlocks} blocks)`)

    // holes as zeros → plain bytes
    const zeros = await storageVolDownload(conn, vol, 0, 0, VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM)
    assert.ok((await collect(zeros)).equals(src.bytes))

    // no sparse flag: the daemon sends every byte
    const plain = await storageVolDownload(conn, vol, 1 * MiB, 300 * 1024)
    assert.ok((await collect(plain)).equals(src.bytes.subarray(1 * MiB, 1 * MiB + 300 * 1024)))
  })

  it('the typed API: vol.upload() and vol.download() through pipeline(), byte-identical', async () => {
    const { path } = await createVolume(conn, pool, 'typed.raw', 2 * MiB)
    const vol = await conn.storageVolLookupByPath(path)
    const data = randomBytes(2 * MiB)
    await pipeline(Readable.from([data.subarray(0, MiB), data.subarray(MiB)]), await vol.upload(0, 2 * MiB))
    assert.ok(readFileSync(path).equals(data), 'the volume holds what was uploaded')
    const part = await collect(await vol.download(MiB / 2, MiB))
    assert.ok(part.equals(data.subarray(MiB / 2, MiB / 2 + MiB)), 'offset and length honoured')
  })

  it('a hole on a stream opened without the sparse flag is a TypeError (and aborts)', async () => {
    const { vol } = await createVolume(conn, pool, 'nohole.raw', 1 * MiB)
    const up = await storageVolUpload(conn, vol)
    up.write(Buffer.alloc(4096, 1))
    up.sendHole(4096)
    const [err] = await once(up, 'error')
    assert.ok(err instanceof TypeError)
    await conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
  })

  it('a paused consumer holds buffered bytes to its bound; reading resumes the connection', async (t) => {
    const { vol } = await createVolume(conn, pool, 'big.raw', 64 * MiB)
    const bulk = await connect(daemon.qemuUri!)
    try {
      const hwm = 1 * MiB
      const down = await storageVolDownload(bulk, vol, 0, 0, 0, { highWaterMark: hwm })
      // not reading: wait until the readable side is full...
      while (down.bufferedBytes < hwm) await turns(1)
      // ...and give the daemon every chance to push more (round trips on another connection)
      for (let i = 0; i < 50; i++) {
        await conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
        await turns(5)
      }
      // bound: the high-water mark, plus what one socket read and one partial frame can add
      const limit = hwm + 2 * STREAM_CHUNK + 64 * 1024
      assert.equal(down.pausingConnection, true)
      t.diagnostic(`paused: stream buffered ${down.bufferedBytes} bytes (limit ${limit}), socket ${bulk.rpc.transport.stream.readableLength}`)
      assert.ok(down.bufferedBytes <= limit, `buffered ${down.bufferedBytes} ≤ ${limit}`)
      const sock = bulk.rpc.transport.stream
      assert.ok(sock.readableLength <= sock.readableHighWaterMark + 64 * 1024, `socket buffer ${sock.readableLength}`)
      // consume everything, sampling the buffer on the way
      let total = 0
      let maxBuffered = 0
      await pipeline(down, new Writable({
        write(chunk: Buffer, _e, cb) {
          total += chunk.length
          maxBuffered = Math.max(maxBuffered, down.bufferedBytes)
          cb()
        },
      }))
      t.diagnostic(`consumed ${total} bytes, max buffered ${maxBuffered}`)
      assert.equal(total, 64 * MiB)
      assert.ok(maxBuffered <= limit, `max buffered ${maxBuffered} ≤ ${limit}`)
      assert.equal(down.pausingConnection, false)
      await bulk.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
    } finally {
      await bulk.close()
    }
  })

  it('aborting a download or an upload midway leaves the connection usable', async () => {
    const { vol } = await createVolume(conn, pool, 'abort.raw', 32 * MiB)
    const warnings: string[] = []
    const onWarning = (w: Error & { code?: string }): void => {
      if (w.code?.startsWith('LIBVIRT_ASYNC')) warnings.push(w.message)
    }
    process.on('warning', onWarning)
    try {
      const down = await storageVolDownload(conn, vol)
      let got = 0
      for await (const c of down) {
        got += (c as Buffer).length
        if (got >= 2 * MiB) break // for-await's break destroys the stream: abort
      }
      assert.equal(down.destroyed, true)
      assert.ok(got < 32 * MiB)

      const up = await storageVolUpload(conn, vol)
      up.write(Buffer.alloc(1 * MiB, 7))
      up.destroy(new Error('changed my mind'))
      const [err] = await once(up, 'error')
      assert.equal(err.message, 'changed my mind')

      // same connection: calls and a whole new download still work
      // (bounded: a connection left paused by the aborted stream would stall here, not fail)
      await within(AT_ONCE_MS, conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined), 'a call after the aborts')
      const again = await within(AT_ONCE_MS, storageVolDownload(conn, vol, 0, 1 * MiB), 'a new download after the aborts')
      assert.equal((await within(10_000, collect(again), 'reading 1 MiB after the aborts')).length, 1 * MiB)
      await turns(10)
      assert.deepEqual(warnings, [])
    } finally {
      process.off('warning', onWarning)
    }
  })
})

async function collect(s: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = []
  for await (const c of s) parts.push(c as Buffer)
  return Buffer.concat(parts)
}
