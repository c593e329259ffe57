// Layer 2 (protocol core), sans-I/O. Turns arbitrary byte chunks into whole frames. A length word
// outside [28, MESSAGE_MAX] is a fatal framing error (mirrors virNetMessageDecodeLength), raised
// before anything is allocated for it. Once a partial frame's length is known, exactly one buffer
// of that size is allocated and every later chunk is copied into it: a frame delivered a byte per
// read costs about its own size, never a Buffer object per read.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { FRAME_MIN, LEN_SIZE, MESSAGE_MAX } from './limits.js'

export class FrameDecoder {
  /** The length word while fewer than LEN_SIZE bytes of it have arrived. */
  readonly #head = Buffer.alloc(LEN_SIZE)
  #headFilled = 0
  /** The frame being filled (its length known), or null. */
  #frame: Buffer | null = null
  #filled = 0
  readonly maxFrame: number

  constructor(maxFrame = MESSAGE_MAX) {
    this.maxFrame = maxFrame
  }

  /** Bytes held that do not yet form a whole frame. */
  get buffered(): number {
    return this.#frame ? this.#filled : this.#headFilled
  }

  /**
   * Feeds one chunk; calls `onFrame` for every complete frame (length word included).
   * Throws a LibvirtError (VIR_ERR_RPC) on an impossible length; the stream is then unusable.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    let off = 0
    const end = chunk.length
    while (off < end) {
      const frame = this.#frame
      if (frame !== null) {
        const n = Math.min(frame.length - this.#filled, end - off)
        chunk.copy(frame, this.#filled, off, off + n)
        this.#filled += n
        off += n
        if (this.#filled === frame.length) {
          this.#frame = null
          this.#filled = 0
          onFrame(frame)
        }
        continue
      }
      if (this.#headFilled === 0 && end - off >= LEN_SIZE) {
        const len = this.#checkLength(chunk.readUInt32BE(off))
        if (end - off >= len) {
          // Fast path: a whole frame inside this chunk, handed on without a copy.
          onFrame(chunk.subarray(off, off + len))
          off += len
          continue
        }
        this.#start(len)
        continue
      }
      // Fewer than LEN_SIZE bytes of the length word so far.
      const n = Math.min(LEN_SIZE - this.#headFilled, end - off)
      chunk.copy(this.#head, this.#headFilled, off, off + n)
      this.#headFilled += n
      off += n
      if (this.#headFilled === LEN_SIZE) {
        const len = this.#checkLength(this.#head.readUInt32BE(0))
        this.#headFilled = 0
        this.#start(len)
        this.#head.copy(this.#frame!, 0)
        this.#filled = LEN_SIZE
      }
    }
  }

  #start(len: number): void {
    this.#frame = Buffer.allocUnsafe(len)
    this.#filled = 0
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
    this.#headFilled = 0
    this.#frame = null
    this.#filled = 0
  }
}
