// Tracing hooks on a real private libvirtd: every diagnostics_channel channel with its payload
// (call start/end/error as one object, connect, close, event), URIs with passwords masked, and
// NODE_DEBUG=libvirt-async debug lines from a child process.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import diagnosticsChannel from 'node:diagnostics_channel'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  connect, redactUri, CloseReason, DomainEventID, LibvirtError, TRACING_CHANNELS,
  type CallEndMessage, type CallErrorMessage, type CallStartMessage, type CloseMessage, type ConnectMessage, type EventMessage,
} from '../../src/index.js'
import { startTestDaemon, testDomainXml, type TestDaemon } from '../../src/testing/index.js'
import { waitFor } from './events-helpers.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

/** Collects what `name` publishes until the returned stop() is called. */
function collect<T>(name: string): { seen: T[]; stop: () => void } {
  const seen: T[] = []
  const fn = (m: unknown): void => void seen.push(m as T)
  diagnosticsChannel.subscribe(name, fn)
  return { seen, stop: () => diagnosticsChannel.unsubscribe(name, fn) }
}

test('channel names are the documented ones', () => {
  assert.deepEqual(Object.values(TRACING_CHANNELS).sort(), [
    'libvirt-async:call:end', 'libvirt-async:call:error', 'libvirt-async:call:start',
    'libvirt-async:close', 'libvirt-async:connect', 'libvirt-async:event',
  ])
})

test('redactUri masks a password and nothing else', () => {
  assert.equal(redactUri('qemu+tcp://admin:s3cret@[::1]:16509/system?no_verify=1'), 'qemu+tcp://admin:***@[::1]:16509/system?no_verify=1')
  assert.equal(redactUri('qemu+ssh://root@127.0.0.1/system'), 'qemu+ssh://root@127.0.0.1/system')
  assert.equal(redactUri('qemu:///system'), 'qemu:///system')
  assert.equal(redactUri('test+unix:///default?socket=/tmp/a:b@c'), 'test+unix:///default?socket=/tmp/a:b@c')
  assert.equal(redactUri('esx://u:p:q@h/'), 'esx://u:***@h/')
})

test('call:start then call:end with the same object: procedure, program, serial, URI, duration', async () => {
  const start = collect<CallStartMessage>(TRACING_CHANNELS.callStart)
  const end = collect<CallEndMessage>(TRACING_CHANNELS.callEnd)
  try {
    await using conn = await connect(daemon.uri)
    start.seen.length = 0
    end.seen.length = 0
    const version = await conn.getLibVersion()
    assert.equal(typeof version, 'number') // the number/bigint rule: a version fits in 2^53
    assert.equal(start.seen.length, 1)
    assert.equal(end.seen.length, 1)
    const m = end.seen[0]!
    assert.equal(m, start.seen[0], 'the same object on start and end')
    assert.equal(m.procedureName, 'REMOTE_PROC_CONNECT_GET_LIB_VERSION')
    assert.equal(m.cFunction, 'virConnectGetLibVersion')
    assert.equal(m.program, 0x20008086)
    assert.equal(m.programName, 'remote')
    assert.equal(typeof m.procedure, 'number')
    assert.ok(m.serial > 0)
    assert.equal(m.uri, daemon.uri)
    assert.ok(m.duration >= 0 && Number.isFinite(m.duration))
  } finally {
    start.stop()
    end.stop()
  }
})

test('call:error carries the LibvirtError; a call refused before sending has serial 0', async () => {
  const start = collect<CallStartMessage>(TRACING_CHANNELS.callStart)
  const failed = collect<CallErrorMessage>(TRACING_CHANNELS.callError)
  try {
    const conn = await connect(daemon.uri)
    await assert.rejects(conn.domainLookupByName('no-such-domain'), LibvirtError)
    assert.equal(failed.seen.length, 1)
    const m = failed.seen[0]!
    assert.ok(start.seen.includes(m))
    assert.equal(m.procedureName, 'REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME')
    assert.ok(m.serial > 0)
    assert.ok(m.error instanceof LibvirtError)
    assert.equal((m.error as LibvirtError).codeName, 'VIR_ERR_NO_DOMAIN')
    await conn.close()
    failed.seen.length = 0
    await assert.rejects(conn.call((await import('../../src/protocol.js')).REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined), LibvirtError)
    assert.equal(failed.seen.length, 1)
    assert.equal(failed.seen[0]!.serial, 0)
  } finally {
    start.stop()
    failed.stop()
  }
})

