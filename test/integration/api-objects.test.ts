// Typed API against a real private libvirtd (test driver): snapshots, save/restore, metadata,
// scheduler/memory/blkio parameters, networks, storage pools and volumes, node devices,
// interfaces, and error codes. One daemon for the file.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import {
  connect, type Connection, DomainSnapshot, LibvirtError, Network, NodeDevice, StoragePool, StorageVol, Interface, typedParam,
  VIR_DOMAIN_METADATA_DESCRIPTION, VIR_DOMAIN_AFFECT_LIVE, VIR_ERR_NO_NETWORK, VIR_ERR_NO_STORAGE_POOL, VIR_ERR_NO_DOMAIN_SNAPSHOT,
  VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE,
} from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
let conn: Connection
before(async () => {
  daemon = await startTestDaemon()
  conn = await connect(daemon.uri)
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})

const domXml = (name: string) => `<domain type='test'><name>${name}</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`
const code = (c: number) => (e: unknown) => e instanceof LibvirtError && e.code === c

test('snapshots: create, list, current, revert, delete', async () => {
  const dom = await conn.domainCreateXML(domXml('api-snap'))
  try {
    const snap = await dom.snapshotCreateXML('<domainsnapshot><name>s1</name></domainsnapshot>')
    assert.ok(snap instanceof DomainSnapshot)
    assert.equal(snap.getName(), 's1')
    assert.equal(snap.domain.name, 'api-snap')
    assert.equal(await dom.snapshotNum(), 1)
    assert.deepEqual(await dom.snapshotListNames(), ['s1'])
    assert.deepEqual((await dom.listAllSnapshots()).map((s) => s.name), ['s1'])
    assert.equal((await dom.snapshotCurrent()).name, 's1')
    assert.match(await snap.getXMLDesc(), /<name>s1<\/name>/)
    await dom.suspend()
    await snap.domainRevertToSnapshot() // virDomainRevertToSnapshot(snapshot, …): the receiver is the snapshot
    assert.equal((await dom.getState()).state, 1) // reverted to the running state it was taken in
    await snap.delete()
    await assert.rejects(dom.snapshotLookupByName('s1'), code(VIR_ERR_NO_DOMAIN_SNAPSHOT))
  } finally {
    await dom.destroy()
  }
})

test('save / restore, metadata, scheduler and blkio parameters', async () => {
  const dom = await conn.domainDefineXML(domXml('api-save'))
  await dom.create()
  const file = join(daemon.dir, 'api-save.img')
  await dom.save(file)
  assert.equal(await dom.isActive(), false)
  await conn.domainRestore(file)
  const back = await conn.domainLookupByName('api-save')
  assert.equal(await back.isActive(), true)
  await back.setMetadata(VIR_DOMAIN_METADATA_DESCRIPTION, 'hello', null, null, VIR_DOMAIN_AFFECT_LIVE)
  assert.equal(await back.getMetadata(VIR_DOMAIN_METADATA_DESCRIPTION, null, VIR_DOMAIN_AFFECT_LIVE), 'hello')
  const { type, nparams } = await back.getSchedulerType()
  assert.equal(typeof type, 'string')
  const sched = await back.getSchedulerParameters()
  assert.equal(Object.keys(sched).length, nparams)
  assert.equal(typeof sched.weight, 'number') // UINT → number
  // The test driver validates but does not store the weight; the wire type is what it checks.
  await back.setSchedulerParameters({ weight: typedParam.uint(77) })
  await assert.rejects(back.setSchedulerParameters({ weight: typedParam.ullong(77n) }), (e: unknown) => e instanceof LibvirtError && e.codeName === 'VIR_ERR_INVALID_ARG')
  await back.setBlkioParameters({ weight: 300 }, VIR_DOMAIN_AFFECT_LIVE)
  assert.equal((await back.getBlkioParameters(VIR_DOMAIN_AFFECT_LIVE)).weight, 300)
  await back.destroy()
  await back.undefine()
})

test('networks, storage pools and volumes, node devices, interfaces', async () => {
  const nets = await conn.listAllNetworks()
  assert.ok(nets.length > 0 && nets.every((n) => n instanceof Network))
  const net = await conn.networkDefineXML("<network><name>api-net</name><bridge name='apibr0'/></network>")
  assert.equal(await net.isActive(), false)
  await net.create()
  assert.deepEqual((await conn.listNetworks()).includes('api-net'), true)
  assert.match(await net.getXMLDesc(), /api-net/)
  assert.equal((await conn.networkLookupByUUID(net.uuid)).name, 'api-net')
  await net.destroy()
  await net.undefine()
  await assert.rejects(conn.networkLookupByName('api-net'), code(VIR_ERR_NO_NETWORK))

  const pools = await conn.listAllStoragePools(VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)
  assert.ok(pools.length > 0 && pools.every((p) => p instanceof StoragePool))
  const pool = pools[0]!
  const info = await pool.getInfo()
  assert.equal(typeof info.capacity, 'bigint')
  const vol = await pool.storageVolCreateXML("<volume><name>api-vol</name><capacity unit='KiB'>64</capacity></volume>")
  assert.ok(vol instanceof StorageVol)
  assert.equal(vol.pool, pool.name)
  assert.ok((await pool.listVolumes()).includes('api-vol'))
  assert.equal((await conn.storageVolLookupByKey(vol.key)).name, 'api-vol')
  assert.equal((await vol.storagePoolLookupByVolume()).name, pool.name)
  assert.equal((await vol.getInfo()).capacity, 65536n)
  await vol.delete()
  await assert.rejects(conn.storagePoolLookupByName('no-such-pool'), code(VIR_ERR_NO_STORAGE_POOL))

  const devs = await conn.listAllNodeDevices()
  assert.ok(devs.length > 0 && devs.every((d) => d instanceof NodeDevice))
  assert.deepEqual((await conn.nodeListDevices(null)).sort(), devs.map((d) => d.name).sort())
  assert.match(await devs[0]!.getXMLDesc(), /<device>/)

  const ifaces = await conn.listAllInterfaces()
  assert.ok(ifaces.every((i) => i instanceof Interface))
  assert.equal(await conn.numOfInterfaces(), (await conn.listInterfaces()).length)
})
