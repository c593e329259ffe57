// Layer 4 (client). The one options object `connect()` takes for every transport (SPEC §2a),
// validated up front so misuse is a TypeError/RangeError before anything is sent.

import { nulError } from '../xdr/xdr-writer.js'
import { validateKeepAlive, type KeepAliveSettings } from './keepalive.js'

/** One credential libvirt asks for during authentication (virConnectCredential). */
export interface AuthCredential {
  /** VIR_CRED_* type (VIR_CRED_AUTHNAME = 2, VIR_CRED_PASSPHRASE = 5, ...). */
  type: number
  prompt: string
  challenge?: string
  defresult?: string
}

/** Credentials for `connect()`: answers to what SASL (or an ssh password prompt) asks for. */
export interface AuthOptions {
  /** The user name (VIR_CRED_AUTHNAME); default: the URI's user, if any. */
  username?: string
  /** The password (VIR_CRED_PASSPHRASE). */
  password?: string
  /** Asked for credentials the options do not hold; return one answer per credential, in order. */
  callback?: (credentials: AuthCredential[]) => Promise<Array<string | null>> | Array<string | null>
}

/**
 * The one options object `connect()` takes, the same for every transport. Wrong values are a
 * TypeError or RangeError before anything is sent.
 */
export interface ConnectOptions {
  /** Open read-only (VIR_CONNECT_RO; uses the daemon's read-only socket locally). */
  readOnly?: boolean
  /** Client keepalive; on by default `{ interval: 5, count: 5 }`; `false` turns it off. */
  keepAlive?: { interval: number; count: number } | false
  /** Credentials for SASL / SSH-password style authentication. */
  auth?: AuthOptions
  /**
   * Milliseconds for connecting, authenticating and opening; VIR_ERR_OPERATION_TIMEOUT after.
   * Default {@link DEFAULT_CONNECT_TIMEOUT_MS} (30 s, the default keepalive verdict time), so a
   * daemon that accepts and never answers cannot hang `connect()`. `Infinity` waits for ever
   * (e.g. while an auth callback asks a person for a password).
   */
  timeout?: number
  /** Aborts connecting (VIR_ERR_OPERATION_ABORTED). */
  signal?: AbortSignal
  /** Receives exceptions thrown by user callbacks (default: process.emitWarning). */
  onCallbackError?: (err: unknown) => void
}

export interface ValidatedConnectOptions {
  readOnly: boolean
  keepAlive: KeepAliveSettings | false
  auth: AuthOptions
  timeout: number
  signal: AbortSignal | undefined
  onCallbackError: ((err: unknown) => void) | undefined
}

/**
 * The default `connect()` timeout: 30 s, the time the default keepalive (interval 5 s, count 5)
 * takes to declare a silent daemon dead, so connecting never waits longer than a connection would.
 */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000

const KNOWN = new Set(['readOnly', 'keepAlive', 'auth', 'timeout', 'signal', 'onCallbackError'])

export function validateConnectOptions(o: unknown): ValidatedConnectOptions {
  if (o === undefined || o === null) o = {}
  if (typeof o !== 'object') throw new TypeError('connect() options must be an object')
  const opts = o as Record<string, unknown>
  for (const k of Object.keys(opts)) if (!KNOWN.has(k)) throw new TypeError(`unknown connect() option '${k}'`)
  if (opts.readOnly !== undefined && typeof opts.readOnly !== 'boolean') throw new TypeError('connect() option readOnly must be a boolean')
  if (opts.timeout !== undefined && (typeof opts.timeout !== 'number' || !(opts.timeout > 0))) throw new RangeError('connect() option timeout must be a positive number of milliseconds')
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) throw new TypeError('connect() option signal must be an AbortSignal')
  if (opts.onCallbackError !== undefined && typeof opts.onCallbackError !== 'function') throw new TypeError('connect() option onCallbackError must be a function')
  const auth = (opts.auth ?? {}) as AuthOptions
  if (typeof auth !== 'object') throw new TypeError('connect() option auth must be an object')
  if (auth.username !== undefined && typeof auth.username !== 'string') throw new TypeError('auth.username must be a string')
  if (auth.password !== undefined && typeof auth.password !== 'string') throw new TypeError('auth.password must be a string')
  if (auth.username?.includes('\0')) throw nulError(auth.username, 'auth.username')
  if (auth.password?.includes('\0')) throw nulError(auth.password, 'auth.password')
  if (auth.callback !== undefined && typeof auth.callback !== 'function') throw new TypeError('auth.callback must be a function')
  return {
    readOnly: (opts.readOnly as boolean | undefined) ?? false,
    keepAlive: validateKeepAlive(opts.keepAlive, 'connect() option keepAlive'),
    auth,
    timeout: (opts.timeout as number | undefined) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    signal: opts.signal as AbortSignal | undefined,
    onCallbackError: opts.onCallbackError as ((err: unknown) => void) | undefined,
  }
}
