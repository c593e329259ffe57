// Layer 4 (auth). Collects the user name and password for SASL: `auth.username` / `auth.password`
// first, the URI's user as the default name, then the caller's callback with libvirt-style
// credential requests (VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE) for whatever is still missing.

import type { AuthCredential, AuthOptions } from '../../client/connect-options.js'
import { ErrorCode, ErrorDomain, LibvirtError } from '../../errors.js'
import { nulError } from '../../xdr/xdr-writer.js'
import type { SaslCredentials } from './mechanism.js'

/** libvirt's virConnectCredentialType values used by SASL. */
export const CredType = { USERNAME: 1, AUTHNAME: 2, PASSPHRASE: 5 } as const

function authFailed(msg: string, cause?: unknown): LibvirtError {
  return LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, msg, cause)
}

/** Resolves the credentials, asking `auth.callback` once for the missing ones. */
export async function collectCredentials(auth: AuthOptions, uriUser: string | null, mechanism: string): Promise<SaslCredentials> {
  let username = auth.username
  let password = auth.password
  const wanted: AuthCredential[] = []
  if (username === undefined) {
    const c: AuthCredential = { type: CredType.AUTHNAME, prompt: 'Please enter your authentication name' }
    if (uriUser) c.defresult = uriUser
    wanted.push(c)
  }
  if (password === undefined) wanted.push({ type: CredType.PASSPHRASE, prompt: 'Please enter your password' })

  if (wanted.length > 0 && auth.callback) {
    let answers: Array<string | null>
    try {
      answers = await auth.callback(wanted.map((c) => ({ ...c })))
    } catch (e) {
      throw authFailed('Failed to collect auth credentials: the auth callback failed', e)
    }
    if (!Array.isArray(answers)) throw authFailed('Failed to collect auth credentials: the auth callback must return an array of answers')
    wanted.forEach((c, i) => {
      const a = answers[i] ?? c.defresult ?? null
      if (a !== null && typeof a !== 'string') throw authFailed(`Failed to collect auth credentials: answer ${i} is not a string`)
      // PLAIN joins name and password with NUL, and SCRAM's peer reads C strings: refuse, never cut
      if (a !== null && a.includes('\0')) throw nulError(a, `auth.callback answer ${i}`)
      if (c.type === CredType.AUTHNAME && a !== null) username = a
      if (c.type === CredType.PASSPHRASE && a !== null) password = a
    })
  }
  username ??= uriUser ?? undefined
  if (username === undefined || username === '' || password === undefined) {
    const missing = [username === undefined || username === '' ? 'user name' : null, password === undefined ? 'password' : null].filter(Boolean).join(' and ')
    throw authFailed(`SASL ${mechanism} authentication needs a ${missing}: pass connect(uri, { auth: { username, password } }) or an auth.callback`)
  }
  return { username, password }
}
