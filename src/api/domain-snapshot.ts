// Layer 5 (typed API). DomainSnapshot: a domain snapshot. What the generated class (src/generated/api/domain-snapshot.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { DomainSnapshotHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'
import { Domain } from '../generated/api/domain.gen.js'

/** The hand-written part of {@link DomainSnapshot} (the generated class extends it; import DomainSnapshot from src/api/objects.ts). */
export class DomainSnapshotAdditions extends LibvirtObject<DomainSnapshotHandle> {
  /** The domain this snapshot belongs to (virDomainSnapshotGetDomain: no call, the handle carries it). */
  get domain(): Domain {
    return new Domain(this.connection, this.wire.dom)
  }

  /** virDomainSnapshotGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }
}
