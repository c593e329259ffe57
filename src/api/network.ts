// Layer 5 (typed API). Network: a virtual network. What the generated class (src/generated/api/network.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { NetworkHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link Network} (the generated class extends it; import Network from src/api/objects.ts). */
export class NetworkAdditions extends LibvirtObject<NetworkHandle> {
  /** virNetworkGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virNetworkGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}
