// Test helper: every byte a connection's client hands its transport, in order, whichever way it
// goes — through the socket's Writable (`stream.write`) or straight to the descriptor
// (`Transport.tryWrite`, the unix and TCP transports). A spy on `stream.write` alone misses the
// direct writes.

import type { RpcClient } from '../../src/client/rpc-client.js'
import type { Transport } from '../../src/transport/transport.js'

export interface WireTap {
  /** Calls made to the transport so far (a direct write that took nothing and the stream write after it count as two). */
  readonly writes: number
  restore(): void
}

/** Reports each chunk of bytes written from now on to `onBytes` (a copy), in the order they were written. */
export function tapWrites(rpc: RpcClient, onBytes: (chunk: Buffer) => void = () => {}): WireTap {
  const t = rpc.transport as { -readonly [K in keyof Transport]: Transport[K] }
  const s = t.stream
  const origWrite = s.write
  const origTry = t.tryWrite
  let writes = 0
  s.write = function (this: typeof s, ...a: Parameters<typeof s.write>) {
    writes++
    if (a[0] instanceof Uint8Array) onBytes(Buffer.from(a[0]))
    return origWrite.apply(this, a)
  } as typeof s.write
  if (origTry) {
    t.tryWrite = (buf, length) => {
      writes++
      const n = origTry(buf, length)
      if (n > 0) onBytes(Buffer.from(buf.subarray(0, n)))
      return n
    }
  }
  return {
    get writes() {
      return writes
    },
    restore() {
      s.write = origWrite
      t.tryWrite = origTry
    },
  }
}

/** Splits a byte sequence of whole frames into frames (each with its length word). */
export function splitFrames(bytes: Buffer): Buffer[] {
  const out: Buffer[] = []
  for (let off = 0; off + 4 <= bytes.length; ) {
    const len = bytes.readUInt32BE(off)
    if (len < 4 || off + len > bytes.length) break
    out.push(bytes.subarray(off, off + len))
    off += len
  }
  return out
}
