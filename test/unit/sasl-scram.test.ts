import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ScramSha256, ScramError, escapeSaslName } from '../../src/auth/sasl/scram.js'
import { Plain } from '../../src/auth/sasl/plain.js'
import { chooseMechanism } from '../../src/auth/sasl/exchange.js'
import { collectCredentials, CredType } from '../../src/auth/sasl/credentials.js'
import { LibvirtError } from '../../src/errors.js'

// RFC 7677 §3 test vector.
const NONCE = 'rOprNGfwEbeRWgbNEkqO'
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

test('SCRAM-SHA-256 reproduces the RFC 7677 exchange and verifies the server', () => {
  const m = new ScramSha256({ username: 'user', password: 'pencil' }, NONCE)
  assert.equal(m.start().toString(), `n,,n=user,r=${NONCE}`)
  assert.equal(m.step(Buffer.from(SERVER_FIRST))!.toString(), CLIENT_FINAL)
  assert.equal(m.complete, false)
  assert.equal(m.step(Buffer.from(SERVER_FINAL)), null)
  assert.equal(m.complete, true)
})

test('SCRAM-SHA-256 rejects a wrong server signature, a foreign nonce, an error and garbage', () => {
  const fresh = (): ScramSha256 => {
    const m = new ScramSha256({ username: 'user', password: 'pencil' }, NONCE)
    m.start()
    return m
  }
  const m = fresh()
  m.step(Buffer.from(SERVER_FIRST))
  assert.throws(() => m.step(Buffer.from('v=AAAArBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')), /server signature is wrong/)
  assert.equal(m.complete, false)
  assert.throws(() => fresh().step(Buffer.from('r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')), /nonce/)
  assert.throws(() => fresh().step(Buffer.from(`r=${NONCE}x,s=AA==,i=0`)), /iteration/)
  assert.throws(() => fresh().step(Buffer.from('garbage')), ScramError)
  assert.throws(() => fresh().step(null), ScramError)
  const e = fresh()
  e.step(Buffer.from(SERVER_FIRST))
  assert.throws(() => e.step(Buffer.from('e=invalid-proof')), /invalid-proof/)
})

test('SCRAM user names are escaped', () => {
  assert.equal(escapeSaslName('a=b,c'), 'a=3Db=2Cc')
  const m = new ScramSha256({ username: 'a,b', password: 'p' }, 'N')
  assert.equal(m.start().toString(), 'n,,n=a=2Cb,r=N')
})

test('PLAIN sends authzid NUL authcid NUL password once', () => {
  const p = new Plain({ username: 'u', password: 'pw' })
  assert.deepEqual([...p.start()], [0, 117, 0, 112, 119])
  assert.equal(p.complete, true)
  assert.equal(p.step(null), null)
})

test('mechanism choice honours the URI, prefers SCRAM, and keeps PLAIN off insecure channels', () => {
  assert.equal(chooseMechanism('PLAIN,SCRAM-SHA-256', null, true).name, 'SCRAM-SHA-256')
  assert.equal(chooseMechanism('PLAIN,SCRAM-SHA-256', 'plain', true).name, 'PLAIN')
  assert.equal(chooseMechanism('PLAIN', null, true).name, 'PLAIN')
  const code = (f: () => unknown): number => {
    try {
      f()
    } catch (e) {
      assert.ok(e instanceof LibvirtError)
      return e.code
    }
    assert.fail('no error')
  }
  assert.equal(code(() => chooseMechanism('PLAIN', null, false)), 45)
  assert.equal(code(() => chooseMechanism('PLAIN', 'plain', false)), 45)
  assert.equal(code(() => chooseMechanism('GSSAPI', null, true)), 45)
  assert.equal(code(() => chooseMechanism('SCRAM-SHA-256', 'digest-md5', true)), 45)
})

test('credentials: options first, callback for the rest with libvirt credential types', async () => {
  assert.deepEqual(await collectCredentials({ username: 'a', password: 'b' }, null, 'X'), { username: 'a', password: 'b' })
  let asked: unknown
  const c = await collectCredentials(
    {
      callback: (creds) => {
        asked = creds
        return [null, 'secret']
      },
    },
    'uriuser',
    'X',
  )
  assert.deepEqual(c, { username: 'uriuser', password: 'secret' })
  assert.deepEqual(asked, [
    { type: CredType.AUTHNAME, prompt: 'Please enter your authentication name', defresult: 'uriuser' },
    { type: CredType.PASSPHRASE, prompt: 'Please enter your password' },
  ])
  await assert.rejects(collectCredentials({ username: 'a' }, null, 'X'), (e: unknown) => e instanceof LibvirtError && e.code === 45 && /password/.test(e.message))
  await assert.rejects(
    collectCredentials({ callback: () => { throw new Error('no') } }, null, 'X'),
    (e: unknown) => e instanceof LibvirtError && e.code === 45,
  )
})
