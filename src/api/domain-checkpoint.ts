// Layer 5 (typed API). DomainCheckpoint: a domain checkpoint. What the generated class (src/generated/api/domain-checkpoint.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { DomainCheckpointHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'
import { Domain } from '../generated/api/domain.gen.js'

/** The hand-written part of {@link DomainCheckpoint} (the generated class extends it; import DomainCheckpoint from src/api/objects.ts). */
export class DomainCheckpointAdditions extends LibvirtObject<DomainCheckpointHandle> {
  /** The domain this checkpoint belongs to (virDomainCheckpointGetDomain: no call, the handle carries it). */
  get domain(): Domain {
    return new Domain(this.connection, this.wire.dom)
  }

  /** virDomainCheckpointGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }
}
