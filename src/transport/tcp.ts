// Layer 3 (transports). `+tcp`: a plain TCP socket to libvirtd (default port 16509). Nothing is
// encrypted, so the transport is marked insecure; the SASL client then refuses to authenticate
// (it has no mechanism with a security layer), which is what libvirtd demands on plain TCP.

import { connect as netConnect, type Socket } from 'node:net'
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { registerTransport } from './select.js'
import type { Transport, TransportRequest } from './transport.js'
import { abortedError, socketTransport } from './unix.js'

/** libvirtd's default `tcp_port`. */
export const DEFAULT_TCP_PORT = 16509

/** Host and port a remote URI names (libvirt's default host is `localhost`). */
export function remoteAddress(req: TransportRequest, defaultPort: number): { host: string; port: number } {
  return { host: req.uri?.host || 'localhost', port: req.uri?.port ?? defaultPort }
}

/** Opens a TCP connection, rejecting with VIR_ERR_SYSTEM_ERROR like libvirt when it fails. */
export function connectTcp(host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal))
    const socket = netConnect({ host, port })
    const onAbort = (): void => {
      socket.destroy()
      reject(abortedError(signal!))
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
      const why = err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message
      reject(LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, `unable to connect to server at '${host}:${port}': ${why}`, err))
    })
  })
}

/** The `tcp` transport factory. */
export async function connectTcpTransport(req: TransportRequest): Promise<Transport> {
  const { host, port } = remoteAddress(req, DEFAULT_TCP_PORT)
  const socket = await connectTcp(host, port, req.signal)
  return socketTransport(socket, `tcp:${host}:${port}`, false)
}

registerTransport('tcp', connectTcpTransport)
