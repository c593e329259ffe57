// Table-driven comparison with libvirt's C client (python3-libvirt) on the same daemon and the
// same objects: every read-only procedure (all ACLs `:read`) the test driver answers, our typed
// method against the libvirt-python call. Errors compare by code; only bigint/tuple shapes and
// Python's unit conversions are normalised.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { API_TABLE, connect, type Connection } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { assertOracleCoverage, compareWithOracle, cpuBits, type OracleRow, readOnlyOf } from '../helpers/oracle-table.js'

const vals = (o: object) => Object.values(o)

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

test('read-only procedures: same results as the C client', async (t) => {
  // Objects both clients look at.
  const d = await conn.domainLookupByName('test')
  await d.snapshotCreateXML('<domainsnapshot><name>os1</name></domainsnapshot>')
  const s = await d.snapshotLookupByName('os1')
  const n = await conn.networkLookupByName('default')
  const p = (await conn.listAllStoragePools())[0]!
  const v = await p.storageVolCreateXML("<volume><name>ovol</name><capacity unit='KiB'>128</capacity></volume>")
  const nd = (await conn.listAllNodeDevices())[0]!
  const i = (await conn.listAllInterfaces())[0]!
  const hostCpus = (await conn.nodeGetCPUMap()).ret // what libvirt-python sizes CPU maps by
  const memMiB = (x: { model: string; memory: bigint; cpus: number; mhz: number; nodes: number; sockets: number; cores: number; threads: number }) =>
    [x.model, Number(x.memory >> 10n), x.cpus, x.mhz, x.nodes, x.sockets, x.cores, x.threads]

  const rows: OracleRow[] = [
    { m: 'Connection.getMaxVcpus', ours: () => conn.getMaxVcpus(null), py: 'conn.getMaxVcpus(None)' },
    { m: 'Connection.nodeGetInfo', ours: () => conn.nodeGetInfo(), py: 'conn.getInfo()', norm: memMiB },
    { m: 'Connection.getCapabilities', ours: () => conn.getCapabilities(), py: 'conn.getCapabilities()' },
    { m: 'Connection.nodeGetCellsFreeMemory', ours: () => conn.nodeGetCellsFreeMemory(0, 2), py: 'conn.getCellsFreeMemory(0, 2)' },
    { m: 'Connection.nodeGetFreeMemory', ours: () => conn.nodeGetFreeMemory(), py: 'conn.getFreeMemory()' },
    { m: 'Connection.nodeGetSecurityModel', ours: () => conn.nodeGetSecurityModel(), py: 'conn.getSecurityModel()', norm: vals },
    { m: 'Connection.getSysinfo', ours: () => conn.getSysinfo(), py: 'conn.getSysinfo(0)' },
    { m: 'Connection.nodeGetCPUStats', ours: () => conn.nodeGetCPUStats(-1), py: 'sorted(conn.getCPUStats(-1).keys())', norm: (x: object) => Object.keys(x).sort() }, // host counters move
    { m: 'Connection.nodeGetMemoryStats', ours: () => conn.nodeGetMemoryStats(-1), py: 'sorted(conn.getMemoryStats(-1).keys())', norm: (x: object) => Object.keys(x).sort() },
    { m: 'Connection.nodeGetMemoryParameters', ours: () => conn.nodeGetMemoryParameters(), py: 'conn.getMemoryParameters()' },
    { m: 'Connection.nodeGetCPUMap', ours: () => conn.nodeGetCPUMap(), py: 'conn.getCPUMap()',
      norm: (x: { cpumap: Buffer; online: number; ret: number }) => [x.ret, cpuBits(x.cpumap, x.ret), x.online] },
    { m: 'Connection.getCPUModelNames', ours: () => conn.getCPUModelNames('x86_64'), py: "conn.getCPUModelNames('x86_64')" },
    { m: 'Connection.nodeGetSEVInfo', ours: () => conn.nodeGetSEVInfo(), py: 'conn.getSEVInfo()' },
    { m: 'Connection.getStoragePoolCapabilities', ours: () => conn.getStoragePoolCapabilities(), py: 'conn.getStoragePoolCapabilities()' },
    { m: 'Domain.getAutostart', ours: () => d.getAutostart(), py: 'bool(d.autostart())' },
    { m: 'Domain.getInfo', ours: () => d.getInfo(), py: 'd.info()[:4]', norm: (x: object) => vals(x).slice(0, 4) }, // CPU time moves between calls
    { m: 'Domain.getMaxMemory', ours: () => d.getMaxMemory(), py: 'd.maxMemory()' },
    { m: 'Domain.getMaxVcpus', ours: () => d.getMaxVcpus(), py: 'd.maxVcpus()' },
    { m: 'Domain.getOSType', ours: () => d.getOSType(), py: 'd.OSType()' },
    { m: 'Domain.getVcpus', ours: () => d.getVcpus(16, 1), py: '[[a, b, d_] for (a, b, c, d_) in d.vcpus()[0]]', norm: (x: { number: number; state: number; cpu: number }[]) => x.map((e) => [e.number, e.state, e.cpu]) },
    { m: 'Domain.getSchedulerType', ours: () => d.getSchedulerType(), py: 'd.schedulerType()', norm: vals },
    { m: 'Domain.getSchedulerParameters', ours: () => d.getSchedulerParameters(), py: 'd.schedulerParameters()' },
    // libvirt's ACL for this setter is domain:read, so it counts as read-only; the test driver checks the weight's type and keeps nothing.
    { m: 'Domain.setSchedulerParameters', ours: () => d.setSchedulerParameters({ weight: 77 }), py: "d.setSchedulerParameters({'weight': 77})", norm: () => 0 },
    { m: 'Domain.getSchedulerParametersFlags', ours: () => d.getSchedulerParametersFlags(), py: 'd.schedulerParametersFlags(0)' },
    { m: 'Domain.blockStats', ours: () => d.blockStats('vda'), py: "len(d.blockStats('vda'))", norm: (x: object) => vals(x).length }, // test-driver counters move
    { m: 'Domain.blockStatsFlags', ours: () => d.blockStatsFlags('vda'), py: "sorted(d.blockStatsFlags('vda').keys())", norm: (x: object) => Object.keys(x).sort() },
    { m: 'Domain.interfaceStats', ours: () => d.interfaceStats('testnet0'), py: "len(d.interfaceStats('testnet0'))", norm: (x: object) => vals(x).length },
    { m: 'Domain.getSecurityLabel', ours: () => d.getSecurityLabel(), py: 'd.securityLabel()', norm: (x: { label: string; enforcing: boolean }) => [x.label, x.enforcing] },
    // Domain.getSecurityLabelList: libvirt-python raises on the empty list this daemon returns (no comparison possible).
    { m: 'Domain.isActive', ours: () => d.isActive(), py: 'bool(d.isActive())' },
    { m: 'Domain.isPersistent', ours: () => d.isPersistent(), py: 'bool(d.isPersistent())' },
    { m: 'Domain.isUpdated', ours: () => d.isUpdated(), py: 'bool(d.isUpdated())' },
    { m: 'Domain.memoryStats', ours: () => d.memoryStats(), py: 'd.memoryStats()' },
    { m: 'Domain.getJobInfo', ours: () => d.getJobInfo(), py: 'd.jobInfo()', norm: vals },
    { m: 'Domain.getJobStats', ours: () => d.getJobStats(), py: 'd.jobStats()', norm: (x: { type: number; params: object }) => ({ type: x.type, ...x.params }) },
    { m: 'Domain.hasManagedSaveImage', ours: () => d.hasManagedSaveImage(), py: 'bool(d.hasManagedSaveImage(0))' },
    { m: 'Domain.snapshotNum', ours: () => d.snapshotNum(), py: 'd.snapshotNum()' },
    { m: 'Domain.snapshotListNames', ours: () => d.snapshotListNames(), py: 'd.snapshotListNames()' },
    { m: 'Domain.snapshotLookupByName', ours: () => d.snapshotLookupByName('os1'), py: "d.snapshotLookupByName('os1').getName()" },
    { m: 'Domain.hasCurrentSnapshot', ours: () => d.hasCurrentSnapshot(), py: 'bool(d.hasCurrentSnapshot())' },
    { m: 'Domain.snapshotCurrent', ours: () => d.snapshotCurrent(), py: 'd.snapshotCurrent().getName()' },
    { m: 'Domain.listAllSnapshots', ours: () => d.listAllSnapshots(), py: '[x.getName() for x in d.listAllSnapshots()]' },
    { m: 'Domain.getBlockInfo', ours: () => d.getBlockInfo('vda'), py: "d.blockInfo('vda')", norm: (x: { capacity: bigint; allocation: bigint; physical: bigint }) => [x.capacity, x.allocation, x.physical] },
    { m: 'Domain.getMemoryParameters', ours: () => d.getMemoryParameters(), py: 'd.memoryParameters()' },
    { m: 'Domain.getBlkioParameters', ours: () => d.getBlkioParameters(), py: 'd.blkioParameters()' },
    { m: 'Domain.getNumaParameters', ours: () => d.getNumaParameters(), py: 'd.numaParameters()' },
    { m: 'Domain.getState', ours: () => d.getState(), py: 'd.state()', norm: vals },
    { m: 'Domain.getControlInfo', ours: () => d.getControlInfo(), py: 'd.controlInfo()[:2]', norm: (x: object) => vals(x).slice(0, 2) },
    { m: 'Domain.getBlockIoTune', ours: () => d.getBlockIoTune('vda'), py: "d.blockIoTune('vda')" },
    { m: 'Domain.getCPUStats', ours: () => d.getCPUStats(-1, 1), py: '[sorted(x.keys()) for x in d.getCPUStats(True)]', norm: (x: object[]) => x.map((e) => Object.keys(e).sort()) },
    { m: 'Domain.getDiskErrors', ours: () => d.getDiskErrors(), py: 'd.diskErrors()', norm: (x: { errors: { disk: string; error: number }[] }) => Object.fromEntries(x.errors.map((e) => [e.disk, e.error])) },
    { m: 'Domain.getMetadata', ours: () => d.getMetadata(0, null), py: 'd.metadata(0, None)' },
    { m: 'Domain.getPerfEvents', ours: () => d.getPerfEvents(), py: 'd.perfEvents()' },
    { m: 'Domain.getIOThreadInfo', ours: () => d.getIOThreadInfo(), py: 'd.ioThreadInfo()' },
    { m: 'Domain.getLaunchSecurityInfo', ours: () => d.getLaunchSecurityInfo(), py: 'd.launchSecurityInfo()' },
    { m: 'Domain.getEmulatorPinInfo', ours: () => d.getEmulatorPinInfo(Math.ceil(hostCpus / 8)), py: 'd.emulatorPinInfo()', norm: (x: { cpumaps: Buffer }) => cpuBits(x.cpumaps, hostCpus) },
    { m: 'Domain.getMessages', ours: () => d.getMessages(), py: 'd.messages(0)' },
    { m: 'Domain.listAllCheckpoints', ours: () => d.listAllCheckpoints(), py: '[x.getName() for x in d.listAllCheckpoints()]' },
    { m: 'Domain.getVcpuPinInfo', ours: () => d.getVcpuPinInfo(16, Math.ceil(hostCpus / 8)), py: 'd.vcpuPinInfo(0)',
      norm: (x: { cpumaps: Buffer; num: number }) => Array.from({ length: x.num }, (_, k) => cpuBits(x.cpumaps.subarray(k * Math.ceil(hostCpus / 8)), hostCpus)) },
    { m: 'Domain.getInterfaceParameters', ours: () => d.getInterfaceParameters('testnet0'), py: "d.interfaceParameters('testnet0', 0)" },
    { m: 'Domain.getBlockJobInfo', ours: () => d.getBlockJobInfo('vda'), py: "d.blockJobInfo('vda', 0)",
      norm: (x: { found: boolean; type: number; bandwidth: bigint; cur: bigint; end: bigint }) => (x.found ? { type: x.type, bandwidth: x.bandwidth, cur: x.cur, end: x.end } : {}) },
    { m: 'Domain.checkpointLookupByName', ours: () => d.checkpointLookupByName('none'), py: "d.checkpointLookupByName('none').getName()" },
    { m: 'Domain.backupGetXMLDesc', ours: () => d.backupGetXMLDesc(), py: 'd.backupGetXMLDesc(0)' },
    { m: 'Domain.getAutostartOnce', ours: () => d.getAutostartOnce(), py: 'bool(d.autostartOnce())' },
    { m: 'Connection.compareCPU', ours: () => conn.compareCPU('<cpu><arch>x86_64</arch><model>qemu64</model></cpu>'), py: "conn.compareCPU('<cpu><arch>x86_64</arch><model>qemu64</model></cpu>')" },
    { m: 'Connection.baselineCPU', ours: () => conn.baselineCPU(['<cpu><arch>x86_64</arch><model>qemu64</model></cpu>']), py: "conn.baselineCPU(['<cpu><arch>x86_64</arch><model>qemu64</model></cpu>'])" },
    { m: 'Connection.nodeGetFreePages', ours: () => conn.nodeGetFreePages([4], 0, 1), py: '[conn.getFreePages([4], 0, 1)[0][4]]' },
    { m: 'DomainSnapshot.getParent', ours: () => s.getParent(), py: 's.getParent().getName()' },
    { m: 'DomainSnapshot.numChildren', ours: () => s.numChildren(), py: 's.numChildren()' },
    { m: 'DomainSnapshot.listChildrenNames', ours: () => s.listChildrenNames(), py: 's.listChildrenNames()' },
    { m: 'DomainSnapshot.listAllChildren', ours: () => s.listAllChildren(), py: '[x.getName() for x in s.listAllChildren()]' },
    { m: 'DomainSnapshot.isCurrent', ours: () => s.isCurrent(), py: 'bool(s.isCurrent())' },
    { m: 'DomainSnapshot.hasMetadata', ours: () => s.hasMetadata(), py: 'bool(s.hasMetadata())' },
    { m: 'Network.getXMLDesc', ours: () => n.getXMLDesc(), py: 'n.XMLDesc(0)' },
    { m: 'Network.getAutostart', ours: () => n.getAutostart(), py: 'bool(n.autostart())' },
    { m: 'Network.getBridgeName', ours: () => n.getBridgeName(), py: 'n.bridgeName()' },
    { m: 'Network.isActive', ours: () => n.isActive(), py: 'bool(n.isActive())' },
    { m: 'Network.isPersistent', ours: () => n.isPersistent(), py: 'bool(n.isPersistent())' },
    { m: 'Network.getDHCPLeases', ours: () => n.getDHCPLeases(null), py: 'n.DHCPLeases()' },
    { m: 'Network.getMetadata', ours: () => n.getMetadata(0, null), py: 'n.metadata(0, None)' },
    { m: 'StoragePool.getInfo', ours: () => p.getInfo(), py: 'p.info()', norm: vals },
    { m: 'StoragePool.getXMLDesc', ours: () => p.getXMLDesc(), py: 'p.XMLDesc(0)' },
    { m: 'StoragePool.getAutostart', ours: () => p.getAutostart(), py: 'bool(p.autostart())' },
    { m: 'StoragePool.isActive', ours: () => p.isActive(), py: 'bool(p.isActive())' },
    { m: 'StoragePool.isPersistent', ours: () => p.isPersistent(), py: 'bool(p.isPersistent())' },
    { m: 'StorageVol.getInfo', ours: () => v.getInfo(), py: 'v.info()', norm: vals },
    { m: 'StorageVol.getInfoFlags', ours: () => v.getInfoFlags(), py: 'v.infoFlags(0)', norm: vals },
    { m: 'StorageVol.getXMLDesc', ours: () => v.getXMLDesc(), py: 'v.XMLDesc(0)' },
    { m: 'StorageVol.getPath', ours: () => v.getPath(), py: 'v.path()' },
    { m: 'NodeDevice.getXMLDesc', ours: () => nd.getXMLDesc(), py: 'nd.XMLDesc(0)' },
    { m: 'NodeDevice.getParent', ours: () => nd.getParent(), py: 'nd.parent()' },
    { m: 'NodeDevice.numOfCaps', ours: () => nd.numOfCaps(), py: 'nd.numOfCaps()' },
    { m: 'NodeDevice.listCaps', ours: () => nd.listCaps(), py: 'nd.listCaps()' },
    { m: 'NodeDevice.getAutostart', ours: () => nd.getAutostart(), py: 'bool(nd.autostart())' },
    { m: 'NodeDevice.isPersistent', ours: () => nd.isPersistent(), py: 'bool(nd.isPersistent())' },
    { m: 'NodeDevice.isActive', ours: () => nd.isActive(), py: 'bool(nd.isActive())' },
    { m: 'Interface.getXMLDesc', ours: () => i.getXMLDesc(), py: 'i.XMLDesc(0)' },
    { m: 'Interface.isActive', ours: () => i.isActive(), py: 'bool(i.isActive())' },
  ]

  const prelude = `
d = conn.lookupByName('test'); s = d.snapshotLookupByName('os1'); n = conn.networkLookupByName('default')
p = conn.storagePoolLookupByName(args['pool']); v = p.storageVolLookupByName('ovol')
nd = conn.nodeDeviceLookupByName(args['nd']); i = conn.interfaceLookupByName(args['iface'])
`
  const r = await compareWithOracle(daemon.uri, rows, prelude, { pool: p.name, nd: nd.name, iface: i.name })
  const ro = readOnlyOf(r.compared)
  assert.equal(ro.length, r.compared.length, 'every row is a read-only procedure')
  t.diagnostic(`read-only procedures exposed: ${API_TABLE.filter((e) => e.method && e.readOnly).length}; compared with the C client: ${ro.length} (${r.errors.length} of them as matching errors)`)
  t.diagnostic(`read-only compared on the test driver: ${ro.join(' ')}`)
  assert.ok(ro.length >= 60)
  // 74 of 97 rows give equal values on libvirt 9.0 (the rest the same error; 2 bindings newer
  // than that libvirt-python): most rows must keep comparing results, not just errors.
  assertOracleCoverage(t, r, 65)
  await s.delete()
  await v.delete()
})
