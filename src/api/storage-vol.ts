// Layer 5 (typed API). StorageVol: a storage volume. The generated methods (src/generated/api/storage-vol.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedStorageVol } from '../generated/api/storage-vol.gen.js'
import { A } from './args.js'

/**
 * A storage volume on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class StorageVol extends GeneratedStorageVol {
  /** virStorageVolGetName / GetKey: from the handle, without a call. */
  getName(): string {
    return this.wire.name
  }

  getKey(): string {
    return this.wire.key
  }
}

A.register('StorageVol', StorageVol)
