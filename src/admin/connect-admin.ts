// Layer 5 (admin API). Opening an admin connection as virAdmConnectOpen does: resolve the admin
// URI (default, aliases), connect its unix socket, ADMIN CONNECT_OPEN; then keepalive, which the
// daemon's admin server answers like its main one. Bounded by `timeout` and `signal`.

import { CloseReason } from '../client/close-reason.js'
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../client/connect-options.js'
import { validateKeepAlive } from '../client/keepalive.js'
import { setLongTimeout } from '../client/long-timer.js'
import { RpcClient } from '../client/rpc-client.js'
import { ErrorCode, ErrorDomain, LibvirtError, abortedError } from '../errors.js'
import { ADMIN_PROCEDURES } from '../generated/admin-procedures.gen.js'
import { connectUnixPath, socketTransport } from '../transport/unix.js'
import type { Transport } from '../transport/transport.js'
import { AdminConnection } from './admin-connection.js'
import { adminSocketPath, resolveAdminUri } from './admin-uri.js'

/** Options of {@link connectAdmin}: those of `connect()` that apply to an admin socket. */
export interface AdminConnectOptions {
  /** Client keepalive; on by default `{ interval: 5, count: 5 }`; `false` turns it off. */
  keepAlive?: { interval: number; count: number } | false
  /** Milliseconds for connecting and opening; VIR_ERR_OPERATION_TIMEOUT after. */
  timeout?: number
  /** Aborts connecting (VIR_ERR_OPERATION_ABORTED). */
  signal?: AbortSignal
  /** Receives exceptions thrown by user callbacks (default: process.emitWarning). */
  onCallbackError?: (err: unknown) => void
}

const KNOWN = new Set(['keepAlive', 'timeout', 'signal', 'onCallbackError'])

function validate(o: unknown): { keepAlive: ReturnType<typeof validateKeepAlive>; timeout?: number; signal?: AbortSignal; onCallbackError?: (err: unknown) => void } {
  if (o === undefined || o === null) o = {}
  if (typeof o !== 'object') throw new TypeError('connectAdmin() options must be an object')
  const opts = o as Record<string, unknown>
  for (const k of Object.keys(opts)) if (!KNOWN.has(k)) throw new TypeError(`unknown connectAdmin() option '${k}'`)
  if (opts.timeout !== undefined && (typeof opts.timeout !== 'number' || !(opts.timeout > 0))) throw new RangeError('connectAdmin() option timeout must be a positive number of milliseconds')
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) throw new TypeError('connectAdmin() option signal must be an AbortSignal')
  if (opts.onCallbackError !== undefined && typeof opts.onCallbackError !== 'function') throw new TypeError('connectAdmin() option onCallbackError must be a function')
  return {
    keepAlive: validateKeepAlive(opts.keepAlive, 'connectAdmin() option keepAlive'),
    timeout: opts.timeout as number | undefined,
    signal: opts.signal as AbortSignal | undefined,
    onCallbackError: opts.onCallbackError as ((err: unknown) => void) | undefined,
  }
}

/**
 * Opens a connection to a daemon's admin interface (virt-admin's protocol).
 *
 * `uri` names the daemon: `libvirtd:///system`, `virtqemud:///system`, `virtproxyd:///session`,
 * …; the only parameter is `socket=/path`. Without a URI, `LIBVIRT_ADMIN_DEFAULT_URI`, then
 * libvirt-admin.conf's `uri_default`, then `libvirtd:///system` (root) or `libvirtd:///session`.
 * @see https://libvirt.org/html/libvirt-libvirt-admin.html#virAdmConnectOpen
 */
export async function connectAdmin(uri?: string | null, options?: AdminConnectOptions): Promise<AdminConnection> {
  if (uri !== undefined && uri !== null && typeof uri !== 'string') throw new TypeError(`connectAdmin() uri must be a string, got ${typeof uri}`)
  const opts = validate(options)
  const name = resolveAdminUri(uri)
  const path = adminSocketPath(name)

  const controller = new AbortController()
  const { signal: userSignal, timeout } = opts
  if (userSignal?.aborted) throw abortedError(userSignal.reason)
  const onUserAbort = (): void => controller.abort(userSignal!.reason)
  userSignal?.addEventListener('abort', onUserAbort, { once: true })
  let timedOut = false
  // Same default and long-timer rule as connect(): never pends for ever, Infinity never fires.
  const timer = setLongTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeout ?? DEFAULT_CONNECT_TIMEOUT_MS)
  const signal = controller.signal
  const failure = (): LibvirtError =>
    timedOut ? LibvirtError.local(ErrorCode.OPERATION_TIMEOUT, ErrorDomain.RPC, `timed out after ${timeout ?? DEFAULT_CONNECT_TIMEOUT_MS} ms while connecting`) : abortedError(userSignal?.reason)

  let transport: Transport | null = null
  let rpc: RpcClient | null = null
  try {
    transport = socketTransport(await connectUnixPath(path, signal), `unix:${path}`, true)
    rpc = new RpcClient(transport, { onCallbackError: opts.onCallbackError })
    const client = rpc
    const onAbort = (): void => client.destroy(CloseReason.CLIENT, failure())
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await client.call(ADMIN_PROCEDURES.CONNECT_OPEN, { flags: 0 })
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    // Every admin server has answered keepalive PINGs since the admin API exists (libvirt 2.0).
    client.features.keepalive = true
    client.setKeepAlive(opts.keepAlive)
    return new AdminConnection(client, name)
  } catch (e) {
    rpc?.destroy(CloseReason.ERROR)
    transport?.destroy()
    if (signal.aborted) throw failure()
    throw e
  } finally {
    timer.clear()
    userSignal?.removeEventListener('abort', onUserAbort)
  }
}
