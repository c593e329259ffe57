// +tls against a private libvirtd listening on 127.0.0.1 with a PKI made here: connect, list
// domains, a life-cycle event, close; and every failure a clear LibvirtError.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, LibvirtError, type Connection } from '../../src/index.js'
import { locatePki } from '../../src/transport/pki.js'
import { mkdirSync, writeFileSync } from 'node:fs'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { freePort, makePki, tlsDaemonConfig, type TestPki } from '../helpers/pki.js'
import { exerciseConnection } from '../helpers/sasl.js'
import { within } from '../helpers/bounded.js'

let daemon: TestDaemon
let pki: TestPki
let port: number
let tcpPort: number
let dir: string

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'la-tls-'))
  pki = makePki(dir)
  port = await freePort()
  tcpPort = await freePort()
  daemon = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, port), listen_tcp: 1, tcp_port: String(tcpPort), auth_tcp: 'none' } })
})
after(async () => {
  await daemon?.stop()
  rmSync(dir, { recursive: true, force: true })
})

// Every TLS connect, accepted or refused, settles within a bound: a local handshake takes tens of
// milliseconds, and a stall (a 10 s one once passed every functional test) must fail here.
const HANDSHAKE_MS = 5000
const bounded = (u: string): Promise<Connection> => within(HANDSHAKE_MS, connect(u, { keepAlive: false }), `connect(${u})`)

const uri = (pkipath: string, host = '127.0.0.1', extra = ''): string => `test+tls://${host}:${port}/default?pkipath=${pkipath}${extra}`

function isError(code: number, pattern: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof LibvirtError, `expected LibvirtError, got ${String(e)}`)
    assert.equal(e.code, code, e.message)
    assert.match(e.message, pattern)
    return true
  }
}

test('tls: connect, list domains, receive a life-cycle event, close', async () => {
  const conn = await bounded(uri(pki.client))
  assert.equal(conn.rpc.transport.secure, true)
  assert.match(conn.rpc.transport.description, /^tls:127\.0\.0\.1:/)
  await exerciseConnection(conn)
})

test('tls: a CA that did not sign the server certificate is refused', async () => {
  await assert.rejects(bounded(uri(pki.foreignCa)), isError(45, /Failed to verify peer's certificate.*known issuer.*cacert\.pem/))
})

test('tls: no_verify=1 skips the server check (the server still checks us)', async () => {
  const conn = await bounded(uri(pki.foreignCa, '127.0.0.1', '&no_verify=1')).catch((e: unknown) => e)
  // Our client certificate is good, so the daemon accepts; only our own check was skipped.
  assert.ok(!(conn instanceof Error), String(conn))
  await (conn as Awaited<ReturnType<typeof connect>>).close()
})

test('tls: a host name the certificate does not name is refused', async () => {
  await assert.rejects(bounded(uri(pki.client, 'localhost')), isError(45, /does not match the hostname \(localhost\)/))
})

test('tls: without a client certificate the daemon refuses us', async () => {
  await assert.rejects(bounded(uri(pki.noClientCert)), (e: unknown) => {
    assert.ok(e instanceof LibvirtError, String(e))
    // TLS 1.3: an alert after the handshake (AUTH_FAILED), or the daemon just closes (RPC)
    assert.ok(e.code === 45 || e.code === 39, `${e.code} ${e.message}`)
    assert.match(e.message, /TLS handshake failed|server verification/)
    return true
  })
})

test('tls: a daemon whose tls_allowed_dn_list excludes our certificate: the one-byte check refuses', async () => {
  // The handshake itself succeeds; libvirtd then closes instead of sending its \1 byte.
  const p = await freePort()
  await using _strict = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, p), tls_allowed_dn_list: ['CN=somebody-else'] } })
  await assert.rejects(bounded(`test+tls://127.0.0.1:${p}/default?pkipath=${pki.client}`), isError(39, /server verification \(of our certificate or IP address\) failed/))
})

test('tls: missing PKI files are named', async () => {
  const missing = join(dir, 'nowhere')
  await assert.rejects(bounded(uri(missing)), isError(38, new RegExp(`Cannot read CA certificate '${missing}/cacert\\.pem'`)))
})

test('tls: a server that closes during the handshake', async () => {
  const peer: Server = createServer((s) => s.destroy())
  await new Promise<void>((r) => peer.listen(0, '127.0.0.1', r))
  const p = (peer.address() as { port: number }).port
  try {
    await assert.rejects(
      bounded(`test+tls://127.0.0.1:${p}/default?pkipath=${pki.client}`),
      isError(45, /TLS handshake failed/),
    )
  } finally {
    peer.close()
  }
})

test('tls: nothing listening', async () => {
  const p = await freePort()
  await assert.rejects(bounded(`test+tls://127.0.0.1:${p}/default?pkipath=${pki.client}`), isError(38, /unable to connect to server at '127\.0\.0\.1:\d+': Connection refused/))
})

test('tcp: a daemon with auth_tcp = "none" is reachable unencrypted', async () => {
  const conn = await bounded(`test+tcp://127.0.0.1:${tcpPort}/default`)
  assert.equal(conn.rpc.transport.secure, false)
  await exerciseConnection(conn)
})

test('pki: pkipath, system files for root, per-user files with per-file fallback otherwise', () => {
  assert.deepEqual(locatePki('/p'), { cacert: '/p/cacert.pem', cacrl: '/p/cacrl.pem', cert: '/p/clientcert.pem', key: '/p/clientkey.pem' })
  const system = { cacert: '/etc/pki/CA/cacert.pem', cacrl: '/etc/pki/CA/cacrl.pem', cert: '/etc/pki/libvirt/clientcert.pem', key: '/etc/pki/libvirt/private/clientkey.pem' }
  const home = join(dir, 'home')
  const user = join(home, '.pki', 'libvirt')
  mkdirSync(user, { recursive: true })
  assert.deepEqual(locatePki(undefined, { root: true, home }), system)
  assert.deepEqual(locatePki(undefined, { root: false, home }), system)
  writeFileSync(join(user, 'cacert.pem'), '')
  writeFileSync(join(user, 'clientcert.pem'), '')
  // a certificate without its key does not count
  assert.deepEqual(locatePki(undefined, { root: false, home }), { ...system, cacert: join(user, 'cacert.pem') })
  writeFileSync(join(user, 'clientkey.pem'), '')
  assert.deepEqual(locatePki(undefined, { root: false, home }), { ...system, cacert: join(user, 'cacert.pem'), cert: join(user, 'clientcert.pem'), key: join(user, 'clientkey.pem') })
})
