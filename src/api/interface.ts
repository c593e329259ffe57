// Layer 5 (typed API). Interface: a host network interface. What the generated class (src/generated/api/interface.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { InterfaceHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link Interface} (the generated class extends it; import Interface from src/api/objects.ts). */
export class InterfaceAdditions extends LibvirtObject<InterfaceHandle> {
  /** virInterfaceGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virInterfaceGetMACString: from the handle, without a call. */
  getMACString(): string {
    return this.wire.mac
  }
}
