// Layer 3 (transports). Picks the transport a URI names. Remote transports register here so
// the client layer depends on this table only.
//
// Every transport module loads on first use: importing the package must not pay for node:net,
// node:tls, node:child_process or the SSH/TLS code, and most programs only ever use one of them.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import type { TransportName } from './libvirt-uri.js'
import type { TransportFactory } from './transport.js'
import { connectUnixTransport } from './unix.js'

/** A factory that loads its module on first use (once), then connects with it. */
function onFirstUse(load: () => Promise<TransportFactory>): TransportFactory {
  let loading: Promise<TransportFactory> | null = null
  return async (req) => (await (loading ??= load()))(req)
}

const ssh = onFirstUse(() => import('./ssh.js').then((m) => m.connectSshTransport))

const factories = new Map<TransportName, TransportFactory>([
  ['unix', connectUnixTransport],
  ['tcp', onFirstUse(() => import('./tcp.js').then((m) => m.connectTcpTransport))],
  ['tls', onFirstUse(() => import('./tls.js').then((m) => m.connectTlsTransport))],
  ['ssh', ssh],
  ['libssh', ssh],
  ['libssh2', ssh],
  ['ext', onFirstUse(() => import('./ext.js').then((m) => m.connectExtTransport))],
])

/** Registers the factory of a transport (each transport module also does so when it loads). */
export function registerTransport(name: TransportName, factory: TransportFactory): void {
  factories.set(name, factory)
}

export function transportFactory(name: TransportName): TransportFactory {
  const f = factories.get(name)
  if (!f) throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.REMOTE, `transport '${name}' is not supported by libvirt-async`)
  return f
}
