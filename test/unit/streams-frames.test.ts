// Stream frames on the wire, against a fake peer over a real socket: what we send for data,
// holes, finish and abort (golden bytes), and what a real daemon never sends (a hole on a
// non-sparse stream, a malformed hole, an unrequested finish confirmation) → typed errors.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { once } from 'node:events'
import { RpcClient } from '../../src/client/rpc-client.js'
import { LibvirtError } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { storageVolDownload, storageVolUpload } from '../../src/streams/index.js'
import { frame, hyper, words, REMOTE } from '../helpers/bytes.js'

const VOL = { pool: 'p', name: 'v', key: 'k' }
const UPLOAD = REMOTE_PROCEDURES.STORAGE_VOL_UPLOAD.procedure
const DOWNLOAD = REMOTE_PROCEDURES.STORAGE_VOL_DOWNLOAD.procedure

/** A fake daemon: answers every CALL with an empty OK reply, records every other frame. */
async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-frames-'))
  const sock = path.join(dir, 's')
  let peer!: net.Socket
  const seen: Buffer[] = []
  let onSeen: (() => void) | null = null
  const server = net.createServer((s) => {
    peer = s
    let buf = Buffer.alloc(0)
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
        const f = buf.subarray(0, buf.readUInt32BE(0))
        buf = buf.subarray(f.length)
        const [prog, vers, proc, type, serial] = [0, 1, 2, 3, 4].map((i) => f.readUInt32BE(4 + i * 4))
        if (type === 0) s.write(frame(prog!, vers!, proc!, 1, serial!, 0))
        else seen.push(Buffer.from(f))
        onSeen?.()
      }
    })
  })
  server.listen(sock)
  await once(server, 'listening')
  const client = net.connect(sock)
  await once(client, 'connect')
  const transport = { stream: client, description: 'test', secure: true, ref: () => client.ref(), unref: () => client.unref(), destroy: () => client.destroy() }
  const rpc = new RpcClient(transport)
  const waitFrames = async (n: number): Promise<Buffer[]> => {
    while (seen.length < n) await new Promise<void>((r) => (onSeen = r))
    return seen.splice(0, n)
  }
  const cleanup = (): void => {
    rpc.destroy()
    server.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return { conn: { rpc }, rpc, push: (b: Buffer) => peer.write(b), waitFrames, cleanup }
}

test('data, hole, finish and abort frames are what libvirt expects', async () => {
  const t = await setup()
  try {
    const up = await storageVolUpload(t.conn, VOL, 0, 0, 1 /* UPLOAD_SPARSE_STREAM */)
    const s = up.serial
    up.write(Buffer.from('abc'))
    up.sendHole(1n << 40n)
    up.end()
    const [data, hole, fin] = await t.waitFrames(3)
    assert.ok(data!.equals(frame(REMOTE, 1, UPLOAD, 3, s, 2, Buffer.from('abc'))))
    assert.ok(hole!.equals(frame(REMOTE, 1, UPLOAD, 6, s, 2, Buffer.concat([hyper(1n << 40n), words(0)]))))
    assert.ok(fin!.equals(frame(REMOTE, 1, UPLOAD, 3, s, 0)))
    t.push(frame(REMOTE, 1, UPLOAD, 3, s, 0)) // the daemon confirms the finish
    await once(up, 'finish')

    // a 600 KiB write goes as three frames of at most 256 KiB; destroy() sends the abort
    const up2 = await storageVolUpload(t.conn, VOL)
    up2.write(Buffer.alloc(600 * 1024, 9))
    const sizes = (await t.waitFrames(3)).map((f) => f.length - 28)
    assert.deepEqual(sizes, [262120, 262120, 600 * 1024 - 2 * 262120])
    up2.destroy()
    const [abort] = await t.waitFrames(1)
    assert.ok(abort!.equals(frame(REMOTE, 1, UPLOAD, 3, up2.serial, 1)))
  } finally {
    t.cleanup()
  }
})

test('what a daemon never sends errors the stream with VIR_ERR_RPC; the connection lives on', async () => {
  const t = await setup()
  try {
    const cases: Array<[number, (serial: number) => Buffer, RegExp]> = [
      [0, (s) => frame(REMOTE, 1, DOWNLOAD, 6, s, 2, Buffer.concat([hyper(4096n), words(0)])), /Unexpected stream hole/],
      [1, (s) => frame(REMOTE, 1, DOWNLOAD, 6, s, 2, words(1)), /Malformed stream hole/],
      [1, (s) => frame(REMOTE, 1, DOWNLOAD, 6, s, 2, Buffer.concat([hyper(-5n), words(0)])), /Malformed stream hole/],
      [0, (s) => frame(REMOTE, 1, DOWNLOAD, 3, s, 0), /unexpected async stream finish/],
      [0, (s) => frame(REMOTE, 1, DOWNLOAD, 3, s, 7), /unexpected status 7/],
    ]
    for (const [flags, bad, re] of cases) {
      const down = await storageVolDownload(t.conn, VOL, 0, 0, flags)
      t.push(frame(REMOTE, 1, DOWNLOAD, 3, down.serial, 2, Buffer.from('ok so far')))
      t.push(bad(down.serial))
      const [err] = await once(down, 'error')
      assert.ok(err instanceof LibvirtError && err.code === 39, String(err))
      assert.match(err.message, re)
      // we aborted our side
      const [abort] = await t.waitFrames(1)
      assert.ok(abort!.equals(frame(REMOTE, 1, DOWNLOAD, 3, down.serial, 1)))
    }
    assert.equal(t.rpc.isOpen, true)
  } finally {
    t.cleanup()
  }
})
