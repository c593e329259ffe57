// Layer 3 (transports). Which local unix socket a URI means, by libvirt's own rules
// (remoteGetUNIXSocket): `socket=` wins; system vs per-user runtime dir; modular daemon socket
// (`virtqemud-sock`) vs the monolithic `libvirt-sock` by `mode=` or by which one exists; `-ro`.

import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import type { LibvirtUri } from './libvirt-uri.js'

export type RemoteMode = 'auto' | 'legacy' | 'direct'

export interface SocketChoice {
  path: string
  /** Which daemon it belongs to (for error messages). */
  daemon: string
  /** True when libvirt would try to auto-start a per-user daemon here (we never do; see README). */
  userSession: boolean
}

/** Per-user runtime directory (virGetUserRuntimeDirectory). */
export function userRuntimeDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'libvirt') : join(homedir(), '.cache', 'libvirt')
}

export function unixSocketFor(
  uri: LibvirtUri | null,
  options: { readOnly: boolean; mode?: string; env?: NodeJS.ProcessEnv; exists?: (p: string) => boolean; euid?: number },
): SocketChoice {
  const exists = options.exists ?? existsSync
  const env = options.env ?? process.env
  const euid = options.euid ?? process.geteuid?.() ?? 0
  const explicit = uri?.param('socket')
  if (explicit) return { path: explicit, daemon: 'libvirtd', userSession: false }

  const modeStr = (uri?.param('mode') ?? options.mode ?? 'auto').toLowerCase()
  if (modeStr !== 'auto' && modeStr !== 'legacy' && modeStr !== 'direct') {
    throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.REMOTE, `Unknown remote mode '${modeStr}'`)
  }
  let mode = modeStr as RemoteMode
  // A per-user daemon for /session URIs and test+ URIs when not root (remoteGetURIDaemonInfo).
  const user = euid > 0 && (uri === null || uri.path === '/session' || (uri.explicitTransport && uri.driver === 'test'))
  const dir = user ? userRuntimeDir(env) : '/var/run/libvirt'
  const sockName = (prefix: string): string =>
    user ? join(dir, `${prefix}-sock`) : join(dir, `${prefix}-${options.readOnly ? 'sock-ro' : 'sock'}`)

  let driver = uri && uri.driver !== 'remote' ? uri.driver : null
  if (!driver && mode !== 'legacy') {
    // No driver named: guess from which modular daemon socket exists, as libvirt does.
    for (const d of user ? ['qemu', 'vbox'] : ['xen', 'qemu', 'lxc', 'vbox', 'bhyve', 'vz']) {
      if (exists(sockName(`virt${d}d`))) {
        driver = d
        break
      }
    }
  }
  const direct = driver ? sockName(`virt${driver}d`) : null
  const legacy = sockName('libvirt')
  if (mode === 'auto') {
    if (direct && exists(direct)) mode = 'direct'
    else if (exists(legacy)) mode = 'legacy'
    else mode = direct ? 'direct' : 'legacy'
  }
  if (mode === 'direct') {
    if (!direct) {
      throw LibvirtError.local(ErrorCode.OPERATION_UNSUPPORTED, ErrorDomain.REMOTE, 'No URI is provided and cannot identify any listening daemon socket path to attempt to connect to.')
    }
    return { path: direct, daemon: `virt${driver}d`, userSession: user }
  }
  return { path: legacy, daemon: 'libvirtd', userSession: user }
}
