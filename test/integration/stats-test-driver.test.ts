// Typed statistics on the test driver of a private libvirtd (no root needed): the state group of
// every domain equals what libvirt's C client reports (python3-libvirt's getAllDomainStats and
// dom.state()), through getAllDomainStats, domainListGetStats and Domain.getStats alike; misuse is
// a TypeError/RangeError before anything is sent.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Connection, DomainState, toJson } from '../../src/index.js'
import { startTestDaemon, runOracle, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
let conn: Connection
before(async () => {
  daemon = await startTestDaemon()
  conn = await connect(daemon.uri)
  // a second, inactive domain, and a paused one, so states differ
  await conn.domainDefineXML("<domain type='test'><name>st-off</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>")
  const p = await conn.domainCreateXML("<domain type='test'><name>st-paused</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>")
  await p.suspend()
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})

test('typed state of every domain equals the C client', async () => {
  const records = await conn.getAllDomainStats()
  const c = await runOracle<Record<string, { raw: Record<string, number>; state: number[] }>>(daemon.uri, `
result = {d.name(): {'raw': s, 'state': list(d.state())} for (d, s) in conn.getAllDomainStats()}`)
  assert.deepEqual(records.map((r) => r.domain.getName()).sort(), Object.keys(c).sort())
  assert.ok(records.length >= 3)
  for (const r of records) {
    const o = c[r.domain.getName()]!
    assert.deepEqual(r.stats, o.raw, 'raw keys as the C client')
    assert.deepEqual([r.typed.state?.state, r.typed.state?.reason], o.state, `${r.domain.getName()}: typed state`)
  }
  const byName = new Map(records.map((r) => [r.domain.getName(), r.typed.state?.state]))
  assert.equal(byName.get('st-off'), DomainState.SHUTOFF)
  assert.equal(byName.get('st-paused'), DomainState.PAUSED)
  assert.equal(byName.get('test'), DomainState.RUNNING)
})

test('domainListGetStats and Domain.getStats: the same record for the same domain', async () => {
  const doms = await Promise.all(['test', 'st-paused'].map((n) => conn.domainLookupByName(n)))
  const list = await conn.domainListGetStats(doms, 1) // VIR_DOMAIN_STATS_STATE
  assert.deepEqual(list.map((r) => r.domain.getName()), ['test', 'st-paused'])
  for (const [i, d] of doms.entries()) {
    const one = await d.getStats(1)
    assert.equal(one.domain.getName(), d.getName())
    assert.deepEqual(one.stats, list[i]!.stats)
    assert.deepEqual(one.typed, list[i]!.typed)
    assert.deepEqual(one.typed, { state: { state: one.stats['state.state'], reason: one.stats['state.reason'] } })
    // the view is computed once and kept; JSON of a record carries both forms
    assert.equal(one.typed, one.typed)
    const back = JSON.parse(toJson(one)) as { domain: { name: string }; stats: Record<string, unknown>; typed: { state: { state: number } } }
    assert.deepEqual([back.domain.name, back.stats['state.state'], back.typed.state.state], [d.getName(), one.stats['state.state'], one.typed.state?.state])
  }
})

test('misuse: a TypeError or RangeError before anything is sent', async () => {
  const d = await conn.domainLookupByName('test')
  await assert.rejects(() => d.getStats(-1), RangeError)
  await assert.rejects(() => (d.getStats as (...a: unknown[]) => Promise<unknown>)(1, 0, 'extra'), TypeError)
  await assert.rejects(() => (d.getStats as (...a: unknown[]) => Promise<unknown>)('1'), TypeError)
})
