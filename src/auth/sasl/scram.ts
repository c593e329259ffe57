// Layer 4 (auth). SCRAM-SHA-256 client (RFC 5802 with RFC 7677's hash): client-first with the
// `n,,` GS2 header (no channel binding, as Cyrus SASL expects), client-final with the proof,
// then verification of the server's signature — mutual authentication.

import { createHash, createHmac, pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto'
import type { SaslCredentials, SaslMechanism } from './mechanism.js'

const GS2_HEADER = 'n,,'
/**
 * Highest SCRAM iteration count accepted from a server: 100,000, well above Cyrus SASL's default
 * of 4,096 (what libvirtd uses). A hostile server naming more would make us burn CPU for it.
 */
export const SCRAM_MAX_ITERATIONS = 100_000

/** Thrown for a malformed or dishonest server message. */
export class ScramError extends Error {
  override name = 'ScramError'
}

/** RFC 4013 SASLprep, approximated by NFKC normalisation (enough for the usual printable names). */
export function saslPrep(s: string): string {
  return s.normalize('NFKC')
}

/** RFC 5802 `saslname` escaping of `=` and `,`. */
export function escapeSaslName(s: string): string {
  return s.replace(/=/g, '=3D').replace(/,/g, '=2C')
}

function parseAttributes(msg: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of msg.split(',')) {
    const m = /^([A-Za-z])=(.*)$/s.exec(part)
    if (!m) throw new ScramError(`malformed SCRAM attribute ${JSON.stringify(part.slice(0, 40))}`)
    if (!out.has(m[1]!)) out.set(m[1]!, m[2]!)
  }
  return out
}

const hmac = (key: Buffer, data: string | Buffer): Buffer => createHmac('sha256', key).update(data).digest()
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest()

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length)
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!
  return out
}

/** A SCRAM-SHA-256 client exchange. `nonce` is for tests only (RFC 7677's vector). */
export class ScramSha256 implements SaslMechanism {
  readonly name = 'SCRAM-SHA-256'
  #creds: SaslCredentials
  #clientNonce: string
  #clientFirstBare = ''
  #serverSignature: Buffer | null = null
  /** The salted password computed ahead by prepare() (off the event loop), for this salt and count. */
  #presalted: { key: string; salted: Buffer } | null = null
  #state: 'initial' | 'first-sent' | 'final-sent' | 'done' = 'initial'

  constructor(creds: SaslCredentials, nonce?: string) {
    this.#creds = creds
    this.#clientNonce = nonce ?? randomBytes(24).toString('base64')
  }

  get complete(): boolean {
    return this.#state === 'done'
  }

  start(): Buffer {
    if (this.#state !== 'initial') throw new ScramError('SCRAM exchange already started')
    this.#clientFirstBare = `n=${escapeSaslName(saslPrep(this.#creds.username))},r=${this.#clientNonce}`
    this.#state = 'first-sent'
    return Buffer.from(GS2_HEADER + this.#clientFirstBare, 'utf8')
  }

  step(challenge: Buffer | null): Buffer | null {
    if (challenge === null) throw new ScramError('the server sent no SCRAM challenge')
    const msg = challenge.toString('utf8')
    switch (this.#state) {
      case 'first-sent':
        return this.#clientFinal(msg)
      case 'final-sent':
        this.#verifyServerFinal(msg)
        return null
      default:
        throw new ScramError('unexpected SCRAM message from the server')
    }
  }

  /**
   * Computes the expensive salted password of the server-first message with the asynchronous
   * pbkdf2 (on libuv's thread pool), so the event loop is not blocked; step() then reuses it.
   */
  async prepare(challenge: Buffer | null): Promise<void> {
    if (this.#state !== 'first-sent' || challenge === null) return
    const { salt, iterations } = this.#parseServerFirst(challenge.toString('utf8'))
    const salted = await new Promise<Buffer>((resolve, reject) =>
      pbkdf2(saslPrep(this.#creds.password), salt, iterations, 32, 'sha256', (err, key) => (err ? reject(err) : resolve(key))))
    this.#presalted = { key: `${salt.toString('base64')}:${iterations}`, salted }
  }

  #parseServerFirst(serverFirst: string): { attrs: Map<string, string>; nonce: string; salt: Buffer; iterations: number } {
    const attrs = parseAttributes(serverFirst)
    if (attrs.has('m')) throw new ScramError('the server requires a SCRAM extension we do not know')
    const nonce = attrs.get('r')
    const saltB64 = attrs.get('s')
    const iterStr = attrs.get('i')
    if (!nonce || saltB64 === undefined || !iterStr) throw new ScramError('the SCRAM server-first message lacks r, s or i')
    if (!nonce.startsWith(this.#clientNonce) || nonce.length === this.#clientNonce.length) {
      throw new ScramError('the server nonce does not extend ours')
    }
    if (!/^\d{1,10}$/.test(iterStr)) throw new ScramError(`bad SCRAM iteration count ${JSON.stringify(iterStr.slice(0, 20))}`)
    const iterations = Number(iterStr)
    if (iterations < 1 || iterations > SCRAM_MAX_ITERATIONS) {
      throw new ScramError(`SCRAM iteration count ${iterations} out of range (1 to ${SCRAM_MAX_ITERATIONS})`)
    }
    return { attrs, nonce, salt: Buffer.from(saltB64, 'base64'), iterations }
  }

  #clientFinal(serverFirst: string): Buffer {
    const { nonce, salt, iterations } = this.#parseServerFirst(serverFirst)
    const pre = this.#presalted
    const salted = pre && pre.key === `${salt.toString('base64')}:${iterations}` ? pre.salted : pbkdf2Sync(saslPrep(this.#creds.password), salt, iterations, 32, 'sha256')
    const clientKey = hmac(salted, 'Client Key')
    const storedKey = sha256(clientKey)
    const withoutProof = `c=${Buffer.from(GS2_HEADER).toString('base64')},r=${nonce}`
    const authMessage = `${this.#clientFirstBare},${serverFirst},${withoutProof}`
    const proof = xor(clientKey, hmac(storedKey, authMessage))
    this.#serverSignature = hmac(hmac(salted, 'Server Key'), authMessage)
    this.#state = 'final-sent'
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`, 'utf8')
  }

  #verifyServerFinal(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal)
    const e = attrs.get('e')
    if (e !== undefined) throw new ScramError(`the server rejected the authentication: ${e}`)
    const v = attrs.get('v')
    if (v === undefined) throw new ScramError('the SCRAM server-final message lacks the server signature')
    const got = Buffer.from(v, 'base64')
    if (got.length !== this.#serverSignature!.length || !timingSafeEqual(got, this.#serverSignature!)) {
      throw new ScramError('the server signature is wrong: the server does not know the password')
    }
    this.#state = 'done'
  }
}
