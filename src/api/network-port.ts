// Layer 5 (typed API). NetworkPort: a port of a virtual network. The generated methods (src/generated/api/network-port.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedNetworkPort } from '../generated/api/network-port.gen.js'
import { A } from './args.js'
import type { Network } from './network.js'

/**
 * A port of a virtual network on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class NetworkPort extends GeneratedNetworkPort {
  /** The network this port belongs to (virNetworkPortGetNetwork: no call). */
  get network(): Network {
    return A.make<Network>('Network', this.connection, this.wire.net)
  }

  /** virNetworkPortGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}

A.register('NetworkPort', NetworkPort)
