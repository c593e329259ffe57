// Layer 3 (transports). libvirt connection URIs: `driver[+transport]://[user@][host][:port]/path[?params]`.
// Splits out the transport, the parameters the remote driver consumes itself, and the name sent
// in CONNECT_OPEN (mirrors remoteSplitURIScheme / doRemoteOpenExtractURIArgs / remoteConnectFormatURI).

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { nulError } from '../xdr/xdr-writer.js'

/** The transports of libvirt's URI grammar (`qemu+ssh://…` → `'ssh'`); a URI without one is `unix`, with a host `tls`. */
export type TransportName = 'unix' | 'tls' | 'tcp' | 'ssh' | 'libssh' | 'libssh2' | 'ext'
const TRANSPORTS: ReadonlySet<string> = new Set(['tls', 'unix', 'ssh', 'libssh2', 'ext', 'tcp', 'libssh'])

/** Query parameters the remote driver consumes (never forwarded to the daemon). */
const REMOTE_PARAMS: ReadonlySet<string> = new Set([
  'name', 'command', 'socket', 'auth', 'sshauth', 'netcat', 'keyfile', 'pkipath', 'known_hosts',
  'known_hosts_verify', 'tls_priority', 'mode', 'proxy', 'no_sanity', 'no_verify', 'no_tty', 'authfile',
])

/** A libvirt URI taken apart by {@link parseLibvirtUri}: driver, transport, host, path and query options. */
export interface LibvirtUri {
  /** The URI as given. */
  readonly input: string
  /** Driver part of the scheme (`qemu`, `test`, `remote`, ...). */
  readonly driver: string
  /** Transport: explicit, else `tls` with a host, `unix` without. */
  readonly transport: TransportName
  readonly explicitTransport: boolean
  readonly user: string | null
  /** Host name without brackets (IPv6 literal as is), or null. */
  readonly host: string | null
  readonly port: number | null
  /** Path (`/system`, `/default`, `/abs/node.xml`), '' when absent. */
  readonly path: string
  /** Every query parameter in order (names compared case-insensitively by libvirt). */
  readonly params: ReadonlyArray<readonly [string, string]>
  /** Value of a parameter by case-insensitive name, or undefined. */
  param(name: string): string | undefined
  /** A boolean parameter of the remote driver (`no_verify`, `no_tty`, `no_sanity`); false when absent. */
  flag(name: UriBooleanName): boolean
  /** The URI the daemon is asked to open (CONNECT_OPEN name). */
  readonly openName: string
}

/** The remote driver's boolean URI parameters (EXTRACT_URI_ARG_BOOL in libvirt's remote driver). */
export type UriBooleanName = 'no_sanity' | 'no_verify' | 'no_tty'
const URI_BOOLEANS: ReadonlySet<string> = new Set<UriBooleanName>(['no_sanity', 'no_verify', 'no_tty'])

/**
 * A boolean URI parameter as libvirt's remote driver reads it: a base-10 C `int` (leading ASCII
 * white space and a sign allowed, nothing after the digits), non-zero meaning true. Anything else
 * — `''`, `no`, `false`, `1 `, `0x1`, beyond 32 bits — is VIR_ERR_INVALID_ARG, so a security
 * switch such as `no_verify` never turns on by accident.
 */
export function parseUriBoolean(name: string, value: string): boolean {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(value)
  const n = m ? Number(m[2]) * (m[1] === '-' ? -1 : 1) : Number.NaN
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw invalid(`Failed to parse value of URI component ${name}`)
  return n !== 0
}

function invalid(msg: string): LibvirtError {
  return LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.REMOTE, msg)
}

