// Layer 5 (typed API). Network: a virtual network. The generated methods (src/generated/api/network.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedNetwork } from '../generated/api/network.gen.js'
import { A } from './args.js'

/**
 * A virtual network on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class Network extends GeneratedNetwork {
  /** virNetworkGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virNetworkGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}

A.register('Network', Network)
