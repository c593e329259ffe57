// parseDomainStats, the typed view of a statistics record, on its own (a pure function; the real
// daemon's records are checked in test/integration/stats-qemu.test.ts). Every statistics key
// libvirt's header defines (the generated VIR_DOMAIN_STATS_* string constants, prefixes and
// suffixes combined as libvirt documents) has a place in the view, with its value; keys and values
// it does not know never make it throw and stay only in the raw keys.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as constants from '../../src/generated/constants.gen.js'
import { parseDomainStats, type TypedParams } from '../../src/index.js'

const STRINGS = Object.entries(constants).filter(([n, v]) => n.startsWith('VIR_DOMAIN_STATS_') && typeof v === 'string') as Array<[string, string]>
const C = new Map(STRINGS)

/** Every full key the constants spell, with an index of 3 (then 7 for a nested array). */
function documentedKeys(): string[] {
  const keys: string[] = []
  const expand = (base: string, prefix: string, idx: number): void => {
    for (const [n, v] of STRINGS) {
      if (!n.startsWith(`${base}_SUFFIX_`)) continue
      const rest = n.slice(base.length + '_SUFFIX_'.length)
      if (rest.includes('_SUFFIX_')) continue // a nested suffix: reached through its prefix
      if (rest.endsWith('PREFIX')) expand(`${base}_SUFFIX_${rest.slice(0, -'_PREFIX'.length)}`, `${prefix}${idx}${v}`, 7)
      else keys.push(`${prefix}${idx}${v}`)
    }
  }
  for (const [n, v] of STRINGS) {
    if (n.startsWith('VIR_DOMAIN_STATS_CUSTOM_') || n.includes('_SUFFIX_')) continue // suffixes: reached through their prefix
    if (n.endsWith('_PREFIX')) expand(n.slice(0, -'_PREFIX'.length), v, 3)
    else keys.push(v)
  }
  return keys
}

function leaves(x: unknown, out: unknown[] = []): unknown[] {
  if (x !== null && typeof x === 'object') for (const v of Object.values(x)) leaves(v, out)
  else out.push(x)
  return out
}

test('every key libvirt documents has a place in the typed view, with its value', () => {
  const keys = documentedKeys()
  assert.ok(keys.length >= 100, `${keys.length} keys from the header constants`)
  for (const k of ['block.3.rd.bytes', 'cpu.cache.monitor.3.bank.7.bytes', 'memory.bandwidth.monitor.3.node.7.bytes.local', 'dirtyrate.vcpu.3.megabytes_per_second', 'iothread.3.poll-max-ns', 'balloon.last-update', 'vcpu.3.halted'])
    assert.ok(keys.includes(k), k)
  // one distinct value per key, of the kind libvirt documents
  const raw: TypedParams = {}
  keys.forEach((k, i) => {
    raw[k] = /\.(name|path|vcpus|calc_mode)$/.test(k) ? `s${i}` : k.endsWith('.halted') ? true : 1000n + BigInt(i)
  })
  const view = parseDomainStats(raw)
  const found = leaves(view).map((v) => (typeof v === 'number' ? BigInt(v) : v))
  // net.count / block.count are the arrays' lengths, not fields
  for (const [i, k] of keys.entries()) {
    if (k === C.get('VIR_DOMAIN_STATS_NET_COUNT') || k === C.get('VIR_DOMAIN_STATS_BLOCK_COUNT')) continue
    const want = typeof raw[k] === 'string' || typeof raw[k] === 'boolean' ? raw[k] : 1000n + BigInt(i)
    assert.ok(found.includes(want), `${k} (${String(want)}) is in the typed view`)
  }
})

