// The ssh command line and the remote `sh -c` script, as libvirt's client builds them. The remote
// script is run through a real local `sh` (what sshd does with it) against stand-in nc and
// virt-ssh-helper programs that log their arguments, so quoting is checked by a real shell.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseLibvirtUri } from '../../src/index.js'
import { remoteCommand, sshCommand } from '../../src/transport/ssh.js'

let dir: string
before(() => {
  dir = mkdtempSync(join(tmpdir(), "libvirt-async-ssh cmd '"))
})
after(() => rmSync(dir, { recursive: true, force: true }))

/** A stand-in program that appends its argv (one per line, then `--`) to `log`. */
function logger(path: string, log: string, extra = ''): void {
  writeFileSync(path, `#!/bin/sh\n${extra}\nfor a in "$@"; do printf '%s\\n' "$a" >> '${log.replace(/'/g, `'\\''`)}'; done; echo -- >> '${log.replace(/'/g, `'\\''`)}'\n`)
  chmodSync(path, 0o755)
}

function runRemote(command: string, path: string): void {
  execFileSync('sh', ['-c', command], { env: { PATH: path }, stdio: 'ignore' })
}

test('argv layout: -p -l -i -T -e none, BatchMode, StrictHostKeyChecking, --, host, command', () => {
  const uri = parseLibvirtUri('qemu+ssh://alice@host.example:2222/system?keyfile=/k/id&no_tty=1&no_verify=1&command=/opt/ssh')
  const { command, args } = sshCommand(uri, false)
  assert.equal(command, '/opt/ssh')
  assert.deepEqual(args.slice(0, -1), ['-p', '2222', '-l', 'alice', '-i', '/k/id', '-T', '-e', 'none', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '--', 'host.example'])
  assert.match(args.at(-1)!, /^sh -c 'which virt-ssh-helper 1>\/dev\/null 2>&1; if test \$\? = 0; then +virt-ssh-helper 'qemu:\/\/\/system'; else +if 'nc' -q/)
  const bare = sshCommand(parseLibvirtUri('qemu+ssh://h/system'), true)
  assert.equal(bare.command, 'ssh')
  assert.deepEqual(bare.args.slice(0, -1), ['-T', '-e', 'none', '--', 'h'])
  assert.match(bare.args.at(-1)!, /virt-ssh-helper -r 'qemu:\/\/\/system'.* -U '\/var\/run\/libvirt\/libvirt-sock-ro'; fi'$/)
})

test('netcat and socket paths with spaces and quotes survive the remote shell', () => {
  const log = join(dir, 'nc.log')
  const fakeNc = join(dir, "my nc's")
  logger(fakeNc, log)
  const socket = join(dir, "odd sock'et")
  const uri = parseLibvirtUri(`test+ssh://h/default?netcat=${encodeURIComponent(fakeNc)}&socket=${encodeURIComponent(socket)}`)
  runRemote(remoteCommand(uri, false, undefined, 0), '/usr/bin:/bin')
  // First the -q probe, then the real call without -q0 (our stand-in never says "requires an argument").
  assert.equal(readFileSync(log, 'utf8'), `-q\n--\n-U\n${socket}\n--\n`)
})

test('netcat that knows -q gets -q0 (so it exits when the client goes)', () => {
  const log = join(dir, 'nc-q.log')
  const fakeNc = join(dir, 'nc-q')
  logger(fakeNc, log, `[ "$1" = -q ] && [ $# -eq 1 ] && { echo "nc: option requires an argument -- 'q'" >&2; exit 1; }`)
  runRemote(remoteCommand(parseLibvirtUri(`test+ssh://h/default?netcat=${encodeURIComponent(fakeNc)}&socket=/s`), false, undefined, 0), '/usr/bin:/bin')
  assert.equal(readFileSync(log, 'utf8'), `-q0\n-U\n/s\n--\n`)
})

test('proxy=auto runs virt-ssh-helper when the remote PATH has it, with mode= and socket= kept', () => {
  const bin = join(dir, 'bin')
  execFileSync('mkdir', ['-p', bin])
  const log = join(dir, 'helper.log')
  logger(join(bin, 'virt-ssh-helper'), log)
  const socket = join(dir, 'a sock')
  const uri = parseLibvirtUri(`qemu+ssh://h/system?proxy=auto&socket=${encodeURIComponent(socket)}&mode=legacy&foo=bar`)
  runRemote(remoteCommand(uri, true, undefined, 0), `${bin}:/usr/bin:/bin`)
  const [flag, helperUri] = readFileSync(log, 'utf8').split('\n')
  assert.equal(flag, '-r')
  const parsed = parseLibvirtUri(helperUri!)
  assert.equal(parsed.param('socket'), socket)
  assert.equal(parsed.param('mode'), 'legacy')
  assert.equal(parsed.param('foo'), 'bar')
})

test('defaults: socket= means netcat; /session as non-root means virt-ssh-helper only; mode=direct refused', () => {
  assert.match(remoteCommand(parseLibvirtUri('qemu+ssh://h/system?socket=/x'), false, undefined, 0), /^sh -c 'if 'nc' -q/)
  assert.match(remoteCommand(parseLibvirtUri('qemu+ssh://h/session'), false, undefined, 1000), /^sh -c 'virt-ssh-helper 'qemu:\/\/\/session''$/)
  assert.throws(() => remoteCommand(parseLibvirtUri('qemu+ssh://h/system?mode=direct'), false, undefined, 0), /Cannot use direct socket mode for ssh transport/)
})

test('libssh / libssh2 map to the system ssh, translating known_hosts and known_hosts_verify', () => {
  const { args } = sshCommand(parseLibvirtUri('qemu+libssh2://h/system?known_hosts=/kh&known_hosts_verify=ignore'), false)
  assert.deepEqual(args.slice(0, 8), ['-T', '-e', 'none', '-o', 'UserKnownHostsFile=/kh', '-o', 'StrictHostKeyChecking=no', '--'])
  assert.throws(() => sshCommand(parseLibvirtUri('qemu+libssh://h/system?known_hosts_verify=maybe'), false), /known_hosts_verify/)
})
