// Scenario: what the tracing hooks cost. One trivial call (getLibVersion), sequential, stock
// daemon, three ways on one connection, interleaved in short rounds so drift hits all alike:
// the protocol session directly (no tracing check at all: the baseline), the client's path with
// no subscriber (what every user pays), and with subscribers on the three call channels.
// No C side: this compares our client with itself.

import diagnosticsChannel from 'node:diagnostics_channel'
import { connect } from '../../src/connect.js'
import { TRACING_CHANNELS } from '../../src/client/tracing.js'
import { REMOTE_PROCEDURES } from '../../src/generated/procedures.gen.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { percentiles } from '../lib/stats.js'

type Mode = 'baseline' | 'off' | 'on'
const LABELS: Record<Mode, string> = {
  baseline: 'getLibVersion, session path without tracing check',
  off: 'getLibVersion, tracing hooks, no subscriber',
  on: 'getLibVersion, subscribers on call:start/end/error',
}
const CALL_CHANNELS = [TRACING_CHANNELS.callStart, TRACING_CHANNELS.callEnd, TRACING_CHANNELS.callError]

export async function tracingScenario(ctx: BenchContext): Promise<Row[]> {
  ctx.log('tracing overhead')
  const conn = await connect(ctx.stock.uri)
  const desc = REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION
  const calls: Record<Mode, () => Promise<unknown>> = {
    baseline: () => conn.rpc.session.call(desc, undefined),
    off: () => conn.rpc.call(desc, undefined),
    on: () => conn.rpc.call(desc, undefined),
  }
  let published = 0
  const subscriber = (): void => void published++
  const samples: Record<Mode, number[]> = { baseline: [], off: [], on: [] }
  const rounds = ctx.quick ? 2 : 10
  const roundMs = (ctx.sizes.latencySeconds * 1000) / rounds
  try {
    for (let i = 0; i < 200; i++) await calls.off() // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['baseline', 'off', 'on'] as Mode[]) {
        if (mode === 'on') for (const c of CALL_CHANNELS) diagnosticsChannel.subscribe(c, subscriber)
        const fn = calls[mode]
        const end = performance.now() + roundMs
        for (;;) {
          const t0 = performance.now()
          await fn()
          const t1 = performance.now()
          samples[mode].push((t1 - t0) * 1000)
          if (t1 > end) break
        }
        if (mode === 'on') for (const c of CALL_CHANNELS) diagnosticsChannel.unsubscribe(c, subscriber)
      }
    }
  } finally {
    await conn.close()
  }
  if (published === 0) throw new Error('tracing scenario: the subscribers saw nothing')
  const figures = { baseline: percentiles(samples.baseline), off: percentiles(samples.off), on: percentiles(samples.on) }
  const base = figures.baseline
  const vs = (m: Mode): string => {
    const f = figures[m]
    const pct = ((f.median - base.median) / base.median) * 100
    return `${pct >= 0 ? '+' : ''}${pct.toFixed(1)}% vs the session path (median ${base.median.toFixed(1)} µs, p10–p90 ${base.lo.toFixed(1)}–${base.hi.toFixed(1)})`
  }
  return (['baseline', 'off', 'on'] as Mode[]).map((m) =>
    row({
      id: `tracing.${m}`, group: 'tracing', label: LABELS[m], unit: 'µs/call', better: 'lower', daemon: 'stock',
      ours: figures[m], c: null, cLabel: '—',
      note: m === 'baseline' ? 'no C side: our client compared with itself, rounds interleaved' : vs(m),
    }))
}
