// Layer 4 (client). Opening a connection the way libvirt's remote driver does (doRemoteOpen):
// resolve the URI (LIBVIRT_DEFAULT_URI, libvirt.conf aliases), connect the transport,
// authenticate, probe keepalive support, CONNECT_OPEN with the daemon-side name, probe the event
// and close-callback features, then start keepalive. Bounded by `timeout` and `signal`.

import { monotonicMs } from './clock.js'
import { ErrorCode, ErrorDomain, LibvirtError, abortedError } from '../errors.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import { loadClientConfig, resolveUri } from '../transport/client-config.js'
import { parseLibvirtUri, type LibvirtUri } from '../transport/libvirt-uri.js'
import { transportFactory } from '../transport/select.js'
import { refuseClientSideDriver } from '../transport/client-side-drivers.js'
import type { Transport } from '../transport/transport.js'
import { authenticate } from './auth.js'
import { CloseReason } from './close-reason.js'
import { validateConnectOptions, type ConnectOptions, type ValidatedConnectOptions } from './connect-options.js'
import { redactUri } from './redact-uri.js'
import { setLongTimeout } from './long-timer.js'
import { DrvFeature, RpcClient } from './rpc-client.js'
import { traceConnect } from './tracing.js'


const VIR_CONNECT_RO = 1

export interface OpenedClient {
  rpc: RpcClient
  uri: LibvirtUri | null
  options: ValidatedConnectOptions
}

/** Internal knobs of {@link openRpcClient} (ManagedConnection's reconnect attempts). */
export interface OpenInternals {
  /** Attempt without holding the event loop open (the caller's wrapper was unref()'d). */
  unref?: boolean
}

export async function openRpcClient(uri: string | undefined | null, rawOptions?: ConnectOptions, internal: OpenInternals = {}): Promise<OpenedClient> {
  if (uri !== undefined && uri !== null && typeof uri !== 'string') throw new TypeError(`connect() uri must be a string, got ${typeof uri}`)
  const startTime = monotonicMs()
  const options = validateConnectOptions(rawOptions)
  const config = loadClientConfig()
  const resolved = resolveUri(uri, config)
  const parsed = resolved === null ? null : parseLibvirtUri(resolved)
  const traceUri = resolved === null ? null : redactUri(resolved)
  refuseClientSideDriver(parsed, traceUri ?? '')
  const transportName = parsed?.transport ?? 'unix'

  const controller = new ConnectAbort()
  const { signal: userSignal, timeout } = options
  const onUserAbort = (): void => controller.abort(userSignal!.reason)
  if (userSignal?.aborted) throw abortedError(userSignal.reason)
  userSignal?.addEventListener('abort', onUserAbort, { once: true })
  let timedOut = false
  // A long timer: `timeout: Infinity` waits for ever, 2**31 ms waits that long (never "at once").
  const timer = setLongTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeout)
  if (internal.unref) timer?.unref()
  const signal = controller as unknown as AbortSignal

  let transport: Transport | null = null
  let rpc: RpcClient | null = null
  try {
    transport = await transportFactory(transportName)({ uri: parsed, readOnly: options.readOnly, remoteMode: config.remoteMode, signal })
    if (internal.unref) transport.unref()
    rpc = new RpcClient(transport, { onCallbackError: options.onCallbackError, traceUri })
    const client = rpc
    // Abort/timeout during the handshake: drop the connection, which rejects the pending call.
    const onAbort = (): void => client.destroy(CloseReason.CLIENT, timedOut ? timeoutError(timeout!) : abortedError(signal.reason))
    signal.addEventListener('abort', onAbort, { once: true })
    try {
      await authenticate(client, parsed, options.auth)
      // Pipelined in libvirt's order: the keepalive probe goes out before CONNECT_OPEN (the daemon
      // answers it without an open connection). The features that need an open connection
      // (close callback, …) are asked when first needed (RpcClient.supportsFeature), not here:
      // a round trip less before the first call.
      const [keepalive] = await Promise.all([
        client.supportsFeature(DrvFeature.PROGRAM_KEEPALIVE),
        client.call(REMOTE_PROCEDURES.CONNECT_OPEN, { name: parsed?.openName ?? '', flags: options.readOnly ? VIR_CONNECT_RO : 0 }),
      ])
      client.features.keepalive = keepalive
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    client.setKeepAlive(options.keepAlive)
    client.opened = true
    traceConnect(traceUri, transportName, startTime)
    return { rpc: client, uri: parsed, options }
  } catch (e) {
    rpc?.destroy(CloseReason.ERROR)
    transport?.destroy()
    const err = signal.aborted ? (timedOut ? timeoutError(timeout!) : abortedError(userSignal?.reason)) : e
    traceConnect(traceUri, transportName, startTime, err)
    throw err
  } finally {
    timer.clear()
    userSignal?.removeEventListener('abort', onUserAbort)
  }
}

/**
 * What connect() aborts its own steps with (the caller's signal, the timeout): the part of
 * AbortController/AbortSignal the transports and the handshake use. A real AbortController would
 * load Node's EventTarget machinery on a process's first connect (about 0.7 ms) for an abort
 * that almost never happens.
 */
class ConnectAbort {
  aborted = false
  reason: unknown = undefined
  #listeners: Array<() => void> = []

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener)
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.#listeners.indexOf(listener)
    if (i >= 0) this.#listeners.splice(i, 1)
  }

  /** Like AbortController.abort(): each listener runs once. */
  abort(reason?: unknown): void {
    if (this.aborted) return
    this.aborted = true
    this.reason = reason
    const listeners = this.#listeners
    this.#listeners = []
    for (const l of listeners) l()
  }
}

function timeoutError(ms: number): LibvirtError {
  return LibvirtError.local(ErrorCode.OPERATION_TIMEOUT, ErrorDomain.RPC, `timed out after ${ms} ms while connecting`)
}
