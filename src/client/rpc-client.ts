// Layer 4 (client). Drives the sans-I/O ProtocolSession over one Transport on Node's loop:
// coalesces writes issued in one tick, runs keepalive, turns socket end/error/keepalive into
// exactly one close with libvirt's reason, and lets the event and stream layers plug in.
// Everything above (Connection, events, streams, the notifier) shares one RpcClient.

import { ErrorCode, ErrorDomain, LibvirtError, connectionClosedError } from '../errors.js'
import { retakeCallerStack, withCallerStack } from './caller-stack.js'
import { type MessageHeader, writeHeader } from '../core/header.js'
import { FRAME_MIN, KEEPALIVE_PROGRAM, KEEPALIVE_VERSION, KeepaliveProc, LEN_SIZE, MessageStatus, MessageType } from '../core/limits.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import { type CallOptions, ProtocolSession } from '../core/session.js'
import type { ByteSink, Transport } from '../transport/transport.js'
import { CloseReason } from './close-reason.js'
import { KeepAliveTimer, type KeepAliveSettings } from './keepalive.js'
import { WarningLimiter } from './warning-limiter.js'
import { callTracingActive, traceCall, traceClose } from './tracing.js'

/** Driver features probed with CONNECT_SUPPORTS_FEATURE (libvirt's internal virDrvFeature). */
export const DrvFeature = { PROGRAM_KEEPALIVE: 10, REMOTE_EVENT_CALLBACK: 14, REMOTE_CLOSE_CALLBACK: 15 } as const

/**
 * How long `close()` waits for the daemon's answer to CONNECT_CLOSE before it releases the socket
 * anyway (a frozen daemon must not hold `close()` until keepalive gives up).
 */
export const CLOSE_TIMEOUT_MS = 5_000

export type MessageHandler = (header: MessageHeader, body: Buffer) => void
export type CloseListener = (reason: CloseReason, error: LibvirtError) => void

export interface RpcClientOptions {
  /** Where errors thrown by user callbacks go (default: process.emitWarning). */
  onCallbackError?: (err: unknown) => void
  /** The URI shown in tracing messages (password already masked). */
  traceUri?: string | null
}

export class RpcClient {
  readonly transport: Transport
  readonly session: ProtocolSession
  /** Settles once with the close reason; never rejects. */
  readonly closed: Promise<CloseReason>
  /** Whether the daemon runs keepalive with us (learnt during open). Other features: {@link RpcClient.supportsFeature}. */
  readonly features = { keepalive: false }
  /** Set by the events layer: MESSAGE frames of the remote/qemu programs. */
  messageHandler: MessageHandler | null = null
  /** Set by the streams layer: STREAM / STREAM_HOLE frames. */
  streamHandler: MessageHandler | null = null
  /** Where exceptions from user callbacks are reported. */
  readonly reportCallbackError: (err: unknown) => void
  /** The connection's URI with any password masked, for tracing (see tracing.ts). */
  readonly traceUri: string | null
  /** Set by open() once the handshake is done: only an opened connection's close is traced. */
  opened = false

  #resolveClosed!: (r: CloseReason) => void
  #closeReason: CloseReason | null = null
  #closeError: LibvirtError | null = null
  #closeListeners: CloseListener[] = []
  #keepAlive: KeepAliveTimer
  #keepAliveSettings: KeepAliveSettings | false = false
  /** Writes handed to the transport whose callback has not run yet. */
  #outstanding = 0
  /** Small frames made while a write was outstanding: they go out together when it is done. */
  #queue: Buffer[] = []
  #queued = 0
  #queueDone: Array<() => void> = []
  #bytesOut = 0
  /** A frame went straight to the socket since the last read (see #write). */
  #wroteDirect = false
  /** A #flushMerged reaction is queued. */
  #flushDue = false
  #closing: Promise<void> | null = null
  /** CONNECT_CLOSE is on its way: nothing more is written (see close()). */
  #farewellSent = false
  readonly #features = new Map<number, Promise<boolean>>()
  #readPaused = 0
  #pongOwed = false
  readonly #warnings = new WarningLimiter('LIBVIRT_ASYNC_UNEXPECTED_MESSAGE')

