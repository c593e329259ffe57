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
import { type MessageHeader, readHeader, writeHeader } from './header.js'
import { HEADER_SIZE, KEEPALIVE_PROGRAM, KEEPALIVE_VERSION, KeepaliveProc, LEN_SIZE, MESSAGE_MAX, MessageStatus, MessageType } from './limits.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'

export interface SessionHooks {
  /** Send one complete frame. */
  write(frame: Buffer): void
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

interface Pending {
  readonly program: number
  readonly version: number
  readonly procedure: number
  readonly decode: ((r: XdrReader) => unknown) | null
  readonly resolve: (v: any) => void
  readonly reject: (e: unknown) => void
  readonly cleanup: (() => void) | null
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

  /** Calls a procedure described by a generated descriptor; resolves with its decoded return struct. */
  call<A, R>(desc: ProcedureDescriptor<A, R>, args: A, options?: CallOptions): Promise<R> {
    return this.callRaw(desc.program, desc.version, desc.procedure, desc.encodeArgs, args, desc.decodeRet, options) as Promise<R>
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
  ): Promise<unknown> {
    if (this.#dead) return Promise.reject(this.#dead)
    const signal = options?.signal
    if (signal?.aborted) return Promise.reject(abortedError(signal.reason, OPERATION_ABORTED))
    const serial = this.#nextSerial()
    let frame: Buffer
    try {
      frame = this.#encode({ program, version, procedure, type: MessageType.CALL, serial, status: MessageStatus.OK }, encode, args)
    } catch (e) {
      return Promise.reject(e)
    }
    return new Promise((resolve, reject) => {
      let cleanup: (() => void) | null = null
      if (signal) {
        const onAbort = (): void => {
          // Keep the serial reserved (as abandoned) so the late reply is recognised and dropped.
          this.#pending.set(serial, ABANDONED(program, version, procedure))
          reject(abortedError(signal.reason, OPERATION_ABORTED))
        }
        signal.addEventListener('abort', onAbort, { once: true })
        cleanup = () => signal.removeEventListener('abort', onAbort)
      }
      this.#pending.set(serial, { program, version, procedure, decode, resolve, reject, cleanup })
      options?.onSerial?.(serial)
      this.#hooks.write(frame)
    })
  }

  /** Sends a message that expects no reply (keepalive, stream data). */
  send(header: MessageHeader, encode: Encoder<any> | null = null, body: unknown = undefined): void {
    if (this.#dead) throw this.#dead
    this.#hooks.write(this.#encode(header, encode, body))
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
   * Feeds bytes from the peer. A framing error is fatal: the session fails (all pending calls
   * rejected) and the error is thrown to the I/O layer, which must drop the connection.
   */
  feed(chunk: Buffer): void {
    if (this.#dead) return
    try {
      this.#decoder.push(chunk, this.#onFrame)
    } catch (e) {
      const err = e instanceof LibvirtError ? e : LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, String(e), e)
      this.fail(err)
      throw err
    }
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
      p.reject(pendingErr)
    }
  }

  #nextSerial(): number {
    // Serials are 32-bit and wrap; skip any still in flight.
    do {
      this.#serial = (this.#serial + 1) >>> 0
    } while (this.#serial === 0 || this.#pending.has(this.#serial))
    return this.#serial
  }

  #encode(header: MessageHeader, encode: Encoder<any> | null, body: unknown): Buffer {
    const w = this.#writer
    w.reset()
    const at = w.reserve(LEN_SIZE + HEADER_SIZE)
    writeHeader(w.buf, at + LEN_SIZE, header)
    if (encode) encode(w, body)
    const len = w.pos
    if (len > this.#maxOut) throw tooLarge(len, this.#maxOut)
    w.patchU32(at, len)
    return w.toBuffer()
  }

  // Throwing here is fatal: feed() fails the session with the error (libvirt's client closes the
  // connection for the same protocol violations).
  readonly #onFrame = (frame: Buffer): void => {
    this.#framesIn++
    const h = readHeader(frame)
    const body = frame.subarray(LEN_SIZE + HEADER_SIZE)
    switch (h.type) {
      case MessageType.REPLY:
      case MessageType.REPLY_WITH_FDS:
        this.#onReply(h, body)
        return
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

  #onReply(h: MessageHeader, body: Buffer): void {
    // A reply nobody waits for, or one whose program, version or procedure is not the call's, is
    // a misrouted reply: libvirt's client treats it as fatal (and so must we, or the call it
    // names would wait forever).
    const p = this.#pending.get(h.serial)
    if (!p || p.program !== h.program || p.version !== h.version) {
      throw protocolError(`no call waiting for reply with prog ${h.program} vers ${h.version} serial ${h.serial}`)
    }
    if (p.procedure !== h.procedure) {
      throw protocolError(`reply for serial ${h.serial} names procedure ${h.procedure}, expected procedure ${p.procedure}`)
    }
    this.#pending.delete(h.serial)
    p.cleanup?.()
    if (h.status === MessageStatus.OK) {
      let value: unknown
      try {
        const r = new XdrReader(body)
        value = p.decode ? p.decode(r) : undefined
        r.done()
      } catch (e) {
        p.reject(payloadError(e))
        return
      }
      p.resolve(value)
    } else if (h.status === MessageStatus.ERROR) {
      p.reject(decodeErrorBody(body))
    } else {
      p.reject(LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `unexpected reply status ${h.status}`))
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
  return { program, version, procedure, decode: null, resolve: NOOP, reject: NOOP, cleanup: null }
}

function protocolError(message: string): LibvirtError {
  return LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, message)
}

function hex(n: number): string {
  return '0x' + n.toString(16)
}