/** Parses a libvirt URI. Throws LibvirtError VIR_ERR_INVALID_ARG on a malformed URI or unknown transport. */
export function parseLibvirtUri(input: string): LibvirtUri {
  if (typeof input !== 'string') throw new TypeError(`a libvirt URI must be a string, got ${input === null ? 'null' : typeof input}`)
  if (input.includes('\0')) throw nulError(input, 'the URI')
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(input.trim())
  if (!m) throw invalid(`could not parse libvirt URI ${JSON.stringify(input)}`)
  const scheme = m[1]!
  const authority = m[2] ?? ''
  const path = decodeURIComponentSafe(m[3] ?? '', input)
  const query = m[4] ?? ''
  const fragment = m[5]

  const plus = scheme.indexOf('+')
  const driver = plus >= 0 ? scheme.slice(0, plus) : scheme
  let user: string | null = null
  let host: string | null = null
  let port: number | null = null
  if (authority) {
    let rest = authority
    const at = rest.lastIndexOf('@')
    if (at >= 0) {
      user = decodeURIComponentSafe(rest.slice(0, at), input)
      rest = rest.slice(at + 1)
    }
    let portStr: string | undefined
    if (rest.startsWith('[')) {
      const close = rest.indexOf(']')
      if (close < 0) throw invalid(`unterminated IPv6 address in URI ${JSON.stringify(input)}`)
      host = rest.slice(1, close)
      const after = rest.slice(close + 1)
      if (after.startsWith(':')) portStr = after.slice(1)
      else if (after) throw invalid(`malformed host in URI ${JSON.stringify(input)}`)
    } else {
      const colon = rest.lastIndexOf(':')
      if (colon >= 0) {
        portStr = rest.slice(colon + 1)
        rest = rest.slice(0, colon)
      }
      host = rest || null
    }
    if (portStr !== undefined && portStr !== '') {
      if (!/^\d{1,5}$/.test(portStr) || Number(portStr) > 65535) throw invalid(`invalid port ${JSON.stringify(portStr)} in URI ${JSON.stringify(input)}`)
      port = Number(portStr)
    }
  }

  let transport: TransportName
  let explicitTransport = false
  if (plus >= 0) {
    const t = scheme.slice(plus + 1).toLowerCase()
    if (!TRANSPORTS.has(t)) throw invalid('remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh)')
    transport = t as TransportName
    explicitTransport = true
    if (transport === 'unix' && host) throw invalid(`using unix socket and remote server '${host}' is not supported.`)
  } else {
    transport = host ? 'tls' : 'unix'
  }

  const params: Array<readonly [string, string]> = []
  if (query) {
    for (const part of query.split(/[&;]/)) {
      if (!part) continue
      const eq = part.indexOf('=')
      const k = decodeURIComponentSafe(eq >= 0 ? part.slice(0, eq) : part, input)
      const v = eq >= 0 ? decodeURIComponentSafe(part.slice(eq + 1), input) : ''
      params.push([k, v])
    }
  }
  const param = (name: string): string | undefined => {
    const lower = name.toLowerCase()
    for (let i = params.length - 1; i >= 0; i--) if (params[i]![0].toLowerCase() === lower) return params[i]![1]
    return undefined
  }
  // Every occurrence is checked, in order, as the remote driver does before it opens anything.
  for (const [k, v] of params) if (URI_BOOLEANS.has(k.toLowerCase())) parseUriBoolean(k, v)
  const flag = (name: UriBooleanName): boolean => {
    const v = param(name)
    return v === undefined ? false : parseUriBoolean(name, v)
  }

  // CONNECT_OPEN name: `name=` wins; `remote` lets the daemon probe; else driver + path + kept params.
  let openName: string
  const explicitName = param('name')
  if (explicitName !== undefined) openName = explicitName
  else if (driver === 'remote') openName = ''
  else {
    const kept = params.filter(([k]) => !REMOTE_PARAMS.has(k.toLowerCase()))
    const q = kept.map(([k, v]) => `${encodeParam(k)}=${encodeParam(v)}`).join('&')
    openName = `${driver}://${encodePath(path)}${q ? '?' + q : ''}${fragment !== undefined ? '#' + fragment : ''}`
  }

  return { input, driver, transport, explicitTransport, user, host, port, path, params, param, flag, openName }
}

function decodeURIComponentSafe(s: string, input: string): string {
  let out: string
  try {
    out = decodeURIComponent(s)
  } catch {
    throw invalid(`malformed percent-encoding in URI ${JSON.stringify(input)}`)
  }
  // `%00` would end the C string libvirt (or the socket path, or ssh's argument) sees.
  if (out.includes('\0')) throw nulError(out, 'a decoded URI component')
  return out
}

function encodeParam(s: string): string {
  return encodeURIComponent(s).replace(/%2F/gi, '/').replace(/%3A/gi, ':').replace(/%2C/gi, ',')
}

function encodePath(s: string): string {
  return encodeURI(s)
}
