// Layer 7 (notifier). Validation of ManagedConnection's options. Runs before the wrapped
// connection is touched in any way, so a mistake never costs the caller their connection
// (the seed closed it in that case: seed-behaviour §2.12 item 2).

import { ConnectionBase } from '../client/connection-base.js'
import type { CloseReason } from '../client/close-reason.js'
import { isQueueSink } from './registration.js'
import type { QueueSink } from './async-queue.js'
import { checkReconnectOptions, type ReconnectSettings } from './reconnect-options.js'

/** Something with a `resolve` method, e.g. `Promise.withResolvers()`'s result. */
export interface Resolvable<T> {
  /** Called once with the value. */
  resolve(value: T): void
}

const OPTION_KEYS: ReadonlySet<string> = new Set(['virt', 'onClose', 'onDomainChange', 'onError', 'reconnect', 'resync', 'onDisconnect', 'onReconnect'])

/** The validated options, untyped in the wrapper's own type (managed-connection.ts gives the public types). */
export interface CheckedOptions {
  virt: ConnectionBase
  onClose: ((wrapper: never, reason: CloseReason) => unknown) | Resolvable<unknown> | undefined
  onDomainChange: ((...args: never[]) => unknown) | QueueSink<unknown> | undefined
  onError: ((error: unknown, wrapper: never) => void) | undefined
  /** Null: reconnect off. */
  reconnect: ReconnectSettings | null
  resync: boolean
  onDisconnect: ((wrapper: never, reason: CloseReason) => unknown) | undefined
  onReconnect: ((wrapper: never, info: never) => unknown) | undefined
}

/**
 * Checks ManagedConnection options.
 * @throws TypeError for a missing `virt`, an unknown key or a value of the wrong type.
 */
export function checkManagedOptions(options: unknown): CheckedOptions {
  if (options === undefined || options === null) throw new TypeError('Missing required "virt" argument')
  if (typeof options !== 'object' || Array.isArray(options)) throw new TypeError('ManagedConnection options must be an object')
  const o = options as Record<string, unknown>
  const unknown = Object.keys(o).filter((k) => !OPTION_KEYS.has(k))
  if (unknown.length > 0) throw new TypeError(`ManagedConnection: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}`)
  if (o.virt === undefined || o.virt === null) throw new TypeError('Missing required "virt" argument')
  if (!(o.virt instanceof ConnectionBase)) throw new TypeError('ManagedConnection: "virt" must be a Connection (from connect())')
  const { onClose, onDomainChange, onError } = o
  if (onClose !== undefined && typeof onClose !== 'function' && !isResolvable(onClose)) {
    throw new TypeError('ManagedConnection: "onClose" must be a function or an object with a resolve() method')
  }
  if (onDomainChange !== undefined && typeof onDomainChange !== 'function' && !isQueueSink(onDomainChange)) {
    throw new TypeError('ManagedConnection: "onDomainChange" must be a function or an AsyncQueue')
  }
  if (onError !== undefined && typeof onError !== 'function') throw new TypeError('ManagedConnection: "onError" must be a function')
  for (const k of ['onDisconnect', 'onReconnect'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'function') throw new TypeError(`ManagedConnection: "${k}" must be a function`)
  }
  if (o.resync !== undefined && typeof o.resync !== 'boolean') throw new TypeError('ManagedConnection: "resync" must be a boolean')
  const reconnect = checkReconnectOptions(o.reconnect)
  return { ...(o as unknown as CheckedOptions), reconnect, resync: o.resync === true }
}

function isResolvable(v: unknown): v is Resolvable<unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { resolve?: unknown }).resolve === 'function'
}
