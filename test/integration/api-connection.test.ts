// Typed API against a real private libvirtd (test driver): connection information, node info,
// domains and their life cycle, lookups, errors — compared with libvirt's C client where it answers too.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, Connection, Domain, LibvirtError, VIR_ERR_NO_DOMAIN, VIR_CONNECT_LIST_DOMAINS_ACTIVE, VIR_CONNECT_LIST_DOMAINS_INACTIVE, typedParam } from '../../src/index.js'
import { startTestDaemon, runOracle, type TestDaemon } from '../../src/testing/index.js'

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

const xml = (name: string) => `<domain type='test'><name>${name}</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`

test('connection information matches the C client', async () => {
  const [lib, ver, host, uri, type, caps, node, free, sysinfo] = await Promise.all([
    conn.getLibVersion(), conn.getVersion(), conn.getHostname(), conn.getURI(), conn.getType(), conn.getCapabilities(),
    conn.nodeGetInfo(), conn.nodeGetFreeMemory(), conn.getSysinfo().catch((e: unknown) => e),
  ])
  const o = await runOracle<Record<string, unknown>>(daemon.uri, `
c = conn
result = {'lib': c.getLibVersion(), 'ver': c.getVersion(), 'host': c.getHostname(), 'uri': c.getURI(), 'type': c.getType(),
  'caps': c.getCapabilities(), 'node': c.getInfo(), 'free': c.getFreeMemory()}
`)
  assert.equal(typeof lib, 'number')
  assert.equal(lib, o.lib)
  assert.equal(ver, o.ver)
  assert.equal(host, o.host)
  assert.equal(uri, daemon.uri) // the URI we were opened with, as libvirt's client reports
  assert.equal(uri, o.uri)
  assert.equal(type, o.type)
  assert.equal(caps, o.caps)
  assert.deepEqual([node.model, Number(node.memory >> 10n), node.cpus, node.mhz, node.nodes, node.sockets, node.cores, node.threads], o.node)
  assert.equal(free, BigInt(o.free as number))
  // The test driver has no sysinfo: libvirt reports it as an error, not a crash.
  if (sysinfo instanceof Error) assert.ok(sysinfo instanceof LibvirtError)
  else assert.match(String(sysinfo), /<sysinfo/)
})

test('domain life cycle, lookups, listing with flags', async () => {
  const dom = await conn.domainDefineXML(xml('api-life'))
  assert.ok(dom instanceof Domain)
  assert.equal(dom.connection, conn)
  assert.equal(dom.getName(), 'api-life')
  assert.match(dom.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-/)
  assert.equal(await dom.isActive(), false)
  await dom.create()
  const info = await dom.getInfo()
  assert.equal(info.state, 1) // VIR_DOMAIN_RUNNING
  assert.equal(info.maxMem, 8192n)
  const byName = await conn.domainLookupByName('api-life')
  const byUuid = await conn.domainLookupByUUID(dom.uuid)
  const byId = await conn.domainLookupByID(byName.id)
  assert.deepEqual([byName.uuid, byUuid.name, byId.name], [dom.uuid, 'api-life', 'api-life'])
  await dom.suspend()
  assert.deepEqual(await dom.getState(), { state: 3, reason: 1 }) // PAUSED, USER
  await dom.resume()
  const active = (await conn.listAllDomains(VIR_CONNECT_LIST_DOMAINS_ACTIVE)).map((d) => d.name)
  assert.ok(active.includes('api-life'))
  assert.ok(!(await conn.listAllDomains(VIR_CONNECT_LIST_DOMAINS_INACTIVE)).some((d) => d.name === 'api-life'))
  const ids = await conn.listDomains()
  assert.ok(ids.includes(byName.id))
  await dom.destroy()
  assert.ok((await conn.listDefinedDomains()).includes('api-life'))
  await dom.undefine()
  await assert.rejects(conn.domainLookupByName('api-life'), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_NO_DOMAIN && e.codeName === 'VIR_ERR_NO_DOMAIN')
})

test('typed parameters both ways, stats records with Domain instances', async () => {
  const dom = await conn.domainCreateXML(xml('api-params'))
  try {
    const mem = await dom.getMemoryParameters()
    assert.equal(typeof mem.hard_limit, 'bigint')
    await dom.setMemoryParameters({ hard_limit: typedParam.ullong(1048576n) })
    assert.equal((await dom.getMemoryParameters()).hard_limit, 1048576n)
    const stats = await conn.getAllDomainStats()
    const rec = stats.find((s) => s.domain.name === 'api-params')
    assert.ok(rec && rec.domain instanceof Domain)
    assert.equal(rec.stats['state.state'], 1)
    const one = await conn.domainListGetStats([dom])
    assert.deepEqual(one.map((s) => s.domain.name), ['api-params'])
  } finally {
    await dom.destroy()
  }
})

test('misuse is a TypeError before sending; a closed connection is a LibvirtError', async () => {
  await assert.rejects(conn.domainLookupByName(42 as never), TypeError)
  await assert.rejects((conn.domainLookupByName as (...a: unknown[]) => Promise<unknown>)('a', 'b'), TypeError)
  await assert.rejects(conn.domainLookupByUUID('not-a-uuid'), TypeError)
  await assert.rejects(conn.domainListGetStats([{}] as never), TypeError)
  await assert.rejects(conn.listAllDomains(-1), RangeError)
  const c2 = await connect(daemon.uri)
  const d = await c2.domainLookupByName('test')
  await c2.close()
  await assert.rejects(d.getInfo(), (e: unknown) => e instanceof LibvirtError && e.message === 'client socket is closed')
})
