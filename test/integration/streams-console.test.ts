// Streams against real QEMU guests of a private libvirtd: the serial console (read what SeaBIOS
// prints, write to it, finish), a virtio channel, a screenshot of a VNC guest (image header
// decoded), and bad input (typed errors, nothing sent).

import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { finished } from 'node:stream/promises'
import { connect, LibvirtError, type Connection } from '../../src/index.js'
import { CONSOLE_ESCAPE, domainScreenshot, openDomainChannel, openDomainConsole, runConsoleTty, storageVolDownload, type Stream } from '../../src/streams/index.js'
import { PassThrough } from 'node:stream'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { HAS_QEMU, destroyVm, startVm, vmXml } from './streams-fixtures.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { within } from '../helpers/bounded.js'
import { splitFrames, tapWrites } from '../helpers/wire-tap.js'

/** Reads from `stream` until the text seen so far matches `re`; returns that text (stream left paused, open). */
function readUntil(stream: Stream, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1')
      if (re.test(text)) done(null)
    }
    const onEnd = (): void => done(new Error(`stream ended before ${re} appeared; got ${JSON.stringify(text)}`))
    const done = (err: Error | null): void => {
      stream.off('data', onData).off('end', onEnd).off('error', done)
      stream.pause()
      if (err) reject(err)
      else resolve(text)
    }
    stream.on('data', onData).on('end', onEnd).on('error', done)
  })
}

/** Every byte the client writes on `conn`'s socket from now on (both write paths, see wire-tap). */
function recordWrites(c: Connection): Buffer[] {
  const seen: Buffer[] = []
  tapWrites(c.rpc, (b) => seen.push(b))
  return seen
}

/** The STREAM frames (type 3) in a byte sequence of whole frames. */
function streamFrames(bytes: Buffer): { serial: number; status: number; payload: Buffer }[] {
  return splitFrames(bytes)
    .filter((f) => f.length >= 28 && f.readInt32BE(16) === 3)
    .map((f) => ({ serial: f.readUInt32BE(20), status: f.readInt32BE(24), payload: f.subarray(28) }))
}

