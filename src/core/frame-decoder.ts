// Layer 2 (protocol core), sans-I/O. Turns arbitrary byte chunks into whole frames. A length word
// outside [28, MESSAGE_MAX] is a fatal framing error (mirrors virNetMessageDecodeLength), raised
// before anything is allocated for it. Once a partial frame's length is known, exactly one buffer
// of that size is allocated and every later chunk is copied into it: a frame delivered a byte per
// read costs about its own size, never a Buffer object per read. A reader that can read straight
// into memory we choose (Node's `onread`) asks readTarget() for the rest of a large frame and
// reports with filled(): the bytes of a large reply are then never copied at all (libvirt's client
// reads the same way, into the message buffer). Large frames are assembled in a buffer kept for
// the next one (see RECYCLE_MIN).

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { FRAME_MIN, LEN_SIZE, MESSAGE_MAX } from './limits.js'

/**
 * Receives one whole frame, `buf[start, end)` (length word included). `transient`: `buf` is the
 * reader's own buffer, reused as soon as the handler returns, so whatever outlives the call must
 * be copied; otherwise the bytes are the handler's to keep.
 */
export type FrameHandler = (buf: Buffer, start: number, end: number, transient: boolean) => void

/** The missing part of a frame must be at least this long to be read in place (smaller: one read picks up the frames after it too). */
const IN_PLACE_MIN = 16 * 1024
/**
 * Frames from RECYCLE_MIN to RECYCLE_MAX bytes are assembled in one buffer kept for the next such
 * frame, and handed on as transient: a client fetching large documents in a loop then allocates
 * no 1 MiB buffer per reply for the garbage collector to find (larger frames are rare, and a
 * buffer that size is not worth keeping).
 */
const RECYCLE_MIN = 64 * 1024
const RECYCLE_MAX = 4 * 1024 * 1024

export class FrameDecoder {
  /** The length word while fewer than LEN_SIZE bytes of it have arrived. */
  readonly #head = Buffer.alloc(LEN_SIZE)
  #headFilled = 0
  /** The frame being filled (its length known), or null. */
  #frame: Buffer | null = null
  #filled = 0
  /** Whether #frame lies in #spare (then it is handed on as transient). */
  #recycled = false
  /** The buffer large frames are assembled in (see RECYCLE_MIN). */
  #spare: Buffer | null = null
  readonly maxFrame: number

  constructor(maxFrame = MESSAGE_MAX) {
    this.maxFrame = maxFrame
  }

  /** Bytes held that do not yet form a whole frame. */
  get buffered(): number {
    return this.#frame ? this.#filled : this.#headFilled
  }

  /**
   * Feeds one chunk the caller will not reuse; calls `onFrame` for every complete frame (length
   * word included; a view on `chunk` when the frame lies inside it), which is the caller's to keep.
   * Throws a LibvirtError (VIR_ERR_RPC) on an impossible length; the stream is then unusable.
   */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.scan(chunk, 0, chunk.length, false, (buf, start, end, transient) =>
      onFrame(transient ? Buffer.from(buf.subarray(start, end)) : start === 0 && end === buf.length ? buf : buf.subarray(start, end)))
  }

  /**
   * Feeds `buf[start, end)`; calls `onFrame` for every complete frame. With `transient` the bytes
   * are only valid during the call: frames inside them are handed on as transient, and the part
   * of an unfinished frame is copied. Throws like {@link FrameDecoder.push}.
   */
  scan(buf: Buffer, start: number, end: number, transient: boolean, onFrame: FrameHandler): void {
    let off = start
    while (off < end) {
      const frame = this.#frame
      if (frame !== null) {
        const n = Math.min(frame.length - this.#filled, end - off)
        frame.set(new Uint8Array(buf.buffer, buf.byteOffset + off, n), this.#filled)
        this.#filled += n
        off += n
        if (this.#filled === frame.length) this.#complete(frame, onFrame)
        continue
      }
      if (this.#headFilled === 0 && end - off >= LEN_SIZE) {
        // The length word by hand: Buffer#readUInt32BE is a JavaScript function, slow until optimised.
        const len = this.#checkLength(((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0)
        if (end - off >= len) {
          // Fast path: a whole frame inside this chunk, handed on without a copy.
          onFrame(buf, off, off + len, transient)
          off += len
          continue
        }
        this.#start(len)
        continue
      }
      // Fewer than LEN_SIZE bytes of the length word so far.
      const n = Math.min(LEN_SIZE - this.#headFilled, end - off)
      for (let i = 0; i < n; i++) this.#head[this.#headFilled + i] = buf[off + i]!
      this.#headFilled += n
      off += n
      if (this.#headFilled === LEN_SIZE) {
        const len = this.#checkLength(this.#head.readUInt32BE(0))
        this.#headFilled = 0
        this.#start(len)
        this.#frame!.set(this.#head, 0)
        this.#filled = LEN_SIZE
      }
    }
  }

  /**
   * Where the next read may go straight into: the missing part of the frame being assembled,
   * when it is large enough to be worth a read of its own; else null.
   */
  readTarget(): Buffer | null {
    const frame = this.#frame
    if (frame === null || frame.length - this.#filled < IN_PLACE_MIN) return null
    return frame.subarray(this.#filled)
  }

  /**
   * `n` bytes were read into the start of the last {@link FrameDecoder.readTarget}; calls
   * `onFrame` when that completes the frame. Ignored after a reset (the target belonged to a
   * frame that was dropped).
   */
  filled(n: number, target: Uint8Array, onFrame: FrameHandler): void {
    const frame = this.#frame
    if (frame === null || target.buffer !== frame.buffer || target.byteOffset !== frame.byteOffset + this.#filled) return
    this.#filled += Math.min(n, frame.length - this.#filled)
    if (this.#filled === frame.length) this.#complete(frame, onFrame)
  }

  /**
   * Gives up the kept buffer `frame` lies in (a recycled frame just handed on), so the caller may
   * keep the frame after all (stream data: a view, not a copy); false when `frame` is not in it.
   */
  adopt(frame: Buffer): boolean {
    if (this.#spare === null || frame.buffer !== this.#spare.buffer) return false
    this.#spare = null
    return true
  }

  #complete(frame: Buffer, onFrame: FrameHandler): void {
    this.#frame = null
    this.#filled = 0
    onFrame(frame, 0, frame.length, this.#recycled)
  }

  #start(len: number): void {
    this.#filled = 0
    this.#recycled = len >= RECYCLE_MIN && len <= RECYCLE_MAX
    if (!this.#recycled) {
      this.#frame = Buffer.allocUnsafe(len)
      return
    }
    if (this.#spare === null || this.#spare.length < len) this.#spare = Buffer.allocUnsafeSlow(Math.max(len, 2 * RECYCLE_MIN))
    this.#frame = this.#spare.subarray(0, len)
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
    this.#spare = null
  }
}