  constructor(transport: Transport, options: RpcClientOptions = {}) {
    this.transport = transport
    this.reportCallbackError = options.onCallbackError ?? defaultCallbackError
    this.traceUri = options.traceUri ?? null
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve))
    this.#keepAlive = new KeepAliveTimer(
      () => this.#sendPing(),
      () => this.#terminate(CloseReason.KEEPALIVE, connectionClosedError(undefined, 'connection closed due to keepalive timeout')),
    )
    this.session = new ProtocolSession({
      write: (frame) => this.#write(frame),
      writeTransient: (buf, length) => this.#write(buf, undefined, length),
      onMessage: (h, body) => {
        if (this.messageHandler) this.messageHandler(h, body)
        else this.#warn(LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `event message for program 0x${h.program.toString(16)} procedure ${h.procedure} with no event handler`))
      },
      onStream: (h, body) => {
        if (this.streamHandler) this.streamHandler(h, body)
        else this.#warn(LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `stream message for serial ${h.serial} with no stream handler`))
      },
      onUnexpected: (err) => this.#warn(err),
      answerPing: () => this.#answerPing(),
    })
    const s = transport.stream
    if (transport.onBytes) transport.onBytes(this.#sink)
    else s.on('data', (chunk: Buffer) => this.#received(chunk, chunk.length, false))
    // Close reasons as libvirt's client reports them (compared with python3-libvirt per transport):
    // a reset or broken pipe is a hang-up (EOF); a clean end is EOF, or ERROR where the transport
    // says so (TCP/TLS); any other error is ERROR. (No error object, with its stack, for the
    // socket's own 'end'/'close' after we closed it.)
    // The calls in flight are rejected with the I/O error itself where the transport knows
    // libvirt's wording for it (Transport.lossError); later calls with "client socket is closed".
    s.on('end', () => this.#closeReason === null && this.#terminate(transport.endReason === 'ERROR' ? CloseReason.ERROR : CloseReason.EOF, connectionClosedError(), transport.lossError?.('end')))
    s.on('error', (err: Error) => {
      const hangup = transport.errorReason === 'EOF' || HANGUP_CODES.has((err as NodeJS.ErrnoException).code ?? '')
      if (err instanceof LibvirtError) return this.#terminate(hangup ? CloseReason.EOF : CloseReason.ERROR, err)
      this.#terminate(hangup ? CloseReason.EOF : CloseReason.ERROR, connectionClosedError(err), transport.lossError?.(err))
    })
    s.on('close', () => this.#closeReason === null && this.#terminate(CloseReason.ERROR, connectionClosedError()))
  }

  /** True until the connection is closed or lost. */
  get isOpen(): boolean {
    return this.#closeReason === null
  }

  get closeReason(): CloseReason | null {
    return this.#closeReason
  }

  /** The error pending calls were rejected with when the connection ended. */
  get closeError(): LibvirtError | null {
    return this.#closeError
  }

  call<A, R>(desc: ProcedureDescriptor<A, R>, args: A, options?: CallOptions): Promise<R> {
    if (callTracingActive()) {
      const traced = traceCall(this.traceUri, desc as ProcedureDescriptor, (onSerial) =>
        this.session.call(desc, args, { ...options, onSerial: (serial) => (onSerial(serial), options?.onSerial?.(serial)) }))
      return withCallerStack(traced, RpcClient.prototype.call)
    }
    // The default mode without a promise of its own per call: the session hands failures to
    // retakeCallerStack in a reaction chained to the caller's await (see FailureHook).
    if (LibvirtError.callerStack === 'await') return this.session.call(desc, args, options, retakeCallerStack)
    return withCallerStack(this.session.call(desc, args, options), RpcClient.prototype.call)
  }

  /**
   * Whether the daemon supports a driver feature (CONNECT_SUPPORTS_FEATURE, libvirt's internal
   * virDrvFeature numbers), asked once per connection when first needed. An error reply means
   * "no" (an old daemon); a local error (the connection is gone) rejects.
   */
  supportsFeature(feature: number): Promise<boolean> {
    let answer = this.#features.get(feature)
    if (answer === undefined) {
      answer = this.call(REMOTE_PROCEDURES.CONNECT_SUPPORTS_FEATURE, { feature }).then(
        (r) => r.supported !== 0,
        (e: unknown) => {
          if (e instanceof LibvirtError && !e.local) return false
          throw e
        },
      )
      this.#features.set(feature, answer)
    }
    return answer
  }

  /** Runs `listener` once when the connection ends (synchronously, after pending calls are rejected). */
  onClose(listener: CloseListener): () => void {
    if (this.#closeReason !== null) {
      const reason = this.#closeReason
      const err = this.#closeError!
      queueMicrotask(() => listener(reason, err))
      return () => {}
    }
    this.#closeListeners.push(listener)
    return () => {
      const i = this.#closeListeners.indexOf(listener)
      if (i >= 0) this.#closeListeners.splice(i, 1)
    }
  }

  /** Starts (or restarts) client keepalive; `false` stops it. Only when the daemon supports it. */
  setKeepAlive(settings: KeepAliveSettings | false): void {
    this.#keepAliveSettings = settings
    if (settings === false || !this.features.keepalive || !this.isOpen) {
      this.#keepAlive.stop()
      return
    }
    this.#keepAlive.start(settings)
  }

  get keepAlive(): KeepAliveSettings | false {
    return this.#keepAliveSettings
  }

  ref(): void {
    if (this.isOpen) this.transport.ref()
  }

  unref(): void {
    this.transport.unref()
  }

  /** Throws the error the connection ended with (`client socket is closed`) once it is closed. */
  assertOpen(): void {
    if (this.#closeReason !== null) throw this.#closeError ?? connectionClosedError()
  }

  /** Stop reading the socket (stream back-pressure); counted, so nested pauses are safe. */
  pauseReading(): void {
    if (this.#readPaused++ === 0) {
      this.transport.stream.pause()
      this.#keepAlive.suspend(true)
    }
  }

  resumeReading(): void {
    if (this.#readPaused > 0 && --this.#readPaused === 0 && this.isOpen) {
      this.#keepAlive.suspend(false)
      this.transport.stream.resume()
    }
  }

  /**
   * Closes the connection from this side: `farewell` (CONNECT_CLOSE) is awaited when given and
   * the connection is healthy, then the transport is released and `closed` settles with CLIENT.
   */
  close(farewell?: () => Promise<unknown>): Promise<void> {
    if (this.#closing) return this.#closing
    if (!this.isOpen) return (this.#closing = Promise.resolve())
    this.#closing = (async () => {
      if (farewell) {
        let timer: NodeJS.Timeout | undefined
        try {
          const said = farewell()
          // The daemon drops the connection once it has answered CONNECT_CLOSE: a frame written
          // after it would meet a closed socket (EPIPE) and end the connection as lost (EOF),
          // not closed. So nothing more is written; calls made meanwhile fail with the close.
          this.#farewellSent = true
          await Promise.race([
            said,
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, CLOSE_TIMEOUT_MS)
              timer.unref()
            }),
          ])
        } catch {
          // The daemon may already be gone; closing still succeeds locally.
        } finally {
          clearTimeout(timer)
        }
      }
      this.#terminate(CloseReason.CLIENT, connectionClosedError())
    })()
    return this.#closing
  }

  /** Drops the connection now with `reason` (used by faults and by close()). */
  destroy(reason: CloseReason = CloseReason.CLIENT, err: LibvirtError = connectionClosedError()): void {
    this.#terminate(reason, err)
  }

  #terminate(reason: CloseReason, err: LibvirtError, pendingErr: LibvirtError = err): void {
    if (this.#closeReason !== null) return
    this.#closeReason = reason
    this.#closeError = err
    this.#keepAlive.stop()
    this.#queue = []
    this.#queueDone = []
    this.#queued = 0
    this.session.fail(err, pendingErr)
    this.transport.destroy()
    const listeners = this.#closeListeners
    this.#closeListeners = []
    for (const l of listeners) {
      try {
        l(reason, err)
      } catch (e) {
        this.reportCallbackError(e)
      }
    }
    this.#resolveClosed(reason)
    if (this.opened) traceClose(this.traceUri, reason, err)
  }

  // Where a transport that reads by itself (unix: Node's onread) delivers: replies are decoded
  // straight from its read buffer, and the rest of a large frame is read into the frame itself.
  readonly #sink: ByteSink = {
    bytes: (buf, n) => this.#received(buf, n, true),
    readTarget: () => this.session.readTarget(),
    bytesInto: (n, target) => this.#received(target, n, false, true),
  }

  #received(buf: Buffer | Uint8Array, n: number, transient: boolean, inPlace = false): void {
    this.#wroteDirect = false
    const session = this.session
    const frames = session.framesIn
    try {
      if (inPlace) session.fedInto(n, buf)
      else if (transient) session.feedTransient(buf as Buffer, n)
      else session.feed(buf as Buffer)
    } catch (e) {
      this.#terminate(CloseReason.ERROR, e instanceof LibvirtError ? e : connectionClosedError(e))
      return
    }
    // keepalive counts complete messages, not bytes (a dribbled frame proves nothing)
    if (session.framesIn !== frames) this.#keepAlive.seen()
  }

  // The first frame goes to the transport at once; frames made while that write is outstanding
  // wait and then go out together, in one write. Large frames (stream data) never wait, so the
  // socket's own buffering and 'drain' still pace them. Where the peer needs one message per
  // write (TLS records, see Transport.messagePerWrite) nothing is merged.
  // "Outstanding": a Writable's write until its callback (the next tick at the earliest); a
  // frame written straight to the socket (Transport.tryWrite) until the next read from the
  // daemon — what the replies of that read make is merged behind one promise reaction, which
  // runs after the microtasks queued before it (those replies resuming their callers). Not
  // process.nextTick: a tick makes Node run its tick queue and async-context bookkeeping after
  // the callback, which before the JIT has warmed up costs more than the write itself; and a
  // lone call per read (the sequential case) schedules nothing at all.
  // `length` given: the frame is `frame[0, length)` of the session's encode buffer, valid only
  // during this call — written at once, or copied to be kept.
  #write(frame: Buffer, done?: () => void, length = -1): void {
    if (this.#closeReason !== null || this.#farewellSent) return
    const n = length < 0 ? frame.length : length
    if (this.transport.messagePerWrite) {
      this.#bytesOut += n
      this.transport.stream.write(length < 0 ? frame : copyOf(frame, 0, n), done)
      return
    }
    if ((this.#outstanding > 0 || this.#wroteDirect) && n < MERGE_FRAME_MAX) {
      this.#queue.push(length < 0 ? frame : copyOf(frame, 0, n))
      this.#queued += n
      if (done) this.#queueDone.push(done)
      if (this.#outstanding === 0 && !this.#flushDue) {
        this.#flushDue = true
        void TURN_END.then(this.#flushMerged)
      }
      return
    }
    this.#flush()
    this.#send(frame, n, length >= 0, done ? [done] : null)
  }

  /** Writes `buf[0, n)`; `transient`: the bytes must be copied if not written here and now. */
  #send(buf: Buffer, n: number, transient: boolean, done: Array<() => void> | null): void {
    this.#bytesOut += n
    const stream = this.transport.stream
    const tryWrite = this.transport.tryWrite
    let from = 0
    // only while the stream holds nothing unwritten, so bytes stay in order
    if (tryWrite !== undefined && done === null && stream.writableLength === 0) {
      from = tryWrite(buf, n)
      if (from === n) {
        this.#wroteDirect = true
        return
      }
    }
    // (a frame that is not transient is the whole of `buf`)
    const rest = transient ? copyOf(buf, from, n) : from === 0 ? buf : buf.subarray(from)
    this.#outstanding++
    stream.write(rest, done === null ? this.#afterWrite : () => {
      for (const d of done) d()
      this.#afterWrite()
    })
  }

  /** @internal Bytes handed to the transport so far (whichever way they were written). */
  get bytesOut(): number {
    return this.#bytesOut
  }

  readonly #afterWrite = (): void => {
    this.#outstanding--
    if (this.#closeReason === null) this.#flush()
  }

  readonly #flushMerged = (): void => {
    this.#flushDue = false
    if (this.#closeReason === null && this.#outstanding === 0) this.#flush()
  }

  #flush(): void {
    const q = this.#queue
    if (q.length === 0) return
    const done = this.#queueDone
    const bytes = this.#queued
    this.#queue = []
    this.#queueDone = []
    this.#queued = 0
    const buf = q.length === 1 ? q[0]! : Buffer.concat(q, bytes)
    this.#send(buf, buf.length, false, done.length === 0 ? null : done)
  }

  // One PONG outstanding answers every PING received so far: a peer that floods PINGs and never
  // reads gets one queued PONG, not one per PING.
  #answerPing(): void {
    if (this.#pongOwed) return
    this.#pongOwed = true
    this.#write(PONG_FRAME, () => (this.#pongOwed = false))
  }

  #sendPing(): void {
    try {
      this.session.sendKeepalive(KeepaliveProc.PING)
    } catch {
      // Session already failed; the close path handles it.
    }
  }

  // Rate-limited per connection (see WarningLimiter).
  #warn(err: LibvirtError): void {
    this.#warnings.warn(err.message)
  }
}

const HANGUP_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE'])

/** Frames from this size on are written on their own, never merged (they are stream data). */
const MERGE_FRAME_MAX = 16 * 1024

/** A copy of `buf[from, to)` that the caller may keep. */
function copyOf(buf: Buffer, from: number, to: number): Buffer {
  const out = Buffer.allocUnsafe(to - from)
  buf.copy(out, 0, from, to)
  return out
}
/** Settled: `.then` on it runs a function after the microtasks queued before it. */
const TURN_END = Promise.resolve()

const PONG_FRAME = ((): Buffer => {
  const b = Buffer.alloc(FRAME_MIN)
  b.writeUInt32BE(FRAME_MIN, 0)
  writeHeader(b, LEN_SIZE, { program: KEEPALIVE_PROGRAM, version: KEEPALIVE_VERSION, procedure: KeepaliveProc.PONG, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK })
  return b
})()

function defaultCallbackError(err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err))
  process.emitWarning(`libvirt-async: a callback threw: ${e.stack ?? e.message}`, { code: 'LIBVIRT_ASYNC_CALLBACK_ERROR' })
}
