// Integration tests of the test harness itself (libvirt-async/testing): real private libvirtd
// daemons, checked from outside through /proc, the file system and libvirt's C client (the oracle).
// They prove that daemons start, isolate, stop, and never outlive an interrupted test run.

import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { once } from 'node:events'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import {
  OracleLibvirtError,
  runOracle,
  startTestDaemon,
  TestHarnessError,
  testDomainXml,
  testNodeXml,
} from '../../src/testing/index.js'
import { procState } from '../../src/testing/proc.js'
import { within } from '../helpers/bounded.js'

const ROOT = process.getuid?.() === 0
const HAS_QEMU = ROOT && existsSync('/usr/bin/qemu-system-x86_64')
const TESTING_MODULE = new URL('../../src/testing/index.js', import.meta.url).href

/** Bounded wait for a condition that should become true soon (not a timing assertion). */
async function eventually(pred: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) return false
    await sleep(25)
  }
  return true
}

/** PIDs of live QEMU processes running the guest called `name`. */
function qemuPids(name: string): number[] {
  const out: number[] = []
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0')
      if (cmd.includes(`guest=${name},debug-threads=on`) || cmd.includes(`guest=${name}`)) {
        if (procState(Number(e)) !== 'gone') out.push(Number(e))
      }
    } catch {
      // raced with its exit
    }
  }
  return out
}

/** PIDs of live processes whose command line mentions `text` (e.g. a daemon's state dir). */
function pidsMentioning(text: string): number[] {
  const out: number[] = []
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(text) && procState(Number(e)) !== 'gone') out.push(Number(e))
    } catch {
      // raced with its exit
    }
  }
  return out
}

function vmXml(name: string): string {
  return `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>` +
    `<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`
}

const DOMAIN_NAMES = 'result = sorted(d.name() for d in conn.listAllDomains())'

