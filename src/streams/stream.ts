// Layer 6 (streams). `Stream`: one libvirt data stream as a Node Duplex. Incoming STREAM frames
// are pushed to the readable side (the connection stops reading while the consumer is behind);
// writes become STREAM frames paced by the socket's 'drain'; end() is libvirt's finish
// handshake, destroy() its abort. Holes (sparse streams) are `{ hole: bigint }` items or zeros.

import { Duplex, type DuplexOptions } from 'node:stream'
import type { MessageHeader } from '../core/header.js'
import { MessageType } from '../core/limits.js'
import { decodeErrorBody } from '../core/session.js'
import type { RpcClient } from '../client/rpc-client.js'
import { ErrorCode, ErrorDomain, LibvirtError, connectionClosedError } from '../errors.js'
import { CONTINUE, ERROR, OK, STREAM_CHUNK, type StreamId, decodeHole, encodeHole, streamHeader } from './frames.js'
import { type RoutedStream, type StreamRouter, routerFor } from './router.js'

/** A hole (a run of unallocated bytes) in a sparse stream, as read or written in `'objects'` hole mode. */
export interface StreamHole {
  readonly hole: bigint
}

/** True when `x` is a `{ hole }` item. */
export function isStreamHole(x: unknown): x is { hole: bigint | number } {
  return typeof x === 'object' && x !== null && !ArrayBuffer.isView(x) && 'hole' in x && (typeof x.hole === 'bigint' || typeof x.hole === 'number')
}

/** Which ways data flows. Console and channel streams are `'both'`. */
export type StreamDirection = 'read' | 'write' | 'both'

/** Default bytes buffered on the readable side before the connection stops reading: 1 MiB. */
export const DEFAULT_STREAM_HIGH_WATER_MARK = 1024 * 1024

/** How a `Stream` is set up (given by the stream methods; rarely by users). */
export interface StreamOptions {
  /** Which sides are open. A `'read'` stream has no writable side, a `'write'` stream no readable side. */
  direction: StreamDirection
  /** The stream was opened with the procedure's sparse flag: holes may be received and sent. */
  sparse?: boolean
  /**
   * How received holes are delivered: `'zeros'` (default) pushes zero bytes, so the readable
   * side is plain bytes; `'objects'` makes the readable side object-mode, yielding `Buffer`s
   * and `{ hole: bigint }` items in stream order (see `writeSparseFile`).
   */
  holes?: 'zeros' | 'objects'
  /**
   * Bytes (in `'objects'` mode: items) buffered on the readable side before this stream stops
   * the whole connection from reading. Default 1 MiB.
   */
  highWaterMark?: number
}

const EOF = Symbol('eof')
const END = Symbol('end')
type Queued = Buffer | bigint | typeof EOF | typeof END

let zeros: Buffer | null = null
function zeroChunk(n: number): Buffer {
  zeros ??= Buffer.alloc(STREAM_CHUNK)
  return n === STREAM_CHUNK ? zeros : zeros.subarray(0, n)
}

/**
 * A libvirt stream (virStream) as a Node `Duplex`; get one from `openDomainConsole()`,
 * `storageVolDownload()`, `openStreamCall()` and friends. Works with `pipeline()`.
 *
 * - Reading: data arrives as `Buffer`s. libvirt streams have no per-stream flow control, so when
 *   more than `highWaterMark` bytes wait for the consumer the stream stops reading the **whole
 *   connection** until the consumer catches up: replies, events and keepalive answers on that
 *   connection wait too (keepalive is suspended meanwhile, so a stalled consumer does not cost the
 *   connection — but a dead daemon is noticed only when reading resumes). Use a separate
 *   connection for bulk transfers.
 * - Writing: `Buffer`, `Uint8Array` or string chunks (split into frames of at most 256 KiB),
 *   or `{ hole: n }` on a sparse stream (also `sendHole(n)`). `end()` runs libvirt's finish
 *   handshake; `'finish'` means the daemon confirmed it. `destroy()` aborts the stream.
 * - Errors from the daemon arrive as `'error'` with a `LibvirtError`; losing the connection errors
 *   every open stream with the connection's close error. Without an `'error'` listener the error
 *   becomes a process warning instead of a crash.
 */
