// Scenario: sequential latency of one trivial call (getLibVersion) and of lookupByName +
// getInfo, one caller, stock daemon; per-call µs, median and p10/p90 for both clients.

import { connect } from '../../src/connect.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { latencies } from '../lib/measure.js'
import { type OpName, opFn } from '../lib/ops.js'
import { runC } from '../lib/python.js'
import { percentiles } from '../lib/stats.js'

const CASES: Array<[OpName, string]> = [
  ['getLibVersion', 'getLibVersion, sequential'],
  ['lookupInfo', 'lookupByName + getInfo, sequential'],
]

export async function latencyScenario(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  const uri = ctx.stock.uri
  for (const [op, label] of CASES) {
    ctx.log(`latency ${op}`)
    const conn = await connect(uri)
    const ours = await latencies(await opFn(conn, op), ctx.sizes.latencySeconds)
    await conn.close()
    const c = await runC({ scenario: 'latency', uri, op, seconds: ctx.sizes.latencySeconds })
    rows.push(row({
      id: `latency.${op}`, group: 'latency', label, unit: 'µs/call', better: 'lower', daemon: 'stock',
      ours: percentiles(ours), c: percentiles(c.values), cLabel: 'sequential',
    }))
  }
  return rows
}
