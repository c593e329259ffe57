// Layer 3 (transports). libvirt's client configuration (libvirt.conf): `uri_default`,
// `uri_aliases`, `remote_mode`; and how a missing or aliased URI is resolved
// (LIBVIRT_DEFAULT_URI first, then uri_default; aliases apply to either).

import { readFileSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'

export interface ClientConfig {
  uriDefault?: string
  uriAliases?: string[]
  remoteMode?: string
}

/** Path of the client config libvirt reads for this user. */
export function clientConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (process.getuid?.() === 0) return '/etc/libvirt/libvirt.conf'
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config')
  return join(base, 'libvirt', 'libvirt.conf')
}

/** Reads the client config; a missing file is an empty config, a malformed one a VIR_ERR_CONF_SYNTAX error. */
export function loadClientConfig(path = clientConfigPath()): ClientConfig {
  let text: string
  try {
    // stat first: a missing file (the usual case for a user without one) is then no exception,
    // whose construction is a good part of a fresh process's connect
    if (statSync(path, { throwIfNoEntry: false }) === undefined) return {}
    text = readFileSync(path, 'utf8')
  } catch {
    return {}
  }
  return parseClientConfig(text, path)
}

type ConfValue = string | number | ConfValue[]

/** Parses libvirt's config syntax (`key = "str" | number | [list]`, `#` comments). */
export function parseClientConfig(text: string, origin = 'libvirt.conf'): ClientConfig {
  const values = parseConf(text, origin)
  const out: ClientConfig = {}
  const str = (k: string): string | undefined => {
    const v = values.get(k)
    if (v === undefined) return undefined
    if (typeof v !== 'string') throw confError(origin, `${k} must be a string`)
    return v
  }
  out.uriDefault = str('uri_default')
  out.remoteMode = str('remote_mode')
  const aliases = values.get('uri_aliases')
  if (aliases !== undefined) {
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string')) throw confError(origin, 'uri_aliases must be a list of strings')
    out.uriAliases = aliases as string[]
  }
  return out
}

function confError(origin: string, msg: string): LibvirtError {
  return LibvirtError.local(33 /* VIR_ERR_CONF_SYNTAX */, ErrorDomain.CONF, `configuration file syntax error: ${origin}: ${msg}`)
}

function parseConf(text: string, origin: string): Map<string, ConfValue> {
  const out = new Map<string, ConfValue>()
  let i = 0
  const n = text.length
  const skip = (): void => {
    for (;;) {
      while (i < n && /\s/.test(text[i]!)) i++
      if (text[i] === '#') {
        while (i < n && text[i] !== '\n') i++
        continue
      }
      return
    }
  }
  const value = (): ConfValue => {
    skip()
    const c = text[i]
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1)
      if (end < 0) throw confError(origin, 'unterminated string')
      const s = text.slice(i + 1, end)
      i = end + 1
      return s
    }
    if (c === '[') {
      i++
      const list: ConfValue[] = []
      skip()
      if (text[i] === ']') {
        i++
        return list
      }
      for (;;) {
        list.push(value())
        skip()
        if (text[i] === ',') {
          i++
          skip()
          if (text[i] === ']') {
            i++
            return list
          }
          continue
        }
        if (text[i] === ']') {
          i++
          return list
        }
        throw confError(origin, `expected ',' or ']' at offset ${i}`)
      }
    }
    const m = /^-?(0x[0-9a-fA-F]+|\d+)/.exec(text.slice(i))
    if (!m) throw confError(origin, `expected a value at offset ${i}`)
    i += m[0].length
    return Number(m[0])
  }
  for (;;) {
    skip()
    if (i >= n) return out
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))
    if (!m) throw confError(origin, `expected a setting name at offset ${i}`)
    i += m[0].length
    skip()
    if (text[i] !== '=') throw confError(origin, `expected '=' after ${m[0]}`)
    i++
    out.set(m[0], value())
    skip()
    if (text[i] === ';') i++
  }
}

/**
 * The URI to open: `uri` as given (or LIBVIRT_DEFAULT_URI, or uri_default), with a matching
 * alias from uri_aliases substituted. Returns null when nothing names a URI.
 */
export function resolveUri(uri: string | undefined | null, config: ClientConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  let name = uri ?? null
  if (name === null || name === '') name = env.LIBVIRT_DEFAULT_URI || config.uriDefault || null
  if (name === null) return null
  for (const entry of config.uriAliases ?? []) {
    const eq = entry.indexOf('=')
    if (eq <= 0) throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.CONF, `Malformed 'uri_aliases' config entry '${entry}', expected 'alias=uri://host/path'`)
    const alias = entry.slice(0, eq)
    if (!/^[A-Za-z0-9_.-]+$/.test(alias)) throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.CONF, `Malformed 'uri_aliases' config entry '${entry}', aliases may only contain 'a-Z, 0-9, _, -'`)
    if (alias === name) return entry.slice(eq + 1)
  }
  return name
}
