// Scenario: our event-loop lag (monitorEventLoopDelay, 1 ms resolution) while 1,000
// getLibVersion calls are kept in flight on one connection; p50 and p99 in ms, on both daemons.
// The C client has no counterpart: its calls block their thread for the whole call.

import { monitorEventLoopDelay } from 'node:perf_hooks'
import { connect } from '../../src/connect.js'
import type { TestDaemon } from '../../src/testing/daemon.js'
import type { BenchContext } from '../lib/context.js'
import { type DaemonSetting, type Row, row } from '../lib/model.js'
import { rates } from '../lib/measure.js'
import { opFn } from '../lib/ops.js'
import { single } from '../lib/stats.js'

const IN_FLIGHT = 1000
const NOTE = 'no C counterpart: a C client call blocks its thread for the whole call'

export async function lagScenario(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const [setting, daemon] of [['stock', ctx.stock], ['raised', ctx.raised]] as Array<[DaemonSetting, TestDaemon]>) {
    ctx.log(`lag: ${IN_FLIGHT} in flight, ${setting} daemon`)
    const conn = await connect(daemon.uri)
    const fn = await opFn(conn, 'getLibVersion')
    const h = monitorEventLoopDelay({ resolution: 1 })
    h.enable()
    const r = await rates(fn, IN_FLIGHT, ctx.sizes.lagSeconds, 1)
    h.disable()
    await conn.close()
    const ms = (q: number): number => h.percentile(q) / 1e6
    const base = { group: 'event-loop lag', unit: 'ms', better: 'lower' as const, daemon: setting, c: null, cLabel: '–' }
    const note = `${NOTE}; ${Math.round(r[0]!)} calls/s meanwhile`
    rows.push(row({ ...base, id: `lag.${setting}.p50`, label: `lag p50, ${IN_FLIGHT} calls in flight`, ours: single(ms(50)), note }))
    rows.push(row({ ...base, id: `lag.${setting}.p99`, label: `lag p99, ${IN_FLIGHT} calls in flight`, ours: { ...single(ms(99)), lo: ms(50), hi: h.max / 1e6 }, note }))
  }
  return rows
}
