// SASL against a private libvirtd: SCRAM-SHA-256 and PLAIN on the unix socket and on TLS
// (a sasldb made with saslpasswd2), credentials from options and from the callback, and the
// failures — wrong password, user not allowed, unknown mechanism, plain TCP — as LibvirtErrors.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, LibvirtError, type AuthCredential } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { freePort, makePki, tlsDaemonConfig, type TestPki } from '../helpers/pki.js'
import { exerciseConnection, makeSaslDb, saslConf } from '../helpers/sasl.js'

let dir: string
let pki: TestPki
let db: string
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'la-sasl-'))
  pki = makePki(dir)
  db = makeSaslDb(dir, { alice: 'wonderland', mallory: 'evil' })
})
after(() => rmSync(dir, { recursive: true, force: true }))

const allowed = { sasl_allowed_username_list: ['alice'] }
const good = { keepAlive: false as const, auth: { username: 'alice', password: 'wonderland' } }

function authFailed(pattern?: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof LibvirtError, `expected LibvirtError, got ${String(e)}`)
    assert.equal(e.codeName, 'VIR_ERR_AUTH_FAILED', e.message)
    if (pattern) assert.match(e.message, pattern)
    return true
  }
}

describe('SASL on the unix socket', () => {
  let daemon: TestDaemon
  before(async () => {
    daemon = await startTestDaemon({ config: { auth_unix_rw: 'sasl', ...allowed }, files: saslConf(db) })
  })
  after(async () => daemon?.stop())

  test('SCRAM-SHA-256: connect, list domains, life-cycle event, close', async () => {
    await exerciseConnection(await connect(`${daemon.uri}&auth=sasl.scram-sha-256`, good))
  })

  test('PLAIN with credentials from the callback (libvirt credential types)', async () => {
    const asked: AuthCredential[] = []
    const conn = await connect(`${daemon.uri}&auth=sasl.plain`, {
      keepAlive: false,
      auth: {
        callback: (creds) => {
          asked.push(...creds)
          return creds.map((c) => (c.type === 2 ? 'alice' : 'wonderland'))
        },
      },
    })
    assert.deepEqual(asked.map((c) => c.type), [2, 5])
    await exerciseConnection(conn)
  })

  test('wrong password', async () => {
    await assert.rejects(connect(daemon.uri, { keepAlive: false, auth: { username: 'alice', password: 'nope' } }), authFailed())
    await assert.rejects(connect(`${daemon.uri}&auth=sasl.plain`, { keepAlive: false, auth: { username: 'alice', password: 'nope' } }), authFailed())
  })

  test('a valid user not in sasl_allowed_username_list', async () => {
    await assert.rejects(connect(daemon.uri, { keepAlive: false, auth: { username: 'mallory', password: 'evil' } }), authFailed())
  })

  test('no credentials, unknown mechanism', async () => {
    await assert.rejects(connect(daemon.uri, { keepAlive: false }), authFailed(/needs a user name and password/))
    await assert.rejects(connect(`${daemon.uri}&auth=sasl.digest-md5`, good), authFailed(/DIGEST-MD5 not supported by server/))
  })
})

describe('SASL on TLS and on plain TCP', () => {
  let daemon: TestDaemon
  let tlsPort: number
  let tcpPort: number
  before(async () => {
    tlsPort = await freePort()
    tcpPort = await freePort()
    daemon = await startTestDaemon({
      listen: true,
      config: { ...tlsDaemonConfig(pki, tlsPort, 'sasl'), listen_tcp: 1, tcp_port: String(tcpPort), auth_tcp: 'sasl', ...allowed },
      files: saslConf(db),
    })
  })
  after(async () => daemon?.stop())

  test('SCRAM-SHA-256 over TLS: connect, list domains, life-cycle event, close', async () => {
    await exerciseConnection(await connect(`test+tls://127.0.0.1:${tlsPort}/default?pkipath=${pki.client}`, good))
  })

  test('PLAIN over TLS, user name from the URI', async () => {
    const conn = await connect(`test+tls://alice@127.0.0.1:${tlsPort}/default?pkipath=${pki.client}&auth=sasl.plain`, { keepAlive: false, auth: { password: 'wonderland' } })
    await exerciseConnection(conn)
  })

  test('wrong password over TLS', async () => {
    await assert.rejects(connect(`test+tls://127.0.0.1:${tlsPort}/default?pkipath=${pki.client}`, { keepAlive: false, auth: { username: 'alice', password: 'x' } }), authFailed())
  })

  test('plain TCP is refused with the reason and the alternatives', async () => {
    await assert.rejects(connect(`test+tcp://127.0.0.1:${tcpPort}/default`, good), authFailed(/security layer.*TLS.*SSH/))
  })
})
