// TLS against a real `libvirtd --listen` with a PKI made here: (1) no stall — libvirtd handles one
// RPC per TLS read event and ignores what GnuTLS already decrypted, so each of our messages must
// travel in its own TLS record; (2) URI booleans fail closed, parsed as libvirt's remote driver
// parses them, compared with python3-libvirt on the same listener.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, ErrorCode, LibvirtError } from '../../src/index.js'
import { OracleLibvirtError, runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { freePort, makePki, tlsDaemonConfig, type TestPki } from '../helpers/pki.js'
import { within } from '../helpers/bounded.js'
import { cClientMissing } from '../helpers/c-client.js'

let daemon: TestDaemon
let pki: TestPki
let port: number
let dir: string

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'la-tls-records-'))
  pki = makePki(dir)
  port = await freePort()
  // The daemon trusts clients of both CAs; the client of the other CA does not trust the daemon.
  daemon = await startTestDaemon({ listen: true, config: { ...tlsDaemonConfig(pki, port), ca_file: pki.serverCaBundle } })
})
after(async () => {
  await daemon?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const uri = (pkipath: string, extra = ''): string => `test+tls://127.0.0.1:${port}/default?pkipath=${pkipath}${extra}`

// Before the fix this took ~15 s (connect ~10 s, each burst ~5 s: the batch waited for the next
// keepalive packet). 5 s is generous for 21 round trips on loopback, and far below the stall.
test('tls: connect + 10 concurrent + 10 sequential calls finish within 5 s (no TLS record stall)', { timeout: 60_000 }, async () => {
  await within(5000, async () => {
    const conn = await connect(uri(pki.client))
    try {
      const version = await conn.getLibVersion()
      const burst = await Promise.all(Array.from({ length: 10 }, () => conn.getLibVersion()))
      assert.deepEqual(burst, Array(10).fill(version))
      for (let i = 0; i < 10; i++) assert.equal(await conn.getLibVersion(), version)
    } finally {
      await conn.close()
    }
  }, 'connect + 20 calls over TLS')
})

test('tls: a burst of 200 calls of mixed sizes in one tick all complete within 5 s', { timeout: 60_000 }, async () => {
  const conn = await connect(uri(pki.client))
  try {
    const calls = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? conn.getCapabilities() : i % 3 === 1 ? conn.getHostname() : conn.getLibVersion()))
    const out = await within(5000, Promise.all(calls), '200 calls over TLS')
    assert.equal(out.length, 200)
    assert.match(String(out[0]), /<capabilities>/)
  } finally {
    await conn.close()
  }
})

function invalidArg(name: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof LibvirtError, String(e))
    assert.equal(e.code, ErrorCode.INVALID_ARG)
    assert.equal(e.message, `Failed to parse value of URI component ${name}`)
    return true
  }
}

// otherCaClient: the server's certificate is not signed by the CA this client trusts.
for (const value of ['false', 'no', '', '%20', 'true', '1%20', '0x1', '99999999999']) {
  test(`tls: no_verify=${value} against a server of another CA is VIR_ERR_INVALID_ARG (fails closed)`, async () => {
    await assert.rejects(connect(uri(pki.otherCaClient, `&no_verify=${value}`), { keepAlive: false, timeout: 10_000 }), invalidArg('no_verify'))
  })
}

test('tls: no_verify=0 checks the certificate (refused); no_verify=1, -1, %201 skip our check (connect)', async () => {
  await assert.rejects(connect(uri(pki.otherCaClient, '&no_verify=0'), { keepAlive: false }), (e: unknown) => {
    assert.ok(e instanceof LibvirtError, String(e))
    assert.equal(e.code, ErrorCode.AUTH_FAILED)
    assert.match(e.message, /Failed to verify peer's certificate/)
    return true
  })
  for (const v of ['1', '-1', '%201', '+7']) {
    const conn = await connect(uri(pki.otherCaClient, `&no_verify=${v}`), { keepAlive: false })
    assert.ok(await conn.getLibVersion(), v)
    await conn.close()
  }
})

test('URI booleans: no_tty and no_sanity are parsed the same way, on every transport', async () => {
  await assert.rejects(connect(`${daemon.uri}&no_tty=yes`, { keepAlive: false }), invalidArg('no_tty'))
  await assert.rejects(connect(`${daemon.uri}&no_sanity=on`, { keepAlive: false }), invalidArg('no_sanity'))
  await assert.rejects(connect(`${daemon.uri}&NO_VERIFY=no`, { keepAlive: false }), invalidArg('NO_VERIFY'))
  const conn = await connect(`${daemon.uri}&no_tty=1&no_sanity=0`, { keepAlive: false })
  await conn.close()
})

test('oracle: python3-libvirt gives the same verdicts for no_verify on the same listener', async (t) => {
  const missing = await cClientMissing()
  if (missing) return t.skip(`no C client to compare with: ${missing}`)
  const verdict = async (v: string): Promise<string> => {
    try {
      await runOracle(uri(pki.otherCaClient, `&no_verify=${v}`), 'result = conn.getLibVersion()', { timeoutMs: 30_000 })
      return 'ok'
    } catch (e) {
      // libvirt prefixes the code's text ("invalid argument: "); our messages carry the detail only
      if (e instanceof OracleLibvirtError) return `${e.code}${e.code === ErrorCode.INVALID_ARG ? ' ' + e.message.replace(/^invalid argument: /, '') : ''}`
      throw e
    }
  }
  const ours = async (v: string): Promise<string> => {
    try {
      const c = await connect(uri(pki.otherCaClient, `&no_verify=${v}`), { keepAlive: false })
      await c.close()
      return 'ok'
    } catch (e) {
      if (e instanceof LibvirtError) return `${e.code}${e.code === ErrorCode.INVALID_ARG ? ' ' + e.message : ''}`
      throw e
    }
  }
  for (const v of ['no', 'false', '', '0', '1']) assert.equal(await ours(v), await verdict(v), `no_verify=${v}`)
})
