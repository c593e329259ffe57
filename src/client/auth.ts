// Layer 4 (client). Authentication after the transport is up, as libvirt's remote driver does
// it (remoteAuthenticate): ask the daemon which schemes it accepts (AUTH_LIST), honour `auth=`
// from the URI, then run none / polkit here, or SASL through the registered SASL client.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { LibvirtUri } from '../transport/libvirt-uri.js'
import type { AuthOptions } from './connect-options.js'
import type { RpcClient } from './rpc-client.js'
import { markSaslSession } from './channel-security.js'

export const AuthType = { NONE: 0, SASL: 1, POLKIT: 2 } as const

export interface SaslContext {
  rpc: RpcClient
  uri: LibvirtUri | null
  auth: AuthOptions
  /** The mechanism the URI asks for (`auth=sasl.scram-sha-256`), if any. */
  mechanism: string | null
  signal?: AbortSignal
}

export type SaslAuthenticator = (ctx: SaslContext) => Promise<void>

let saslAuthenticator: SaslAuthenticator | null = null

/** Installs the SASL client (the SASL module registers itself when imported). */
export function registerSaslAuthenticator(fn: SaslAuthenticator): void {
  saslAuthenticator = fn
}

export async function authenticate(rpc: RpcClient, uri: LibvirtUri | null, auth: AuthOptions, signal?: AbortSignal): Promise<void> {
  let types: number[]
  try {
    const ret = await rpc.call(REMOTE_PROCEDURES.AUTH_LIST, undefined, { signal })
    types = ret.types
  } catch (e) {
    // Very old daemons lack AUTH_LIST; libvirt then assumes no authentication.
    if (e instanceof LibvirtError && !e.local && e.code === ErrorCode.NO_SUPPORT) return
    throw e
  }
  if (types.length === 0) return

  const wanted = uri?.param('auth')?.toLowerCase() ?? null
  let type = types[0]!
  let mechanism: string | null = null
  if (wanted) {
    const [scheme, mech] = wanted.split('.', 2) as [string, string | undefined]
    const byName: Record<string, number> = { none: AuthType.NONE, sasl: AuthType.SASL, polkit: AuthType.POLKIT }
    const t = byName[scheme]
    if (t === undefined || !types.includes(t)) {
      throw LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, `requested authentication type ${wanted} rejected`)
    }
    type = t
    mechanism = mech ?? null
  }

  switch (type) {
    case AuthType.NONE:
      return
    case AuthType.POLKIT: {
      await rpc.call(REMOTE_PROCEDURES.AUTH_POLKIT, undefined, { signal })
      return
    }
    case AuthType.SASL:
      if (!saslAuthenticator) {
        throw LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, 'the daemon requires SASL authentication, which this build of libvirt-async cannot do')
      }
      await saslAuthenticator({ rpc, uri, auth, mechanism, signal })
      markSaslSession(rpc)
      return
    default:
      throw LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, `unsupported authentication type ${type}`)
  }
}
