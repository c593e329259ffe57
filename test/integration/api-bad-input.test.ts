// Bad input, end to end, on a real private libvirtd: every typed method refuses a wrong argument
// count or type with a TypeError before a byte is written (the transport's writes are counted),
// flags out of range are a RangeError, objects of a closed connection fail with libvirt's "client
// socket is closed", objects libvirt no longer has fail with the C client's own error code, 64-bit
// values cross exactly (compared with the C client beyond 2^53), and UUID strings are accepted in
// exactly the spellings libvirt's client accepts.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import {
  API_TABLE, connect, type Connection, Domain, DomainCheckpoint, DomainSnapshot, Interface, LibvirtError, Network, NetworkPort,
  NodeDevice, NWFilter, NWFilterBinding, Secret, StoragePool, StorageVol, VIR_ERR_INTERNAL_ERROR,
} from '../../src/index.js'
import { OracleLibvirtError, runOracle, startTestDaemon, type TestDaemon } from '../../src/testing/index.js'
import { AT_ONCE_MS, within } from '../helpers/bounded.js'
import { tapWrites } from '../helpers/wire-tap.js'

let daemon: TestDaemon
let conn: Connection
before(async () => {
  daemon = await startTestDaemon()
  conn = await connect(daemon.uri, { keepAlive: false }) // no pings: every write counted is ours
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})

/** Counts the writes on a connection's transport (both write paths: every frame the client sends goes through one). */
function countWrites(c: Connection): { readonly n: number; restore(): void } {
  const tap = tapWrites(c.rpc)
  return { get n() { return tap.writes }, restore: () => tap.restore() }
}

type AnyMethod = (...a: unknown[]) => Promise<unknown>
const CLASSES: Record<string, new (c: Connection, w: never) => object> = {
  Domain, Network, NetworkPort, StoragePool, StorageVol, NodeDevice, Secret, Interface, NWFilter, NWFilterBinding, DomainSnapshot, DomainCheckpoint,
}

test('every method: wrong argument count or type is a TypeError, and nothing is sent', async (t) => {
  const writes = countWrites(conn)
  let checked = 0
  try {
    for (const e of API_TABLE) {
      if (!e.method || !e.className) continue
      // The checks run before the handle is touched, so a bare instance is enough.
      const obj = e.className === 'Connection' ? conn : new CLASSES[e.className]!(conn, {} as never)
      const fn = (obj as unknown as Record<string, AnyMethod>)[e.method]
      assert.equal(typeof fn, 'function', `${e.className}.${e.method}`)
      const required = fn!.length // parameters before the first default
      const where = `${e.className}.${e.method}`
      await assert.rejects(fn!.apply(obj, new Array(required + 8).fill(0)), TypeError, `${where}: too many arguments`)
      if (required > 0) {
        await assert.rejects(fn!.apply(obj, new Array(required - 1).fill(0)), TypeError, `${where}: too few arguments`)
        await assert.rejects(fn!.apply(obj, new Array(required).fill(Symbol('bad'))), TypeError, `${where}: wrong types`)
      }
      checked++
    }
    assert.equal(writes.n, 0, 'no frame left the client')
    await conn.getLibVersion()
    assert.ok(writes.n > 0, 'the counter sees a call that is sent')
  } finally {
    writes.restore()
  }
  t.diagnostic(`${checked} methods refuse misuse before sending`)
  assert.equal(checked, API_TABLE.filter((e) => e.method).length)
})

test('flags and integers out of range are a RangeError before sending; the largest flags reach the daemon', async () => {
  const d = await conn.domainLookupByName('test')
  const writes = countWrites(conn)
  try {
    for (const bad of [-1, 2 ** 32]) {
      await assert.rejects(conn.listAllDomains(bad), RangeError)
      await assert.rejects(d.getXMLDesc(bad), RangeError)
    }
    await assert.rejects(d.getXMLDesc(1.5), TypeError)
    await assert.rejects(d.getXMLDesc(1n as never), TypeError)
    await assert.rejects(d.setMemory(-1n), RangeError)
    await assert.rejects(d.setMemory(2n ** 64n), RangeError)
    await assert.rejects(d.setMemory(2 ** 53), { name: 'RangeError', message: /not a safe integer.*pass a bigint/ }) // a bigint is needed, never a rounded number (as typed params say: RangeError)
    await assert.rejects(d.setMemoryParameters({ hard_limit: 2 ** 53 }), RangeError)
    await assert.rejects(conn.domainLookupByID(2 ** 31), RangeError)
    assert.equal(writes.n, 0)
  } finally {
    writes.restore()
  }
  // 0xffffffff is a valid unsigned int: the daemon judges it, with the C client's error code.
  const ours = await d.getXMLDesc(0xffffffff).then(() => null, (e: unknown) => e)
  assert.ok(ours instanceof LibvirtError)
  const o = await runOracle(daemon.uri, "conn.lookupByName('test').XMLDesc(0xffffffff)").then(() => null, (e: unknown) => e)
  assert.ok(o instanceof OracleLibvirtError)
  assert.deepEqual([ours.code, ours.domain], [o.code, o.domain])
})

