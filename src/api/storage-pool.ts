// Layer 5 (typed API). StoragePool: a storage pool. The generated methods (src/generated/api/storage-pool.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedStoragePool } from '../generated/api/storage-pool.gen.js'
import { A } from './args.js'

/**
 * A storage pool on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class StoragePool extends GeneratedStoragePool {
  /** virStoragePoolGetName: the name, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virStoragePoolGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}

A.register('StoragePool', StoragePool)
