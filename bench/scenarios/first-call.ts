// Scenario: time to first call — connect + auth + open + one getLibVersion answered, from a warm
// process; ms, median and p10/p90, then close (not timed). `connect` comes from the package by name,
// i.e. the bundle users load (dist/bundle), not tsc's per-file modules the rest of the bench uses.

import { connect } from 'libvirt-async'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { opFn } from '../lib/ops.js'
import { runC } from '../lib/python.js'
import { percentiles } from '../lib/stats.js'

export async function firstCallScenario(ctx: BenchContext): Promise<Row[]> {
  const uri = ctx.stock.uri
  const reps = ctx.sizes.firstCallReps
  ctx.log('time to first call')
  const ms: number[] = []
  for (let i = 0; i < reps + 5; i++) {
    const t0 = performance.now()
    const conn = await connect(uri)
    await (await opFn(conn, 'getLibVersion'))()
    if (i >= 5) ms.push(performance.now() - t0)
    await conn.close()
  }
  const c = await runC({ scenario: 'first-call', uri, reps })
  return [row({
    id: 'first-call', group: 'connect', label: 'time to first call (connect + auth + open + call)', unit: 'ms', better: 'lower',
    daemon: 'stock', ours: percentiles(ms), c: percentiles(c.values), cLabel: 'libvirt.open() + call',
  })]
}
