// Layer 5 (typed API). DomainSnapshot: a domain snapshot. The generated methods (src/generated/api/domain-snapshot.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedDomainSnapshot } from '../generated/api/domain-snapshot.gen.js'
import { A } from './args.js'
import type { Domain } from './domain.js'

/**
 * A domain snapshot on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class DomainSnapshot extends GeneratedDomainSnapshot {
  /** The domain this snapshot belongs to (virDomainSnapshotGetDomain: no call, the handle carries it). */
  get domain(): Domain {
    return A.make<Domain>('Domain', this.connection, this.wire.dom)
  }

  /** virDomainSnapshotGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }
}

A.register('DomainSnapshot', DomainSnapshot)
