// Layer 2 (protocol core), sans-I/O. One client side of libvirt's RPC protocol: serial
// allocation, calls in flight with replies in any order, error replies → LibvirtError, MESSAGE
// frames to an event hook, STREAM/STREAM_HOLE frames to a stream hook, keepalive PING answered
// with PONG. Bytes in through feed(), bytes out through hooks.write(); no socket, no timer.

import { ErrorCode, ErrorDomain, LibvirtError, abortedError, connectionClosedError } from '../errors.js'

const OPERATION_ABORTED = 'operation aborted by the caller'
import { REMOTE_CODECS } from '../generated/remote.gen.js'
import { XdrError } from '../xdr/xdr-error.js'
import { XdrReader } from '../xdr/xdr-reader.js'
import { XdrWriter } from '../xdr/xdr-writer.js'
import type { Encoder } from '../xdr/codec.js'
import { FrameDecoder } from './frame-decoder.js'
import { AT_PROCEDURE, AT_PROGRAM, AT_SERIAL, AT_STATUS, AT_TYPE, AT_VERSION, type MessageHeader, writeHeader } from './header.js'
import { FRAME_MIN, HEADER_SIZE, KEEPALIVE_PROGRAM, KEEPALIVE_VERSION, KeepaliveProc, LEN_SIZE, MESSAGE_MAX, MessageStatus, MessageType } from './limits.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'

export interface SessionHooks {
  /** Send one complete frame. */
  write(frame: Buffer): void
  /**
   * Send the frame `buf[0, length)`, which is the session's own encode buffer: valid only until
   * this returns, so whatever is kept must be copied. When given it replaces `write` for the
   * frames the session encodes (calls, keepalive), sparing a copy of each where the I/O layer
   * writes at once.
   */
  writeTransient?(buf: Buffer, length: number): void
  /** A MESSAGE frame (an event) of any program other than keepalive. `body` is the payload. */
  onMessage?(header: MessageHeader, body: Buffer): void
  /** A STREAM or STREAM_HOLE frame. */
  onStream?(header: MessageHeader, body: Buffer): void
  /** A keepalive PING or PONG arrived (PING is already answered). */
  onKeepalive?(procedure: number): void
  /**
   * Answers a PING. Default: a PONG at once. The I/O layer may instead keep at most one PONG
   * outstanding, so a peer that floods PINGs and never reads cannot grow our write queue.
   */
  answerPing?(): void
  /** A frame that could not be used (unknown serial, bad type...). The session stays usable. */
  onUnexpected?(err: LibvirtError, header: MessageHeader | null): void
}

/**
 * How a failed call settles its promise, instead of a plain rejection: the promise adopts
 * `rejected.then(undefined, onFailure)`, so `onFailure` runs in a reaction whose promise chain
 * ends at the caller's `await` (V8 then sees the awaiting async functions, for the caller-stack
 * feature). Successful calls pay nothing for it.
 */
export type FailureHook = (err: unknown) => never

interface Pending {
  readonly program: number
  readonly version: number
  readonly procedure: number
  readonly decode: ((r: XdrReader) => unknown) | null
  readonly resolve: (v: any) => void
  readonly reject: (e: unknown) => void
  cleanup: (() => void) | null
  readonly onFailure: FailureHook | null
}

/** Options of one call (`conn.call(descriptor, args, options)`). */
export interface CallOptions {
  /** Abort the wait for the reply (the daemon still runs the call; its reply is discarded). */
  signal?: AbortSignal
  /**
   * @internal Called synchronously with the call's serial just before the CALL is written, so a
   * stream can be routed by serial before its first STREAM frame (which may share a read with the REPLY).
   */
  onSerial?: (serial: number) => void
}

export class ProtocolSession {
  readonly #hooks: SessionHooks
  readonly #decoder: FrameDecoder
  readonly #pending = new Map<number, Pending>()
  readonly #writer = new XdrWriter(4096)
  readonly #maxOut: number
  #serial = 0
  #dead: LibvirtError | null = null
  #framesIn = 0
  #reader: XdrReader | null = null
  #viewBuf: Buffer | null = null
  #view: DataView | null = null