describe('streams on QEMU guests', { skip: !HAS_QEMU && 'needs root and qemu-system-x86_64' }, () => {
  let daemon: TestDaemon
  let conn: Connection
  before(async () => {
    daemon = await startTestDaemon({ qemu: true })
    conn = await connect(daemon.qemuUri!)
  })
  after(async () => {
    await conn?.close()
    await daemon?.stop()
  })

  it('reads SeaBIOS from the serial console, writes to it, and finishes', async () => {
    const dom = await startVm(conn, 'st-console', { paused: true })
    try {
      const console = await openDomainConsole(conn, dom, null, 0)
      assert.equal(console.direction, 'both')
      await conn.call(REMOTE_PROCEDURES.DOMAIN_RESUME, { dom })
      const text = await readUntil(console, /SeaBIOS|bootable/)
      assert.match(text, /SeaBIOS|bootable/)
      // Both directions work on a console although libvirt annotates it as a read stream.
      assert.equal(console.write('\r\n'), true)
      console.end()
      await once(console, 'finish')
      console.resume()
      await finished(console)
    } finally {
      await destroyVm(conn, dom)
    }
  })

  it('a console stream ends with the guest: EOF, then the finish handshake', async () => {
    const dom = await startVm(conn, 'st-console-eof')
    const console = await openDomainConsole(conn, dom)
    console.resume()
    await destroyVm(conn, dom)
    // the daemon reports the hang-up as end of data; pipeline/finished see a clean end
    await finished(console)
    assert.equal(console.readableEnded, true)
  })

  it('writes to a virtio channel and finishes: every byte sent as STREAM data, the finish confirmed, no stream error', async () => {
    const dom = await startVm(conn, 'st-channel', { channel: 'org.libvirt-async.test' })
    try {
      const ch = await openDomainChannel(conn, dom, 'org.libvirt-async.test', 0)
      const wire = recordWrites(conn)
      const errors: unknown[] = []
      ch.on('error', (e) => errors.push(e))
      const data = Buffer.from('hello channel\n')
      const written = new Promise<void>((resolve, reject) => ch.write(data, (e) => (e ? reject(e) : resolve())))
      ch.end()
      // 'finish' comes only after the daemon confirmed libvirt's finish handshake.
      await within(10_000, Promise.all([written, once(ch, 'finish')]), 'channel write and finish')
      await new Promise((r) => setImmediate(r))
      assert.deepEqual(errors, [], 'no stream error')
      assert.equal(ch.errored, null)
      // On the wire: the bytes as STREAM data (status CONTINUE) of this stream, then the finish
      // (an empty STREAM frame with status OK).
      const mine = streamFrames(Buffer.concat(wire)).filter((f) => f.serial === ch.serial)
      assert.deepEqual(Buffer.concat(mine.filter((f) => f.status === 2).map((f) => f.payload)), data, 'written bytes sent as STREAM data')
      assert.deepEqual(mine.map((f) => [f.status, f.payload.length]).at(-1), [0, 0], 'the finish frame came last')
      ch.destroy()
    } finally {
      await destroyVm(conn, dom)
    }
  })

  it('takes a screenshot of a VNC guest and decodes the image header', async () => {
    const dom = await startVm(conn, 'st-shot', { graphics: true })
    try {
      const { mimeType, stream } = await domainScreenshot(conn, dom, 0, 0)
      const chunks: Buffer[] = []
      for await (const c of stream) chunks.push(c as Buffer)
      const img = Buffer.concat(chunks)
      const { width, height } = imageSize(img, mimeType)
      assert.ok(width >= 320 && width <= 4096, `width ${width}`)
      assert.ok(height >= 200 && height <= 4096, `height ${height}`)
    } finally {
      await destroyVm(conn, dom)
    }
  })

  it('the typed API delegates here: dom.openConsole(), dom.screenshot(), runConsoleTty', async () => {
    const dom = await conn.domainCreateXML(vmXml('st-typed', { graphics: true }), 1 /* START_PAUSED */)
    try {
      const console = await dom.openConsole(null, 0)
      const input = new PassThrough()
      const output = new PassThrough()
      const tty = runConsoleTty(console, { input, output })
      await dom.resume()
      await readUntil(output as unknown as Stream, /SeaBIOS|bootable/)
      input.write(Buffer.from([0x0d, CONSOLE_ESCAPE]))
      assert.equal(await tty, 'escape')
      await once(console, 'finish')
      const { stream } = await dom.screenshot()
      assert.ok((await stream.toArray()).length > 0)
    } finally {
      await dom.destroy().catch(() => {})
    }
  })

  it('rejects bad input with typed errors before sending anything', async () => {
    await assert.rejects(openDomainConsole(conn, { nope: 1 } as never), TypeError)
    await assert.rejects(openDomainConsole(conn, { name: 'x', uuid: '0'.repeat(32), id: -1 }, 42 as never), TypeError)
    await assert.rejects(openDomainConsole({} as never, { name: 'x', uuid: '0'.repeat(32), id: -1 }), TypeError)
    await assert.rejects(storageVolDownload(conn, { pool: 'p', name: 'v', key: 'k' }, -1), RangeError)
    await assert.rejects(storageVolDownload(conn, { pool: 'p', name: 'v', key: 'k' }, 0, 0, 1.5), TypeError)
    await assert.rejects(domainScreenshot(conn, { name: 'x', uuid: '0'.repeat(32), id: -1 }, -1), TypeError)
  })

  it('daemon errors reject the open call with a LibvirtError', async () => {
    const dom = await startVm(conn, 'st-errors')
    try {
      await assert.rejects(openDomainConsole(conn, dom, 'no-such-device'), (e: unknown) => e instanceof LibvirtError && !e.local)
      const { dom: defined } = await conn.call(REMOTE_PROCEDURES.DOMAIN_DEFINE_XML, { xml: '<domain type="qemu"><name>st-off</name><memory unit="MiB">64</memory><os><type arch="x86_64" machine="pc">hvm</type></os></domain>' })
      try {
        await assert.rejects(domainScreenshot(conn, defined), (e: unknown) => e instanceof LibvirtError && e.code === 55 /* OPERATION_INVALID */)
      } finally {
        await conn.call(REMOTE_PROCEDURES.DOMAIN_UNDEFINE, { dom: defined })
      }
      // the connection is still fine
      assert.equal(conn.isAlive(), true)
      await conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
    } finally {
      await destroyVm(conn, dom)
    }
  })
})

/** Width and height from a PPM (P6) or PNG header. */
function imageSize(img: Buffer, mime: string | null): { width: number; height: number } {
  if (img.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    assert.equal(mime, 'image/png')
    assert.equal(img.toString('latin1', 12, 16), 'IHDR')
    return { width: img.readUInt32BE(16), height: img.readUInt32BE(20) }
  }
  const m = /^P6\s+(?:#[^\n]*\n\s*)*(\d+)\s+(\d+)\s+(\d+)\s/.exec(img.toString('latin1', 0, 64))
  assert.ok(m, `not a PPM or PNG image (mime ${mime})`)
  const width = Number(m[1])
  const height = Number(m[2])
  assert.equal(Number(m[3]), 255)
  // the whole raster is there: header + 3 bytes per pixel
  assert.equal(img.length - m[0].length, width * height * 3)
  return { width, height }
}
