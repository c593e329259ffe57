// Layer 3 (transports). Picks the transport a URI names. Remote transports register here so
// the client layer depends on this table only.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import type { TransportName } from './libvirt-uri.js'
import type { TransportFactory } from './transport.js'
import { connectUnixTransport } from './unix.js'

const factories = new Map<TransportName, TransportFactory>([['unix', connectUnixTransport]])

/** Registers the factory of a transport (used by the tls/tcp/ssh/ext modules). */
export function registerTransport(name: TransportName, factory: TransportFactory): void {
  factories.set(name, factory)
}

export function transportFactory(name: TransportName): TransportFactory {
  const f = factories.get(name)
  if (!f) throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.REMOTE, `transport '${name}' is not supported by libvirt-async`)
  return f
}
