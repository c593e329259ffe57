// Layer 3 (transports). One TLS SecureContext per distinct PKI material. Building one (parsing
// the CA, the CRL, our certificate and key) costs several milliseconds — most of a local TLS
// connect — so it is made once and reused. Keyed by the files' contents, so a renewed
// certificate takes effect on the next connect; at most a few are kept.

import { createHash } from 'node:crypto'
import { createSecureContext, type SecureContext } from 'node:tls'
import type { PkiMaterial } from './pki.js'

const MAX_CONTEXTS = 8
const contexts = new Map<string, SecureContext>()

/** A digest of the PKI material's contents: the key of the caches here and in tls.ts. */
export function pkiDigest(pki: PkiMaterial): string {
  const h = createHash('sha256')
  for (const part of [pki.ca, pki.crl, pki.cert, pki.key]) {
    h.update(`${part?.length ?? -1}:`)
    if (part) h.update(part)
  }
  return h.digest('hex')
}

/** The SecureContext for `pki` (cached by content). Throws what createSecureContext throws. */
export function secureContextFor(pki: PkiMaterial, key = pkiDigest(pki)): SecureContext {
  let ctx = contexts.get(key)
  if (ctx) {
    contexts.delete(key) // most recently used last
  } else {
    ctx = createSecureContext({ ca: pki.ca, crl: pki.crl, cert: pki.cert, key: pki.key })
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!)
  }
  contexts.set(key, ctx)
  return ctx
}

const sane = new Set<string>()

/**
 * Runs `check` (our own certificate against our CA, which parses and verifies X.509 — about half
 * a millisecond) once per distinct PKI material; only a pass is remembered, so a failure is
 * reported on every connect.
 */
export function checkOnce(key: string, check: () => void): void {
  if (sane.has(key)) return
  check()
  if (sane.size >= MAX_CONTEXTS) sane.delete(sane.values().next().value!)
  sane.add(key)
}
