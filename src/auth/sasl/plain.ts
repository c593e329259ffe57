// Layer 4 (auth). PLAIN (RFC 4616): the password in the clear, so the SASL client offers it only
// over a channel that is already encrypted or local (TLS, unix socket).

import type { SaslCredentials, SaslMechanism } from './mechanism.js'

/** A PLAIN exchange: one message `authzid NUL authcid NUL passwd` (empty authzid). */
export class Plain implements SaslMechanism {
  readonly name = 'PLAIN'
  #creds: SaslCredentials
  #sent = false

  constructor(creds: SaslCredentials) {
    this.#creds = creds
  }

  get complete(): boolean {
    return this.#sent
  }

  start(): Buffer {
    this.#sent = true
    return Buffer.from(`\0${this.#creds.username}\0${this.#creds.password}`, 'utf8')
  }

  step(challenge: Buffer | null): Buffer | null {
    // Servers may send an empty challenge when the client sent no initial response; we always do.
    if (challenge !== null && challenge.length > 0) throw new Error('unexpected PLAIN challenge from the server')
    return null
  }
}
