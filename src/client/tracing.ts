// Layer 4 (client). Tracing hooks: node:diagnostics_channel channels named like undici's
// (`libvirt-async:call:start`, …) and `NODE_DEBUG=libvirt-async` debug lines through
// util.debuglog. With no subscriber and NODE_DEBUG unset, the only cost on a call is one boolean
// check (`callTracingActive()`): payloads are built only when someone listens.

import { monotonicMs } from './clock.js'
import diagnosticsChannel from 'node:diagnostics_channel'
import { debuglog } from 'node:util'
import type { ProcedureDescriptor } from '../generated/procedure.js'
import { CLOSE_REASON_NAMES, type CloseReason } from './close-reason.js'

/**
 * Published on `libvirt-async:call:start` when a call is written to the socket. The **same
 * object** is then published again, with `duration` (and `error`) filled in, on
 * `libvirt-async:call:end` or `libvirt-async:call:error`, so a subscriber can keep per-call state
 * in a `WeakMap` keyed by it (a span, a start time).
 */
export interface CallStartMessage {
  /** The connection's URI with any password masked (`user:***@`); null for the daemon's default URI. */
  readonly uri: string | null
  /** Program number (`0x20008086` remote, `0x20008087` QEMU, `0x00068000` LXC, …). */
  readonly program: number
  /** Program name in lower case: `'remote'`, `'qemu'`, `'lxc'`, `'admin'`, … */
  readonly programName: string
  /** Procedure number within its program. */
  readonly procedure: number
  /** libvirt's symbolic procedure name, e.g. `'REMOTE_PROC_DOMAIN_GET_INFO'`. */
  readonly procedureName: string
  /** The C function of libvirt's public API the procedure implements (`'virDomainGetInfo'`), when there is one. */
  readonly cFunction: string | null
  /** The call's serial on this connection; 0 when the call was refused before anything was sent. */
  readonly serial: number
  /** `performance.now()` when the call started. */
  readonly startTime: number
}

/** Published on `libvirt-async:call:end` when the reply arrived (the start message, completed). */
export interface CallEndMessage extends CallStartMessage {
  /** Milliseconds from start to reply. */
  readonly duration: number
}

/** Published on `libvirt-async:call:error` when the call failed (the start message, completed). */
export interface CallErrorMessage extends CallStartMessage {
  /** Milliseconds from start to failure. */
  readonly duration: number
  /** What the call rejected with (usually a `LibvirtError`). */
  readonly error: unknown
}

/** Published on `libvirt-async:connect` when `connect()` finished the handshake, or failed. */
export interface ConnectMessage {
  /** The URI asked for with any password masked; null for the daemon's default URI. */
  readonly uri: string | null
  /** Transport used (`'unix'`, `'tls'`, `'tcp'`, `'ssh'`, `'libssh2'`, `'ext'`, …). */
  readonly transport: string
  /** Milliseconds from `connect()` to an open connection (or to the failure). */
  readonly duration: number
  /** Set when the connection could not be opened. */
  readonly error?: unknown
}

/** Published on `libvirt-async:close` once when a connection ends, whoever ended it. */
export interface CloseMessage {
  /** The connection's URI with any password masked; null for the daemon's default URI. */
  readonly uri: string | null
  /** Why it ended (ERROR 0, EOF 1, KEEPALIVE 2, CLIENT 3). */
  readonly reason: CloseReason
  /** The reason's name: `'ERROR'`, `'EOF'`, `'KEEPALIVE'` or `'CLIENT'`. */
  readonly reasonName: string
  /** The error pending calls were rejected with. */
  readonly error: unknown
}

/** Published on `libvirt-async:event` for every event message the daemon sends, before it is delivered. */
export interface EventMessage {
  /** The connection's URI with any password masked; null for the daemon's default URI. */
  readonly uri: string | null
  /** Event family: `'domain'`, `'network'`, `'storagePool'`, `'nodeDevice'`, `'secret'`, `'qemuMonitor'`. */
  readonly family: string
  /** The event id within its family (`DomainEventID.LIFECYCLE` …; -1 for QEMU monitor events). */
  readonly eventId: number
  /** The daemon's callback id the event is addressed to. */
  readonly callbackId: number
}

/** The channel names, for `diagnostics_channel.subscribe(name, fn)`. */
export const TRACING_CHANNELS = {
  callStart: 'libvirt-async:call:start',
  callEnd: 'libvirt-async:call:end',
  callError: 'libvirt-async:call:error',
  connect: 'libvirt-async:connect',
  close: 'libvirt-async:close',
  event: 'libvirt-async:event',
} as const

