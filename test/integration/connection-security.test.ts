// conn.isSecure() / conn.isEncrypted() as libvirt's remote driver answers them (client transport
// AND the daemon's CONNECT_IS_SECURE), compared with python3-libvirt on every transport the tests
// have: unix (read-write and read-only), SASL on unix, TCP, TLS, SSH.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, type ConnectOptions } from '../../src/index.js'
import { runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { freePort, makePki, tlsDaemonConfig, type TestPki } from '../helpers/pki.js'
import { makeSaslDb, saslConf } from '../helpers/sasl.js'
import { sshdAvailable, startSshd, type TestSshd } from '../helpers/sshd.js'

let dir: string
let pki: TestPki
let daemon: TestDaemon
let saslDaemon: TestDaemon
let tlsPort: number
let tcpPort: number

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'la-secure-'))
  pki = makePki(dir)
  tlsPort = await freePort()
  tcpPort = await freePort()
  daemon = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, tlsPort), listen_tcp: 1, tcp_port: String(tcpPort), auth_tcp: 'none' } })
  const db = makeSaslDb(dir, { alice: 'wonderland' })
  saslDaemon = await startTestDaemon({ config: { auth_unix_rw: 'sasl', sasl_allowed_username_list: ['alice'] }, files: saslConf(db) })
})
after(async () => {
  await daemon?.stop()
  await saslDaemon?.stop()
  rmSync(dir, { recursive: true, force: true })
})

// The C client's answers; SASL credentials through openAuth's callback when given.
async function oracle(uri: string, sasl?: { user: string; password: string }): Promise<[boolean, boolean]> {
  const r = await runOracle<[number, number]>(null, `
uri, sasl = args
def cb(creds, _):
    for c in creds:
        c[4] = sasl[0] if c[0] == libvirt.VIR_CRED_AUTHNAME else sasl[1]
    return 0
conn = libvirt.openAuth(uri, [[libvirt.VIR_CRED_AUTHNAME, libvirt.VIR_CRED_PASSPHRASE], cb, None], 0) if sasl else libvirt.open(uri)
result = [conn.isSecure(), conn.isEncrypted()]
conn.close()
`, { args: [uri, sasl ? [sasl.user, sasl.password] : null] })
  return [r[0] === 1, r[1] === 1]
}

async function ours(uri: string, options: ConnectOptions = {}): Promise<[boolean, boolean]> {
  const conn = await connect(uri, { keepAlive: false, ...options })
  try {
    const secure = await conn.isSecure()
    const encrypted = await conn.isEncrypted()
    assert.equal(typeof secure, 'boolean')
    assert.equal(typeof encrypted, 'boolean')
    return [secure, encrypted]
  } finally {
    await conn.close()
  }
}

test('unix socket: secure, not encrypted — as the C client says', async () => {
  assert.deepEqual(await ours(daemon.uri), [true, false])
  assert.deepEqual(await ours(daemon.uri), await oracle(daemon.uri))
  assert.deepEqual(await ours(daemon.roUri, { readOnly: true }), await oracle(daemon.roUri))
})

test('SASL (SCRAM-SHA-256) on the unix socket: a SASL session counts as encrypted — as the C client says', async () => {
  const uri = `${saslDaemon.uri}&auth=sasl.SCRAM-SHA-256`
  const mine = await ours(uri, { auth: { username: 'alice', password: 'wonderland' } })
  assert.deepEqual(mine, [true, true])
  assert.deepEqual(mine, await oracle(uri, { user: 'alice', password: 'wonderland' }))
})

test('plain TCP: neither secure nor encrypted — as the C client says', async () => {
  const uri = `test+tcp://127.0.0.1:${tcpPort}/default`
  assert.deepEqual(await ours(uri), [false, false])
  assert.deepEqual(await ours(uri), await oracle(uri))
})

test('TLS: secure and encrypted — as the C client says', async () => {
  const uri = `test+tls://127.0.0.1:${tlsPort}/default?pkipath=${pki.client}`
  assert.deepEqual(await ours(uri), [true, true])
  assert.deepEqual(await ours(uri), await oracle(uri))
})

test('SSH: secure, not encrypted — as the C client says', async (t) => {
  const missing = sshdAvailable()
  if (missing) return t.skip(missing)
  const sshd: TestSshd = await startSshd()
  try {
    const q = new URLSearchParams({ socket: daemon.socket, proxy: 'netcat', keyfile: sshd.keyfile, command: sshd.ssh })
    const uri = `test+ssh://root@127.0.0.1:${sshd.port}/default?${q}`
    assert.deepEqual(await ours(uri), [true, false])
    assert.deepEqual(await ours(uri), await oracle(uri))
  } finally {
    await sshd.stop()
  }
})