  constructor(hooks: SessionHooks, options: { maxFrameIn?: number; maxFrameOut?: number } = {}) {
    this.#hooks = hooks
    this.#decoder = new FrameDecoder(options.maxFrameIn ?? MESSAGE_MAX)
    this.#maxOut = options.maxFrameOut ?? MESSAGE_MAX
  }

  /** Calls awaiting a reply. */
  get pendingCount(): number {
    return this.#pending.size
  }

  /** Complete frames received so far (keepalive counts messages, not bytes). */
  get framesIn(): number {
    return this.#framesIn
  }

  /** The error that ended the session, or null while it is usable. */
  get failure(): LibvirtError | null {
    return this.#dead
  }

  /**
   * Calls a procedure described by a generated descriptor; resolves with its decoded return
   * struct. With `onFailure`, a failure settles as described at {@link FailureHook}.
   */
  call<A, R>(desc: ProcedureDescriptor<A, R>, args: A, options?: CallOptions, onFailure?: FailureHook): Promise<R> {
    return this.callRaw(desc.program, desc.version, desc.procedure, desc.encodeArgs, args, desc.decodeRet, options, onFailure) as Promise<R>
  }

  /** Calls by numbers with explicit codecs (the descriptor-free path used by tests and streams). */
  callRaw<A>(
    program: number,
    version: number,
    procedure: number,
    encode: Encoder<A> | null,
    args: A,
    decode: ((r: XdrReader) => unknown) | null,
    options?: CallOptions,
    onFailure?: FailureHook,
  ): Promise<unknown> {
    const fail = onFailure ?? null
    if (this.#dead) return failed(this.#dead, fail)
    const signal = options?.signal
    if (signal?.aborted) return failed(abortedError(signal.reason, OPERATION_ABORTED), fail)
    const serial = this.#nextSerial()
    let length: number
    try {
      length = this.#encode(program, version, procedure, MessageType.CALL, serial, MessageStatus.OK, encode, args)
    } catch (e) {
      return failed(e, fail)
    }
    let pending!: Pending
    const promise = new Promise((resolve, reject) => {
      pending = { program, version, procedure, decode, resolve, reject, cleanup: null, onFailure: fail }
    })
    if (signal) {
      const onAbort = (): void => {
        // Keep the serial reserved (as abandoned) so the late reply is recognised and dropped.
        this.#pending.set(serial, ABANDONED(program, version, procedure))
        settleFailure(pending, abortedError(signal.reason, OPERATION_ABORTED))
      }
      signal.addEventListener('abort', onAbort, { once: true })
      pending.cleanup = () => signal.removeEventListener('abort', onAbort)
    }
    this.#pending.set(serial, pending)
    options?.onSerial?.(serial)
    this.#emit(length)
    return promise
  }

  /** Sends a message that expects no reply (keepalive, stream data). */
  send(header: MessageHeader, encode: Encoder<any> | null = null, body: unknown = undefined): void {
    if (this.#dead) throw this.#dead
    this.#emit(this.#encode(header.program, header.version, header.procedure, header.type, header.serial, header.status, encode, body))
  }

  /** Sends raw payload bytes with a header (stream data). */
  sendRaw(header: MessageHeader, payload: Uint8Array): void {
    if (this.#dead) throw this.#dead
    const len = LEN_SIZE + HEADER_SIZE + payload.length
    if (len > this.#maxOut) throw tooLarge(len, this.#maxOut)
    const buf = Buffer.allocUnsafe(len)
    buf.writeUInt32BE(len, 0)
    writeHeader(buf, LEN_SIZE, header)
    buf.set(payload, LEN_SIZE + HEADER_SIZE)
    this.#hooks.write(buf)
  }

  /** Sends a keepalive PING (or PONG). */
  sendKeepalive(procedure: number): void {
    this.send({ program: KEEPALIVE_PROGRAM, version: KEEPALIVE_VERSION, procedure, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK })
  }

  /**
   * Feeds bytes from the peer (the session may keep `chunk`). A framing error is fatal: the
   * session fails (all pending calls rejected) and the error is thrown to the I/O layer, which
   * must drop the connection.
   */
  feed(chunk: Buffer): void {
    if (this.#dead) return
    try {
      this.#decoder.scan(chunk, 0, chunk.length, false, this.#onFrame)
    } catch (e) {
      this.#fatal(e)
    }
  }

  /**
   * Feeds `buf[0, n)`, bytes in a read buffer the caller reuses once this returns: replies are
   * decoded straight from it, anything kept is copied. Errors as for {@link ProtocolSession.feed}.
   */
  feedTransient(buf: Buffer, n: number): void {
    if (this.#dead) return
    try {
      this.#decoder.scan(buf, 0, n, true, this.#onFrame)
    } catch (e) {
      this.#fatal(e)
    }
  }

  /**
   * A buffer the next read may fill directly (the rest of a large incoming frame), or null; the
   * read is then reported with {@link ProtocolSession.fedInto}.
   */
  readTarget(): Buffer | null {
    return this.#dead ? null : this.#decoder.readTarget()
  }

  /** `n` bytes were read into the start of `target` (from {@link ProtocolSession.readTarget}). */
  fedInto(n: number, target: Uint8Array): void {
    if (this.#dead) return
    try {
      this.#decoder.filled(n, target, this.#onFrame)
    } catch (e) {
      this.#fatal(e)
    }
  }

  #fatal(e: unknown): never {
    const err = e instanceof LibvirtError ? e : LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, String(e), e)
    this.fail(err)
    throw err
  }

  /**
   * The connection is gone: every pending call is rejected with `pendingErr` (by default `err`);
   * later calls fail at once with `err`. (libvirt's client rejects the calls in flight with the
   * I/O error that ended the connection, and later calls with "client socket is closed".)
   */
  fail(err: LibvirtError = connectionClosedError(), pendingErr: LibvirtError = err): void {
    if (this.#dead) return
    this.#dead = err
    const pending = [...this.#pending.values()]
    this.#pending.clear()
    this.#decoder.reset()
    for (const p of pending) {
      p.cleanup?.()
      settleFailure(p, pendingErr)
    }
  }

  #nextSerial(): number {
    // Serials are 32-bit and wrap; skip any still in flight.
    do {
      this.#serial = (this.#serial + 1) >>> 0
    } while (this.#serial === 0 || this.#pending.has(this.#serial))
    return this.#serial
  }

  /** Hands the frame just encoded (`length` bytes of the writer's buffer) to the I/O layer. */
  #emit(length: number): void {
    const hooks = this.#hooks
    if (hooks.writeTransient) hooks.writeTransient(this.#writer.buf, length)
    else hooks.write(this.#writer.toBuffer())
  }

  /** Encodes a frame into the writer's buffer (from offset 0); returns its length. */
  #encode(program: number, version: number, procedure: number, type: number, serial: number, status: number, encode: Encoder<any> | null, body: unknown): number {
    const w = this.#writer
    w.reset()
    const at = w.reserve(LEN_SIZE + HEADER_SIZE)
    if (encode) encode(w, body)
    const len = w.pos
    if (len > this.#maxOut) throw tooLarge(len, this.#maxOut)
    // Length word and header last, straight through the writer's DataView (taken after encoding:
    // the encoder may have replaced the buffer while growing): no method call per word.
    const dv = w.dataView
    dv.setUint32(at, len)
    dv.setUint32(at + AT_PROGRAM, program)
    dv.setUint32(at + AT_VERSION, version)
    dv.setInt32(at + AT_PROCEDURE, procedure)
    dv.setInt32(at + AT_TYPE, type)
    dv.setUint32(at + AT_SERIAL, serial)
    dv.setInt32(at + AT_STATUS, status)
    return len
  }

  /**
   * A reader on the buffer of the last {@link ProtocolSession.#viewOf}, kept with its view while
   * replies keep arriving in that buffer (the socket's read buffer, or the connection's frame
   * buffer): one object less per reply. Decoders are synchronous and keep no reader, so the next
   * reply may reposition it.
   */
  #readerOf(buf: Buffer, dv: DataView): XdrReader {
    return (this.#reader ??= new XdrReader(buf, 0, buf.length, dv))
  }

  /** A DataView on `buf` (the reader's buffer comes back read after read: made once). */
  #viewOf(buf: Buffer): DataView {
    if (buf !== this.#viewBuf) {
      this.#viewBuf = buf
      this.#view = new DataView(buf.buffer, buf.byteOffset, buf.length)
      this.#reader = null
    }
    return this.#view!
  }

  // Throwing here is fatal: feed() fails the session with the error (libvirt's client closes the
  // connection for the same protocol violations).
  readonly #onFrame = (buf: Buffer, start: number, end: number, transient: boolean): void => {
    this.#framesIn++
    const dv = this.#viewOf(buf)
    const type = dv.getInt32(start + AT_TYPE)
    if (type === MessageType.REPLY || type === MessageType.REPLY_WITH_FDS) return this.#onReply(buf, dv, start, end, transient)
    const h: MessageHeader = {
      program: dv.getUint32(start + AT_PROGRAM),
      version: dv.getUint32(start + AT_VERSION),
      procedure: dv.getInt32(start + AT_PROCEDURE),
      type,
      serial: dv.getUint32(start + AT_SERIAL),
      status: dv.getInt32(start + AT_STATUS),
    }
    // Events and stream data may be kept by their handlers: never a view on a reused buffer (a
    // large frame's own buffer is taken over rather than copied).
    const body = transient && !this.#decoder.adopt(buf) ? Buffer.from(buf.subarray(start + FRAME_MIN, end)) : buf.subarray(start + FRAME_MIN, end)
    switch (type) {
      case MessageType.MESSAGE:
        if (h.program === KEEPALIVE_PROGRAM) return this.#onKeepalive(h, body)
        if (h.status !== MessageStatus.OK) return this.#unexpected(`event message with status ${h.status}`, h)
        if (this.#hooks.onMessage) this.#hooks.onMessage(h, body)
        else this.#unexpected(`unexpected event message (program ${hex(h.program)}, procedure ${h.procedure})`, h)
        return
      case MessageType.STREAM:
      case MessageType.STREAM_HOLE:
        if (this.#hooks.onStream) this.#hooks.onStream(h, body)
        else this.#unexpected(`unexpected stream message for serial ${h.serial}`, h)
        return
      default:
        // A CALL from the server, or a type that does not exist.
        throw protocolError(`got unexpected RPC call prog ${h.program} vers ${h.version} proc ${h.procedure} type ${h.type}`)
    }
  }

  #onReply(buf: Buffer, dv: DataView, start: number, end: number, transient: boolean): void {
    // Field by field, no header object: this runs for every reply.
    const program = dv.getUint32(start + AT_PROGRAM)
    const version = dv.getUint32(start + AT_VERSION)
    const procedure = dv.getInt32(start + AT_PROCEDURE)
    const serial = dv.getUint32(start + AT_SERIAL)
    const status = dv.getInt32(start + AT_STATUS)
    // A reply nobody waits for, or one whose program, version or procedure is not the call's, is
    // a misrouted reply: libvirt's client treats it as fatal (and so must we, or the call it
    // names would wait forever).
    const p = this.#pending.get(serial)
    if (!p || p.program !== program || p.version !== version) {
      throw protocolError(`no call waiting for reply with prog ${program} vers ${version} serial ${serial}`)
    }
    if (p.procedure !== procedure) {
      throw protocolError(`reply for serial ${serial} names procedure ${procedure}, expected procedure ${p.procedure}`)
    }
    this.#pending.delete(serial)
    if (p.cleanup !== null) p.cleanup()
    const bodyStart = start + FRAME_MIN
    if (status === MessageStatus.OK) {
      let value: unknown
      try {
        // Decoded in place, from the read buffer itself when `transient` (opaque data is then copied).
        const r = this.#readerOf(buf, dv)
        r.pos = bodyStart
        r.end = end
        r.copyOpaque = transient
        value = p.decode ? p.decode(r) : undefined
        r.done()
      } catch (e) {
        settleFailure(p, payloadError(e))
        return
      }
      p.resolve(value)
    } else if (status === MessageStatus.ERROR) {
      settleFailure(p, decodeErrorBody(buf.subarray(bodyStart, end)))
    } else {
      settleFailure(p, LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `unexpected reply status ${status}`))
    }
  }

  #onKeepalive(h: MessageHeader, body: Buffer): void {
    if (body.length !== 0 || (h.procedure !== KeepaliveProc.PING && h.procedure !== KeepaliveProc.PONG)) {
      return this.#unexpected(`malformed keepalive message (procedure ${h.procedure})`, h)
    }
    if (h.procedure === KeepaliveProc.PING) {
      if (this.#hooks.answerPing) this.#hooks.answerPing()
      else this.sendKeepalive(KeepaliveProc.PONG)
    }
    this.#hooks.onKeepalive?.(h.procedure)
  }

  #unexpected(message: string, h: MessageHeader | null): void {
    const err = LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, message)
    if (this.#hooks.onUnexpected) this.#hooks.onUnexpected(err, h)
  }
}

/** Decodes an error reply's payload (remote_error) into a LibvirtError. */
export function decodeErrorBody(body: Buffer): LibvirtError {
  try {
    const r = new XdrReader(body)
    const e = REMOTE_CODECS.decoder('RemoteError')(r)
    r.done()
    return new LibvirtError({
      code: e.code,
      domain: e.domain,
      message: e.message ?? 'unknown error',
      level: e.level,
      str1: e.str1,
      str2: e.str2,
      str3: e.str3,
      int1: e.int1,
      int2: e.int2,
      domainName: e.dom?.name ?? null,
      networkName: e.net?.name ?? null,
    })
  } catch (err) {
    return payloadError(err)
  }
}

// libvirt's client refuses an oversized outgoing message with VIR_ERR_RPC (virNetMessageEncodePayload).
function tooLarge(len: number, max: number): LibvirtError {
  return LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `Unable to encode message payload: message of ${len} bytes exceeds the protocol maximum of ${max}`)
}

function payloadError(e: unknown): LibvirtError {
  const detail = e instanceof XdrError || e instanceof Error ? e.message : String(e)
  return LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `Unable to decode message payload: ${detail}`, e)
}

const NOOP = (): void => {}
function ABANDONED(program: number, version: number, procedure: number): Pending {
  return { program, version, procedure, decode: null, resolve: NOOP, reject: NOOP, cleanup: null, onFailure: null }
}

function settleFailure(p: Pending, err: unknown): void {
  if (p.onFailure === null) return p.reject(err)
  // The call's promise adopts `settled` first, then `failure` is rejected: so when onFailure
  // runs, the adoption already links `settled` to the caller's await (in the other order V8
  // finds no chain to the awaiting async functions).
  let reject!: (e: unknown) => void
  const failure = new Promise<never>((_, rej) => (reject = rej))
  const settled = failure.then(undefined, p.onFailure)
  p.resolve(settled)
  reject(err)
}

function failed(err: unknown, onFailure: FailureHook | null): Promise<never> {
  const rejected = Promise.reject(err)
  return onFailure === null ? rejected : rejected.then(undefined, onFailure)
}

function protocolError(message: string): LibvirtError {
  return LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, message)
}

function hex(n: number): string {
  return '0x' + n.toString(16)
}