const callStart = diagnosticsChannel.channel(TRACING_CHANNELS.callStart)
const callEnd = diagnosticsChannel.channel(TRACING_CHANNELS.callEnd)
const callError = diagnosticsChannel.channel(TRACING_CHANNELS.callError)
const connectChannel = diagnosticsChannel.channel(TRACING_CHANNELS.connect)
const closeChannel = diagnosticsChannel.channel(TRACING_CHANNELS.close)
const eventChannel = diagnosticsChannel.channel(TRACING_CHANNELS.event)

/** `NODE_DEBUG=libvirt-async`: protocol-level lines on stderr (`LIBVIRT-ASYNC <pid>: …`). */
const debug = debuglog('libvirt-async')
const debugOn = debug.enabled

/** True when a call must be traced (a subscriber on any call channel, or NODE_DEBUG). */
export function callTracingActive(): boolean {
  return debugOn || callStart.hasSubscribers || callEnd.hasSubscribers || callError.hasSubscribers
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/**
 * Runs `send` (which performs the call, reporting the serial through `onSerial` just before the
 * frame is written) with start/end/error published around it. Only called when
 * {@link callTracingActive} is true.
 */
export function traceCall<R>(uri: string | null, desc: ProcedureDescriptor, send: (onSerial: (serial: number) => void) => Promise<R>): Promise<R> {
  const msg: Mutable<CallStartMessage> & { duration?: number; error?: unknown } = {
    uri,
    program: desc.program,
    programName: programName(desc.name),
    procedure: desc.procedure,
    procedureName: desc.name,
    cFunction: desc.cFunction,
    serial: 0,
    startTime: performance.now(),
  }
  let started = false
  const start = (): void => {
    started = true
    if (debugOn) debug('call %s serial=%d prog=0x%s proc=%d uri=%s', desc.name, msg.serial, desc.program.toString(16), desc.procedure, uri ?? '(default)')
    if (callStart.hasSubscribers) callStart.publish(msg)
  }
  let p: Promise<R>
  try {
    p = send((serial) => {
      msg.serial = serial
      start()
    })
  } catch (e) {
    p = Promise.reject(e)
  }
  return p.then(
    (value) => {
      const duration = (msg.duration = performance.now() - msg.startTime)
      if (debugOn) debug('reply %s serial=%d %s ms', desc.name, msg.serial, duration.toFixed(3))
      if (callEnd.hasSubscribers) callEnd.publish(msg)
      return value
    },
    (error: unknown) => {
      if (!started) start()
      const duration = (msg.duration = performance.now() - msg.startTime)
      msg.error = error
      if (debugOn) debug('error %s serial=%d %s ms: %s', desc.name, msg.serial, duration.toFixed(3), error instanceof Error ? error.message : String(error))
      if (callError.hasSubscribers) callError.publish(msg)
      throw error
    },
  )
}

/** Publishes a finished (or failed) `connect()`. */
export function traceConnect(uri: string | null, transport: string, startTime: number, error?: unknown): void {
  if (!debugOn && !connectChannel.hasSubscribers) return
  const duration = monotonicMs() - startTime
  const msg: ConnectMessage = error === undefined ? { uri, transport, duration } : { uri, transport, duration, error }
  if (debugOn) {
    if (error === undefined) debug('connect %s over %s in %s ms', uri ?? '(default)', transport, duration.toFixed(3))
    else debug('connect %s over %s failed after %s ms: %s', uri ?? '(default)', transport, duration.toFixed(3), error instanceof Error ? error.message : String(error))
  }
  if (connectChannel.hasSubscribers) connectChannel.publish(msg)
}

/** Publishes the end of a connection. */
export function traceClose(uri: string | null, reason: CloseReason, error: unknown): void {
  if (!debugOn && !closeChannel.hasSubscribers) return
  const msg: CloseMessage = { uri, reason, reasonName: CLOSE_REASON_NAMES[reason], error }
  if (debugOn) debug('close %s reason=%s', uri ?? '(default)', msg.reasonName)
  if (closeChannel.hasSubscribers) closeChannel.publish(msg)
}

/** True when events must be traced. */
export function eventTracingActive(): boolean {
  return debugOn || eventChannel.hasSubscribers
}

/** Publishes one event message (only called when {@link eventTracingActive} is true). */
export function traceEvent(uri: string | null, family: string, eventId: number, callbackId: number): void {
  const msg: EventMessage = { uri, family, eventId, callbackId }
  if (debugOn) debug('event %s id=%d callback=%d uri=%s', family, eventId, callbackId, uri ?? '(default)')
  if (eventChannel.hasSubscribers) eventChannel.publish(msg)
}

/** `REMOTE_PROC_DOMAIN_GET_INFO` → `remote`. */
function programName(procName: string): string {
  const i = procName.indexOf('_PROC_')
  return i > 0 ? procName.slice(0, i).toLowerCase() : 'unknown'
}
