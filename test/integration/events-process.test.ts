// Does an open connection keep the process alive? Checked in child processes against a real
// daemon: unref() lets it exit with registrations open; ref() keeps it alive; after close() no
// timer or immediate of ours ever runs (async_hooks watches every one the child creates).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

const INDEX = fileURLToPath(new URL('../../src/index.js', import.meta.url))
// the raw procedure tables live in the protocol entry point (libvirt-async/protocol)
const PROTOCOL = fileURLToPath(new URL('../../src/protocol.js', import.meta.url))

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

function runChild(body: string): Promise<{ code: number | null; out: string }> {
  const src = `import * as lib from ${JSON.stringify(INDEX)}\nimport * as protocol from ${JSON.stringify(PROTOCOL)}\nconst uri = ${JSON.stringify(daemon.uri)}\n${body}`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', src], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    // a hang is a failure, not a stuck test run
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(kill)
      resolve({ code, out })
    })
  })
}

test('unref(): the process exits with an open connection and live registrations', async () => {
  const r = await runChild(`
const conn = await lib.connect(uri, { keepAlive: { interval: 1, count: 3 } })
await conn.domainEventRegisterAny(null, 0, () => {})
await conn.registerCloseCallback(() => {})
conn.unref()
process.on('exit', () => console.log('exited, alive=' + conn.isAlive()))
`)
  assert.equal(r.code, 0, r.out)
  assert.match(r.out, /exited, alive=true/)
})

test('ref() (the default, and after unref) keeps the process alive', async () => {
  const r = await runChild(`
const conn = await lib.connect(uri)
await conn.domainEventRegisterAny(null, 0, () => {})
conn.unref().ref()
// an unref'd timer only runs if something else keeps the loop alive: the connection
setTimeout(() => { console.log('still alive'); process.exit(0) }, 1500).unref()
`)
  assert.equal(r.code, 0, r.out)
  assert.match(r.out, /still alive/)
})

test('after close() no timer or immediate of ours runs, and the process exits by itself', async () => {
  const r = await runChild(`
import { createHook } from 'node:async_hooks'
const handles = new Set()
let closed = false
const late = []
createHook({
  init(id, type) { if (type === 'Timeout' || type === 'Immediate') handles.add(id) },
  before(id) { if (closed && handles.has(id)) late.push(id) },
}).enable()
const conn = await lib.connect(uri, { keepAlive: { interval: 1, count: 1 } })
await conn.domainEventRegisterAny(null, 0, () => {})
await conn.registerCloseCallback(() => {})
// some events in flight, so the dispatch path has run
const other = await lib.connect(uri)
const { dom } = await other.call(protocol.REMOTE_PROCEDURES.DOMAIN_DEFINE_XML, { xml: "<domain type='test'><name>ev-proc</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>" })
await other.call(protocol.REMOTE_PROCEDURES.DOMAIN_UNDEFINE, { dom })
await other.close()
await conn.close()
closed = true
process.on('exit', () => console.log('late=' + late.length))
`)
  assert.equal(r.code, 0, r.out)
  assert.match(r.out, /late=0/)
})
