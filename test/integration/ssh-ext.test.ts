// `+ext`: a user command whose stdin/stdout carry the protocol (here `nc -U` to a private
// libvirtd), and its failures: no command=, a missing program, a program that exits with an error.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect, CloseReason, ErrorCode, LibvirtError } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import type { ChildTransport } from '../../src/transport/child-transport.js'
import { runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { AT_ONCE_MS, timedRejection, within } from '../helpers/bounded.js'

const nc = ['/usr/bin/nc', '/bin/nc'].find((p) => existsSync(p))
const opts = { skip: nc ? false : 'nc missing (apt-get install netcat-openbsd)', timeout: 60000 }
let daemon: TestDaemon
let dir: string

function script(name: string, body: string): string {
  const path = join(dir, name)
  writeFileSync(path, `#!/bin/sh\n${body}\n`)
  chmodSync(path, 0o755)
  return path
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'libvirt-async-ext-'))
  if (nc) daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Polls /proc until `pid` is gone or a zombie (generous bound). */
async function gone(pid: number, ms = 10000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      return true
    }
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

test('ext: nc -U as the command; calls work; close kills it', opts, async () => {
  const cmd = script('tunnel', `exec nc -U '${daemon.socket}'`)
  const conn = await connect(`test+ext:///default?command=${encodeURIComponent(cmd)}`)
  const t = conn.rpc.transport as ChildTransport
  assert.equal(t.secure, false, 'ext is never marked secure')
  assert.equal(t.description, `ext:${cmd}`)
  const uri = await conn.call(REMOTE_PROCEDURES.CONNECT_GET_URI, undefined)
  assert.equal(uri.uri, 'test:///default')
  await conn.close()
  assert.equal(await conn.closed, CloseReason.CLIENT)
  assert.ok(await gone(t.pid!), `child ${t.pid} still running after close`)
})

test('ext: the command dying ends the connection with the C client\'s reason (EOF: its pipe hangs up)', opts, async () => {
  // libvirt's client in the same scenario: the command is killed, its close callback gets EOF.
  const pidFile = join(dir, 'tunnel.pid')
  const oracleCmd = script('short-oracle', `echo $$ > '${pidFile}'\nexec nc -U '${daemon.socket}'`)
  const cReasons = await runOracle<number[]>(`test+ext:///default?command=${encodeURIComponent(oracleCmd)}`, `
import os, signal
reasons = []
conn.registerCloseCallback(lambda c, r, o: reasons.append(r), None)
os.kill(int(open(args['pidFile']).read()), signal.SIGTERM)
wait_until(lambda: reasons, 10)
result = reasons
`, { events: true, args: { pidFile } })
  assert.deepEqual(cReasons, [CloseReason.EOF], 'the C client reports EOF')

  const cmd = script('short', `exec nc -U '${daemon.socket}'`)
  const conn = await connect(`test+ext:///default?command=${encodeURIComponent(cmd)}`)
  process.kill((conn.rpc.transport as ChildTransport).pid!, 'SIGTERM')
  assert.equal(await within(AT_ONCE_MS, conn.closed, 'closed after the command died'), CloseReason.EOF)
})

test('ext: a failing command rejects with its stderr', opts, async () => {
  const cmd = script('fails', `echo "tunnel: no route to the hypervisor" >&2; exit 3`)
  await assert.rejects(connect(`test+ext:///default?command=${encodeURIComponent(cmd)}`), (e: unknown) => {
    assert.ok(e instanceof LibvirtError, String(e))
    assert.equal(e.code, ErrorCode.SYSTEM_ERROR)
    assert.equal(e.message, 'Cannot recv data: tunnel: no route to the hypervisor: Connection reset by peer')
    return true
  })
})

test('ext: missing command= and missing program', opts, async () => {
  await assert.rejects(connect('test+ext:///default'), (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.INVALID_ARG && /for 'ext' transport, command is required/.test(e.message))
  await assert.rejects(connect('test+ext:///default?command=/nonexistent/tunnel'), (e: unknown) => e instanceof LibvirtError && e.code === ErrorCode.SYSTEM_ERROR && e.message === "Cannot run '/nonexistent/tunnel': No such file or directory")
})

test('ext: a command that never answers is bounded by connect({ timeout }) and killed', opts, async () => {
  const cmd = script('silent', 'exec sleep 60')
  // The promised 500 ms, not before it and not much after.
  const { error, ms } = await timedRejection(() => within(500 + AT_ONCE_MS, connect(`test+ext:///default?command=${encodeURIComponent(cmd)}`, { timeout: 500 }), 'connect({ timeout: 500 })'))
  assert.ok(error instanceof LibvirtError && error.code === ErrorCode.OPERATION_TIMEOUT, String(error))
  assert.ok(ms >= 490, `timed out after ${Math.round(ms)} ms, before the 500 ms asked for`)
  // The sleep is our only child running `silent`; it must be gone.
  const end = Date.now() + 10000
  const alive = (): boolean => readdirSync('/proc').some((d) => {
    if (!/^\d+$/.test(d)) return false
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
      return Number(stat.split(') ')[1]?.split(' ')[1]) === process.pid && !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('sleep')
    } catch {
      return false
    }
  })
  while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
  assert.equal(alive(), false, 'the command was killed')
})
