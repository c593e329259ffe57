// Parity with libvirt's C client (python3-libvirt on the same daemon) where ours used to differ:
// the close reason when the daemon dies, per transport, idle and with calls in flight; close
// callbacks not run for our own close(); getURI() and every other method rejecting after
// close(); dom.id updated by create() / createWithFlags().
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CloseReason, connect, LibvirtError, type Connection } from '../../src/index.js'
import { ORACLE_PYTHON, oracleAvailable, runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { freePort, makePki, tlsDaemonConfig, type TestPki } from '../helpers/pki.js'
import { within } from '../helpers/bounded.js'

let pki: TestPki
let dir: string
let haveOracle = false

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'la-close-parity-'))
  pki = makePki(dir)
  haveOracle = await oracleAvailable()
})
after(() => rmSync(dir, { recursive: true, force: true }))

// libvirt's C client watching the same daemon: registers a close callback, optionally keeps 8
// threads calling, prints READY, then the reason its callback got.
const WATCH = String.raw`
import libvirt, sys, threading, json, time
libvirt.virEventRegisterDefaultImpl()
def loop():
    while True: libvirt.virEventRunDefaultImpl()
threading.Thread(target=loop, daemon=True).start()
libvirt.registerErrorHandler(lambda *a: None, None)
conn = libvirt.open(sys.argv[1])
res = {}
done = threading.Event()
def cb(c, reason, o):
    res['reason'] = reason
    done.set()
conn.registerCloseCallback(cb, None)
def busy():
    while not done.is_set():
        try: conn.getCapabilities()
        except libvirt.libvirtError as e:
            res.setdefault('errors', []).append([e.get_error_code(), e.get_error_domain(), e.get_error_message()])
            return
if sys.argv[2] == 'busy':
    for _ in range(8): threading.Thread(target=busy, daemon=True).start()
print('READY', flush=True)
done.wait(20)
if sys.argv[2] == 'busy': time.sleep(0.5) # the busy threads record their errors
print(json.dumps(res), flush=True)
`

/** What the C watcher saw: its close callback's reason and, busy, its calls' errors [code, domain, message]. */
interface CWatch { reason: number; errors: Array<[number, number, string]> }

function watchC(uri: string, mode: 'idle' | 'busy'): { ready: Promise<void>; seen: Promise<CWatch> } {
  const child = spawn(ORACLE_PYTHON, ['-c', WATCH, uri, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let onReady!: () => void
  const ready = new Promise<void>((r) => (onReady = r))
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d
    if (out.includes('READY')) onReady()
  })
  const seen = new Promise<CWatch>((resolve, reject) =>
    child.on('close', () => {
      const last = out.trim().split('\n').pop() ?? ''
      try {
        const r = JSON.parse(last) as { reason?: number; errors?: Array<[number, number, string]> }
        resolve({ reason: r.reason ?? -1, errors: r.errors ?? [] })
      } catch {
        reject(new Error(`C watcher said: ${out}`))
      }
    }))
  return { ready, seen }
}

// The error of every call in flight when the daemon dies with them unread (a reset), as libvirt's
// client reports it: the I/O error itself (virNetSocketReadWire), not "client socket is closed".
// GnuTLS turns the reset into EIO.
const RESET_ERROR = {
  unix: 'Cannot recv data: Connection reset by peer',
  tcp: 'Cannot recv data: Connection reset by peer',
  tls: 'Cannot recv data: Input/output error',
} as const

async function listenDaemon(): Promise<{ d: TestDaemon; uris: Record<'unix' | 'tcp' | 'tls', string> }> {
  const port = await freePort()
  const tcpPort = await freePort()
  const d = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, port), listen_tcp: 1, tcp_port: String(tcpPort), auth_tcp: 'none' } })
  return { d, uris: { unix: d.uri, tcp: `test+tcp://127.0.0.1:${tcpPort}/default`, tls: `test+tls://127.0.0.1:${port}/default?pkipath=${pki.client}` } }
}

for (const transport of ['unix', 'tcp', 'tls'] as const) {
  for (const mode of ['idle', 'busy'] as const) {
    test(`daemon killed (${transport}, ${mode === 'idle' ? 'nothing in flight' : 'calls in flight'}): our close reason${mode === 'busy' ? ' and the calls\' error' : ''} are libvirt's`, async (t) => {
      if (!haveOracle) return t.skip('python3-libvirt not installed')
      const { d, uris } = await listenDaemon()
      try {
        const conn = await connect(uris[transport])
        const watcher = watchC(uris[transport], mode)
        await within(20_000, watcher.ready, 'C client ready')
        const calls: Promise<unknown>[] = []
        if (mode === 'busy') {
          // Deterministic "calls in flight": the daemon is frozen while both clients send, so it
          // dies with their calls unread (the kernel then resets the connection).
          d.freeze()
          for (let i = 0; i < 50; i++) calls.push(conn.getCapabilities().catch((e: unknown) => e))
          await new Promise((r) => setTimeout(r, 300))
        }
        d.kill('SIGKILL')
        const [ours, c] = await within(10_000, Promise.all([conn.closed, watcher.seen]), 'both clients see the close')
        const theirs = c.reason
        const settled = await within(3000, Promise.all(calls), 'calls in flight settle')
        if (mode === 'busy') {
          // every call in flight: VIR_ERR_SYSTEM_ERROR (38), domain RPC (7), libvirt's message
          const oursSeen = [...new Set(settled.map((r) => r instanceof LibvirtError ? JSON.stringify([r.code, r.domain, r.message]) : `not a LibvirtError: ${String(r)}`))]
          const theirsSeen = [...new Set(c.errors.map((e) => JSON.stringify(e)))]
          assert.deepEqual(oursSeen, [JSON.stringify([38, 7, RESET_ERROR[transport]])])
          assert.deepEqual(theirsSeen, oursSeen, 'the C client rejected its calls in flight the same way')
          // a call made after the loss: "client socket is closed", as libvirt's client says
          await assert.rejects(conn.getLibVersion(), (e: unknown) => e instanceof LibvirtError && e.code === 1 && e.message === 'client socket is closed')
        }
        // libvirt's client: EOF on a hang-up (unix always; TCP/TLS when the daemon died with our
        // calls unread, a reset), ERROR when a TCP/TLS daemon just closed (FIN, read returns 0)
        assert.equal(ours, theirs, `ours ${ours}, libvirt's ${theirs} (ERROR 0, EOF 1)`)
        if (transport === 'unix') assert.equal(ours, CloseReason.EOF)
      } finally {
        await d.stop().catch(() => {})
      }
    })
  }
}

