// Layer 5 (typed API). NodeDevice: a host device. The generated methods (src/generated/api/node-device.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedNodeDevice } from '../generated/api/node-device.gen.js'
import { A } from './args.js'

/**
 * A host device on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class NodeDevice extends GeneratedNodeDevice {
  /** virNodeDeviceGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }
}

A.register('NodeDevice', NodeDevice)
