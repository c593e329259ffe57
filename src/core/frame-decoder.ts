// Layer 2 (protocol core), sans-I/O. Turns arbitrary byte chunks into whole frames. Holds at
// most one partial frame; a length word outside [28, MESSAGE_MAX] is a fatal framing error
// (mirrors virNetMessageDecodeLength), raised before anything is allocated for it.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { FRAME_MIN, LEN_SIZE, MESSAGE_MAX } from './limits.js'

export class FrameDecoder {
  #chunks: Buffer[] = []
  #buffered = 0
  #need = -1
  readonly maxFrame: number

  constructor(maxFrame = MESSAGE_MAX) {
    this.maxFrame = maxFrame
  }

  /** Bytes held that do not yet form a whole frame. */
  get buffered(): number {
    return this.#buffered
  }

  /**
   * Feeds one chunk; calls `onFrame` for every complete frame (length word included).
   * Throws a LibvirtError (VIR_ERR_RPC) on an impossible length; the stream is then unusable.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    // Fast path: nothing buffered, whole frames inside this chunk.
    if (this.#buffered === 0) {
      let off = 0
      while (chunk.length - off >= LEN_SIZE) {
        const len = this.#checkLength(chunk.readUInt32BE(off))
        if (chunk.length - off < len) break
        onFrame(chunk.subarray(off, off + len))
        off += len
      }
      if (off === chunk.length) return
      chunk = chunk.subarray(off)
    }
    this.#chunks.push(chunk)
    this.#buffered += chunk.length
    for (;;) {
      if (this.#need < 0) {
        if (this.#buffered < LEN_SIZE) return
        this.#need = this.#checkLength(this.#peekLength())
      }
      if (this.#buffered < this.#need) return
      const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered)
      const frame = all.subarray(0, this.#need)
      const rest = all.subarray(this.#need)
      this.#chunks = rest.length > 0 ? [rest] : []
      this.#buffered = rest.length
      this.#need = -1
      onFrame(frame)
    }
  }

  #peekLength(): number {
    const first = this.#chunks[0]!
    if (first.length >= LEN_SIZE) return first.readUInt32BE(0)
    return Buffer.concat(this.#chunks, this.#buffered).readUInt32BE(0)
  }

  #checkLength(len: number): number {
    if (len < FRAME_MIN || len > this.maxFrame) {
      throw LibvirtError.local(
        ErrorCode.RPC,
        ErrorDomain.RPC,
        len < FRAME_MIN ? `packet ${len} bytes received from server too small, want ${FRAME_MIN}` : `packet ${len} bytes received from server too large, want ${this.maxFrame}`,
      )
    }
    return len
  }

  reset(): void {
    this.#chunks = []
    this.#buffered = 0
    this.#need = -1
  }
}
