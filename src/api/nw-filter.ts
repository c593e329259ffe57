// Layer 5 (typed API). NWFilter: a network filter. The generated methods (src/generated/api/nw-filter.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedNWFilter } from '../generated/api/nw-filter.gen.js'
import { A } from './args.js'

/**
 * A network filter on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class NWFilter extends GeneratedNWFilter {
  /** virNWFilterGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virNWFilterGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}

A.register('NWFilter', NWFilter)
