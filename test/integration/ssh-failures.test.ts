// `+ssh` failures against a real sshd: wrong key, host-key mismatch, refused port, missing remote
// socket, missing ssh binary, bad parameters. Each rejects connect() with a LibvirtError carrying
// ssh's (or nc's) own message, without waiting for a timeout, and leaves no ssh child behind.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { connect, ErrorCode, LibvirtError } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { freePort, sshdAvailable, startSshd, type TestSshd } from '../helpers/sshd.js'
import { within } from '../helpers/bounded.js'

const missing = sshdAvailable()
const opts = { skip: missing ?? false, timeout: 60000 }
let daemon: TestDaemon
let sshd: TestSshd

before(async () => {
  if (missing) return
  daemon = await startTestDaemon()
  sshd = await startSshd()
})
after(async () => {
  await sshd?.stop()
  await daemon?.stop()
})

function sshUri(params: Record<string, string>, port = sshd.port): string {
  const q = new URLSearchParams({ socket: daemon.socket, proxy: 'netcat', keyfile: sshd.keyfile, command: sshd.ssh, ...params })
  return `test+ssh://root@127.0.0.1:${port}/default?${q}`
}

/** ssh processes whose argv names `port` (our children only ever use -p). */
function sshChildren(port: number): number[] {
  const out: number[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue
    try {
      const argv = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0')
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue
      if (/(^|\/)ssh$/.test(argv[0] ?? '') && argv[argv.indexOf('-p') + 1] === String(port)) out.push(Number(d))
    } catch {
      // raced with exit
    }
  }
  return out
}

/** Waits (generously) until no ssh child of ours talks to `port`; returns the stragglers. */
async function settledSshChildren(port: number): Promise<number[]> {
  const end = Date.now() + 10000
  let left = sshChildren(port)
  while (left.length > 0 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 50))
    left = sshChildren(port)
  }
  return left
}

async function rejectsWith(uri: string, code: number, pattern: RegExp): Promise<LibvirtError> {
  let caught: unknown
  // "without waiting for a timeout": ssh fails within a second here; 10 s leaves room for a loaded
  // machine and is still far below ssh's own ConnectTimeout.
  await assert.rejects(within(10_000, connect(uri), `connect(${uri})`), (e: unknown) => ((caught = e), true))
  assert.ok(caught instanceof LibvirtError, `expected a LibvirtError, got ${String(caught)}`)
  assert.equal(caught.code, code, caught.message)
  assert.match(caught.message, pattern)
  return caught
}

test('wrong key: Permission denied from ssh', opts, async () => {
  const e = await rejectsWith(sshUri({ keyfile: sshd.wrongKeyfile }), ErrorCode.SYSTEM_ERROR, /^Cannot recv data: .*Permission denied \(publickey\)/s)
  assert.equal(e.local, true)
  assert.deepEqual(await settledSshChildren(sshd.port), [])
})

test('host key mismatch: Host key verification failed', opts, async () => {
  await rejectsWith(sshUri({ command: sshd.sshWrongHostKey }), ErrorCode.SYSTEM_ERROR, /^Cannot recv data: .*Host key verification failed\./s)
  assert.deepEqual(await settledSshChildren(sshd.port), [])
})

test('no_verify=1 is passed on: ssh warns about the changed key but key auth proceeds', opts, async () => {
  // With StrictHostKeyChecking=no, OpenSSH still refuses password auth for a changed host key but
  // allows public-key auth; the same as libvirt's C client with the same URI.
  const conn = await connect(sshUri({ command: sshd.sshWrongHostKey, no_verify: '1' }))
  await conn.close()
  assert.deepEqual(await settledSshChildren(sshd.port), [])
})

test('refused port: Connection refused from ssh', opts, async () => {
  const port = await freePort()
  await rejectsWith(sshUri({}, port), ErrorCode.SYSTEM_ERROR, new RegExp(`^Cannot recv data: ssh: connect to host 127\\.0\\.0\\.1 port ${port}: Connection refused`))
  assert.deepEqual(await settledSshChildren(port), [])
})

test('remote socket missing: netcat says so', opts, async () => {
  await rejectsWith(sshUri({ socket: `${daemon.dir}/no-such-sock` }), ErrorCode.SYSTEM_ERROR, /^Cannot recv data: .*No such file or directory/s)
  assert.deepEqual(await settledSshChildren(sshd.port), [])
})

test('ssh binary missing: Cannot run', opts, async () => {
  await rejectsWith(sshUri({ command: '/nonexistent/ssh' }), ErrorCode.SYSTEM_ERROR, /^Cannot run '\/nonexistent\/ssh': No such file or directory$/)
})

test('bad parameters are refused before anything runs', opts, async () => {
  await rejectsWith(sshUri({ proxy: 'bogus' }), ErrorCode.INVALID_ARG, /^Unknown proxy type 'bogus'$/)
  await rejectsWith(sshUri({ no_tty: 'yes' }), ErrorCode.INVALID_ARG, /^Failed to parse value of URI component no_tty$/)
  await rejectsWith(sshUri({ proxy: 'native', netcat: 'nc' }), ErrorCode.INVALID_ARG, /^netcat path not valid with native proxy mode$/)
})
