// Layer 5 (typed API). Secret: a secret. What the generated class (src/generated/api/secret.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { SecretHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link Secret} (the generated class extends it; import Secret from src/api/objects.ts). */
export class SecretAdditions extends LibvirtObject<SecretHandle> {
  /** virSecretGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}
