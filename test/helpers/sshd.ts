// Test helper: a private OpenSSH server on 127.0.0.1 (own host key, config, port, authorized_keys)
// and the client side to reach it: a key pair and `ssh` wrapper scripts (passed as `command=`)
// that use a private ssh_config and known_hosts, since ssh reads ~ from passwd, not from $HOME.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SSHD = '/usr/sbin/sshd'

export interface TestSshd {
  readonly port: number
  readonly dir: string
  /** Private key in authorized_keys (pass as `keyfile=`). */
  readonly keyfile: string
  /** A key the server does not accept. */
  readonly wrongKeyfile: string
  /** ssh wrapper trusting the server's real host key (pass as `command=`). */
  readonly ssh: string
  /** ssh wrapper whose known_hosts lists a different key for the server. */
  readonly sshWrongHostKey: string
  stop(): Promise<void>
}

export function sshdAvailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} missing (apt-get install openssh-server)`
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' })
  } catch {
    return 'ssh client missing (apt-get install openssh-client)'
  }
  return null
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

function keygen(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'libvirt-async-test', '-f', path], { stdio: 'ignore' })
  return readFileSync(`${path}.pub`, 'utf8').trim()
}

function wrapper(dir: string, name: string, knownHosts: string): string {
  const config = join(dir, `${name}.config`)
  writeFileSync(
    config,
    [
      'Host *',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      '  BatchMode yes',
      '  ConnectTimeout 10',
      '',
    ].join('\n'),
  )
  const script = join(dir, name)
  writeFileSync(script, `#!/bin/sh\nexec ssh -F '${config}' "$@"\n`)
  chmodSync(script, 0o755)
  return script
}

/** Starts `sshd -D` on a free port of 127.0.0.1; resolves once it listens. */
export async function startSshd(): Promise<TestSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'libvirt-async-sshd-'))
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }) // privilege separation dir
  const hostPub = keygen(join(dir, 'host_ed25519'))
  const otherHostPub = keygen(join(dir, 'other_host_ed25519'))
  const clientPub = keygen(join(dir, 'id_ed25519'))
  keygen(join(dir, 'wrong_ed25519'))
  writeFileSync(join(dir, 'authorized_keys'), clientPub + '\n')
  const port = await freePort()
  const hostPattern = `[127.0.0.1]:${port}`
  const strip = (pub: string): string => pub.split(' ').slice(0, 2).join(' ')
  writeFileSync(join(dir, 'known_hosts'), `${hostPattern} ${strip(hostPub)}\n`)
  writeFileSync(join(dir, 'known_hosts_wrong'), `${hostPattern} ${strip(otherHostPub)}\n`)
  const config = join(dir, 'sshd_config')
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_ed25519')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  )
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`sshd did not start listening within 15 s:\n${log}`)), 15000)
    const fail = (e: Error): void => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      rmSync(dir, { recursive: true, force: true })
      reject(e)
    }
    child.stderr!.setEncoding('utf8')
    child.stderr!.on('data', (s: string) => {
      log += s
      if (log.includes(`Server listening on 127.0.0.1 port ${port}`)) {
        clearTimeout(timer)
        resolve()
      }
    })
    child.once('error', fail)
    child.once('exit', (code) => fail(new Error(`sshd exited with ${code}:\n${log}`)))
  })
  child.removeAllListeners('exit')
  return {
    port,
    dir,
    keyfile: join(dir, 'id_ed25519'),
    wrongKeyfile: join(dir, 'wrong_ed25519'),
    ssh: wrapper(dir, 'ssh-good', join(dir, 'known_hosts')),
    sshWrongHostKey: wrapper(dir, 'ssh-wrong-host-key', join(dir, 'known_hosts_wrong')),
    stop: () => stopChild(child).then(() => rmSync(dir, { recursive: true, force: true })),
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}
