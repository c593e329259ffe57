// Layer 5 (typed API). NetworkPort: a port of a virtual network. What the generated class (src/generated/api/network-port.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { NetworkPortHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'
import { Network } from '../generated/api/network.gen.js'

/** The hand-written part of {@link NetworkPort} (the generated class extends it; import NetworkPort from src/api/objects.ts). */
export class NetworkPortAdditions extends LibvirtObject<NetworkPortHandle> {
  /** The network this port belongs to (virNetworkPortGetNetwork: no call). */
  get network(): Network {
    return new Network(this.connection, this.wire.net)
  }

  /** virNetworkPortGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}
