// Layer 3 (transports). `+tls` (the default for remote URIs; port 16514): TCP, then TLS with
// libvirt's PKI files, the server certificate checked against the CA and the host name (unless
// `no_verify=1`), then libvirt's confirmation byte (1 = the server accepted our certificate).
// Before connecting, libvirt's sanity check: our own certificate must be signed by our CA
// (skipped with `no_sanity=1`).

import { X509Certificate } from 'node:crypto'
import { isIP, type Socket } from 'node:net'
import { checkServerIdentity, connect as tlsConnect, type TLSSocket } from 'node:tls'
import { ErrorCode, ErrorDomain, LibvirtError, abortedError } from '../errors.js'
import { tlsLossError } from './loss-error.js'
import { loadPki, locatePki, type PkiMaterial } from './pki.js'
import { checkOnce, pkiDigest, secureContextFor } from './tls-context.js'
import { registerTransport } from './select.js'
import { connectTcp, remoteAddress } from './tcp.js'
import type { Transport, TransportRequest } from './transport.js'
import { socketTransport } from './unix.js'

/** libvirtd's default `tls_port`. */
export const DEFAULT_TLS_PORT = 16514

/** The `tls` transport factory. */
export async function connectTlsTransport(req: TransportRequest): Promise<Transport> {
  const { host, port } = remoteAddress(req, DEFAULT_TLS_PORT)
  const pki = loadPki(locatePki(req.uri?.param('pkipath') || undefined))
  const noVerify = req.uri?.flag('no_verify') ?? false
  const digest = pkiDigest(pki)
  if (!(req.uri?.flag('no_sanity') ?? false)) checkOnce(digest, () => checkOwnCertificate(pki))
  const raw = await connectTcp(host, port, req.signal)
  // As libvirt's client does right after connect: the handshake's flights and the first RPCs are
  // small writes that must not wait for an ACK (Nagle) — set before TLS wraps the socket.
  raw.setNoDelay(true)
  let socket: TLSSocket | null = null
  // Once wrapped, the TLS socket owns the TCP handle: destroying `raw` then would free it under TLS.
  let wrapped = null as TLSSocket | null
  const onAbort = (): void => {
    if (wrapped) wrapped.destroy()
    else raw.destroy()
  }
  req.signal?.addEventListener('abort', onAbort, { once: true })
  try {
    socket = await handshake(raw, host, pki, digest, (s) => (wrapped = s))
    if (!noVerify) verifyServer(socket, host, pki)
    await readConfirmation(socket)
  } catch (e) {
    // a late TLS error on a socket we are dropping must not become an uncaught 'error'
    wrapped?.on('error', () => {})
    if (wrapped) wrapped.destroy()
    else raw.destroy()
    if (req.signal?.aborted) throw abortedError(req.signal.reason)
    throw e
  } finally {
    req.signal?.removeEventListener('abort', onAbort)
  }
  return { ...socketTransport(socket, `tls:${host}:${port}`, true, true), endReason: 'ERROR', lossError: tlsLossError }
}

function handshake(raw: Socket, host: string, pki: PkiMaterial, digest: string, onWrapped: (s: TLSSocket) => void): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    let secureContext
    try {
      secureContext = secureContextFor(pki, digest)
    } catch (err) {
      return reject(handshakeError(err as Error))
    }
    const socket = tlsConnect({
      socket: raw,
      secureContext,
      // Checked below with libvirt's messages (and skipped with no_verify=1).
      rejectUnauthorized: false,
      checkServerIdentity: () => undefined,
      servername: isIP(host) ? undefined : host,
    })
    onWrapped(socket)
    const fail = (err: Error): void => {
      cleanup()
      reject(handshakeError(err))
    }
    const closed = (): void => fail(new Error('the server closed the connection'))
    const cleanup = (): void => {
      socket.off('error', fail)
      socket.off('close', closed)
    }
    socket.once('error', fail)
    socket.once('close', closed)
    socket.once('secureConnect', () => {
      cleanup()
      resolve(socket)
    })
  })
}

function handshakeError(err: Error): LibvirtError {
  if (err instanceof LibvirtError) return err
  return LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, `TLS handshake failed: ${err.message}`, err)
}

const ISSUER_CODES = new Set(['UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT'])

/** Throws VIR_ERR_AUTH_FAILED, as libvirt does, when the server's certificate is not acceptable. */
function verifyServer(socket: TLSSocket, host: string, pki: PkiMaterial): void {
  const deny = (why: string): LibvirtError =>
    LibvirtError.local(ErrorCode.AUTH_FAILED, ErrorDomain.RPC, `Failed to verify peer's certificate: ${why}`)
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? 'unknown')
    if (ISSUER_CODES.has(code)) {
      throw deny(`Certificate failed validation: The certificate hasn't got a known issuer (not signed by the CA in '${pki.paths.cacert}')`)
    }
    if (code === 'CERT_REVOKED') throw deny('Certificate failed validation: The certificate has been revoked.')
    if (code === 'CERT_HAS_EXPIRED') throw deny('The server certificate has expired')
    if (code === 'CERT_NOT_YET_VALID') throw deny('The server certificate is not yet active')
    throw deny(`Certificate failed validation: ${code}`)
  }
  const err = checkServerIdentity(host, socket.getPeerCertificate())
  if (err) throw deny(`Certificate's owner does not match the hostname (${host})`)
}

/**
 * libvirt's client refuses its own certificate when no certificate of its CA file signed it
 * (virNetTLSCertSanityCheck), with VIR_ERR_SYSTEM_ERROR, before any connection is made.
 */
function checkOwnCertificate(pki: PkiMaterial): void {
  if (!pki.cert) return
  let cert: X509Certificate
  let cas: X509Certificate[]
  try {
    cert = new X509Certificate(pki.cert)
    cas = (pki.ca.toString('latin1').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem))
  } catch {
    return // unparsable PEM: the TLS handshake reports it
  }
  if (cas.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) return
  throw LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC,
    `Our own certificate ${pki.paths.cert} failed validation against ${pki.paths.cacert}: The certificate hasn't got a known issuer.`)
}

/** libvirt's check after the handshake: the server sends one byte, 1 when it accepted us. */
function readConfirmation(socket: TLSSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (): LibvirtError =>
      LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, 'server verification (of our certificate or IP address) failed')
    // A server that drops us (or sends an alert) instead of the byte: libvirt's client gets EIO
    // from GnuTLS (libvirtd sends no close_notify there) and reports VIR_ERR_SYSTEM_ERROR.
    const unreadable = (cause?: Error): LibvirtError =>
      LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, 'Unable to read TLS confirmation: Input/output error', cause)
    const cleanup = (): void => {
      socket.off('readable', onReadable)
      socket.off('end', onEnd)
      socket.off('close', onEnd)
      socket.off('error', onError)
    }
    const onReadable = (): void => {
      const b = socket.read(1) as Buffer | null
      if (b === null) return
      cleanup()
      if (b[0] === 1) resolve()
      else reject(refused())
    }
    const onEnd = (): void => {
      cleanup()
      reject(unreadable())
    }
    const onError = (err: Error): void => {
      cleanup()
      // TLS 1.3: the server's verdict on our certificate may arrive as an alert after the handshake.
      reject(unreadable(err))
    }
    socket.on('readable', onReadable)
    socket.once('end', onEnd)
    socket.once('close', onEnd)
    socket.once('error', onError)
  })
}

registerTransport('tls', connectTlsTransport)