test('objects of a closed connection: "client socket is closed", for every kind, no hang', async () => {
  const c2 = await connect(daemon.uri)
  const objs = {
    d: await c2.domainLookupByName('test'),
    n: await c2.networkLookupByName('default'),
    p: (await c2.listAllStoragePools())[0]!,
    nd: (await c2.listAllNodeDevices())[0]!,
    i: (await c2.listAllInterfaces())[0]!,
  }
  const v = (await objs.p.listAllVolumes())[0]
  await c2.close()
  const calls: [string, () => Promise<unknown>][] = [
    ['Connection.getLibVersion', () => c2.getLibVersion()],
    ['Domain.getInfo', () => objs.d.getInfo()],
    ['Domain.getXMLDesc', () => objs.d.getXMLDesc()],
    ['Network.getXMLDesc', () => objs.n.getXMLDesc()],
    ['StoragePool.getInfo', () => objs.p.getInfo()],
    ['NodeDevice.getXMLDesc', () => objs.nd.getXMLDesc()],
    ['Interface.getXMLDesc', () => objs.i.getXMLDesc()],
    ['Domain.getCPUStats', () => objs.d.getCPUStats(-1, 1)],
    ['Domain.memoryStats', () => objs.d.memoryStats()],
  ]
  if (v) calls.push(['StorageVol.getInfo', () => v.getInfo()])
  for (const [m, f] of calls) {
    await within(AT_ONCE_MS, assert.rejects(f(), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_INTERNAL_ERROR && e.message === 'client socket is closed', m), m)
  }
  // Misuse is still misuse: checked before the connection is.
  await assert.rejects(objs.d.getXMLDesc('x' as never), TypeError)
})

test('objects libvirt no longer has: the same error code and domain as the C client', async () => {
  const xml = (n: string) => `<domain type='test'><name>${n}</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`
  const pool = (await conn.listAllStoragePools())[0]!
  const ours: Record<string, [number, number]> = {}
  const err = async (k: string, f: () => Promise<unknown>) => {
    const e = await f().then(() => null, (x: unknown) => x)
    assert.ok(e instanceof LibvirtError, `${k} must fail`)
    ours[k] = [e.code, e.domain]
  }
  // Undefined (the handle outlives the domain), destroyed transient, deleted snapshot, network, volume.
  const gone = await conn.domainDefineXML(xml('gone'))
  await (await conn.domainLookupByName('gone')).undefine()
  await err('undefined', () => gone.getInfo())
  const transient = await conn.domainCreateXML(xml('transient'))
  await transient.destroy()
  await err('destroyed', () => transient.getXMLDesc())
  const host = await conn.domainLookupByName('test')
  const snap = await host.snapshotCreateXML('<domainsnapshot><name>gone-snap</name></domainsnapshot>')
  await snap.delete()
  await err('snapshot', () => snap.getXMLDesc())
  const net = await conn.networkDefineXML("<network><name>gone-net</name><bridge name='gonebr0'/></network>")
  await net.undefine()
  await err('network', () => net.getXMLDesc())
  const vol = await pool.storageVolCreateXML("<volume><name>gone-vol</name><capacity unit='KiB'>4</capacity></volume>")
  await vol.delete()
  await err('volume', () => vol.getInfo())

  const o = await runOracle<Record<string, [number, number]>>(daemon.uri, `
def code(f):
    try:
        f()
        return None
    except libvirt.libvirtError as e:
        return [e.get_error_code(), e.get_error_domain()]
x = lambda n: "<domain type='test'><name>%s</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>" % n
g = conn.defineXML(x('gone')); conn.lookupByName('gone').undefine()
t = conn.createXML(x('transient'), 0); t.destroy()
s = conn.lookupByName('test').snapshotCreateXML('<domainsnapshot><name>gone-snap</name></domainsnapshot>', 0); s.delete(0)
n = conn.networkDefineXML("<network><name>gone-net</name><bridge name='gonebr0'/></network>"); n.undefine()
v = conn.storagePoolLookupByName(args).createXML("<volume><name>gone-vol</name><capacity unit='KiB'>4</capacity></volume>", 0); v.delete(0)
result = {'undefined': code(lambda: g.info()), 'destroyed': code(lambda: t.XMLDesc(0)), 'snapshot': code(lambda: s.getXMLDesc(0)),
  'network': code(lambda: n.XMLDesc(0)), 'volume': code(lambda: v.info())}
`, { args: pool.name })
  assert.deepEqual(ours, o)
  assert.equal(ours.undefined![0], 42) // VIR_ERR_NO_DOMAIN
})

