// Layer 6 (streams). Local sparse files ↔ sparse streams. Node has no SEEK_DATA/SEEK_HOLE, so
// holes are found by scanning for all-zero blocks (4 KiB by default): every zero block becomes
// part of a hole, which yields the same bytes and at least the source's sparseness.

import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { STREAM_CHUNK } from './frames.js'
import { type Stream, type StreamHole, isStreamHole } from './stream.js'

/** Options of `sparseFileItems` / `uploadSparseFile`. */
export interface SparseScanOptions {
  /** Granularity of hole detection in bytes (a power of two; default 4096, a file-system block). */
  blockSize?: number
}

/**
 * Reads a local file as data `Buffer`s and `{ hole: bigint }` items (runs of all-zero blocks),
 * ready to be written to a sparse upload stream.
 */
export async function* sparseFileItems(path: string, options: SparseScanOptions = {}): AsyncGenerator<Buffer | StreamHole> {
  const bs = options.blockSize ?? 4096
  if (!Number.isInteger(bs) || bs < 512 || (bs & (bs - 1)) !== 0) throw new RangeError(`blockSize must be a power of two ≥ 512, not ${String(bs)}`)
  const fh = await open(path, 'r')
  try {
    const readSize = Math.max(bs, Math.floor(STREAM_CHUNK / bs) * bs)
    let hole = 0n
    for (;;) {
      const buf = Buffer.allocUnsafe(readSize)
      const { bytesRead } = await fh.read(buf, 0, readSize, null)
      if (bytesRead === 0) break
      let dataStart = -1
      for (let off = 0; off < bytesRead; off += bs) {
        const end = Math.min(off + bs, bytesRead)
        if (isZero(buf, off, end)) {
          if (dataStart >= 0) {
            yield buf.subarray(dataStart, off)
            dataStart = -1
          }
          hole += BigInt(end - off)
        } else {
          if (hole > 0n) {
            yield { hole }
            hole = 0n
          }
          if (dataStart < 0) dataStart = off
        }
      }
      if (dataStart >= 0) yield buf.subarray(dataStart, bytesRead)
    }
    if (hole > 0n) yield { hole }
  } finally {
    await fh.close()
  }
}

function isZero(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] !== 0) return false
  return true
}

/**
 * Uploads a local file through a sparse upload stream (opened with
 * `VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM`): zero blocks go as holes. Resolves when the daemon
 * confirmed the finish; rejects (and aborts the stream) on any error.
 */
export async function uploadSparseFile(stream: Stream, path: string, options?: SparseScanOptions): Promise<void> {
  if (!stream.sparse) throw new TypeError('uploadSparseFile needs a stream opened with the sparse flag')
  await pipeline(Readable.from(sparseFileItems(path, options)), stream)
}

/**
 * Writes a sparse download stream (opened with `VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM` and
 * `{ holes: 'objects' }`) to a local file, leaving holes unallocated. Also accepts plain byte
 * streams. Resolves with the file's size.
 */
export async function writeSparseFile(stream: AsyncIterable<unknown>, path: string): Promise<bigint> {
  const fh = await open(path, 'w')
  let pos = 0n
  try {
    for await (const item of stream) {
      if (isStreamHole(item)) {
        pos += BigInt(item.hole)
      } else if (item instanceof Uint8Array) {
        let off = 0
        while (off < item.length) {
          const { bytesWritten } = await fh.write(item, off, item.length - off, Number(pos))
          off += bytesWritten
          pos += BigInt(bytesWritten)
        }
      } else {
        throw new TypeError(`writeSparseFile: unexpected stream item ${typeof item}`)
      }
    }
    await fh.truncate(Number(pos))
  } finally {
    await fh.close()
  }
  return pos
}
