// Layer 5 (typed API). NWFilterBinding: a network filter binding. The generated methods (src/generated/api/nw-filter-binding.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedNWFilterBinding } from '../generated/api/nw-filter-binding.gen.js'
import { A } from './args.js'

/**
 * A network filter binding on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class NWFilterBinding extends GeneratedNWFilterBinding {
  /** virNWFilterBindingGetPortDev: from the handle, without a call. */
  getPortDev(): string {
    return this.wire.portdev
  }

  /** virNWFilterBindingGetFilterName: the filter it applies; from the handle, without a call. */
  getFilterName(): string {
    return this.wire.filtername
  }
}

A.register('NWFilterBinding', NWFilterBinding)
