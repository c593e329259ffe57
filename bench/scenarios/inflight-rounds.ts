// Scenario: 64 calls in flight on one connection against the C client's 8 threads sharing one
// connection, stock daemon, in alternating rounds (ours, then the C client, `inflightRounds`
// times) so that a change in the machine's load hits both sides of a round alike. Rows: each
// side's calls/s over the rounds, and the per-round ratio (median and min) that issue 19's
// target is judged on (median ≥ 1.0×, none below 0.9×).

import { connect } from '../../src/connect.js'
import type { BenchContext } from '../lib/context.js'
import { rates } from '../lib/measure.js'
import { type Row, row } from '../lib/model.js'
import { opFn } from '../lib/ops.js'
import { runC } from '../lib/python.js'
import { minMax, quantileOf } from '../lib/stats.js'

const DEPTH = 64
const THREADS = 8

export async function inflightRoundsScenario(ctx: BenchContext): Promise<Row[]> {
  const { inflightRounds: rounds, seconds, samples } = ctx.sizes
  const uri = ctx.stock.uri
  ctx.log(`${DEPTH} in flight vs C ${THREADS} threads: ${rounds} alternating rounds`)
  const ours: number[] = []
  const c: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < rounds; i++) {
    const conn = await connect(uri)
    const o = quantileOf(await rates(await opFn(conn, 'getLibVersion'), DEPTH, seconds, samples), 0.5)
    await conn.close()
    const cr = quantileOf((await runC({ scenario: 'rate', uri, op: 'getLibVersion', threads: THREADS, ownConnections: false, seconds, samples })).values, 0.5)
    ours.push(o)
    c.push(cr)
    ratios.push(o / cr)
  }
  const base = { group: 'throughput', daemon: 'stock' } as const
  return [
    row({
      ...base, id: 'inflight.rounds', label: `${DEPTH} in flight, one connection, ${rounds} alternating rounds`, unit: 'calls/s', better: 'higher',
      ours: minMax(ours), c: minMax(c), cLabel: `${THREADS} threads, one connection`,
    }),
    row({
      ...base, id: 'inflight.ratio', label: `${DEPTH} in flight ÷ C ${THREADS} threads, per round (median, min–max)`, unit: '×', better: 'higher',
      ours: minMax(ratios), c: null, cLabel: '–',
      note: 'the ratio of the two sides within each round; the C side is in the row above',
    }),
  ]
}