test('64-bit values cross exactly: beyond 2^53 through a volume, a setter the daemon refuses, max memory', async () => {
  // A volume of 2^60 + 1 bytes (nothing allocated): our bigint and the C client's int agree to the byte.
  const pool = (await conn.listAllStoragePools())[0]!
  const big = 2n ** 60n + 1n
  const vol = await pool.storageVolCreateXML(`<volume><name>big-vol</name><capacity unit='bytes'>${big}</capacity><allocation>0</allocation></volume>`)
  try {
    const info = await vol.getInfo()
    assert.equal(info.capacity, big)
    const o = await runOracle<[number, bigint, number]>(daemon.uri, "result = conn.storagePoolLookupByName(args).storageVolLookupByName('big-vol').info()", { args: pool.name })
    assert.equal(o[1], big)
  } finally {
    await vol.delete()
  }
  // 2^53 + 1 KiB reaches the daemon exactly: its overflow message quotes the value, as the C client's does.
  const d = await conn.domainLookupByName('test')
  const ours = await d.setMaxMemory(2n ** 53n + 1n).then(() => null, (e: unknown) => e)
  assert.ok(ours instanceof LibvirtError)
  assert.match(ours.message, /9007199254740993/)
  const o = await runOracle(daemon.uri, "conn.lookupByName('test').setMaxMemory(2**53 + 1)").then(() => null, (e: unknown) => e)
  assert.ok(o instanceof OracleLibvirtError)
  assert.deepEqual([ours.code, ours.message], [o.code, o.message])
  // A setter/getter round trip with the largest maximum memory libvirt takes (KiB), bigint both ways.
  const dom = await conn.domainDefineXML("<domain type='test'><name>bigmem</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>")
  try {
    const before = await dom.getMaxMemory()
    const max = 2n ** 43n - 1n // (2^53 - 1) bytes in KiB, rounded down
    await dom.setMaxMemory(max)
    assert.notEqual(before, max)
    assert.equal(await dom.getMaxMemory(), max)
    assert.equal(await runOracle(daemon.uri, "result = conn.lookupByName('bigmem').maxMemory()"), Number(max))
    await dom.setMemoryParameters({ hard_limit: 2n ** 53n - 1n, soft_limit: 123456789012345n })
    const p = await dom.getMemoryParameters()
    assert.deepEqual([p.hard_limit, p.soft_limit], [2n ** 53n - 1n, 123456789012345n])
  } finally {
    await dom.undefine()
  }
})

test('QEMU driver: a volume resized to 2^62 + 4097 bytes reads back exactly, as the C client reads it', { skip: process.getuid?.() !== 0 ? 'the QEMU driver needs root' : false }, async () => {
  await using qd = await startTestDaemon({ qemu: true })
  const qc = await connect(qd.qemuUri!)
  // tmpfs takes a sparse file of any 64-bit size; the daemon does the ftruncate.
  const dir = mkdtempSync('/dev/shm/libvirt-async-big-')
  try {
    const pool = await qc.storagePoolCreateXML(`<pool type='dir'><name>shm</name><target><path>${dir}</path></target></pool>`)
    const vol = await pool.storageVolCreateXML("<volume><name>big.img</name><capacity unit='bytes'>4096</capacity><target><format type='raw'/></target></volume>")
    const size = 2n ** 62n + 4097n
    await vol.resize(size)
    assert.equal((await vol.getInfo()).capacity, size)
    const o = await runOracle<[number, bigint, number]>(qd.qemuUri!, "result = conn.storagePoolLookupByName('shm').storageVolLookupByName('big.img').info()")
    assert.equal(o[1], size)
    await vol.delete()
    await pool.destroy()
  } finally {
    await qc.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('UUID strings: exactly the spellings libvirt\'s client accepts', async () => {
  const d = await conn.domainLookupByName('test')
  const u = d.uuid
  const hex = u.replace(/-/g, '')
  const pairs = hex.match(/../g)!
  const forms = [
    u, u.toUpperCase(), hex, `  ${u}  `, `\t${u}\n`, `\r\f${u}`, pairs.join('-'), pairs.join(' '), pairs.join(' - '), `--${u}`, `-${hex}`,
    `\v${u}`, `\u00a0${u}`, `{${u}}`, `${u}-`, `${u}x`, hex.slice(0, 31), `${hex}0`, `${hex[0]}-${hex.slice(1)}`, hex.replace(/^./, 'g'), '', ' ',
  ]
  const ours: boolean[] = []
  for (const f of forms) {
    const r = await conn.domainLookupByUUID(f).then((x) => x.name, (e: unknown) => e)
    if (r instanceof TypeError) ours.push(false)
    else {
      assert.equal(r, 'test', JSON.stringify(f))
      ours.push(true)
    }
  }
  const o = await runOracle<boolean[]>(daemon.uri, `
def ok(s):
    try:
        return conn.lookupByUUIDString(s).name() == 'test'
    except libvirt.libvirtError as e:
        if e.get_error_code() != libvirt.VIR_ERR_INVALID_ARG:
            raise
        return False
result = [ok(s) for s in args]
`, { args: forms })
  assert.deepEqual(ours, o)
  assert.ok(o.filter(Boolean).length >= 8 && o.filter((x) => !x).length >= 8, 'both kinds of spelling are exercised')
})
