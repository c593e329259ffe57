// Layer 3 (transports). The error the calls in flight get when a socket is lost, worded as
// libvirt's client words it (virNetSocketReadWire / WriteWire, VIR_ERR_SYSTEM_ERROR): the I/O
// error that ended the connection becomes every pending call's error. Compared with
// python3-libvirt in test/integration/close-parity.test.ts.

import { ConnectionClosedError, ErrorCode, ErrorDomain, type LibvirtError } from '../errors.js'

// strerror() of the errors a lost socket reports (glibc's wording).
const STRERROR: Readonly<Record<string, string>> = {
  ECONNRESET: 'Connection reset by peer',
  EPIPE: 'Broken pipe',
  ETIMEDOUT: 'Connection timed out',
  ECONNABORTED: 'Software caused connection abort',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
}

const EIO = 'Input/output error'

function lost(message: string, cause?: unknown): LibvirtError {
  // Still a ConnectionClosedError: the connection, not the call, failed (retryable).
  return new ConnectionClosedError({ code: ErrorCode.SYSTEM_ERROR, domain: ErrorDomain.RPC, message, local: true, cause })
}

function isWrite(err: NodeJS.ErrnoException): boolean {
  return err.syscall === 'write' || err.syscall === 'writev'
}

/**
 * A plain socket (unix, TCP): a read of 0 bytes is "End of file while reading data", a failed
 * read "Cannot recv data: <strerror>", a failed write "Cannot write data: <strerror>".
 */
export function plainSocketLossError(cause: 'end' | NodeJS.ErrnoException): LibvirtError | undefined {
  if (cause === 'end') return lost(`End of file while reading data: ${EIO}`)
  const why = STRERROR[cause.code ?? '']
  if (!why) return undefined
  return lost(`${isWrite(cause) ? 'Cannot write data' : 'Cannot recv data'}: ${why}`, cause)
}

/**
 * TLS: libvirt's GnuTLS layer turns every failure — a reset, or a plain FIN without close_notify
 * (what a killed daemon sends) — into EIO, so "Cannot recv data: Input/output error" (or "Cannot
 * write data: …" when the write failed).
 */
export function tlsLossError(cause: 'end' | NodeJS.ErrnoException): LibvirtError | undefined {
  if (cause !== 'end' && isWrite(cause)) return lost(`Cannot write data: ${EIO}`, cause)
  return lost(`Cannot recv data: ${EIO}`, cause === 'end' ? undefined : cause)
}
