// Layer 5 (typed API). StorageVol: a storage volume. What the generated class (src/generated/api/storage-vol.gen.ts) builds on:
// the accessors libvirt's client answers locally from the handle.

import type { StorageVolHandle } from '../generated/handles.gen.js'
import { LibvirtObject } from './object-base.js'
import type { FlagBits, StorageVolDownloadFlags, StorageVolUploadFlags } from '../generated/constants.gen.js'
import { type OpenStreamOptions, storageVolDownload, storageVolUpload } from '../streams/open.js'
import type { Stream } from '../streams/stream.js'

/** The hand-written part of {@link StorageVol} (the generated class extends it; import StorageVol from src/api/objects.ts). */
export class StorageVolAdditions extends LibvirtObject<StorageVolHandle> {
  /** virStorageVolGetName: from the handle, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** virStorageVolGetKey: the key, unique on the host; from the handle, without a call. */
  getKey(): string {
    return this.wire.key
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDownload | virStorageVolDownload}: a readable stream (the streams layer). */
  download(offset: bigint | number = 0n, length: bigint | number = 0n, flags: StorageVolDownloadFlags | FlagBits = 0, options?: OpenStreamOptions): Promise<Stream> {
    return storageVolDownload(this.connection, this, offset, length, flags, options)
  }

  /** {@link https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolUpload | virStorageVolUpload}: a writable stream (the streams layer). */
  upload(offset: bigint | number = 0n, length: bigint | number = 0n, flags: StorageVolUploadFlags | FlagBits = 0): Promise<Stream> {
    return storageVolUpload(this.connection, this, offset, length, flags)
  }
}
