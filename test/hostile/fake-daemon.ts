// Test helper of the hostile-peer suite: a small fake libvirtd on a private unix socket. It
// answers the opening handshake (AUTH_LIST, CONNECT_SUPPORTS_FEATURE, CONNECT_OPEN) so that
// `connect()` succeeds, then lets each case send what a real libvirtd never sends: malformed
// lengths, truncated frames, misrouted replies, floods, huge strings, dribbled bytes.
// Used only for that (SPEC: a fake peer only for what a real daemon never sends).

import { mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FrameDecoder } from '../../src/core/frame-decoder.js'
import { type MessageHeader, readHeader, writeHeader } from '../../src/core/header.js'
import { HEADER_SIZE, KEEPALIVE_PROGRAM, KEEPALIVE_VERSION, LEN_SIZE, MessageStatus, MessageType } from '../../src/core/limits.js'
import type { ProcedureDescriptor } from '../../src/generated/procedure.js'
import { REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { XdrWriter } from '../../src/xdr/xdr-writer.js'

const P = REMOTE_PROCEDURES

/** A frame from a header and an encoded body. */
export function buildFrame(h: MessageHeader, body: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(LEN_SIZE + HEADER_SIZE + body.length)
  b.writeUInt32BE(b.length, 0)
  writeHeader(b, LEN_SIZE, h)
  body.copy(b, LEN_SIZE + HEADER_SIZE)
  return b
}

/** Encodes `value` with `desc`'s return codec. */
export function encodeRet<R>(desc: ProcedureDescriptor<any, R>, value: R): Buffer {
  if (!desc.encodeRet) return Buffer.alloc(0)
  const w = new XdrWriter(64)
  desc.encodeRet(w, value)
  return w.toBuffer()
}

/** A keepalive PING or PONG frame. */
export function keepaliveFrame(procedure: 1 | 2): Buffer {
  return buildFrame({ program: KEEPALIVE_PROGRAM, version: KEEPALIVE_VERSION, procedure, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK })
}

export interface ReceivedCall {
  header: MessageHeader
  body: Buffer
}

/** One client connection as the fake daemon sees it. */
export class FakePeer {
  readonly socket: Socket
  /** Every CALL received (handshake included), in order. */
  readonly calls: ReceivedCall[] = []
  /** Keepalive messages received (PING 1 / PONG 2). */
  readonly keepalives: number[] = []
  #waiters: Array<() => void> = []

  constructor(socket: Socket) {
    this.socket = socket
  }

  /** Sends raw bytes. */
  send(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes)
  }

  /** Replies to `call` with `value` encoded by `desc`'s return codec; `override` edits the header. */
  reply<R>(call: MessageHeader, desc: ProcedureDescriptor<any, R> | null, value?: R, override: Partial<MessageHeader> = {}): void {
    const body = desc ? encodeRet(desc, value as R) : Buffer.alloc(0)
    this.send(buildFrame({ ...call, type: MessageType.REPLY, status: MessageStatus.OK, ...override }, body))
  }

  /** Resolves once a CALL of `procedure` (remote program) has arrived; returns it. */
  async nextCall(procedure: number): Promise<ReceivedCall> {
    for (;;) {
      const c = this.calls.find((x) => x.header.procedure === procedure && !(x as { taken?: boolean }).taken)
      if (c) {
        ;(c as { taken?: boolean }).taken = true
        return c
      }
      await new Promise<void>((r) => this.#waiters.push(r))
    }
  }

  /** @internal */
  arrived(): void {
    for (const w of this.#waiters.splice(0)) w()
  }
}

export interface FakeDaemonOptions {
  /** Answer the handshake (default true). False: the case answers everything itself. */
  handshake?: boolean
  /** Claim keepalive support in CONNECT_SUPPORTS_FEATURE (default false). */
  keepalive?: boolean
  /** Answer CONNECT_CLOSE (default true). */
  answerClose?: boolean
  /** Auth types for AUTH_LIST (default [0], none). */
  authTypes?: number[]
  /** Called for every CALL the handshake does not answer. */
  onCall?(peer: FakePeer, call: ReceivedCall): void
  /** Called when a client connects. */
  onConnection?(peer: FakePeer): void
  /** Do not read from clients at all (a peer that never reads). */
  neverRead?: boolean
  /** Listen on TCP 127.0.0.1 (an ephemeral port) instead of a unix socket; the URI is then `test+tcp://`. */
  tcp?: boolean
}

export interface FakeDaemon {
  /** `test+unix:///default?socket=…` for this fake. */
  readonly uri: string
  readonly path: string
  readonly peers: FakePeer[]
  /** The first client, once it has connected. */
  firstPeer(): Promise<FakePeer>
  /** Closes the server and every client socket; resolves once all are closed. */
  close(): Promise<void>
}

export async function startFakeDaemon(opts: FakeDaemonOptions = {}): Promise<FakeDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'la-fake-daemon-'))
  const path = join(dir, 'sock')
  const peers: FakePeer[] = []
  let peerWaiters: Array<() => void> = []
  const server: Server = createServer((socket) => {
    const peer = new FakePeer(socket)
    peers.push(peer)
    socket.on('error', () => {})
    for (const w of peerWaiters.splice(0)) w()
    opts.onConnection?.(peer)
    if (opts.neverRead) {
      socket.pause()
      return
    }
    const decoder = new FrameDecoder()
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.push(chunk, (frame) => {
          const header = readHeader(frame)
          const body = Buffer.from(frame.subarray(LEN_SIZE + HEADER_SIZE))
          if (header.program === KEEPALIVE_PROGRAM) {
            peer.keepalives.push(header.procedure)
            return
          }
          const call = { header, body }
          peer.calls.push(call)
          peer.arrived()
          if (opts.handshake !== false && answerHandshake(peer, call, opts)) return
          opts.onCall?.(peer, call)
        })
      } catch {
        socket.destroy()
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    if (opts.tcp) server.listen(0, '127.0.0.1', resolve)
    else server.listen(path, resolve)
  })
  return {
    uri: opts.tcp ? `test+tcp://127.0.0.1:${(server.address() as AddressInfo).port}/default` : `test+unix:///default?socket=${path}`,
    path,
    peers,
    firstPeer: async () => {
      while (peers.length === 0) await new Promise<void>((r) => peerWaiters.push(r))
      return peers[0]!
    },
    close: async () => {
      for (const p of peers) p.socket.destroy()
      await new Promise<void>((r) => server.close(() => r()))
      peerWaiters = []
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function answerHandshake(peer: FakePeer, call: ReceivedCall, opts: FakeDaemonOptions): boolean {
  const h = call.header
  if (h.program !== P.CONNECT_OPEN.program) return false
  switch (h.procedure) {
    case P.AUTH_LIST.procedure:
      peer.reply(h, P.AUTH_LIST, { types: opts.authTypes ?? [0] })
      return true
    case P.CONNECT_SUPPORTS_FEATURE.procedure: {
      const { feature } = P.CONNECT_SUPPORTS_FEATURE.decodeArgs!(new XdrReader(call.body))
      peer.reply(h, P.CONNECT_SUPPORTS_FEATURE, { supported: feature === 10 && opts.keepalive ? 1 : 0 })
      return true
    }
    case P.CONNECT_OPEN.procedure:
      peer.reply(h, null)
      return true
    case P.CONNECT_CLOSE.procedure:
      if (opts.answerClose !== false) peer.reply(h, null)
      return true
    default:
      return false
  }
}
