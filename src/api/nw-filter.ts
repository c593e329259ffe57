// Layer 5 (typed API). NWFilter: a network filter. What the generated class (src/generated/api/nw-filter.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { NWFilterHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link NWFilter} (the generated class extends it; import NWFilter from src/api/objects.ts). */
export class NWFilterAdditions extends LibvirtObject<NWFilterHandle> {
  /** virNWFilterGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virNWFilterGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}
