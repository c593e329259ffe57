// Layer 5 (admin API). Which admin socket an admin URI means, by libvirt's admin client rules:
// `libvirtd:///system` → <runstatedir>/libvirt/libvirt-admin-sock, `virtqemud:///session` →
// <user runtime dir>/virtqemud-admin-sock, the only URI parameter `socket=`; the default URI from
// LIBVIRT_ADMIN_DEFAULT_URI, then libvirt-admin.conf's uri_default, then libvirtd:///system
// (root) or libvirtd:///session; aliases from libvirt-admin.conf's uri_aliases.

import { homedir } from 'node:os'
import { join } from 'node:path'
import { LibvirtError } from '../errors.js'
import { VIR_ERR_CONFIG_UNSUPPORTED, VIR_ERR_INTERNAL_ERROR, VIR_FROM_ADMIN, VIR_FROM_URI } from '../generated/constants.gen.js'
import { loadClientConfig, resolveUri, type ClientConfig } from '../transport/client-config.js'
import { userRuntimeDir } from '../transport/socket-path.js'

/** libvirt's RUNSTATEDIR on the distributions this project targets. */
const RUNSTATEDIR = '/run'

/** Path of libvirt-admin.conf for this user (root: /etc/libvirt, else the XDG config dir). */
export function adminConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  if (process.getuid?.() === 0) return '/etc/libvirt/libvirt-admin.conf'
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'libvirt', 'libvirt-admin.conf')
}

/** The admin URI to open: given, or the default, with aliases applied. */
export function resolveAdminUri(uri: string | null | undefined, config: ClientConfig = loadClientConfig(adminConfigPath()), env: NodeJS.ProcessEnv = process.env): string {
  let name = uri ?? null
  if (name === null || name === '') name = env.LIBVIRT_ADMIN_DEFAULT_URI || config.uriDefault || (process.getuid?.() === 0 ? 'libvirtd:///system' : 'libvirtd:///session')
  // resolveUri applies uri_aliases; LIBVIRT_DEFAULT_URI (the hypervisor default) must not leak in.
  return resolveUri(name, config, {}) ?? name
}

function unsupported(message: string): LibvirtError {
  return LibvirtError.local(VIR_ERR_CONFIG_UNSUPPORTED, VIR_FROM_ADMIN, `unsupported configuration: ${message}`)
}

/** The admin socket an admin URI names. Throws VIR_ERR_CONFIG_UNSUPPORTED (or INVALID_ARG for a malformed URI). */
export function adminSocketPath(uri: string, env: NodeJS.ProcessEnv = process.env): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/.exec(uri.trim())
  if (!m) throw LibvirtError.local(VIR_ERR_INTERNAL_ERROR, VIR_FROM_URI, `internal error: Unable to parse URI ${uri}`)
  const scheme = m[1]!
  const path = m[3] ?? ''
  let socket: string | null = null
  for (const pair of (m[4] ?? '').split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '))
    if (name !== 'socket') throw unsupported(`Unknown URI parameter '${name}'`)
    socket = value
  }
  if (socket !== null) return socket
  let base: string
  if (scheme === 'libvirtd') base = 'libvirt-admin-sock'
  else if (scheme.startsWith('virt')) base = `${scheme}-admin-sock`
  else throw unsupported(`Unsupported URI scheme '${scheme}'`)
  if (path === '/system') return `${RUNSTATEDIR}/libvirt/${base}`
  if (path === '/session') return join(userRuntimeDir(env), base)
  throw unsupported(`Invalid URI path '${path}', try '/system'`)
}