test('close callback: not run for our own close() (as libvirt), run with EOF when the daemon dies', async (t) => {
  const d = await startTestDaemon()
  try {
    const reasons: number[] = []
    const conn = await connect(d.uri)
    await conn.registerCloseCallback((_c, r) => void reasons.push(r))
    await conn.close()
    assert.equal(await conn.closed, CloseReason.CLIENT)
    await new Promise((r) => setTimeout(r, 50))
    assert.deepEqual(reasons, [])
    const lost = await connect(d.uri)
    const got = new Promise<number>((resolve) => void lost.registerCloseCallback((_c, r) => resolve(r)))
    await new Promise((r) => setTimeout(r, 20))
    d.kill('SIGKILL')
    assert.equal(await within(5000, got, 'close callback on a loss'), CloseReason.EOF)
    if (!haveOracle) return t.skip('python3-libvirt not installed: the C client side not compared')
  } finally {
    await d.stop().catch(() => {})
  }
  // libvirt's own client: no callback for close()
  const d2 = await startTestDaemon()
  try {
    const fired = await runOracle<boolean>(d2.uri, [
      'fired = []',
      'conn.registerCloseCallback(lambda c, r, o: fired.append(r), None)',
      'conn.close()',
      'time.sleep(0.1)',
      'conn = None',
      'result = len(fired) > 0',
    ].join('\n'), { events: true })
    assert.equal(fired, false)
  } finally {
    await d2.stop()
  }
})

test('after close(): getURI() and every other method reject with "client socket is closed"', async () => {
  const d = await startTestDaemon()
  try {
    const conn: Connection = await connect(d.uri)
    const dom = await conn.domainLookupByName('test')
    assert.equal(await conn.getURI(), d.uri)
    await conn.close()
    const closed = (e: unknown): boolean => e instanceof LibvirtError && e.message === 'client socket is closed'
    await assert.rejects(conn.getURI(), closed)
    // every method on the prototype chain that takes no argument (those needing arguments fail
    // on them or on the socket, either way not with a hang)
    const skip = new Set(['constructor', 'close', 'isAlive', 'ref', 'unref', 'closed', 'wrapEventObject', 'isEncrypted', 'isSecure'])
    let checked = 0
    for (let proto = Object.getPrototypeOf(conn); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (skip.has(name)) continue
        const desc = Object.getOwnPropertyDescriptor(proto, name)
        if (!desc || typeof desc.value !== 'function' || desc.value.length !== 0) continue
        let r: unknown
        try {
          r = desc.value.call(conn)
        } catch (e) {
          assert.ok(e instanceof Error, `${name} threw ${String(e)}`)
          checked++
          continue
        }
        if (r instanceof Promise) {
          await within(3000, assert.rejects(r, (e: unknown) => e instanceof Error, `${name} resolved after close()`), `${name} after close()`)
          checked++
        }
      }
    }
    assert.ok(checked > 20, `${checked} methods checked`)
    await assert.rejects(dom.getInfo(), closed)
  } finally {
    await d.stop()
  }
})

test('dom.getID() follows create() and createWithFlags(), as in libvirt\'s client', async (t) => {
  const d = await startTestDaemon()
  try {
    const conn = await connect(d.uri)
    const xml = (n: string): string => `<domain type='test'><name>${n}</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>`
    const a = await conn.domainDefineXML(xml('parity-a'))
    const b = await conn.domainDefineXML(xml('parity-b'))
    assert.equal(a.getID(), -1)
    await a.create()
    await b.createWithFlags(0)
    const ida = (await conn.domainLookupByName('parity-a')).getID()
    const idb = (await conn.domainLookupByName('parity-b')).getID()
    assert.ok(ida > 0 && idb > 0 && ida !== idb)
    assert.equal(a.getID(), ida)
    assert.equal(b.getID(), idb)
    await a.destroy()
    await b.destroy()
    if (!haveOracle) return t.skip('python3-libvirt not installed: the C client side not compared')
    // libvirt's client on the same daemon: the handle's ID() after create() is the running id
    const [pa, pb] = await runOracle<[number, number]>(d.uri, [
      "a = conn.lookupByName('parity-a'); a.create()",
      "b = conn.lookupByName('parity-b'); b.createWithFlags(0)",
      'result = [a.ID(), b.ID()]',
    ].join('\n'))
    assert.equal(pa, (await conn.domainLookupByName('parity-a')).getID())
    assert.equal(pb, (await conn.domainLookupByName('parity-b')).getID())
    await conn.close()
  } finally {
    await d.stop()
  }
})
