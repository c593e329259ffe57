// Peer-to-peer migration with the typed API: `dom.migrateToURI3()` moves a real tiny running VM
// between two private QEMU-driver daemons in one call, and libvirt's C client (python3-libvirt's
// migrateToURI3) moves it back the same way. The two daemons share the host's network (QEMU's
// migration stream goes over TCP on 127.0.0.1) and have different host UUIDs (libvirt refuses a
// migration to the same host). Root only.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Connection, LibvirtError, VIR_MIGRATE_LIVE } from '../../src/index.js'
import { startTestDaemon, runOracle, type TestDaemon } from '../../src/testing/index.js'

const skip = process.getuid?.() !== 0 ? 'the QEMU driver needs root' : false
const NAME = 'mig-vm'
const vmXml = `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`
const MIGRATE_URI = 'tcp://127.0.0.1'

let a: TestDaemon
let b: TestDaemon
let ca: Connection
let cb: Connection
before(async () => {
  if (skip) return
  const tcpOff = { listen_tls: 0, listen_tcp: 0 }
  a = await startTestDaemon({ qemu: true, listen: true, config: { ...tcpOff, host_uuid: '6b1d2c3e-0000-4000-8000-00000000000a' } })
  b = await startTestDaemon({ qemu: true, listen: true, config: { ...tcpOff, host_uuid: '6b1d2c3e-0000-4000-8000-00000000000b' } })
  ca = await connect(a.qemuUri!)
  cb = await connect(b.qemuUri!)
})
after(async () => {
  await ca?.close()
  await cb?.close()
  await a?.stop()
  await b?.stop()
})

const names = async (c: Connection): Promise<string[]> => (await c.listAllDomains()).map((d) => d.name)

test('migrateToURI3: peer-to-peer in one call, there with our client and back with the C client', { skip }, async () => {
  const dom = await ca.domainCreateXML(vmXml)
  const uuid = dom.uuid
  try {
    await assert.rejects(dom.migrateToURI3(42 as never), TypeError)
    await assert.rejects(dom.migrateToURI3(b.qemuUri!, { migrate_uri: 7n as never }), (e: unknown) => e instanceof LibvirtError)

    await dom.migrateToURI3(b.qemuUri!, { migrate_uri: MIGRATE_URI }, VIR_MIGRATE_LIVE)
    assert.deepEqual(await names(ca), [])
    assert.deepEqual(await names(cb), [NAME])
    const there = await cb.domainLookupByName(NAME)
    assert.equal(there.uuid, uuid)
    assert.equal((await there.getState()).state, 1) // RUNNING

    // The same operation through libvirt's own client, from b back to a.
    await runOracle(b.qemuUri!, `
d = conn.lookupByName(args['name'])
d.migrateToURI3(args['dest'], {libvirt.VIR_MIGRATE_PARAM_URI: args['uri']}, libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_PEER2PEER)
result = 1
`, { args: { name: NAME, dest: a.qemuUri, uri: MIGRATE_URI } })
    assert.deepEqual(await names(cb), [])
    assert.deepEqual(await names(ca), [NAME])
    assert.equal((await (await ca.domainLookupByName(NAME)).getState()).state, 1)
  } finally {
    for (const c of [ca, cb]) for (const d of await c.listAllDomains()) await d.destroy().catch(() => {})
  }
})
