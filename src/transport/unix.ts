// Layer 3 (transports). Local unix-socket transport: connects to the socket libvirt's rules
// pick for the URI. Connection failures become libvirt's own "Failed to connect socket" error.

import type { NetConnectOpts, Socket } from 'node:net'
import { ErrorCode, ErrorDomain, LibvirtError, abortedError } from '../errors.js'
import { plainSocketLossError } from './loss-error.js'
import { unixSocketFor } from './socket-path.js'
import type { ByteSink, Transport, TransportRequest } from './transport.js'

export async function connectUnixTransport(req: TransportRequest): Promise<Transport> {
  const choice = unixSocketFor(req.uri, { readOnly: req.readOnly, mode: req.remoteMode })
  const reader = directReader()
  const socket = await connectSocket({ path: choice.path, onread: reader.onread }, req.signal, (err) =>
    `Failed to connect socket to '${choice.path}': ${describeErrno(err)}`)
  return { ...socketTransport(socket, `unix:${choice.path}`, true), onBytes: reader.onBytes, tryWrite: directWriter(socket) }
}

/** Opens a unix socket, rejecting with VIR_ERR_SYSTEM_ERROR like libvirt does when it fails. */
export function connectUnixPath(path: string, signal?: AbortSignal): Promise<Socket> {
  return connectSocket({ path }, signal, (err) => `Failed to connect socket to '${path}': ${describeErrno(err)}`)
}

const READ_SIZE = 65536
// One read buffer for every unix socket: each read's callback is done with the bytes before the
// next read of any socket can happen (libuv reads and calls back on this one thread).
let readBuffer: Buffer | null = null

/**
 * Reads a socket through Node's `onread` (a callback per read, into a buffer we pick before each
 * read) instead of 'data' events: no Readable machinery and no Buffer per read. Reads go to the
 * shared buffer, whose bytes the sink copies only if it keeps them, or straight into the buffer
 * the sink asks for (the rest of a large frame); bytes that arrive before the sink is set are
 * copied and wait for it.
 */
function directReader(): { onread: NonNullable<NetConnectOpts['onread']>; onBytes: (sink: ByteSink) => void } {
  let sink: ByteSink | null = null
  let target: Uint8Array | null = null
  const early: Buffer[] = []
  const shared = (readBuffer ??= Buffer.allocUnsafeSlow(READ_SIZE))
  const onread = {
    // A function: Node asks it for the buffer of each next read (after every callback).
    buffer: (): Uint8Array => (target = sink === null ? null : sink.readTarget()) ?? shared,
    callback(n: number, buf: Uint8Array): boolean {
      if (buf === target && sink !== null) sink.bytesInto(n, buf)
      else if (sink !== null) sink.bytes(buf as Buffer, n)
      else early.push(Buffer.from(buf.subarray(0, n)))
      return true // (false would pause the socket; pausing stays with stream.pause())
    },
  }
  return {
    onread,
    onBytes(s) {
      sink = s
      for (const chunk of early.splice(0)) s.bytes(chunk, chunk.length)
    },
  }
}

type WriteSync = (fd: number, buf: Uint8Array, offset: number, length: number) => number
let writeSync: WriteSync | null | undefined

/**
 * Writes to a connected socket's file descriptor directly (see {@link Transport.tryWrite}), or
 * undefined where that cannot be done safely (no process.getBuiltinModule, no fd). The
 * descriptor is taken from the socket's current handle at each write: Node drops the handle
 * (`_handle` = null) in the same step that closes the descriptor, so a write can never reach a
 * descriptor number the process has since reused for something else.
 */
export function directWriter(socket: Socket): ((buf: Uint8Array, length: number) => number) | undefined {
  if (writeSync === undefined) writeSync = typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule('node:fs').writeSync : null
  const write = writeSync
  const s = socket as unknown as { _handle: { fd?: unknown } | null }
  if (write === null || typeof s._handle?.fd !== 'number') return undefined
  let handle: object | null = null
  let fd = -1
  return (buf, length) => {
    const h = s._handle
    if (h === null) return 0
    if (h !== handle) {
      handle = h
      fd = typeof h.fd === 'number' ? h.fd : -1
    }
    if (fd < 0) return 0
    try {
      return write(fd, buf, 0, length)
    } catch {
      return 0 // EAGAIN (the socket's buffer is full) or a broken socket: stream.write takes over
    }
  }
}

type Net = typeof import('node:net')
let net: Net | null = null

/**
 * node:net, loaded on first use: through process.getBuiltinModule where Node has it (20.16+),
 * which skips the ESM loader's wrapping of the module (about 0.7 ms of a process's first connect),
 * else by import().
 */
function netModule(): Net | Promise<Net> {
  if (net !== null) return net
  if (typeof process.getBuiltinModule === 'function') return (net = process.getBuiltinModule('node:net'))
  return import('node:net').then((m) => (net = m))
}

/**
 * Opens a unix or TCP socket; `signal` aborts it (VIR_ERR_OPERATION_ABORTED). A failure rejects
 * with VIR_ERR_SYSTEM_ERROR, its message from `failure` and the socket error as `cause`.
 */
export function connectSocket(options: NetConnectOpts, signal: AbortSignal | undefined, failure: (err: NodeJS.ErrnoException) => string): Promise<Socket> {
  const net = netModule()
  if (net instanceof Promise) return net.then(() => connectSocket(options, signal, failure))
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal.reason))
    const socket = net.connect(options)
    const onAbort = (): void => {
      socket.destroy()
      reject(abortedError(signal!.reason))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort)
      socket.destroy()
      reject(LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, failure(err), err))
    })
  })
}

/**
 * Wraps a connected net/tls socket as a Transport. With `messagePerWrite`, writes queued while
 * the socket is busy go out one by one instead of merged (see {@link Transport.messagePerWrite}).
 */
export function socketTransport(socket: Socket, description: string, secure: boolean, messagePerWrite = false): Transport {
  socket.setNoDelay?.(true)
  // A Writable merges queued chunks through _writev, and a TLS socket encrypts such a batch as
  // one record; without _writev each chunk is its own write, hence its own record.
  if (messagePerWrite) (socket as unknown as { _writev: unknown })._writev = null
  return {
    stream: socket,
    description,
    secure,
    messagePerWrite,
    lossError: plainSocketLossError,
    ref: () => void socket.ref(),
    unref: () => void socket.unref(),
    destroy: () => void socket.destroy(),
  }
}

function describeErrno(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'No such file or directory'
    case 'ECONNREFUSED':
      return 'Connection refused'
    case 'EACCES':
      return 'Permission denied'
    default:
      return err.message
  }
}
