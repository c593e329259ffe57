// Events of every family the test driver emits, through a real private libvirtd, compared with
// what libvirt's C client (python3-libvirt) receives for the very same operations.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, DomainEventID, NetworkEventID, NodeDeviceEventID, StoragePoolEventID, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { startTestDaemon, runOracle, testDomainXml, type TestDaemon } from '../../src/testing/index.js'
import { nameOf, sleep, waitFor } from './events-helpers.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

// Operations of testbeds §1.1, run by the oracle while both clients listen.
const DOMAIN_OPS = String.raw`
ev = []
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, lambda c, d, e, det, o: ev.append(['lifecycle', d.name(), e, det]), None)
conn.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, lambda c, d, t, ns, o: ev.append(['metadata', d.name(), t, ns]), None)
N = args['name']
xml = "<domain type='test'><name>%s</name><memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>" % N
d = conn.defineXML(xml)
conn.defineXML(xml.replace('<name>', '<uuid>%s</uuid><name>' % d.UUIDString()))
d.create(); d.suspend(); d.resume()
d.setMetadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, 'hello', None, None, 0)
f = args['dir'] + '/' + N + '.save'
d.save(f); conn.restore(f)
d.suspend()
s = d.snapshotCreateXML('<domainsnapshot><name>s1</name></domainsnapshot>', 0)
d.revertToSnapshot(s)
s.delete()
d.coreDumpWithFormat(args['dir'] + '/' + N + '.core', 0, libvirt.VIR_DUMP_CRASH)
d.create(); d.shutdown()
d.rename(N + '-renamed', 0)
d = conn.lookupByName(N + '-renamed')
d.undefine()
t = conn.createXML(xml.replace(N, N + '-transient'), 0)
t.destroy()
time.sleep(0.3)
result = ev
`

test('domain life cycle and METADATA_CHANGE: same sequence as the C client', async () => {
  await using conn = await connect(daemon.uri)
  const ours: unknown[][] = []
  const legacy: unknown[][] = []
  await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (c, d, e, det) => {
    assert.equal(c, conn)
    ours.push(['lifecycle', nameOf(d), e, det])
  })
  await conn.domainEventRegisterAny(null, DomainEventID.METADATA_CHANGE, (_c, d, t, ns) => void ours.push(['metadata', nameOf(d), t, ns]))
  await conn.domainEventRegister((_c, d, e, det) => void legacy.push(['lifecycle', nameOf(d), e, det]))
  const oracle = await runOracle<unknown[][]>(daemon.uri, DOMAIN_OPS, { events: true, args: { name: 'ev-dom', dir: daemon.dir } })
  await waitFor(() => ours.length >= oracle.length && legacy.length >= oracle.filter((e) => e[0] === 'lifecycle').length, 'our events')
  await sleep(100) // nothing extra may follow
  assert.deepEqual(ours, oracle)
  assert.deepEqual(legacy, oracle.filter((e) => e[0] === 'lifecycle'))
  // the details testbeds §1.1 names: RENAMED, FROM_SNAPSHOT, CRASHED, SAVED, RESTORED, UPDATED
  const has = (n: string, e: number, det: number): boolean => ours.some((x) => x[1] === n && x[2] === e && x[3] === det)
  assert.ok(has('ev-dom', 0, 1), 'DEFINED/UPDATED')
  assert.ok(has('ev-dom', 5, 4) && has('ev-dom', 2, 2), 'STOPPED/SAVED, STARTED/RESTORED')
  assert.ok(has('ev-dom', 5, 6) && has('ev-dom', 2, 3), 'STOPPED/FROM_SNAPSHOT, STARTED/FROM_SNAPSHOT')
  assert.ok(has('ev-dom', 5, 2), 'STOPPED/CRASHED')
  assert.ok(has('ev-dom', 1, 1) && has('ev-dom-renamed', 0, 2), 'UNDEFINED/RENAMED, DEFINED/RENAMED')
  assert.ok(ours.some((x) => x[0] === 'metadata'), 'METADATA_CHANGE')
})

