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
import libvirt, sys, threading, json
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
        except Exception: return
if sys.argv[2] == 'busy':
    for _ in range(8): threading.Thread(target=busy, daemon=True).start()
print('READY', flush=True)
done.wait(20)
print(json.dumps(res), flush=True)
`

function watchC(uri: string, mode: 'idle' | 'busy'): { ready: Promise<void>; reason: Promise<number> } {
  const child = spawn(ORACLE_PYTHON, ['-c', WATCH, uri, mode], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let onReady!: () => void
  const ready = new Promise<void>((r) => (onReady = r))
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d
    if (out.includes('READY')) onReady()
  })
  const reason = new Promise<number>((resolve, reject) =>
    child.on('close', () => {
      const last = out.trim().split('\n').pop() ?? ''
      try {
        resolve((JSON.parse(last) as { reason?: number }).reason ?? -1)
      } catch {
        reject(new Error(`C watcher said: ${out}`))
      }
    }))
  return { ready, reason }
}

async function listenDaemon(): Promise<{ d: TestDaemon; uris: Record<'unix' | 'tcp' | 'tls', string> }> {
  const port = await freePort()
  const tcpPort = await freePort()
  const d = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, port), listen_tcp: 1, tcp_port: String(tcpPort), auth_tcp: 'none' } })
  return { d, uris: { unix: d.uri, tcp: `test+tcp://127.0.0.1:${tcpPort}/default`, tls: `test+tls://127.0.0.1:${port}/default?pkipath=${pki.client}` } }
}

for (const transport of ['unix', 'tcp', 'tls'] as const) {
  for (const mode of ['idle', 'busy'] as const) {
    test(`daemon killed (${transport}, ${mode === 'idle' ? 'nothing in flight' : 'calls in flight'}): our close reason is libvirt's`, async (t) => {
      if (!haveOracle) return t.skip('python3-libvirt not installed')
      const { d, uris } = await listenDaemon()
      try {
        const conn = await connect(uris[transport])
        const c = watchC(uris[transport], mode)
        await within(20_000, c.ready, 'C client ready')
        const calls: Promise<unknown>[] = []
        if (mode === 'busy') {
          // Deterministic "calls in flight": the daemon is frozen while both clients send, so it
          // dies with their calls unread (the kernel then resets the connection).
          d.freeze()
          for (let i = 0; i < 50; i++) calls.push(conn.getCapabilities().catch((e: unknown) => e))
          await new Promise((r) => setTimeout(r, 300))
        }
        d.kill('SIGKILL')
        const [ours, theirs] = await within(10_000, Promise.all([conn.closed, c.reason]), 'both clients see the close')
        for (const r of await within(3000, Promise.all(calls), 'calls in flight settle')) {
          if (r instanceof Error) assert.ok(r instanceof LibvirtError, String(r))
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
