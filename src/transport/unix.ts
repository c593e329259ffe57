// Layer 3 (transports). Local unix-socket transport: connects to the socket libvirt's rules
// pick for the URI. Connection failures become libvirt's own "Failed to connect socket" error.

import { connect as netConnect, type NetConnectOpts, type Socket } from 'node:net'
import { ErrorCode, ErrorDomain, LibvirtError, abortedError } from '../errors.js'
import { plainSocketLossError } from './loss-error.js'
import { unixSocketFor } from './socket-path.js'
import type { Transport, TransportRequest } from './transport.js'

export async function connectUnixTransport(req: TransportRequest): Promise<Transport> {
  const choice = unixSocketFor(req.uri, { readOnly: req.readOnly, mode: req.remoteMode })
  const reader = directReader()
  const socket = await connectSocket({ path: choice.path, onread: reader.onread }, req.signal, (err) =>
    `Failed to connect socket to '${choice.path}': ${describeErrno(err)}`)
  return { ...socketTransport(socket, `unix:${choice.path}`, true), onBytes: reader.onBytes }
}

/** Opens a unix socket, rejecting with VIR_ERR_SYSTEM_ERROR like libvirt does when it fails. */
export function connectUnixPath(path: string, signal?: AbortSignal): Promise<Socket> {
  return connectSocket({ path }, signal, (err) => `Failed to connect socket to '${path}': ${describeErrno(err)}`)
}

const READ_SIZE = 65536
// One read buffer for every unix socket: each read's callback copies the bytes out before the
// next read of any socket can happen (libuv reads and calls back on this one thread).
let readBuffer: Buffer | null = null

/**
 * Reads a socket through Node's `onread` (a reused buffer, a callback per read) instead of
 * 'data' events: a fresh process spends a good part of each round trip in the Readable
 * machinery otherwise. Each chunk handed on is an exact-size copy, so frames and their parts
 * never alias the reused buffer; bytes that arrive before the sink is set wait for it.
 */
function directReader(): { onread: NonNullable<NetConnectOpts['onread']>; onBytes: (sink: (chunk: Buffer) => void) => void } {
  let sink: ((chunk: Buffer) => void) | null = null
  const early: Buffer[] = []
  const onread = {
    buffer: (readBuffer ??= Buffer.allocUnsafeSlow(READ_SIZE)),
    callback(n: number, buf: Uint8Array): boolean {
      const chunk = Buffer.allocUnsafeSlow(n)
      chunk.set(buf.subarray(0, n))
      if (sink) sink(chunk)
      else early.push(chunk)
      return true // (false would pause the socket; pausing stays with stream.pause())
    },
  }
  return {
    onread,
    onBytes(s) {
      sink = s
      for (const chunk of early.splice(0)) s(chunk)
    },
  }
}

/**
 * Opens a unix or TCP socket; `signal` aborts it (VIR_ERR_OPERATION_ABORTED). A failure rejects
 * with VIR_ERR_SYSTEM_ERROR, its message from `failure` and the socket error as `cause`.
 */
export function connectSocket(options: NetConnectOpts, signal: AbortSignal | undefined, failure: (err: NodeJS.ErrnoException) => string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal.reason))
    const socket = netConnect(options)
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
