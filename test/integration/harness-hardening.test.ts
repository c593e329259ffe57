// The test harness, hardened (issue 15 item 7): restart() right after kill() works every time and
// orphans no daemon; a `dir:` state dir is not world-readable and no socket is world-writable;
// the private daemon's loopback interface is up in its own network namespace.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '../../src/index.js'
import { startTestDaemon } from '../../src/testing/index.js'
import { within } from '../helpers/bounded.js'

const ROOT = process.getuid?.() === 0

function libvirtdAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'libvirtd'
  } catch {
    return false
  }
}

test('restart() right after kill(), 10 times: each restart answers, no old daemon is left running', { timeout: 180_000 }, async () => {
  await using d = await startTestDaemon()
  const pids: number[] = []
  for (let i = 0; i < 10; i++) {
    const old = d.pid
    pids.push(old)
    d.kill('SIGKILL')
    await within(30_000, d.restart(), `restart #${i + 1} after kill`)
    assert.notEqual(d.pid, old)
    const conn = await connect(d.uri, { keepAlive: false })
    assert.ok(await conn.getLibVersion())
    await conn.close()
  }
  // every killed daemon is gone (not running, not orphaned)
  await new Promise((r) => setTimeout(r, 200))
  assert.deepEqual(pids.filter(libvirtdAlive), [])
})

test('a dir: state dir is the owner\'s alone and no socket is world-writable', async () => {
  const parent = mkdtempSync(join(tmpdir(), 'la-harness-'))
  try {
    const dir = join(parent, 'state')
    await using d = await startTestDaemon({ dir })
    assert.equal(statSync(dir).mode & 0o077, 0, `state dir mode ${(statSync(dir).mode & 0o777).toString(8)}`)
    for (const s of [d.socket, d.roSocket, d.adminSocket]) {
      if (!existsSync(s)) continue
      assert.equal(statSync(s).mode & 0o002, 0, `${s} mode ${(statSync(s).mode & 0o777).toString(8)}`)
    }
  } finally {
    rmSync(parent, { recursive: true, force: true })
  }
})

test('the private daemon\'s loopback interface is up in its network namespace', async (t) => {
  if (!ROOT) return t.skip('needs root: without it the daemon shares the host network namespace')
  await using d = await startTestDaemon()
  if (!d.namespaced) return t.skip('the daemon is not namespaced here')
  const flags = execFileSync('nsenter', [`--net=/proc/${d.pid}/ns/net`, 'ip', '-o', 'link', 'show', 'lo'], { encoding: 'utf8' })
  assert.match(flags, /<[^>]*\bUP\b[^>]*>/, flags)
})
