// Frames written straight to the socket's descriptor (Transport.tryWrite) next to the ones that
// go through the socket's Writable: a peer that stops reading fills the kernel's buffer, so some
// frames go direct, some partly, the rest queue in the stream — every frame must still arrive
// whole and in the order the calls were made, over unix and TCP alike. And a destroyed socket's descriptor number, reused
// by the process for a file, must never receive a byte.

import assert from 'node:assert/strict'
import { closeSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs'
import { createServer, connect as netConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { connect } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import { directWriter } from '../../src/transport/unix.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { startFakeDaemon } from './fake-daemon.js'

const P = REMOTE_PROCEDURES

async function peerStopsReading(transport: 'unix' | 'tcp'): Promise<void> {
  const fake = await startFakeDaemon({
    tcp: transport === 'tcp',
    onCall(peer, call) {
      if (call.header.procedure === P.DOMAIN_DEFINE_XML.procedure) {
        const { xml } = P.DOMAIN_DEFINE_XML.decodeArgs!(new XdrReader(call.body))
        peer.reply(call.header, P.DOMAIN_DEFINE_XML, { dom: { name: xml.slice(0, 12), uuid: '00000000-0000-0000-0000-000000000000', id: -1 } })
      }
    },
  })
  const conn = await connect(fake.uri, { keepAlive: false })
  try {
    const peer = await fake.firstPeer()
    peer.socket.pause() // the kernel's buffers fill; our writes start to fall short
    // sizes on both sides of the merge limit (16 KiB) and of a socket buffer's worth
    const sizes = Array.from({ length: 300 }, (_, i) => [40, 3_000, 9_000, 20_000, 70_000][i % 5]! + i)
    const xmls = sizes.map((n, i) => `call-${String(i).padStart(6, '0')}-`.padEnd(n, 'x'))
    const results = xmls.map((xml) => conn.domainDefineXML(xml))
    const rpc = conn.rpc
    await new Promise((r) => setTimeout(r, 200))
    const stream = rpc.transport.stream as Socket
    assert.ok(stream.writableLength > 0, 'the socket filled up and the stream holds the rest')
    peer.socket.resume()
    // more calls while the stream still holds bytes and the peer makes room: a frame written
    // straight to the socket now would overtake the stream's (the client must not try)
    for (let i = 0; i < 200 && stream.writableLength > 0; i++) {
      const xml = `late-${String(i).padStart(6, '0')}-`.padEnd(20_000 + i, 'z')
      xmls.push(xml)
      results.push(conn.domainDefineXML(xml))
      await new Promise((r) => setImmediate(r))
    }
    assert.ok(xmls.length > sizes.length, 'calls were made while the stream drained')
    const doms = await Promise.all(results)
    assert.deepEqual(doms.map((d) => d.name), xmls.map((x) => x.slice(0, 12)))
    // what the peer received: the calls in order, each body intact, serials in sequence
    const calls = peer.calls.filter((c) => c.header.procedure === P.DOMAIN_DEFINE_XML.procedure)
    assert.equal(calls.length, xmls.length)
    for (let i = 1; i < calls.length; i++) assert.equal(calls[i]!.header.serial, calls[i - 1]!.header.serial + 1)
    calls.forEach((c, i) => assert.equal(P.DOMAIN_DEFINE_XML.decodeArgs!(new XdrReader(c.body)).xml, xmls[i]))
    // both ways were used: some bytes went straight to the descriptor, some through the Writable
    assert.ok(rpc.transport.tryWrite, `the ${transport} transport writes directly`)
    assert.ok(stream.bytesWritten > 0 && stream.bytesWritten < rpc.bytesOut, `Writable ${stream.bytesWritten} of ${rpc.bytesOut} bytes`)
    // and sequential calls afterwards still work
    for (let i = 0; i < 20; i++) assert.equal((await conn.domainDefineXML(`after-${i}`.padEnd(20, 'y'))).name, `after-${i}`.padEnd(12, 'y').slice(0, 12))
  } finally {
    await conn.close()
    await fake.close()
  }
}

for (const transport of ['unix', 'tcp'] as const) {
  test(`${transport}: a peer that stops reading: direct writes, partial writes and queued writes arrive whole and in call order`, { timeout: 60_000 }, () => peerStopsReading(transport))
}

test('a destroyed socket: the direct writer writes nothing, even to a file that now has its descriptor number', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'la-direct-write-'))
  const path = join(dir, 'sock')
  const server = createServer((s) => s.resume())
  await new Promise<void>((r) => server.listen(path, r))
  try {
    const socket = netConnect(path)
    await new Promise((r) => socket.once('connect', r))
    const write = directWriter(socket)
    assert.ok(write, 'a connected unix socket can be written directly')
    const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd
    assert.equal(write(Buffer.from('hello'), 5), 5)
    socket.destroy()
    // the lowest free descriptor: the socket's, just released
    const file = openSync(join(dir, 'file'), 'w+')
    try {
      assert.equal(write(Buffer.from('must not land in the file'), 25), 0)
      assert.equal(fstatSync(file).size, 0, `nothing written to the file (its descriptor ${file}, the socket's was ${fd})`)
    } finally {
      closeSync(file)
    }
  } finally {
    await new Promise((r) => server.close(r))
    rmSync(dir, { recursive: true, force: true })
  }
})