const OTHER_OPS = String.raw`
ev = []
conn.networkEventRegisterAny(None, libvirt.VIR_NETWORK_EVENT_ID_LIFECYCLE, lambda c, n, e, det, o: ev.append(['net', n.name(), e, det]), None)
conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE, lambda c, p, e, det, o: ev.append(['pool', p.name(), e, det]), None)
conn.storagePoolEventRegisterAny(None, libvirt.VIR_STORAGE_POOL_EVENT_ID_REFRESH, lambda c, p, o: ev.append(['refresh', p.name()]), None)
conn.nodeDeviceEventRegisterAny(None, libvirt.VIR_NODE_DEVICE_EVENT_ID_LIFECYCLE, lambda c, d, e, det, o: ev.append(['nodedev', d.name(), e, det]), None)
N = args['name']
n = conn.networkDefineXML("<network><name>%s</name><bridge name='virbr-%s'/></network>" % (N, N[:6]))
n.create(); n.destroy(); n.undefine()
t = conn.networkCreateXML("<network><name>%s-t</name><bridge name='virbr-%st'/></network>" % (N, N[:6]))
t.destroy()
p = conn.storagePoolDefineXML("<pool type='dir'><name>%s</name><target><path>/%s</path></target></pool>" % (N, N), 0)
p.build(0); p.create(0); p.refresh(0); p.destroy(); p.delete(0); p.undefine()
dev = conn.nodeDeviceCreateXML("<device><parent>scsi_host1</parent><capability type='scsi_host'><capability type='fc_host'><wwnn>2000000012341234</wwnn><wwpn>1000000012341234</wwpn></capability></capability></device>", 0)
dev.destroy()
time.sleep(0.3)
result = ev
`

test('network, storage pool (incl. REFRESH) and node device events: same as the C client', async () => {
  await using conn = await connect(daemon.uri)
  const ours: unknown[][] = []
  await conn.networkEventRegisterAny(null, NetworkEventID.LIFECYCLE, (_c, n, e, det) => void ours.push(['net', nameOf(n), e, det]))
  await conn.storagePoolEventRegisterAny(null, StoragePoolEventID.LIFECYCLE, (_c, p, e, det) => void ours.push(['pool', nameOf(p), e, det]))
  await conn.storagePoolEventRegisterAny(null, StoragePoolEventID.REFRESH, (_c, p) => void ours.push(['refresh', nameOf(p)]))
  await conn.nodeDeviceEventRegisterAny(null, NodeDeviceEventID.LIFECYCLE, (_c, d, e, det) => void ours.push(['nodedev', nameOf(d), e, det]))
  const oracle = await runOracle<unknown[][]>(daemon.uri, OTHER_OPS, { events: true, args: { name: 'evother' } })
  await waitFor(() => ours.length >= oracle.length, 'our events')
  await sleep(100)
  assert.deepEqual(ours, oracle)
  for (const kind of ['net', 'pool', 'refresh', 'nodedev']) assert.ok(ours.some((e) => e[0] === kind), kind)
})

async function defineDomain(conn: Connection, name: string) {
  const r = await conn.call(REMOTE_PROCEDURES.DOMAIN_DEFINE_XML, { xml: testDomainXml(name) })
  return r.dom
}

test('per-object filtering, two registrations for one id, deregistration stops delivery', async () => {
  await using conn = await connect(daemon.uri)
  const a = await defineDomain(conn, 'ev-filter-a')
  const b = await defineDomain(conn, 'ev-filter-b')
  const onlyA: string[] = []
  const all1: string[] = []
  const all2: string[] = []
  const idA = await conn.domainEventRegisterAny(a, DomainEventID.LIFECYCLE, (_c, d) => void onlyA.push(nameOf(d)))
  const id1 = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, d) => void all1.push(nameOf(d)))
  const id2 = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, d) => void all2.push(nameOf(d)))
  assert.equal(new Set([idA, id1, id2]).size, 3, 'ids are unique')
  await conn.call(REMOTE_PROCEDURES.DOMAIN_CREATE, { dom: a })
  await conn.call(REMOTE_PROCEDURES.DOMAIN_CREATE, { dom: b })
  await waitFor(() => all1.length >= 2 && all2.length >= 2 && onlyA.length >= 1, 'events')
  assert.deepEqual(onlyA, ['ev-filter-a'])
  assert.deepEqual(all1, ['ev-filter-a', 'ev-filter-b'])
  assert.deepEqual(all2, all1)
  await conn.domainEventDeregisterAny(id1)
  await conn.call(REMOTE_PROCEDURES.DOMAIN_DESTROY, { dom: a })
  await conn.call(REMOTE_PROCEDURES.DOMAIN_DESTROY, { dom: b })
  await waitFor(() => all2.length >= 4, 'events after deregistration')
  await sleep(100)
  assert.deepEqual(all1, ['ev-filter-a', 'ev-filter-b'], 'nothing after deregistration')
  assert.deepEqual(onlyA, ['ev-filter-a', 'ev-filter-a'])
  // exact deregistration: unknown and repeated ids give libvirt's error
  await assert.rejects(conn.domainEventDeregisterAny(id1), { name: 'LibvirtError', code: 8 })
  await assert.rejects(conn.domainEventDeregisterAny(123456), { name: 'LibvirtError', code: 8 })
  await conn.domainEventDeregisterAny(id2)
  await conn.domainEventDeregisterAny(idA)
  // all gone on the daemon too: a new registration of the same key works (the daemon refuses duplicates)
  const again = await conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, () => {})
  await conn.domainEventDeregisterAny(again)
  for (const d of [a, b]) await conn.call(REMOTE_PROCEDURES.DOMAIN_UNDEFINE, { dom: d })
})
