// Shared by every layer: the error libvirt would report. Daemon errors carry libvirt's full
// error struct; client-side failures use the VIR_ERR_* code libvirt's own client uses in the
// same situation, so results compare with libvirt's C client (SPEC §2a).

import { ErrorCode, ErrorDomain, ErrorLevel, VIR_ERROR_DOMAIN_NAMES, VIR_ERROR_LEVEL_NAMES, VIR_ERROR_NUMBER_NAMES } from './generated/constants.gen.js'

// ErrorCode (VIR_ERR_* without the prefix), ErrorDomain (VIR_FROM_*) and ErrorLevel come from the
// generated constants: every value libvirt defines, so daemon errors compare by name too.
export { ErrorCode, ErrorDomain, ErrorLevel }

/** Fields of libvirt's error struct (`virError`), as sent by the daemon. */
export interface LibvirtErrorFields {
  code: number
  domain: number
  message: string
  level?: number
  str1?: string | null
  str2?: string | null
  str3?: string | null
  int1?: number
  int2?: number
  /** Name of the domain the error is about, if the daemon said. */
  domainName?: string | null
  /** Name of the network the error is about, if the daemon said. */
  networkName?: string | null
  /** Set when the error was raised by this client rather than sent by the daemon. */
  local?: boolean
  cause?: unknown
}

/**
 * An error as libvirt reports it. `code`/`domain`/`level` are libvirt's numbers
 * (`VIR_ERR_NO_DOMAIN` = 42, ...); `codeName`/`domainName` give the symbolic names.
 * Match on `code`, e.g. `err.code === VIR_ERR_NO_DOMAIN`.
 * @see https://libvirt.org/html/libvirt-virterror.html#virError
 */
export class LibvirtError extends Error {
  override name = 'LibvirtError'
  /**
   * virErrorNumber, e.g. 42 (`ErrorCode.NO_DOMAIN`); see {@link LibvirtError.codeName}.
   * A newer daemon's code this release does not know still arrives as its number.
   */
  readonly code: ErrorCode
  /** virErrorDomain, the part of libvirt that raised it, e.g. 10 (`ErrorDomain.QEMU`). */
  readonly domain: ErrorDomain
  /** virErrorLevel: 1 warning, 2 error (`ErrorLevel.WARNING`, `ErrorLevel.ERROR`). */
  readonly level: ErrorLevel
  /** Extra information libvirt attached (meaning depends on `code`), or null. */
  readonly str1: string | null
  /** Extra information libvirt attached (meaning depends on `code`), or null. */
  readonly str2: string | null
  /** Extra information libvirt attached (meaning depends on `code`), or null. */
  readonly str3: string | null
  /** Extra number libvirt attached (meaning depends on `code`), or -1. */
  readonly int1: number
  /** Extra number libvirt attached (meaning depends on `code`), or -1. */
  readonly int2: number
  /** Domain (VM) name the daemon attached to the error, if any. */
  readonly vmName: string | null
  /** Network name the daemon attached to the error, if any. */
  readonly networkName: string | null
  /** True when this client raised the error (no daemon involved). */
  readonly local: boolean

  constructor(f: LibvirtErrorFields) {
    super(f.message, f.cause === undefined ? undefined : { cause: f.cause })
    // typed as the generated enums; the value is the daemon's number as sent, never checked
    this.code = f.code as ErrorCode
    this.domain = f.domain as ErrorDomain
    this.level = (f.level ?? ErrorLevel.ERROR) as ErrorLevel
    this.str1 = f.str1 ?? null
    this.str2 = f.str2 ?? null
    this.str3 = f.str3 ?? null
    this.int1 = f.int1 ?? -1
    this.int2 = f.int2 ?? -1
    this.vmName = f.domainName ?? null
    this.networkName = f.networkName ?? null
    this.local = f.local ?? false
  }

  /**
   * Where the `stack` of a failed call's LibvirtError comes from (for every connection; the
   * error is made where the reply is read, so by itself it names only library frames):
   * - `'await'` (default): taken again when the call fails, along the chain of async functions
   *   awaiting it (`at async yourFunction …`); costs nothing for calls that succeed.
   * - `'call'`: captured when each call is made, so it also names a synchronous caller or a
   *   promise awaited later; one stack capture per call (see `npm run bench -- --only caller-stack`).
   * - `'off'`: the library's frames only.
   */
  static callerStack: 'await' | 'call' | 'off' = 'await'

  /** Symbolic error number, e.g. `VIR_ERR_NO_DOMAIN`. */
  get codeName(): string {
    return VIR_ERROR_NUMBER_NAMES[this.code] ?? `VIR_ERR_${this.code}`
  }

  /** Symbolic error domain, e.g. `VIR_FROM_QEMU`. */
  get domainName(): string {
    return VIR_ERROR_DOMAIN_NAMES[this.domain] ?? `VIR_FROM_${this.domain}`
  }

  /** Symbolic error level, e.g. `VIR_ERR_ERROR`. */
  get levelName(): string {
    return VIR_ERROR_LEVEL_NAMES[this.level] ?? `${this.level}`
  }

  /** Client-side error with libvirt's code and domain (what libvirt's C client would raise). */
  static local(code: number, domain: number, message: string, cause?: unknown): LibvirtError {
    return new LibvirtError({ code, domain, message, local: true, cause })
  }
}

/** VIR_ERR_OPERATION_ABORTED for an AbortSignal the caller fired (`reason` becomes the cause). */
export function abortedError(reason: unknown, message = 'connection aborted by the caller'): LibvirtError {
  return LibvirtError.local(ErrorCode.OPERATION_ABORTED, ErrorDomain.RPC, message, reason)
}

/** Errors libvirt's client raises when the connection is gone. */
export function connectionClosedError(cause?: unknown, message = 'client socket is closed'): ConnectionClosedError {
  return new ConnectionClosedError({ code: ErrorCode.INTERNAL_ERROR, domain: ErrorDomain.RPC, message, local: true, cause })
}

/**
 * The LibvirtError of a call that failed because the connection was gone (VIR_ERR_INTERNAL_ERROR
 * "client socket is closed", as libvirt's client reports it): pending calls when the connection is
 * lost, calls made after, streams that were open. `retryable` is true: the same call may succeed on
 * a new connection — e.g. once a ManagedConnection with `reconnect` is connected again. (Whether a
 * call that was in flight reached the daemon is unknown.)
 */
export class ConnectionClosedError extends LibvirtError {
  /** Always true: the connection, not the call, failed. */
  readonly retryable = true as const
}
