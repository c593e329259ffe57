// Layer 5 (typed API). DomainCheckpoint: a domain checkpoint. The generated methods (src/generated/api/domain-checkpoint.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedDomainCheckpoint } from '../generated/api/domain-checkpoint.gen.js'
import { A } from './args.js'
import type { Domain } from './domain.js'

/**
 * A domain checkpoint on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class DomainCheckpoint extends GeneratedDomainCheckpoint {
  /** The domain this checkpoint belongs to (virDomainCheckpointGetDomain: no call, the handle carries it). */
  get domain(): Domain {
    return A.make<Domain>('Domain', this.connection, this.wire.dom)
  }

  /** virDomainCheckpointGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }
}

A.register('DomainCheckpoint', DomainCheckpoint)
