// Scenario: close detection. EOF: daemon SIGKILLed → `conn.closed` (ours) / close callback (C).
// KEEPALIVE: daemon SIGSTOPped with keepalive (1, 1) on both sides → closed; libvirt's rule
// expects interval × (count + 1) = 2 s. Both clients watch the same daemon; times are CLOCK_MONOTONIC.

import { connect } from '../../src/connect.js'
import { CLOSE_REASON_NAMES } from '../../src/client/close-reason.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { spawnC } from '../lib/python.js'
import { minMax } from '../lib/stats.js'

const KA = { interval: 1, count: 1 }

async function sample(ctx: BenchContext, mode: 'eof' | 'keepalive'): Promise<{ ours: number; c: number; reasons: string }> {
  const d = ctx.fault
  const conn = await connect(d.uri, mode === 'keepalive' ? { keepAlive: KA } : {})
  const p = spawnC({ scenario: 'close-watch', uri: d.uri, mode, ...KA })
  await p.next()
  let t1 = 0n
  const closed = conn.closed.then((r) => ((t1 = process.hrtime.bigint()), r))
  const t0 = process.hrtime.bigint()
  d.kill(mode === 'eof' ? 'SIGKILL' : 'SIGSTOP')
  const [reason, c] = await Promise.all([closed, p.next()])
  await p.done
  if (mode === 'eof') await d.restart()
  else d.thaw()
  return { ours: Number(t1 - t0) / 1e6, c: (c.t - Number(t0)) / 1e6, reasons: `ours ${CLOSE_REASON_NAMES[reason]}, C ${c.reason}` }
}

export async function closeScenario(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const mode of ['eof', 'keepalive'] as const) {
    ctx.log(`close: ${mode}`)
    const ours: number[] = []
    const c: number[] = []
    let reasons = ''
    for (let i = 0; i < ctx.sizes.closeSamples; i++) {
      const s = await sample(ctx, mode)
      ours.push(s.ours)
      c.push(s.c)
      reasons = s.reasons
    }
    const label = mode === 'eof' ? 'EOF close latency (SIGKILL → closed)' : `KEEPALIVE close latency (SIGSTOP, keepalive (1,1) → closed; expected ${KA.interval * (KA.count + 1) * 1000} ms)`
    rows.push(row({
      id: `close.${mode}`, group: 'close', label, unit: 'ms', better: 'lower', daemon: 'fault',
      ours: minMax(ours), c: minMax(c), cLabel: 'close callback', note: `reasons: ${reasons} (C: 1 EOF, 2 KEEPALIVE)`,
    }))
  }
  return rows
}
