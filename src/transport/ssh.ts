// Layer 3 (transports). `+ssh` (and `+libssh`/`+libssh2`, mapped to the same system ssh): runs
// `ssh … host -- sh -c '…'` the way libvirt's client builds it (virNetSocketNewConnectSSH,
// virNetClientSSHHelperCommand), so the user's keys, agent, ~/.ssh/config and known_hosts apply.
// The remote side runs virt-ssh-helper or netcat (`nc -U socket`) per `proxy=`.

import { join } from 'node:path'
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { spawnChildTransport } from './child-transport.js'
import type { LibvirtUri } from './libvirt-uri.js'
import { registerTransport } from './select.js'
import { userRuntimeDir } from './socket-path.js'
import type { Transport, TransportRequest } from './transport.js'

/** `proxy=` values: try virt-ssh-helper then netcat, netcat only, virt-ssh-helper only. */
export type SshProxy = 'auto' | 'netcat' | 'native'

/** The ssh command line for a URI: program and arguments. */
export interface SshCommand {
  command: string
  args: string[]
}

function invalid(msg: string): LibvirtError {
  return LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.REMOTE, msg)
}

/** Quotes for a POSIX shell only when needed (libvirt's virBufferEscapeShell). */
export function shellQuote(s: string): string {
  if (s === '') return "''"
  if (!/[\r\t\n !"#$&'()*;<>?[\\\]^`{|}~]/.test(s)) return s
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * Quoted twice, for a word written as `'…'` inside `sh -c '…'`: those quotes close and reopen
 * the outer ones, so the login shell removes one level and `sh -c` the other.
 */
function quote2(s: string): string {
  return shellQuote(shellQuote(s))
}

/** The URI virt-ssh-helper gets: the daemon-side name plus `mode=` / `socket=` when given. */
function helperUri(uri: LibvirtUri): string {
  if (uri.param('name') !== undefined || uri.driver === 'remote') return uri.openName
  const extra = uri.params.filter(([k]) => /^(mode|socket)$/i.test(k)).map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2F/gi, '/')}`)
  if (extra.length === 0) return uri.openName
  const hash = uri.openName.indexOf('#')
  const base = hash >= 0 ? uri.openName.slice(0, hash) : uri.openName
  const frag = hash >= 0 ? uri.openName.slice(hash) : ''
  return `${base}${base.includes('?') ? '&' : '?'}${extra.join('&')}${frag}`
}

/** Remote command: virt-ssh-helper and/or netcat inside `sh -c` (virNetClientSSHHelperCommand). */
export function remoteCommand(uri: LibvirtUri, readOnly: boolean, remoteMode?: string, euid: number = process.geteuid?.() ?? 0): string {
  const explicitSocket = uri.param('socket') || undefined
  const netcat = uri.param('netcat') || undefined
  const userSession = euid > 0 && (uri.path === '/session' || (uri.explicitTransport && uri.driver === 'test'))

  const proxyStr = uri.param('proxy')
  let proxy: SshProxy
  if (proxyStr !== undefined) {
    if (proxyStr !== 'auto' && proxyStr !== 'netcat' && proxyStr !== 'native') throw invalid(`Unknown proxy type '${proxyStr}'`)
    proxy = proxyStr
  } else if (explicitSocket) proxy = 'netcat'
  else if (userSession) proxy = 'native'
  else proxy = 'auto'
  // A netcat binary named in the URI means the user wants the netcat proxy.
  if (proxy === 'auto' && netcat) proxy = 'netcat'
  if (proxy === 'native' && netcat) throw invalid('netcat path not valid with native proxy mode')

  const modeStr = (uri.param('mode') ?? remoteMode ?? 'auto').toLowerCase()
  if (modeStr !== 'auto' && modeStr !== 'legacy' && modeStr !== 'direct') throw invalid(`Unknown remote mode '${modeStr}'`)
  if (modeStr === 'direct' && !explicitSocket) {
    throw LibvirtError.local(ErrorCode.OPERATION_UNSUPPORTED, ErrorDomain.REMOTE, `Cannot use direct socket mode for ${uri.transport} transport`)
  }
  // Remote hosts default to the legacy libvirtd socket; virt-ssh-helper probes on the far side.
  const socket =
    explicitSocket ??
    (userSession ? join(userRuntimeDir(), 'libvirt-sock') : `/var/run/libvirt/libvirt-${readOnly ? 'sock-ro' : 'sock'}`)

  const nc = quote2(netcat ?? 'nc')
  const ncCmd =
    `if '${nc}' -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;` +
    `'${nc}' $ARG -U '${quote2(socket)}'`
  const helperCmd = `virt-ssh-helper${readOnly ? ' -r ' : ' '}'${quote2(helperUri(uri))}'`
  switch (proxy) {
    case 'auto':
      return `sh -c 'which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then     ${helperCmd}; else    ${ncCmd}; fi'`
    case 'netcat':
      return `sh -c '${ncCmd}'`
    case 'native':
      return `sh -c '${helperCmd}'`
  }
}

/** libssh/libssh2-only parameters, translated for the system ssh (`sshauth=` is left to ssh). */
function libsshOptions(uri: LibvirtUri): string[] {
  const out: string[] = []
  const knownHosts = uri.param('known_hosts')
  if (knownHosts) out.push('-o', `UserKnownHostsFile=${knownHosts}`)
  const verify = uri.param('known_hosts_verify')
  if (verify === 'ignore') out.push('-o', 'StrictHostKeyChecking=no')
  else if (verify === 'auto') out.push('-o', 'StrictHostKeyChecking=accept-new')
  else if (verify !== undefined && verify !== 'normal') throw invalid(`Invalid known_hosts_verify value '${verify}'`)
  return out
}

/** The full ssh command line for `uri` (virNetSocketNewConnectSSH). */
export function sshCommand(uri: LibvirtUri, readOnly: boolean, remoteMode?: string): SshCommand {
  const noTty = uri.flag('no_tty')
  const noVerify = uri.flag('no_verify')
  const args: string[] = []
  if (uri.port !== null) args.push('-p', String(uri.port))
  if (uri.user) args.push('-l', uri.user)
  const keyfile = uri.param('keyfile')
  if (keyfile) args.push('-i', keyfile)
  args.push('-T', '-e', 'none')
  if (noTty) args.push('-o', 'BatchMode=yes')
  if (noVerify) args.push('-o', 'StrictHostKeyChecking=no')
  if (uri.transport !== 'ssh') args.push(...libsshOptions(uri))
  args.push('--', uri.host ?? 'localhost', remoteCommand(uri, readOnly, remoteMode))
  return { command: uri.param('command') || 'ssh', args }
}

/** Transport factory for `+ssh`, `+libssh` and `+libssh2` (all through the system ssh). */
export async function connectSshTransport(req: TransportRequest): Promise<Transport> {
  const uri = req.uri
  if (!uri) throw invalid('the ssh transport needs a URI')
  const { command, args } = sshCommand(uri, req.readOnly, req.remoteMode)
  const who = `${uri.user ? uri.user + '@' : ''}${uri.host ?? 'localhost'}${uri.port !== null ? ':' + uri.port : ''}`
  const note = uri.transport === 'ssh' ? '' : ` (${uri.transport} mapped to the system ssh)`
  return spawnChildTransport({ command, args, description: `ssh:${who}${note}`, secure: true, signal: req.signal })
}

registerTransport('ssh', connectSshTransport)
registerTransport('libssh', connectSshTransport)
registerTransport('libssh2', connectSshTransport)
