// `npm run bench` smoke run: node dist/bench/run.js --quick (tiny counts) into a temp dir, then
// check the JSON has every scenario with numbers for both clients. Proves the script works;
// no timing is asserted (speed is the benchmark's business, not the test suite's).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { cClientMissing } from '../helpers/c-client.js'
import { sshdAvailable } from '../helpers/sshd.js'

const RUN = fileURLToPath(new URL('../../bench/run.js', import.meta.url))
// rows where the C client has no counterpart (no event loop, no JS heap, no V8 flags)
const NO_C_SIDE = /^(lag\.|memory\.heap$|memory\.rss-capped$|tracing\.|caller-stack\.|inflight\.ratio$)/

// Rows measuring time or a rate: a median of 0 (or below) means nothing was measured.
const TIMING_UNIT = /^(µs|ms|s)(\/call)?$|\/s$/

test('npm run bench --quick: every scenario, numbers for both sides', { timeout: 240_000 }, async (t) => {
  const missing = await cClientMissing()
  if (missing) return t.skip(`the C client cannot run, so there is nothing to compare with: ${missing}`)
  const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'))
  try {
    await promisify(execFile)(process.execPath, [RUN, '--quick', '--out', out], { timeout: 170_000, maxBuffer: 16 << 20 })
    const r = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'))
    assert.ok(existsSync(join(out, 'latest.svg')) && readFileSync(join(out, 'latest.svg'), 'utf8').startsWith('<svg'))
    assert.deepEqual(r.scenarios, ['latency', 'throughput', 'inflight-rounds', 'large', 'events', 'lag', 'memory', 'first-call', 'import', 'cold', 'close', 'tracing', 'remote', 'caller-stack', 'recovery'])
    const groups = new Set(r.rows.map((row: { group: string }) => row.group))
    for (const g of ['latency', 'throughput', 'large replies', 'events', 'event-loop lag', 'memory', 'connect', 'cold start', 'close', 'remote', 'caller stack', 'recovery']) assert.ok(groups.has(g), g)
    // every figure issue 12 asks for, each scenario's rows complete: a scenario that silently
    // produced fewer rows fails here
    const depths = (s: string): string[] => [`${s}.1.seq`, `${s}.8.t8`, `${s}.64.seq`, `${s}.64.t8`, `${s}.512.t8`, `${s}.512.c8`].map((x) => `throughput.${x}`)
    const expected = [
      'latency.getLibVersion', 'latency.lookupInfo', ...depths('stock'), ...depths('raised'), 'inflight.rounds', 'inflight.ratio', 'inflight.daemon-cpu',
      'large.listAllDomains', 'large.getAllDomainStats', 'large.getXMLDesc', 'events.rate', 'events.lost',
      'lag.stock.p50', 'lag.stock.p99', 'lag.raised.p50', 'lag.raised.p99',
      'memory.rss', 'memory.rss-late', 'memory.rss-capped', 'memory.heap', 'first-call',
      'import', 'import.cpu', 'cold.first-call', 'cold.1000', 'cold.first3000', 'close.eof', 'close.keepalive',
      // the floor under the cold rows: a minimal Node client without the library (bench/lib/floor-child.ts)
      'cold.floor.first-call', 'cold.floor.1000', 'cold.floor.first3000',
      'tracing.baseline', 'tracing.off', 'tracing.on',
      // the SSH row needs a private sshd (openssh-server)
      'remote.tls', ...(sshdAvailable() === null ? ['remote.ssh'] : []),
      'caller-stack.seq.off', 'caller-stack.seq.await', 'caller-stack.seq.call', 'caller-stack.cpu.off', 'caller-stack.cpu.await', 'caller-stack.cpu.call',
      'caller-stack.64.off', 'caller-stack.64.await', 'caller-stack.64.call', 'caller-stack.capture',
      'recovery.5', 'recovery.100',
    ]
    assert.deepEqual(r.rows.map((row: { id: string }) => row.id).sort(), expected.sort())
    let timings = 0
    for (const row of r.rows) {
      assert.ok(Number.isFinite(row.ours.median), `${row.id}: ours`)
      if (NO_C_SIDE.test(row.id)) assert.equal(row.c, null, row.id)
      else assert.ok(Number.isFinite(row.c?.median), `${row.id}: C client`)
      if (TIMING_UNIT.test(row.unit)) {
        timings++
        assert.ok(row.ours.median > 0, `${row.id}: ours ${row.ours.median} ${row.unit}`)
        if (row.c) assert.ok(row.c.median > 0, `${row.id}: C client ${row.c.median} ${row.unit}`)
      }
    }
    assert.ok(timings >= 30, `only ${timings} rows measure time or a rate`)
    assert.equal(r.rows.find((row: { id: string }) => row.id === 'events.lost').ours.median, 0)
    // Every target judged (met or missed), none left 'not measured in this run'.
    assert.ok(r.targets.length >= 8)
    for (const target of r.targets) assert.equal(typeof target.met, 'boolean', `${target.target}: ${target.detail}`)
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
