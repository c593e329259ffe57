// Layer 5 (typed API). NodeDevice: a host device. What the generated class (src/generated/api/node-device.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { NodeDeviceHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link NodeDevice} (the generated class extends it; import NodeDevice from src/api/objects.ts). */
export class NodeDeviceAdditions extends LibvirtObject<NodeDeviceHandle> {
  /** virNodeDeviceGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }
}