test('the mapping: groups, arrays by index with their index, camelCase, one type per field', () => {
  const v = parseDomainStats({
    'state.state': 1, 'state.reason': 2,
    'cpu.time': 5n, 'cpu.haltpoll.fail.time': 6n,
    'balloon.current': 65536n, 'balloon.last-update': 1700000000n, 'balloon.swap_in': 3n,
    'vcpu.current': 2, 'vcpu.maximum': 4, 'vcpu.2.state': 1, 'vcpu.2.time': 9n, 'vcpu.2.halted': false, 'vcpu.0.delay': 1n,
    'vcpu.0.halt_wait_ns.sum': 77n, 'vcpu.0.exits.cur': true,
    'net.count': 1, 'net.0.name': 'vnet0', 'net.0.rx.bytes': 10n, 'net.0.tx.drop': 0n,
    'block.count': 2, 'block.1.name': 'vdb', 'block.0.name': 'vda', 'block.0.backingIndex': 1, 'block.1.wr.bytes': 12n, 'block.0.fl.times': 13n,
    'perf.cpu_cycles': 14n, 'perf.page_faults_maj': 15n,
    'iothread.count': 4, 'iothread.4.poll-max-ns': 32768n, 'iothread.4.poll-grow': 2, 'iothread.4.poll-shrink': 3n,
    'dirtyrate.calc_status': 2, 'dirtyrate.calc_start_time': 1700000000n, 'dirtyrate.megabytes_per_second': 8n, 'dirtyrate.calc_mode': 'dirty-ring',
    'vm.halt_poll_success_ns.sum': 16n,
  })
  assert.deepEqual(v.state, { state: 1, reason: 2 })
  assert.deepEqual(v.cpu, { time: 5n, haltpollFailTime: 6n })
  assert.deepEqual(v.balloon, { current: 65536n, lastUpdate: 1700000000, swapIn: 3n }) // seconds are a number
  assert.equal(v.vcpuCurrent, 2)
  assert.equal(v.vcpuMaximum, 4)
  assert.deepEqual(v.vcpu, [
    { index: 0, delay: 1n, custom: { 'halt_wait_ns.sum': 77n, 'exits.cur': true } },
    { index: 2, state: 1, time: 9n, halted: false, custom: {} },
  ])
  assert.deepEqual(v.net, [{ index: 0, name: 'vnet0', rxBytes: 10n, txDrop: 0n }])
  assert.deepEqual(v.block, [{ index: 0, name: 'vda', backingIndex: 1, flTimes: 13n }, { index: 1, name: 'vdb', wrBytes: 12n }])
  assert.deepEqual(v.perf, { cpuCycles: 14n, pageFaultsMaj: 15n })
  assert.equal(v.iothreadCount, 4)
  assert.deepEqual(v.iothread, [{ id: 4, pollMaxNs: 32768n, pollGrow: 2, pollShrink: 3 }])
  assert.deepEqual(v.dirtyrate, { calcStatus: 2, calcStartTime: 1700000000, megabytesPerSecond: 8, calcMode: 'dirty-ring' })
  assert.deepEqual(v.vm, { 'halt_poll_success_ns.sum': 16n })
  assert.deepEqual(parseDomainStats({}), {})
  // only the groups that were sent
  assert.deepEqual(Object.keys(parseDomainStats({ 'state.state': 5 })), ['state'])
})

test('unknown keys and values of another type stay raw only; garbage never throws', () => {
  const v = parseDomainStats({
    'block.0.rd.bytes': 'oops', 'block.0.name': 7, 'net.x.rx.bytes': 1n, 'vcpu.-1.time': 1n, 'state.state': 'running',
    'cpu.time': 1.5, 'future.group.key': 1n, 'block.0.future_key': 2n, 'iothread.1.poll-max-ns.extra': 3n, '': 1, '...': 2n,
  })
  assert.deepEqual(v.block, [{ index: 0 }]) // the entry exists (keys were sent) but no field of the wrong type
  assert.equal(v.net, undefined)
  assert.equal(v.vcpu, undefined)
  assert.deepEqual(v.state, {})
  assert.deepEqual(v.cpu, {})
  assert.equal((v as Record<string, unknown>).future, undefined)
  // a seeded stream of random keys and values
  let seed = 42
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
  const parts = ['block', 'net', 'vcpu', 'cpu', 'cache', 'monitor', 'bank', 'memory', 'bandwidth', 'node', 'dirtyrate', 'iothread', 'vm', 'perf', 'balloon', 'state', 'count', '0', '1', '99999999999', '-3', 'rd', 'bytes', '']
  const values = [0, -1, 2 ** 40, 1n, -(2n ** 63n), 2n ** 64n - 1n, true, false, '', 'x', 0.5, Number.NaN]
  for (let r = 0; r < 2000; r++) {
    const raw: TypedParams = {}
    for (let i = 0; i < 8; i++) raw[Array.from({ length: 1 + rnd(6) }, () => parts[rnd(parts.length)]).join('.')] = values[rnd(values.length)]!
    assert.doesNotThrow(() => parseDomainStats(raw), JSON.stringify(Object.keys(raw)))
  }
})