export class Stream extends Duplex {
  readonly #rpc: RpcClient
  readonly #router: StreamRouter
  readonly #direction: StreamDirection
  readonly #sparse: boolean
  readonly #holeMode: 'zeros' | 'objects'
  readonly #program: number
  readonly #version: number
  readonly #procedure: number
  #serial = 0
  readonly #queue: Queued[] = []
  #full = false
  #pushedEnd = false
  #pausedConn = false
  #opened = false
  /** The daemon side of the stream is over: nothing more to send, no abort needed. */
  #closedOnWire = false
  #finishing: { resolve: () => void; reject: (e: LibvirtError) => void } | null = null
  readonly #routed: RoutedStream

  /** @internal Use the `open…` functions. */
  constructor(rpc: RpcClient, id: { program: number; version: number; procedure: number }, options: StreamOptions) {
    const direction = options.direction
    if (direction !== 'read' && direction !== 'write' && direction !== 'both') throw new TypeError(`stream direction must be 'read', 'write' or 'both', not ${String(direction)}`)
    const holeMode = options.holes ?? 'zeros'
    if (holeMode !== 'zeros' && holeMode !== 'objects') throw new TypeError(`holes must be 'zeros' or 'objects', not ${String(holeMode)}`)
    const hwm = options.highWaterMark ?? (holeMode === 'objects' ? 16 : DEFAULT_STREAM_HIGH_WATER_MARK)
    if (!Number.isSafeInteger(hwm) || hwm < 1) throw new RangeError(`highWaterMark must be a positive integer, not ${String(hwm)}`)
    // `readable` / `writable: false` are Duplex options of Node (not in every @types/node).
    super({
      readable: direction !== 'write',
      writable: direction !== 'read',
      allowHalfOpen: direction !== 'both',
      readableObjectMode: holeMode === 'objects',
      readableHighWaterMark: hwm,
      writableObjectMode: true,
      decodeStrings: false,
    } as DuplexOptions)
    this.#rpc = rpc
    this.#router = routerFor(rpc)
    this.#direction = direction
    this.#sparse = options.sparse ?? false
    this.#holeMode = holeMode
    this.#program = id.program
    this.#version = id.version
    this.#procedure = id.procedure
    this.#routed = {
      onFrame: (h, body) => this.#onFrame(h, body),
      onConnectionClosed: (err) => this.#onConnectionClosed(err),
    }
  }

  /** Which sides of this stream are open. */
  get direction(): StreamDirection {
    return this.#direction
  }

  /** Whether holes can travel on this stream (it was opened with the sparse flag). */
  get sparse(): boolean {
    return this.#sparse
  }

  /** The serial of the call that opened the stream (0 before it was sent). */
  get serial(): number {
    return this.#serial
  }

  /**
   * Bytes received and not yet consumed: the readable buffer plus data still queued behind it.
   * Bounded by about `highWaterMark` + one socket read while the consumer is slow.
   */
  get bufferedBytes(): number {
    let n = this.#holeMode === 'objects' ? 0 : this.readableLength
    for (const q of this.#queue) if (Buffer.isBuffer(q)) n += q.length
    if (this.#holeMode === 'objects') {
      for (const item of (this as any).readableBuffer ?? []) if (Buffer.isBuffer(item)) n += item.length
    }
    return n
  }

  /** Whether this stream is currently holding the connection's reading paused. */
  get pausingConnection(): boolean {
    return this.#pausedConn
  }

  /**
   * Sends a hole of `length` bytes (sparse streams only), in order with the writes before it.
   * Same as `write({ hole: length })`; returns what `write()` returns.
   */
  sendHole(length: bigint | number, cb?: (err?: Error | null) => void): boolean {
    return this.write({ hole: length }, cb)
  }

  /**
   * An `'error'` nobody listens for does not crash the process (SPEC: never an 'error' event
   * without a listener): it becomes a process warning (`LIBVIRT_ASYNC_UNHANDLED_STREAM_ERROR`);
   * `stream.errored`, `finished()` and `pipeline()` still see it.
   */
  override emit(event: string | symbol, ...args: any[]): boolean {
    if (event === 'error' && this.listenerCount('error') === 0) {
      const e = args[0] instanceof Error ? args[0] : new Error(String(args[0]))
      process.emitWarning(`libvirt-async: stream error with no 'error' listener: ${e.message}`, { code: 'LIBVIRT_ASYNC_UNHANDLED_STREAM_ERROR' })
      return false
    }
    return super.emit(event, ...args)
  }

  /** @internal Called with the serial just before the opening CALL is written. */
  attach(serial: number): void {
    this.#serial = serial
    this.#router.add(serial, this.#routed)
  }

  /** @internal The opening call succeeded: data may now be written, and abort makes sense. */
  opened(): void {
    this.#opened = true
  }

  /** @internal The opening call failed: forget the stream without telling the daemon. */
  openFailed(): void {
    this.#closedOnWire = true
    this.#router.remove(this.#serial, this.#routed)
    this.destroy()
  }

  get #id(): StreamId {
    return { program: this.#program, version: this.#version, procedure: this.#procedure, serial: this.#serial }
  }

  // ---- incoming ----

  #onFrame(h: MessageHeader, body: Buffer): void {
    if (this.destroyed) return
    if (h.type === MessageType.STREAM_HOLE) {
      if (!this.#sparse) return this.#protocolError('Unexpected stream hole')
      let length: bigint
      try {
        length = decodeHole(body)
      } catch (e) {
        return this.#fail(e as LibvirtError)
      }
      if (this.#direction !== 'write') this.#enqueue(length)
      return
    }
    switch (h.status) {
      case CONTINUE:
        if (this.#direction === 'write') return // a write stream's peer sends no data; ignore
        this.#enqueue(body.length === 0 ? EOF : body)
        return
      case OK: {
        const f = this.#finishing
        if (!f) return this.#protocolError('Got unexpected async stream finish confirmation')
        this.#finishing = null
        f.resolve()
        return
      }
      case ERROR: {
        const err = decodeErrorBody(body)
        this.#closedOnWire = true
        this.#router.remove(this.#serial, this.#routed)
        const f = this.#finishing
        this.#finishing = null
        if (f) f.reject(err)
        else this.destroy(err)
        return
      }
      default:
        this.#protocolError(`stream message with unexpected status ${h.status}`)
    }
  }

  #onConnectionClosed(err: LibvirtError): void {
    this.#closedOnWire = true
    const f = this.#finishing
    this.#finishing = null
    if (f) f.reject(err)
    if (!this.destroyed) this.destroy(err)
  }

  #protocolError(message: string): void {
    this.#fail(LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, message))
  }

  /** A local protocol failure: abort the daemon's side and error the stream. */
  #fail(err: LibvirtError): void {
    const f = this.#finishing
    this.#finishing = null
    if (f) f.reject(err)
    this.destroy(err)
  }

  #enqueue(item: Queued): void {
    this.#queue.push(item)
    this.#flush()
  }

  #flush(): void {
    const q = this.#queue
    while (q.length > 0 && !this.#full && !this.destroyed) {
      const item = q[0]!
      if (item === EOF) {
        q.shift()
        this.#onRemoteEof()
        continue
      }
      if (item === END) {
        q.shift()
        this.#pushEnd()
        continue
      }
      if (typeof item === 'bigint') {
        if (this.#holeMode === 'objects') {
          q.shift()
          if (!this.push({ hole: item } satisfies StreamHole)) this.#full = true
        } else {
          const n = item > BigInt(STREAM_CHUNK) ? STREAM_CHUNK : Number(item)
          const rest = item - BigInt(n)
          if (rest === 0n) q.shift()
          else q[0] = rest
          if (!this.push(zeroChunk(n))) this.#full = true
        }
        continue
      }
      q.shift()
      if (!this.push(item)) this.#full = true
    }
    if (this.#full) this.#pauseConnection()
  }

  /** @internal Node's Duplex implementation hook. */
  override _read(): void {
    this.#full = false
    this.#flush()
    if (!this.#full) this.#resumeConnection()
  }

  #pauseConnection(): void {
    if (this.#pausedConn || this.destroyed) return
    this.#pausedConn = true
    this.#rpc.pauseReading()
  }

  #resumeConnection(): void {
    if (!this.#pausedConn) return
    this.#pausedConn = false
    this.#rpc.resumeReading()
  }

  #onRemoteEof(): void {
    if (this.#direction === 'read') {
      // A read stream is complete: confirm with the daemon before signalling the end, so a
      // failure at the very end still surfaces as 'error' rather than a silent short read.
      this.#finish().then(
        () => {
          if (!this.destroyed) this.#pushEnd()
        },
        (err: LibvirtError) => this.destroy(err),
      )
    } else {
      // 'both': the readable side ends; with allowHalfOpen off, Node then ends the writable
      // side, whose _final runs the finish handshake.
      this.#pushEnd()
    }
  }

  #pushEnd(): void {
    if (this.#pushedEnd) return
    this.#pushedEnd = true
    this.push(null)
  }

  /** libvirt's finish: empty STREAM with status OK, then wait for the daemon's OK or error. */
  #finish(): Promise<void> {
    if (this.#closedOnWire) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      if (!this.#rpc.isOpen) return reject(this.#rpc.closeError ?? connectionClosedError())
      this.#finishing = {
        resolve: () => {
          this.#closedOnWire = true
          this.#router.remove(this.#serial, this.#routed)
          resolve()
        },
        reject,
      }
      try {
        this.#rpc.session.sendRaw(streamHeader(this.#id, OK), EMPTY)
      } catch (e) {
        this.#finishing = null
        reject(e)
      }
    })
  }

  // ---- outgoing ----

  /** @internal Node's Duplex implementation hook. */
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.#send(chunk).then(() => cb(), cb)
  }

  async #send(chunk: unknown): Promise<void> {
    if (isStreamHole(chunk)) {
      if (!this.#sparse) throw new TypeError('holes can only be sent on a stream opened with the sparse flag')
      const length = BigInt(chunk.hole)
      if (typeof chunk.hole === 'number' && !Number.isSafeInteger(chunk.hole)) throw new RangeError(`hole length must be an integer, not ${chunk.hole}`)
      if (length <= 0n || length > 0x7fffffffffffffffn) throw new RangeError(`hole length must be positive, not ${length}`)
      this.#sendFrame(MessageType.STREAM_HOLE, encodeHole(length))
      await this.#drained()
      return
    }
    let bytes: Uint8Array
    if (typeof chunk === 'string') bytes = Buffer.from(chunk, 'utf8')
    else if (chunk instanceof Uint8Array) bytes = chunk
    else throw new TypeError(`stream writes take a Buffer, Uint8Array, string or { hole } item, not ${chunk === null ? 'null' : typeof chunk}`)
    // An empty data frame would mean end-of-stream to the daemon: never send one.
    for (let off = 0; off < bytes.length; off += STREAM_CHUNK) {
      this.#sendFrame(MessageType.STREAM, bytes.subarray(off, Math.min(bytes.length, off + STREAM_CHUNK)))
      await this.#drained()
    }
  }

  #sendFrame(type: number, payload: Uint8Array): void {
    if (this.#closedOnWire) throw this.#rpc.closeError ?? LibvirtError.local(ErrorCode.OPERATION_INVALID, ErrorDomain.STREAMS, 'stream is closed')
    this.#rpc.session.sendRaw(streamHeader(this.#id, CONTINUE, type), payload)
  }

  /** Resolves when the socket can take more (its 'drain'), at once if it already can. */
  #drained(): Promise<void> {
    const sock = this.#rpc.transport.stream
    if (!sock.writableNeedDrain) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const done = (): void => {
        sock.off('drain', done)
        offClose()
        if (this.#rpc.isOpen) resolve()
        else reject(this.#rpc.closeError ?? connectionClosedError())
      }
      sock.on('drain', done)
      const offClose = this.#rpc.onClose(() => done())
    })
  }

  /** @internal Node's Duplex implementation hook. */
  override _final(cb: (err?: Error | null) => void): void {
    this.#finish().then(
      () => {
        // 'both': the daemon's side is over, so the readable side ends too (after queued data).
        if (this.#direction === 'both' && !this.#pushedEnd) this.#enqueue(END)
        cb()
      },
      cb,
    )
  }

  /** @internal Node's Duplex implementation hook. */
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.#router.remove(this.#serial, this.#routed)
    this.#resumeConnection()
    this.#queue.length = 0
    if (!this.#closedOnWire && this.#opened && this.#rpc.isOpen) {
      // libvirt's abort: empty STREAM with status ERROR. Its confirmation is not awaited; late
      // frames for this serial are dropped by the router.
      this.#closedOnWire = true
      try {
        this.#rpc.session.sendRaw(streamHeader(this.#id, ERROR), EMPTY)
      } catch {
        // the connection is going away; nothing to abort
      }
    }
    this.#closedOnWire = true
    const f = this.#finishing
    this.#finishing = null
    f?.reject(err instanceof LibvirtError ? err : LibvirtError.local(ErrorCode.OPERATION_ABORTED, ErrorDomain.STREAMS, 'stream aborted'))
    cb(err)
  }
}

const EMPTY = new Uint8Array(0)
