// Setters on a real running tiny VM (QEMU driver of a private libvirtd), each read back with our
// getter and with libvirt's C client (python3-libvirt): vCPU / emulator / IOThread pinning with
// CPU maps sized by nodeGetCPUMap, metadata round trips, checkpoints' life cycle, blockResize,
// and a block copy job seen by getBlockJobInfo, then aborted. Root only.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import {
  connect, type Connection, type Domain, DomainCheckpoint, LibvirtError, type StoragePool, type StorageVol,
  VIR_DOMAIN_AFFECT_CONFIG, VIR_DOMAIN_AFFECT_LIVE, VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB, VIR_DOMAIN_BLOCK_JOB_TYPE_COPY,
  VIR_DOMAIN_METADATA_DESCRIPTION, VIR_DOMAIN_METADATA_ELEMENT, VIR_DOMAIN_METADATA_TITLE, VIR_ERR_NO_DOMAIN_CHECKPOINT, VIR_ERR_NO_DOMAIN_METADATA,
} from '../../src/index.js'
import { runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { cpuBits } from '../helpers/oracle-table.js'

let daemon: TestDaemon
let conn: Connection
let pool: StoragePool
let disk: StorageVol
let d: Domain
const skip = process.getuid?.() !== 0 ? 'the QEMU driver needs root' : false

before(async () => {
  if (skip) return
  daemon = await startTestDaemon({ qemu: true })
  conn = await connect(daemon.qemuUri!)
  const dir = join(daemon.dir, 'spool')
  mkdirSync(dir, { recursive: true })
  pool = await conn.storagePoolCreateXML(`<pool type='dir'><name>spool</name><target><path>${dir}</path></target></pool>`)
  disk = await pool.storageVolCreateXML("<volume><name>svm.qcow2</name><capacity unit='MiB'>16</capacity><target><format type='qcow2'/><compat>1.1</compat></target></volume>")
  d = await conn.domainDefineXML(`<domain type='qemu'><name>svm</name><memory unit='MiB'>64</memory><vcpu>2</vcpu><iothreads>1</iothreads>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${await disk.getPath()}'/><target dev='vda' bus='virtio'/></disk>
<serial type='pty'/><console type='pty'/><memballoon model='none'/></devices></domain>`)
  await d.create()
})
after(async () => {
  if (d) {
    await d.destroy().catch(() => {})
    for (const c of await d.listAllCheckpoints().catch(() => [])) await c.delete(2).catch(() => {}) // metadata only
    await d.undefine().catch(() => {})
  }
  await conn?.close()
  await daemon?.stop()
})

/** A CPU map of `maplen` bytes with exactly the given host CPUs set. */
const mapOf = (maplen: number, cpus: number[]) => {
  const m = Buffer.alloc(maplen)
  for (const c of cpus) m[c >> 3]! |= 1 << (c & 7)
  return m
}

test('pinning: vCPUs (live and config), the emulator and an IOThread, as both clients read it', { skip }, async () => {
  const { ret: hostCpus, online } = await conn.nodeGetCPUMap()
  assert.ok(hostCpus >= 1 && online >= 1 && online <= hostCpus)
  const maplen = Math.ceil(hostCpus / 8)
  const last = hostCpus - 1
  const all = Array.from({ length: hostCpus }, (_, i) => i)
  const bits = (cpus: number[]) => all.map((i) => cpus.includes(i))

  await d.pinVcpu(0, mapOf(maplen, [0]))
  await d.pinVcpuFlags(1, mapOf(maplen, [last]), VIR_DOMAIN_AFFECT_LIVE)
  await d.pinVcpuFlags(1, mapOf(maplen, [0, last]), VIR_DOMAIN_AFFECT_CONFIG)
  await d.pinEmulator(mapOf(maplen, [last]), VIR_DOMAIN_AFFECT_LIVE)
  await d.pinIOThread(1, mapOf(maplen, [0]), VIR_DOMAIN_AFFECT_LIVE)

  const live = await d.getVcpuPinInfo(2, maplen, VIR_DOMAIN_AFFECT_LIVE)
  const config = await d.getVcpuPinInfo(2, maplen, VIR_DOMAIN_AFFECT_CONFIG)
  const slice = (x: { cpumaps: Buffer }, i: number) => cpuBits(x.cpumaps.subarray(i * maplen, (i + 1) * maplen), hostCpus)
  assert.deepEqual([slice(live, 0), slice(live, 1)], [bits([0]), bits([last])])
  assert.deepEqual(slice(config, 1), bits([0, last]))
  const emu = cpuBits((await d.getEmulatorPinInfo(maplen)).cpumaps, hostCpus)
  assert.deepEqual(emu, bits([last]))
  const io = (await d.getIOThreadInfo()).map((t) => [t.iothreadId, cpuBits(t.cpumap, hostCpus)])
  assert.deepEqual(io, [[1, bits([0])]])
  const vcpus = await d.getVcpus(2, maplen)
  assert.deepEqual(vcpus.map((v) => cpuBits(v.cpumap, hostCpus)), [bits([0]), bits([last])])

  const o = await runOracle<{ live: boolean[][]; config: boolean[][]; emu: boolean[]; io: unknown[] }>(daemon.qemuUri!, `
d = conn.lookupByName('svm')
result = {'live': d.vcpuPinInfo(libvirt.VIR_DOMAIN_AFFECT_LIVE), 'config': d.vcpuPinInfo(libvirt.VIR_DOMAIN_AFFECT_CONFIG),
  'emu': d.emulatorPinInfo(), 'io': d.ioThreadInfo()}
`)
  assert.deepEqual(o, { live: [slice(live, 0), slice(live, 1)], config: [slice(config, 0), slice(config, 1)], emu, io })

  // A map longer than the host's CPUs is fine when the extra bits are clear; a map with no CPU is refused.
  await d.pinVcpu(0, mapOf(maplen + 4, [0]))
  await assert.rejects(d.pinVcpu(0, Buffer.alloc(maplen)), LibvirtError)
})

test('metadata: title, description and an XML element round trip, then removal', { skip }, async () => {
  const uri = 'http://example.org/libvirt-async/1'
  await d.setMetadata(VIR_DOMAIN_METADATA_TITLE, 'A title', null, null, VIR_DOMAIN_AFFECT_LIVE)
  await d.setMetadata(VIR_DOMAIN_METADATA_DESCRIPTION, 'Some words\nover two lines', null, null, VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG)
  await d.setMetadata(VIR_DOMAIN_METADATA_ELEMENT, '<app><x n="1">é</x></app>', 'la', uri, VIR_DOMAIN_AFFECT_LIVE)
  const ours = [
    await d.getMetadata(VIR_DOMAIN_METADATA_TITLE, null, VIR_DOMAIN_AFFECT_LIVE),
    await d.getMetadata(VIR_DOMAIN_METADATA_DESCRIPTION, null, VIR_DOMAIN_AFFECT_CONFIG),
    await d.getMetadata(VIR_DOMAIN_METADATA_ELEMENT, uri, VIR_DOMAIN_AFFECT_LIVE),
  ]
  assert.deepEqual(ours.slice(0, 2), ['A title', 'Some words\nover two lines'])
  assert.match(ours[2]!, /^<app>\s*<x n="1">é<\/x>\s*<\/app>$/) // the daemon re-formats the element
  const o = await runOracle<string[]>(daemon.qemuUri!, `
d = conn.lookupByName('svm')
result = [d.metadata(libvirt.VIR_DOMAIN_METADATA_TITLE, None, libvirt.VIR_DOMAIN_AFFECT_LIVE),
  d.metadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None, libvirt.VIR_DOMAIN_AFFECT_CONFIG),
  d.metadata(libvirt.VIR_DOMAIN_METADATA_ELEMENT, args, libvirt.VIR_DOMAIN_AFFECT_LIVE)]
`, { args: uri })
  assert.deepEqual(ours, o)
  await d.setMetadata(VIR_DOMAIN_METADATA_ELEMENT, null, null, uri, VIR_DOMAIN_AFFECT_LIVE)
  await assert.rejects(d.getMetadata(VIR_DOMAIN_METADATA_ELEMENT, uri, VIR_DOMAIN_AFFECT_LIVE), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_NO_DOMAIN_METADATA)
})

test('checkpoints: create two, parent and children, XML, delete', { skip }, async () => {
  const c1 = await d.checkpointCreateXML('<domaincheckpoint><name>k1</name><description>first</description></domaincheckpoint>')
  assert.ok(c1 instanceof DomainCheckpoint)
  assert.equal(c1.name, 'k1')
  const c2 = await d.checkpointCreateXML('<domaincheckpoint><name>k2</name></domaincheckpoint>')
  assert.deepEqual((await d.listAllCheckpoints()).map((c) => c.name).sort(), ['k1', 'k2'])
  assert.equal((await c2.getParent()).name, 'k1')
  assert.deepEqual((await c1.listAllChildren()).map((c) => c.name), ['k2'])
  assert.equal((await d.checkpointLookupByName('k2')).domain.name, 'svm')
  const xml = await c1.getXMLDesc()
  assert.match(xml, /<name>k1<\/name>[\s\S]*<description>first<\/description>[\s\S]*<disk name='vda' checkpoint='bitmap'/)
  assert.equal(xml, await runOracle(daemon.qemuUri!, "result = conn.lookupByName('svm').checkpointLookupByName('k1').getXMLDesc()"))
  await c1.delete() // k2 is re-parented: it becomes a root
  await assert.rejects(d.checkpointLookupByName('k1'), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_NO_DOMAIN_CHECKPOINT)
  await assert.rejects(c2.getParent(), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_NO_DOMAIN_CHECKPOINT)
  await c2.delete()
  assert.deepEqual(await d.listAllCheckpoints(), [])
})

test('blockResize, then a block copy job: getBlockJobInfo while it runs, blockJobAbort ends it', { skip }, async () => {
  await d.blockResize('vda', 32n * 1024n) // KiB
  const info = await d.getBlockInfo('vda')
  assert.equal(info.capacity, 32n * 1024n * 1024n)
  const o = await runOracle<number[]>(daemon.qemuUri!, "result = conn.lookupByName('svm').blockInfo('vda')")
  assert.equal(o[0], Number(info.capacity))

  const dest = join(daemon.dir, 'spool', 'copy.qcow2')
  await d.blockCopy('vda', `<disk type='file'><driver type='qcow2'/><source file='${dest}'/></disk>`, {}, VIR_DOMAIN_BLOCK_COPY_TRANSIENT_JOB)
  try {
    const job = await d.getBlockJobInfo('vda')
    assert.equal(job.found, true)
    assert.equal(job.type, VIR_DOMAIN_BLOCK_JOB_TYPE_COPY)
    assert.equal(typeof job.end, 'bigint')
    const pj = await runOracle<{ type: number }>(daemon.qemuUri!, "result = conn.lookupByName('svm').blockJobInfo('vda', 0)")
    assert.equal(pj.type, job.type)
    assert.match(await d.getXMLDesc(), /<mirror type='file'/)
  } finally {
    await d.blockJobAbort('vda')
  }
  assert.equal((await d.getBlockJobInfo('vda')).found, false)
  assert.doesNotMatch(await d.getXMLDesc(), /<mirror /)
  // Nothing to abort now: the daemon says so, with the C client's code.
  const ours = await d.blockJobAbort('vda').then(() => null, (e: unknown) => e)
  assert.ok(ours instanceof LibvirtError)
  const code = await runOracle<number>(daemon.qemuUri!, `
try:
    conn.lookupByName('svm').blockJobAbort('vda', 0)
    result = None
except libvirt.libvirtError as e:
    result = e.get_error_code()
`)
  assert.equal(ours.code, code)
})
