// toJson / jsonReplacer from the package root: real results of a private libvirtd (test driver)
// become JSON text in one call — bigints as decimal strings, buffers as base64, libvirt objects as
// their wire identity, a LibvirtError with its code and names — and plain JSON.stringify of the
// same results fails, which is why the helper exists.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Connection, LibvirtError, jsonReplacer, toJson } from '../../src/index.js'
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

test('results with bigints, buffers and domains: one call, exact values', async () => {
  const [info, map, records, dom] = await Promise.all([conn.nodeGetInfo(), conn.nodeGetCPUMap(), conn.getAllDomainStats(), conn.domainLookupByName('test')])
  assert.throws(() => JSON.stringify(info), TypeError, 'plain JSON.stringify cannot do a bigint')

  const back = JSON.parse(toJson({ info, map, records, dom })) as Record<string, any>
  assert.equal(back.info.memory, info.memory.toString())
  assert.equal(back.info.cpus, info.cpus)
  assert.equal(back.map.cpumap, map.cpumap.toString('base64'))
  assert.deepEqual(Buffer.from(back.map.cpumap as string, 'base64'), map.cpumap)
  assert.equal(back.dom.name, 'test')
  assert.equal(back.dom.uuid, dom.getUUIDString())
  assert.ok(records.length >= 1)
  assert.deepEqual(back.records.map((r: { domain: { name: string } }) => r.domain.name).sort(), records.map((r) => r.domain.getName()).sort())
  // every raw statistic survives with its exact value (bigint → its decimal string)
  for (const [i, r] of records.entries()) {
    for (const [k, v] of Object.entries(r.stats)) assert.equal(back.records[i].stats[k], typeof v === 'bigint' ? v.toString() : v, k)
  }
  // the replacer works on its own with JSON.stringify, indentation included
  assert.equal(JSON.stringify({ info }, jsonReplacer, 2), toJson({ info }, 2))
  assert.match(toJson({ info }, 2), /\n {2}"info": \{\n {4}"model"/)
})

test('a LibvirtError from the daemon keeps its code, domain and message', async () => {
  const err = await conn.domainLookupByName('no-such-domain').catch((e: unknown) => e)
  assert.ok(err instanceof LibvirtError)
  const back = JSON.parse(toJson(err)) as Record<string, unknown>
  assert.equal(back.name, 'LibvirtError')
  assert.equal(back.message, err.message)
  assert.equal(back.code, err.code)
  assert.equal(back.domain, err.domain)
  assert.equal(back.vmName, err.vmName)
})

test('plain values: Map, Set, Uint8Array, nested bigints, undefined', () => {
  assert.equal(toJson(undefined), 'null')
  assert.equal(toJson(2n ** 64n - 1n), '"18446744073709551615"')
  assert.equal(toJson(new Map<string, unknown>([['a', 1n], ['b', Buffer.from('hi')]])), '{"a":"1","b":"aGk="}')
  assert.equal(toJson(new Set([1, 2n])), '[1,"2"]')
  const bytes = new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4)
  assert.equal(toJson({ bytes }), `{"bytes":"${Buffer.from([1, 2, 3]).toString('base64')}"}`)
  assert.equal(toJson([{ n: -5n }]), '[{"n":"-5"}]')
})
