// Layer 5 (typed API). StoragePool: a storage pool. What the generated class (src/generated/api/storage-pool.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { StoragePoolHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'

/** The hand-written part of {@link StoragePool} (the generated class extends it; import StoragePool from src/api/objects.ts). */
export class StoragePoolAdditions extends LibvirtObject<StoragePoolHandle> {
  /** virStoragePoolGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virStoragePoolGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}
