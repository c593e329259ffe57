// Event ids no back end here can trigger (testbeds §3.3): hand-written golden frames, decoded and
// dispatched through a real RpcClient over a real socket to a fake peer that only answers the
// registration calls. Also: unknown messages warn, the daemon's CONNECTION_CLOSED closes.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import fs from 'node:fs'
import { once } from 'node:events'
import { RpcClient } from '../../src/client/rpc-client.js'
import { EventConnection } from '../../src/events/index.js'
import { CloseReason } from '../../src/index.js'
import { frame, hyper, words, xstr, REMOTE } from '../helpers/bytes.js'

const UUID = '00112233-4455-6677-8899-aabbccddeeff'
const uuidBytes = Buffer.from(UUID.replace(/-/g, ''), 'hex')
const dom = Buffer.concat([xstr('vm1'), uuidBytes, words(7)])
const net1 = Buffer.concat([xstr('net1'), uuidBytes])
const optStr = (s: string | null): Buffer => (s === null ? words(0) : Buffer.concat([words(1), xstr(s)]))

/** A fake daemon: answers every CALL with callbackID 40 + n, and lets the test push frames. */
async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ev-golden-'))
  const sock = path.join(dir, 's')
  let peer!: net.Socket
  const server = net.createServer((s) => {
    peer = s
    let buf = Buffer.alloc(0)
    let n = 0
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      while (buf.length >= 4 && buf.length >= buf.readUInt32BE(0)) {
        const len = buf.readUInt32BE(0)
        const f = buf.subarray(0, len)
        buf = buf.subarray(len)
        const [prog, vers, proc, , serial] = [0, 1, 2, 3, 4].map((i) => f.readUInt32BE(4 + i * 4))
        // register calls return { callbackID }, CONNECT_SUPPORTS_FEATURE "supported", everything else nothing
        const isRegister = [316, 313, 368, 374, 380].includes(proc!)
        s.write(frame(prog!, vers!, proc!, 1, serial!, 0, isRegister ? words(40 + n++) : proc === 60 ? words(1) : Buffer.alloc(0)))
      }
    })
  })
  server.listen(sock)
  await once(server, 'listening')
  const client = net.connect(sock)
  await once(client, 'connect')
  const transport = { stream: client, description: 'test', secure: true, ref: () => client.ref(), unref: () => client.unref(), destroy: () => client.destroy() }
  const errors: unknown[] = []
  const rpc = new RpcClient(transport, { onCallbackError: (e) => errors.push(e) })
  const conn = new EventConnection({ rpc, uri: null })
  const cleanup = () => {
    rpc.destroy()
    server.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
  return { conn, rpc, send: (proc: number, body: Buffer) => peer.write(frame(REMOTE, 1, proc, 2, 0, 0, body)), errors, cleanup }
}

const until = async (pred: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10))
  assert.ok(pred(), 'timed out')
}

