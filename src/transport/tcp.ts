// Layer 3 (transports). `+tcp`: a plain TCP socket to libvirtd (default port 16509). Nothing is
// encrypted, so the transport is marked insecure; the SASL client then refuses to authenticate
// (it has no mechanism with a security layer), which is what libvirtd demands on plain TCP.

import type { Socket } from 'node:net'
import { registerTransport } from './select.js'
import type { Transport, TransportRequest } from './transport.js'
import { connectSocket, directWriter, socketTransport } from './unix.js'

/** libvirtd's default `tcp_port`. */
export const DEFAULT_TCP_PORT = 16509

/** Host and port a remote URI names (libvirt's default host is `localhost`). */
export function remoteAddress(req: TransportRequest, defaultPort: number): { host: string; port: number } {
  return { host: req.uri?.host || 'localhost', port: req.uri?.port ?? defaultPort }
}

/** Opens a TCP connection, rejecting with VIR_ERR_SYSTEM_ERROR like libvirt when it fails. */
export function connectTcp(host: string, port: number, signal?: AbortSignal): Promise<Socket> {
  return connectSocket({ host, port }, signal, (err) =>
    `unable to connect to server at '${host}:${port}': ${err.code === 'ECONNREFUSED' ? 'Connection refused' : err.message}`)
}

/** The `tcp` transport factory. */
export async function connectTcpTransport(req: TransportRequest): Promise<Transport> {
  const { host, port } = remoteAddress(req, DEFAULT_TCP_PORT)
  const socket = await connectTcp(host, port, req.signal)
  return { ...socketTransport(socket, `tcp:${host}:${port}`, false), endReason: 'ERROR', tryWrite: directWriter(socket) }
}

registerTransport('tcp', connectTcpTransport)
