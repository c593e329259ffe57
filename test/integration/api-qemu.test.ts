// Typed API against the QEMU driver of a private libvirtd: a real tiny diskless VM (define, start,
// info, suspend/resume, attach/detach a USB tablet, destroy, undefine), a `dir` storage pool with
// a volume, secrets (define, set/get value, undefine) and network filters. Root only.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { connect, type Connection, Domain, LibvirtError, Secret, NWFilter, VIR_ERR_NO_SECRET, VIR_DOMAIN_AFFECT_LIVE } from '../../src/index.js'
import { startTestDaemon, runOracle, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
let conn: Connection
const skip = process.getuid?.() !== 0 ? 'the QEMU driver needs root' : false
before(async () => {
  if (skip) return
  daemon = await startTestDaemon({ qemu: true })
  conn = await connect(daemon.qemuUri!)
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})

const vmXml = `<domain type='qemu'><name>api-vm</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><controller type='usb' model='piix3-uhci'/>
<serial type='pty'/><console type='pty'/><memballoon model='none'/></devices></domain>`
const tablet = "<input type='tablet' bus='usb'/>"

test('a real VM: define, start, info, suspend/resume, attach/detach, destroy, undefine', { skip }, async () => {
  const dom = await conn.domainDefineXML(vmXml)
  assert.ok(dom instanceof Domain)
  try {
    await dom.create()
    const info = await dom.getInfo()
    assert.equal(info.state, 1) // RUNNING
    assert.equal(info.maxMem, 65536n)
    const o = await runOracle<{ info: unknown[]; id: number }>(daemon.qemuUri!, "d = conn.lookupByName('api-vm'); result = {'info': d.info()[:4], 'id': d.ID()}")
    assert.deepEqual([info.state, Number(info.maxMem), Number(info.memory), info.nrVirtCpu], o.info)
    assert.equal((await conn.domainLookupByName('api-vm')).id, o.id)
    await dom.suspend()
    assert.equal((await dom.getState()).state, 3) // PAUSED
    await dom.resume()
    assert.equal((await dom.getState()).state, 1)
    const before = (await dom.getXMLDesc()).match(/<input type='tablet'/g)?.length ?? 0
    await dom.attachDeviceFlags(tablet, VIR_DOMAIN_AFFECT_LIVE)
    assert.equal((await dom.getXMLDesc()).match(/<input type='tablet'/g)?.length ?? 0, before + 1)
    await dom.detachDeviceFlags(tablet, VIR_DOMAIN_AFFECT_LIVE)
    assert.equal((await dom.getXMLDesc()).match(/<input type='tablet'/g)?.length ?? 0, before)
    const reply = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-status"}')) as { return: { status: string } }
    assert.equal(reply.return.status, 'running')
    await dom.destroy()
    assert.equal(await dom.isActive(), false)
  } finally {
    if (await dom.isActive().catch(() => false)) await dom.destroy()
    await dom.undefine()
  }
})

test('a dir storage pool with a volume', { skip }, async () => {
  const path = join(daemon.dir, 'api-pool')
  mkdirSync(path, { recursive: true })
  const pool = await conn.storagePoolDefineXML(`<pool type='dir'><name>api-pool</name><target><path>${path}</path></target></pool>`)
  try {
    await pool.create()
    const vol = await pool.storageVolCreateXML("<volume><name>v1.img</name><capacity unit='MiB'>1</capacity><target><format type='raw'/></target></volume>")
    assert.equal(await vol.getPath(), join(path, 'v1.img'))
    assert.equal((await vol.getInfo()).capacity, 1048576n)
    assert.deepEqual(await pool.listVolumes(), ['v1.img'])
    await pool.refresh()
    assert.equal(await pool.numOfVolumes(), 1)
    await vol.delete()
    await pool.destroy()
  } finally {
    await pool.undefine()
  }
})

test('secrets: define, set/get value, undefine; network filters', { skip }, async () => {
  const sec = await conn.secretDefineXML("<secret ephemeral='no' private='no'><usage type='volume'><volume>/api/vol</volume></usage></secret>")
  assert.ok(sec instanceof Secret)
  await sec.setValue(Buffer.from('s3cret'))
  assert.equal((await sec.getValue()).toString(), 's3cret')
  assert.equal((await conn.secretLookupByUsage(1, '/api/vol')).uuid, sec.uuid) // VIR_SECRET_USAGE_TYPE_VOLUME
  const o = await runOracle<string>(daemon.qemuUri!, `result = conn.secretLookupByUUIDString(args).XMLDesc(0)`, { args: sec.uuid })
  assert.equal(await sec.getXMLDesc(), o)
  await sec.undefine()
  await assert.rejects(conn.secretLookupByUUID(sec.uuid), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_NO_SECRET)

  const f = await conn.nwFilterDefineXML("<filter name='api-filter' chain='ipv4'><rule action='accept' direction='out'><ipv4/></rule></filter>")
  assert.ok(f instanceof NWFilter)
  assert.ok((await conn.listAllNWFilters()).some((x) => x.name === 'api-filter'))
  assert.match(await f.getXMLDesc(), /api-filter/)
  await f.undefine()
})
