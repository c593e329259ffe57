// Layer 5 (typed API). Interface: a host network interface. The generated methods (src/generated/api/interface.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedInterface } from '../generated/api/interface.gen.js'
import { A } from './args.js'

/**
 * A host network interface on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class Interface extends GeneratedInterface {
  /** virInterfaceGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virInterfaceGetMACString: from the handle, without a call. */
  getMACString(): string {
    return this.wire.mac
  }
}

A.register('Interface', Interface)
