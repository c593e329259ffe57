// Layer 5 (typed API). NWFilterBinding: a network filter binding. What the generated class (src/generated/api/nw-filter-binding.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { NWFilterBindingHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link NWFilterBinding} (the generated class extends it; import NWFilterBinding from src/api/objects.ts). */
export class NWFilterBindingAdditions extends LibvirtObject<NWFilterBindingHandle> {
  /** virNWFilterBindingGetPortDev: from the handle, without a call. */
  getPortDev(): string {
    return this.wire.portdev
  }

  /** virNWFilterBindingGetFilterName: the filter it applies; from the handle, without a call. */
  getFilterName(): string {
    return this.wire.filtername
  }
}
