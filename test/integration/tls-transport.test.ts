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
import { OracleLibvirtError, runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
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

/** What libvirt's C client (python3-libvirt) reports when it opens `u`: its error, or null when it connects. */
async function oracleOpen(u: string): Promise<OracleLibvirtError | null> {
  try {
    await runOracle(u, 'result = 1', { timeoutMs: 30_000 })
    return null
  } catch (e) {
    if (e instanceof OracleLibvirtError) return e
    throw e
  }
}

/** Our rejection has the C client's code and domain (and message, unless told otherwise). */
function sameAs(theirs: OracleLibvirtError | null, opts: { message?: boolean } = {}): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(theirs, 'the C client connected where we were refused')
    assert.ok(e instanceof LibvirtError, `expected LibvirtError, got ${String(e)}`)
    assert.deepEqual([e.code, e.domain], [theirs.code, theirs.domain], `ours: ${e.message}; C client: ${theirs.message}`)
    if (opts.message !== false) assert.equal(e.message, theirs.message)
    return true
  }
}

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

// pki.foreignCa holds our good client certificate beside another CA: libvirt's client first checks
// its own certificate against that CA (no_sanity=1 skips it), then the server's (no_verify=1).
test('tls: our own certificate not signed by our CA: refused before connecting, as the C client does', async () => {
  const u = uri(pki.foreignCa)
  const theirs = await oracleOpen(u)
  await assert.rejects(bounded(u), sameAs(theirs))
  assert.match(theirs!.message, /^Our own certificate .* failed validation against .*cacert\.pem: The certificate hasn't got a known issuer\.$/)
})

test('tls: a CA that did not sign the server certificate is refused (no_sanity=1 reaches the server check)', async () => {
  const u = uri(pki.foreignCa, '127.0.0.1', '&no_sanity=1')
  // same code as the C client; our message adds why (libvirt's says only "Failed to verify peer's certificate")
  const theirs = await oracleOpen(u)
  await assert.rejects(bounded(u), sameAs(theirs, { message: false }))
  await assert.rejects(bounded(u), isError(45, /Failed to verify peer's certificate.*known issuer.*cacert\.pem/))
})

test('tls: no_verify=1 skips the server check (the server still checks us)', async () => {
  const u = uri(pki.foreignCa, '127.0.0.1', '&no_sanity=1&no_verify=1')
  assert.equal(await oracleOpen(u), null, 'the C client connects')
  // Our client certificate is good, so the daemon accepts; only our own checks were skipped.
  const conn = await bounded(u)
  await conn.close()
})

test('tls: a host name the certificate does not name is refused', async () => {
  await assert.rejects(bounded(uri(pki.client, 'localhost')), isError(45, /does not match the hostname \(localhost\)/))
})

test('tls: without a client certificate the daemon refuses us, with the C client\'s error', async () => {
  // libvirtd drops us instead of sending its confirmation byte: libvirt's client reads EIO
  // (VIR_ERR_SYSTEM_ERROR "Unable to read TLS confirmation"), not VIR_ERR_RPC nor AUTH_FAILED.
  const u = uri(pki.noClientCert)
  const theirs = await oracleOpen(u)
  await assert.rejects(bounded(u), sameAs(theirs))
  await assert.rejects(bounded(u), isError(38, /^Unable to read TLS confirmation: Input\/output error$/))
})

test('tls: a daemon whose tls_allowed_dn_list excludes our certificate: the one-byte check refuses', async () => {
  // The handshake itself succeeds; libvirtd then closes instead of sending its \1 byte.
  const p = await freePort()
  await using _strict = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, p), tls_allowed_dn_list: ['CN=somebody-else'] } })
  const u = `test+tls://127.0.0.1:${p}/default?pkipath=${pki.client}`
  // The C client's outcome: the byte never comes, GnuTLS reports EIO (no close_notify).
  const theirs = await oracleOpen(u)
  await assert.rejects(bounded(u), sameAs(theirs))
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