test('connect and close: transport, duration, reason; a failed connect carries its error', async () => {
  const connects = collect<ConnectMessage>(TRACING_CHANNELS.connect)
  const closes = collect<CloseMessage>(TRACING_CHANNELS.close)
  try {
    const conn = await connect(daemon.uri)
    assert.equal(connects.seen.length, 1)
    assert.equal(connects.seen[0]!.uri, daemon.uri)
    assert.equal(connects.seen[0]!.transport, 'unix')
    assert.ok(connects.seen[0]!.duration >= 0)
    assert.equal(connects.seen[0]!.error, undefined)
    await conn.close()
    assert.equal(closes.seen.length, 1)
    assert.equal(closes.seen[0]!.reason, CloseReason.CLIENT)
    assert.equal(closes.seen[0]!.reasonName, 'CLIENT')
    assert.equal(closes.seen[0]!.uri, daemon.uri)

    const bad = `test+unix://admin:hunter2@/default?socket=${daemon.dir}/no-such-sock`
    await assert.rejects(connect(bad), LibvirtError)
    assert.equal(connects.seen.length, 2)
    assert.ok(connects.seen[1]!.error instanceof LibvirtError)
    assert.ok(!connects.seen[1]!.uri!.includes('hunter2'), connects.seen[1]!.uri!)
    assert.equal(closes.seen.length, 1, 'a connection that never opened is not reported closed')
  } finally {
    connects.stop()
    closes.stop()
  }
})

test('event: family and event id of every event message, before delivery', async () => {
  const events = collect<EventMessage>(TRACING_CHANNELS.event)
  try {
    await using conn = await connect(daemon.uri)
    const delivered: number[] = []
    await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, _d, event) => void delivered.push(event))
    const dom = await conn.domainDefineXML(testDomainXml('traced'))
    await dom.undefine()
    await waitFor(() => delivered.length >= 2, 'two lifecycle events')
    const mine = events.seen.filter((e) => e.uri === daemon.uri)
    assert.ok(mine.length >= 2)
    for (const e of mine) {
      assert.equal(e.family, 'domain')
      assert.equal(e.eventId, DomainEventID.LIFECYCLE)
      assert.equal(typeof e.callbackId, 'number')
    }
  } finally {
    events.stop()
  }
})

test('NODE_DEBUG=libvirt-async prints call, reply, connect and close lines', { timeout: 60_000 }, async () => {
  const index = fileURLToPath(new URL('../../src/index.js', import.meta.url))
  const script = `const { connect } = await import(${JSON.stringify(index)}); const c = await connect(process.argv[1]); await c.getLibVersion(); await c.close()`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, daemon.uri], { env: { ...process.env, NODE_DEBUG: 'libvirt-async' } })
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  assert.equal(code, 0, stderr)
  assert.match(stderr, /^LIBVIRT-ASYNC \d+: connect .* over unix in [\d.]+ ms$/m)
  assert.match(stderr, /^LIBVIRT-ASYNC \d+: call REMOTE_PROC_CONNECT_GET_LIB_VERSION serial=\d+ prog=0x20008086 proc=\d+ uri=/m)
  assert.match(stderr, /^LIBVIRT-ASYNC \d+: reply REMOTE_PROC_CONNECT_GET_LIB_VERSION serial=\d+ [\d.]+ ms$/m)
  assert.match(stderr, /^LIBVIRT-ASYNC \d+: close .* reason=CLIENT$/m)
})