// [event id, message procedure, body after callbackID (built by hand), expected extra args]
const nested = (rest: Buffer): Buffer => Buffer.concat([dom, rest])
const CASES: Array<[number, number, (cb: number) => Buffer, unknown[]]> = [
  [2, 320, (cb) => Buffer.concat([words(cb), nested(hyper(-3600n))]), [-3600n]],
  [3, 321, (cb) => Buffer.concat([words(cb), nested(words(2))]), [2]],
  [4, 322, (cb) => Buffer.concat([words(cb), nested(Buffer.concat([xstr('/img'), xstr('virtio-disk0'), words(1)]))]), ['/img', 'virtio-disk0', 1]],
  [5, 323, (cb) => Buffer.concat([words(cb), nested(Buffer.concat([words(0), words(0), xstr('127.0.0.1'), xstr('5900'), words(1), xstr('::1'), xstr('4000'), xstr('vnc'), words(1), xstr('x509dname'), xstr('CN=me')]))]),
    [0, { family: 0, node: '127.0.0.1', service: '5900' }, { family: 1, node: '::1', service: '4000' }, 'vnc', [{ type: 'x509dname', name: 'CN=me' }]]],
  [6, 324, (cb) => Buffer.concat([words(cb), nested(Buffer.concat([xstr('/img'), xstr('d0'), words(1), xstr('enospc')]))]), ['/img', 'd0', 1, 'enospc']],
  [7, 325, (cb) => Buffer.concat([words(cb), dom]), []],
  [9, 327, (cb) => Buffer.concat([words(cb), nested(Buffer.concat([optStr('/old.iso'), optStr(null), xstr('ide0-1-0'), words(0)]))]), ['/old.iso', null, 'ide0-1-0', 0]],
  [10, 328, (cb) => Buffer.concat([words(cb), nested(Buffer.concat([xstr('ide0-1-0'), words(1)]))]), ['ide0-1-0', 1]],
  [11, 329, (cb) => Buffer.concat([words(cb, 0), dom]), [0]],
  [12, 330, (cb) => Buffer.concat([words(cb, 0), dom]), [0]],
  [13, 331, (cb) => Buffer.concat([words(cb), nested(hyper(2n ** 40n))]), [2n ** 40n]],
  [14, 332, (cb) => Buffer.concat([words(cb, 0), dom]), [0]],
  [18, 348, (cb) => Buffer.concat([words(cb), dom, words(1, 2)]), [1, 2]],
  [22, 367, (cb) => Buffer.concat([words(cb), dom, xstr('dimm0')]), ['dimm0']],
  [24, 385, (cb) => Buffer.concat([words(cb), dom, xstr('vda'), optStr('/img'), hyper(1024n), hyper(10n)]), ['vda', '/img', 1024n, 10n]],
  [25, 423, (cb) => Buffer.concat([words(cb), dom, words(0, 1, 2)]), [0, 1, 2]],
  [26, 438, (cb) => Buffer.concat([words(cb), dom, xstr('dimm0'), hyper(524288n)]), ['dimm0', 524288n]],
  [27, 453, (cb) => Buffer.concat([words(cb), dom, xstr('net0'), xstr('52:54:00:00:00:01'), xstr('52:54:00:00:00:02')]), ['net0', '52:54:00:00:00:01', '52:54:00:00:00:02']],
]

test('golden frames of every domain event id no back end here triggers: decoded and typed', async () => {
  const t = await setup()
  try {
    for (const [id, proc, body, expected] of CASES) {
      const got: unknown[][] = []
      const cb = await t.conn.domainEventRegisterAny(null, id as 0, (c, d, ...args) => {
        assert.equal(c, t.conn)
        got.push([d, ...args])
      })
      // the fake daemon numbered its registrations 40, 41, …
      t.send(proc, body(40 + CASES.findIndex((c) => c[0] === id)))
      await until(() => got.length === 1)
      assert.deepEqual(got[0], [{ name: 'vm1', uuid: UUID, id: 7 }, ...expected], `event id ${id}`)
      await t.conn.domainEventDeregisterAny(cb)
    }
    assert.deepEqual(t.errors, [])
  } finally {
    t.cleanup()
  }
})

test('network METADATA_CHANGE golden frame; unknown and malformed messages warn, nothing crashes', async () => {
  const t = await setup()
  const warnings: string[] = []
  const onWarn = (w: Error) => warnings.push(w.message)
  process.on('warning', onWarn)
  try {
    const got: unknown[][] = []
    await t.conn.networkEventRegisterAny(null, 1, (_c, n, type, nsuri) => void got.push([n, type, nsuri]))
    t.send(446, Buffer.concat([words(40), net1, words(2), optStr('http://example.org/ns')]))
    await until(() => got.length === 1)
    assert.deepEqual(got[0], [{ name: 'net1', uuid: UUID }, 2, 'http://example.org/ns'])
    t.send(107, nested(words(0, 0))) // legacy life-cycle message: never registered for
    t.send(446, words(40)) // truncated
    t.send(446, Buffer.concat([words(99), net1, words(2), optStr(null)])) // unknown callback id
    await until(() => warnings.length >= 3)
    assert.match(warnings.join('\n'), /procedure 107/)
    assert.match(warnings.join('\n'), /does not decode/)
    assert.match(warnings.join('\n'), /unknown network callback id 99/)
    assert.equal(t.rpc.isOpen, true)
  } finally {
    process.off('warning', onWarn)
    t.cleanup()
  }
})

test("the daemon's CONNECT_EVENT_CONNECTION_CLOSED closes the connection with its reason; close callback once", async () => {
  const t = await setup()
  try {
    const reasons: number[] = []
    await t.conn.registerCloseCallback((_c, r) => void reasons.push(r))
    await t.conn.domainEventRegisterAny(null, 0, () => {})
    t.send(362, words(CloseReason.KEEPALIVE))
    assert.equal(await t.conn.closed, CloseReason.KEEPALIVE)
    assert.deepEqual(reasons, [CloseReason.KEEPALIVE])
    assert.equal(t.conn.eventRouter.size, 0)
  } finally {
    t.cleanup()
  }
})
