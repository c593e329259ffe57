// Layer 4 (auth). The SASL conversation with libvirtd as libvirt's remoteAuthSASL runs it:
// AUTH_SASL_INIT (the server's mechanism list), pick a mechanism, AUTH_SASL_START with the initial
// response, then AUTH_SASL_STEP until both sides are complete. Errors are VIR_ERR_AUTH_FAILED.

import type { SaslContext } from '../../client/auth.js'
import { ErrorCode, ErrorDomain, LibvirtError } from '../../errors.js'
import { REMOTE_PROCEDURES } from '../../generated/procedures.gen.js'
import { collectCredentials } from './credentials.js'
import type { SaslCredentials, SaslMechanism } from './mechanism.js'
import { Plain } from './plain.js'
import { ScramSha256 } from './scram.js'

/** Mechanisms this client implements, best first, and whether each needs a secure channel. */
const MECHANISMS: ReadonlyArray<{ name: string; needsSecureChannel: boolean; create: (c: SaslCredentials) => SaslMechanism }> = [
  { name: 'SCRAM-SHA-256', needsSecureChannel: false, create: (c) => new ScramSha256(c) },
  { name: 'PLAIN', needsSecureChannel: true, create: (c) => new Plain(c) },
]

/** Names of the SASL mechanisms libvirt-async implements. */
export const SUPPORTED_MECHANISMS: readonly string[] = MECHANISMS.map((m) => m.name)

function authFailed(msg: string, cause?: unknown): LibvirtError {
  return LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, msg, cause)
}

/** XDR `char data<>` travels as one signed int per byte (xdr_char). */
function toWire(b: Buffer | null): { nil: number; data: number[] } {
  if (b === null) return { nil: 1, data: [] }
  const data = new Array<number>(b.length)
  for (let i = 0; i < b.length; i++) data[i] = b[i]! > 127 ? b[i]! - 256 : b[i]!
  return { nil: 0, data }
}

function fromWire(r: { nil: number; data: number[] }): Buffer | null {
  if (r.nil) return null
  return Buffer.from(r.data.map((x) => x & 0xff))
}

/** Picks the mechanism: the URI's `auth=sasl.<mech>` if given, else the best one both sides have. */
export function chooseMechanism(serverList: string, wanted: string | null, secure: boolean): (typeof MECHANISMS)[number] {
  const offered = serverList.split(/[\s,]+/).filter(Boolean).map((m) => m.toUpperCase())
  if (wanted) {
    const name = wanted.toUpperCase()
    if (!offered.includes(name)) throw authFailed(`SASL mechanism ${name} not supported by server (it offers ${offered.join(', ') || 'none'})`)
    const m = MECHANISMS.find((x) => x.name === name)
    if (!m) throw authFailed(`SASL mechanism ${name} is not implemented by libvirt-async (it implements ${SUPPORTED_MECHANISMS.join(', ')})`)
    if (m.needsSecureChannel && !secure) throw authFailed(`SASL mechanism ${name} sends the password in the clear; libvirt-async uses it only over TLS or a unix socket`)
    return m
  }
  const m = MECHANISMS.find((x) => offered.includes(x.name) && (secure || !x.needsSecureChannel))
  if (!m) throw authFailed(`no SASL mechanism offered by the server (${offered.join(', ') || 'none'}) is implemented by libvirt-async (${SUPPORTED_MECHANISMS.join(', ')})`)
  return m
}

/** Runs the whole SASL authentication; resolves when the daemon and the mechanism are both complete. */
export async function saslAuthenticate(ctx: SaslContext): Promise<void> {
  const { rpc } = ctx
  if (!rpc.transport.secure) {
    // libvirtd requires a SASL security layer (SSF >= 56) on unencrypted transports.
    throw authFailed(
      'the daemon wants SASL on an unencrypted connection, where libvirtd requires a SASL security layer ' +
        '(GSSAPI or DIGEST-MD5 auth-conf), which libvirt-async does not implement; connect over TLS (+tls) or SSH (+ssh) instead',
    )
  }
  const { signal } = ctx
  const init = await rpc.call(REMOTE_PROCEDURES.AUTH_SASL_INIT, undefined, { signal })
  const choice = chooseMechanism(init.mechlist, ctx.mechanism, true)
  const creds = await collectCredentials(ctx.auth, ctx.uri?.user ?? null, choice.name)
  const mech = choice.create(creds)

  const wrap = <T>(f: () => T): T => {
    try {
      return f()
    } catch (e) {
      throw authFailed(`SASL ${mech.name} authentication failed: ${(e as Error).message}`, e)
    }
  }
  let out = wrap(() => mech.start())
  let ret = await rpc.call(REMOTE_PROCEDURES.AUTH_SASL_START, { mech: mech.name, ...toWire(out) }, { signal })
  // As libvirt's client does: always at least one local step after the server's answer, so a
  // server that claims completion still has to prove itself to the mechanism (mutual auth).
  for (let rounds = 0; ; rounds++) {
    if (rounds > 16) throw authFailed(`SASL ${mech.name} authentication did not finish after ${rounds} rounds`)
    const challenge = fromWire(ret)
    if (ret.complete && mech.complete && challenge === null) return
    if (mech.prepare) {
      try {
        await mech.prepare(challenge)
      } catch (e) {
        throw authFailed(`SASL ${mech.name} authentication failed: ${(e as Error).message}`, e)
      }
    }
    out = wrap(() => mech.step(challenge))
    if (ret.complete) {
      if (!mech.complete) throw authFailed(`SASL ${mech.name} authentication failed: the server finished before the client`)
      return
    }
    ret = await rpc.call(REMOTE_PROCEDURES.AUTH_SASL_STEP, toWire(out), { signal })
  }
}