describe('startTestDaemon (test driver)', () => {
  it('starts a daemon the C client can use, and stop() leaves nothing behind', async () => {
    const d = await startTestDaemon()
    try {
      assert.equal(procState(d.pid), 'running')
      assert.equal(readFileSync(`/proc/${d.pid}/comm`, 'utf8').trim(), 'libvirtd')
      assert.ok(existsSync(d.socket) && existsSync(d.roSocket))
      assert.equal(d.uri, `test+unix:///default?socket=${d.socket}`)
      assert.equal(d.qemuUri, undefined)
      // the test driver's default node has exactly one domain, "test"
      assert.deepEqual(await runOracle(d.uri, DOMAIN_NAMES), ['test'])
      const ro = await runOracle<[boolean, string]>(d.roUri, 'result = [conn.isAlive() == 1, conn.getURI()]', { readOnly: true })
      assert.equal(ro[0], true)
    } finally {
      await d.stop()
    }
    assert.equal(procState(d.pid), 'gone')
    assert.equal(existsSync(d.dir), false, 'temp dir removed')
    assert.deepEqual(pidsMentioning(d.dir), [], 'no process of this daemon is left')
    await d.stop() // a second stop is harmless
  })

  it('writeTestNode gives a URI with private state read from the file', async () => {
    await using d = await startTestDaemon()
    const uri = d.writeTestNode(testNodeXml([testDomainXml('alpha'), testDomainXml('beta')]))
    assert.match(uri, /^test\+unix:\/\/\/.+\.xml\?socket=/)
    assert.deepEqual(await runOracle(uri, DOMAIN_NAMES), ['alpha', 'beta'])
    // a domain defined on the file URI stays there: the shared default state does not see it
    await runOracle(uri, 'conn.defineXML(args)', { args: testDomainXml('gamma') })
    assert.deepEqual(await runOracle(d.uri, DOMAIN_NAMES), ['test'])
  })

  it('applies extra libvirtd.conf settings', async () => {
    await using d = await startTestDaemon({ config: { unix_sock_ro_perms: '0700' } })
    assert.equal(statSync(d.roSocket).mode & 0o777, 0o700)
    await using plain = await startTestDaemon()
    // the default: no socket is world-writable (issue 15)
    assert.equal(statSync(plain.roSocket).mode & 0o777, 0o770)
  })

  it('runs two daemons at once, each with its own state', async () => {
    await using a = await startTestDaemon()
    await using b = await startTestDaemon()
    assert.notEqual(a.pid, b.pid)
    assert.notEqual(a.socket, b.socket)
    // one script holds both connections: the default test state resets when its last client leaves
    const seen = await runOracle(a.uri, `
conn.defineXML(args['xml'])
other = libvirt.open(args['b'])
result = [sorted(d.name() for d in conn.listAllDomains()), sorted(d.name() for d in other.listAllDomains())]`,
    { args: { xml: testDomainXml('only-on-a'), b: b.uri } })
    assert.deepEqual(seen, [['only-on-a', 'test'], ['test']])
  })

  it('kill(), freeze()/thaw() and restart() act on the real daemon', async () => {
    await using d = await startTestDaemon()
    d.freeze()
    assert.ok(await eventually(() => procState(d.pid) === 'stopped'))
    d.thaw()
    assert.ok(await eventually(() => procState(d.pid) === 'running'))
    assert.equal(await runOracle(d.uri, 'result = conn.isAlive()'), 1)
    const old = d.pid
    d.kill()
    assert.ok(await eventually(() => procState(old) === 'gone'))
    await assert.rejects(runOracle(d.uri, 'pass'), OracleLibvirtError)
    await d.restart()
    assert.notEqual(d.pid, old)
    assert.deepEqual(await runOracle(d.uri, DOMAIN_NAMES), ['test'])
    await d.stop()
    await assert.rejects(d.restart(), (e: unknown) => e instanceof TestHarnessError && e.code === 'STOPPED')
  })

  it('stop() ends a frozen daemon', async () => {
    const d = await startTestDaemon({ stopTimeoutMs: 2000 })
    d.freeze()
    await d.stop()
    assert.equal(procState(d.pid), 'gone')
  })

  it('rejects bad options with typed errors before starting anything', async () => {
    await assert.rejects(startTestDaemon({ bogus: 1 } as never), TypeError)
    await assert.rejects(startTestDaemon({ qemu: 'yes' } as never), TypeError)
    await assert.rejects(startTestDaemon({ env: { A: 1 } } as never), TypeError)
    await assert.rejects(startTestDaemon({ startTimeoutMs: -1 }), RangeError)
    await assert.rejects(startTestDaemon({ config: { 'bad key': 1 } }), RangeError)
    await assert.rejects(startTestDaemon({ config: { x: 'a\nb' } }), RangeError)
    if (ROOT) await assert.rejects(startTestDaemon({ files: { '/home/x': '' } }), RangeError)
  })

  it('reports a daemon that fails to start with its log', async () => {
    // a config libvirtd refuses: the error must say so instead of hanging until the (30 s) start
    // timeout — libvirtd exits at once, so 10 s is plenty and still well under it
    const err = await within(10_000, startTestDaemon({ config: { max_clients: 'many' } }), 'startTestDaemon with a refused config').then(
      () => assert.fail('started'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof TestHarnessError)
    assert.equal(err.code, 'START_FAILED')
    assert.match(err.message, /max_clients/)
  })
})

describe('the oracle (python3-libvirt)', () => {
  it('returns exact 64-bit integers and bytes, and libvirt errors as OracleLibvirtError', async () => {
    await using d = await startTestDaemon()
    const r = await runOracle<{ big: bigint; raw: Buffer; lib: number }>(d.uri, "result = {'big': 2**63 - 1, 'raw': bytes([0, 255]), 'lib': conn.getLibVersion()}")
    assert.equal(r.big, 9223372036854775807n)
    assert.deepEqual([...r.raw], [0, 255])
    assert.ok(r.lib > 0)
    const err = await runOracle(d.uri, "conn.lookupByName('no-such-domain')").then(
      () => assert.fail('resolved'),
      (e: unknown) => e,
    )
    assert.ok(err instanceof OracleLibvirtError)
    assert.equal(err.code, 42) // VIR_ERR_NO_DOMAIN
    await assert.rejects(runOracle(d.uri, 'raise ValueError("boom")'), (e: unknown) => e instanceof TestHarnessError && e.code === 'ORACLE_FAILED' && /boom/.test(e.message))
    await assert.rejects(runOracle(null, 'import time\ntime.sleep(30)', { timeoutMs: 200 }), (e: unknown) => e instanceof TestHarnessError && e.code === 'ORACLE_TIMEOUT')
    await assert.rejects(runOracle(d.uri, 42 as never), TypeError)
  })

  it('runs event scripts with libvirt\'s event loop (events: true)', async () => {
    await using d = await startTestDaemon()
    const seen = await runOracle<Array<[string, number]>>(d.uri, `
got = []
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda c, dom, ev, detail, opaque: got.append([dom.name(), ev]), None)
conn.defineXML(args).undefine()
wait_until(lambda: len(got) >= 2)
result = got`, { events: true, args: testDomainXml('evented') })
    // VIR_DOMAIN_EVENT_DEFINED 0, then VIR_DOMAIN_EVENT_UNDEFINED 1
    assert.deepEqual(seen, [['evented', 0], ['evented', 1]])
  })
})

describe('interrupted test runs', () => {
  async function interrupted(qemu: boolean): Promise<void> {
    // a child test process starts a daemon (and with QEMU a VM), then is told to stop
    const name = `interrupted-${process.pid}`
    const script = `
      const { startTestDaemon, runOracle } = await import(process.argv[1])
      const qemu = process.argv[2] === '1'
      const d = await startTestDaemon({ qemu })
      if (qemu) await runOracle(d.qemuUri, 'conn.createXML(args, 0)', { args: process.argv[3] })
      process.stdout.write(JSON.stringify({ pid: d.pid, dir: d.dir }) + '\\n')
      setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, TESTING_MODULE, qemu ? '1' : '0', vmXml(name)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    assert.ok(await eventually(() => out.includes('\n') || child.exitCode !== null, 120_000), 'child started a daemon')
    const { pid, dir } = JSON.parse(out) as { pid: number; dir: string }
    assert.equal(procState(pid), 'running')
    const vms = qemu ? qemuPids(name) : []
    if (qemu) assert.equal(vms.length, 1, 'the VM runs')
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const [, signal] = (await exited) as [number | null, NodeJS.Signals | null]
    assert.equal(signal, 'SIGTERM', 'the child still dies of SIGTERM')
    assert.ok(await eventually(() => procState(pid) === 'gone'), 'libvirtd is gone')
    assert.ok(await eventually(() => vms.every((p) => procState(p) === 'gone')), 'QEMU is gone')
    assert.ok(await eventually(() => pidsMentioning(dir).length === 0), 'nothing of the daemon is left')
    assert.equal(existsSync(dir), false, 'temp dir removed')
  }

  it('SIGTERM to a test process ends its daemon', () => interrupted(false))
  it('a test process killed with SIGKILL still takes its daemon down (parent-death signal)', async () => {
    const script = `
      const { startTestDaemon } = await import(process.argv[1])
      const d = await startTestDaemon()
      process.stdout.write(JSON.stringify({ pid: d.pid, dir: d.dir }) + '\\n')
      setInterval(() => {}, 1000)`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, TESTING_MODULE], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    assert.ok(await eventually(() => out.includes('\n') || child.exitCode !== null, 60_000), 'child started a daemon')
    const { pid, dir } = JSON.parse(out) as { pid: number; dir: string }
    after(() => rmSync(dir, { recursive: true, force: true })) // no exit hook ran to remove it
    assert.equal(procState(pid), 'running')
    const exited = once(child, 'exit')
    child.kill('SIGKILL')
    await exited
    assert.ok(await eventually(() => procState(pid) === 'gone'), 'libvirtd is gone')
    assert.ok(await eventually(() => pidsMentioning(dir).length === 0), 'nothing of the daemon is left')
  })
  it('SIGTERM to a test process ends its QEMU daemon and VM', { skip: HAS_QEMU ? false : 'needs root and qemu-system-x86' }, () => interrupted(true))
})

describe('startTestDaemon({ qemu: true })', { skip: HAS_QEMU ? false : 'needs root and qemu-system-x86' }, () => {
  it('runs a tiny diskless VM through the C client; stop() also ends the VM', async () => {
    const d = await startTestDaemon({ qemu: true })
    const name = `harness-vm-${process.pid}`
    try {
      assert.ok(d.qemuUri?.startsWith('qemu+unix:///system?socket='))
      const info = await runOracle<{ active: number; state: number }>(d.qemuUri!, `
dom = conn.defineXML(args)
dom.create()
result = {'active': dom.isActive(), 'state': dom.state()[0]}`, { args: vmXml(name) })
      assert.deepEqual(info, { active: 1, state: 1 }) // VIR_DOMAIN_RUNNING
      assert.equal(qemuPids(name).length, 1)
      // destroy through libvirt, start again, then leave it running for stop() to clean up
      const after = await runOracle<number>(d.qemuUri!, `
dom = conn.lookupByName(args)
dom.destroy()
assert dom.isActive() == 0
dom.create()
result = dom.isActive()`, { args: name })
      assert.equal(after, 1)
    } finally {
      await d.stop()
    }
    assert.equal(procState(d.pid), 'gone')
    assert.deepEqual(qemuPids(name), [], 'stop() ended the VM')
    assert.deepEqual(pidsMentioning(d.dir), [])
    assert.equal(existsSync(d.dir), false)
  })

  it('two QEMU daemons run at once, isolated from each other and from the host', async () => {
    await using a = await startTestDaemon({ qemu: true })
    await using b = await startTestDaemon({ qemu: true })
    await runOracle(a.qemuUri!, 'conn.defineXML(args)', { args: vmXml('only-on-a') })
    assert.deepEqual(await runOracle(a.qemuUri!, DOMAIN_NAMES), ['only-on-a'])
    assert.deepEqual(await runOracle(b.qemuUri!, DOMAIN_NAMES), [])
    // their private /run, /var and /etc never reached the host
    assert.equal(existsSync('/var/lib/libvirt/qemu/only-on-a.xml'), false)
    assert.equal(existsSync('/etc/libvirt/qemu/only-on-a.xml'), false)
    const hostNs = execFileSync('readlink', ['/proc/self/ns/mnt']).toString().trim()
    assert.notEqual(execFileSync('readlink', [`/proc/${a.pid}/ns/mnt`]).toString().trim(), hostNs)
  })
})

describe('without root', { skip: ROOT && existsSync('/usr/bin/setpriv') ? false : 'needs root (to drop to nobody) and setpriv' }, () => {
  async function asNobody(body: string): Promise<{ code: number | null; out: string }> {
    // the work tree may sit where nobody cannot read (e.g. under /root): run a world-readable copy
    const copy = mkdtempSync('/tmp/libvirt-async-nobody-')
    after(() => rmSync(copy, { recursive: true, force: true }))
    cpSync(fileURLToPath(new URL('../../src', import.meta.url)), join(copy, 'src'), { recursive: true })
    writeFileSync(join(copy, 'package.json'), '{"type":"module"}\n')
    execFileSync('chmod', ['-R', 'a+rX', copy])
    const module = pathToFileURL(join(copy, 'src/testing/index.js')).href
    const script = `const t = await import(process.argv[1]); ${body}`
    const child = spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '--input-type=module', '-e', script, module], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: '/tmp' },
    })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s))
    const [code] = (await once(child, 'exit')) as [number | null]
    return { code, out }
  }

  it('runs the test driver unprivileged', async () => {
    const { code, out } = await asNobody(`
      const d = await t.startTestDaemon()
      const names = await t.runOracle(d.uri, ${JSON.stringify(DOMAIN_NAMES)})
      const uid = (await import('node:fs')).readFileSync('/proc/' + d.pid + '/status', 'utf8').match(/^Uid:\\s+(\\d+)/m)[1]
      await d.stop()
      console.log(JSON.stringify({ names, uid, namespaced: d.namespaced }))`)
    assert.equal(code, 0)
    assert.deepEqual(JSON.parse(out), { names: ['test'], uid: '65534', namespaced: false })
  })

  it('rejects qemu: true with NOT_ROOT and a way out', async () => {
    const { code, out } = await asNobody(`
      const e = await t.startTestDaemon({ qemu: true }).then(() => null, (e) => e)
      console.log(JSON.stringify({ code: e?.code, hint: e?.hint }))`)
    assert.equal(code, 0)
    const r = JSON.parse(out) as { code: string; hint: string }
    assert.equal(r.code, 'NOT_ROOT')
    assert.match(r.hint, /qemu: false/)
  })
})
