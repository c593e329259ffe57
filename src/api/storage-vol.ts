// Layer 5 (typed API). StorageVol: a storage volume. The generated methods (src/generated/api/storage-vol.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedStorageVol } from '../generated/api/storage-vol.gen.js'
import { type OpenStreamOptions, storageVolDownload, storageVolUpload } from '../streams/open.js'
import type { Stream } from '../streams/stream.js'
import { A } from './args.js'

/**
 * A storage volume on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class StorageVol extends GeneratedStorageVol {
  /** virStorageVolGetName: from the handle, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virStorageVolGetKey: the key, unique on the host; from the handle, without a call. */
  getKey(): string {
    return this.wire.key
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDownload | virStorageVolDownload}: a readable stream (the streams layer). */
  download(offset: bigint | number = 0n, length: bigint | number = 0n, flags: number = 0, options?: OpenStreamOptions): Promise<Stream> {
    return storageVolDownload(this.connection, this, offset, length, flags, options)
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolUpload | virStorageVolUpload}: a writable stream (the streams layer). */
  upload(offset: bigint | number = 0n, length: bigint | number = 0n, flags: number = 0): Promise<Stream> {
    return storageVolUpload(this.connection, this, offset, length, flags)
  }
}

A.register('StorageVol', StorageVol)
