// Scenario: 64 calls in flight on one connection against the C client's 8 threads sharing one
// connection, stock daemon, in alternating rounds (ours, then the C client, `inflightRounds`
// times) so that a change in the machine's load hits both sides of a round alike. Rows: each
// side's calls/s over the rounds, and the per-round ratio (median and min) that issue 19's
// target is judged on (median ≥ 1.0×, none below 0.9×). A diagnostic row: the daemon's own CPU
// time per call while it serves each side (/proc/<pid>/stat of libvirtd, every call of the round
// counted) — on the stock daemon both clients are held to its 5 requests at a time, so what the
// daemon spends per call decides the rate.

import { connect } from '../../src/connect.js'
import type { BenchContext } from '../lib/context.js'
import { rates } from '../lib/measure.js'
import { type Row, row } from '../lib/model.js'
import { opFn } from '../lib/ops.js'
import { runC } from '../lib/python.js'
import { minMax, quantileOf } from '../lib/stats.js'
import { readFileSync } from 'node:fs'

/** CPU time (ms, user + system, all threads) a process has used; fields 14 and 15 of /proc/<pid>/stat. */
function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // USER_HZ is 100 on Linux
}

const DEPTH = 64
const THREADS = 8

export async function inflightRoundsScenario(ctx: BenchContext): Promise<Row[]> {
  const { inflightRounds: rounds, seconds, samples } = ctx.sizes
  const uri = ctx.stock.uri
  ctx.log(`${DEPTH} in flight vs C ${THREADS} threads: ${rounds} alternating rounds`)
  const ours: number[] = []
  const c: number[] = []
  const ratios: number[] = []
  const daemonOurs: number[] = []
  const daemonC: number[] = []
  const pid = ctx.stock.pid
  for (let i = 0; i < rounds; i++) {
    const counter = { calls: 0 }
    let d0 = processCpuMs(pid)
    const conn = await connect(uri)
    const o = quantileOf(await rates(await opFn(conn, 'getLibVersion'), DEPTH, seconds, samples, counter), 0.5)
    await conn.close()
    daemonOurs.push(((processCpuMs(pid) - d0) * 1000) / counter.calls)
    d0 = processCpuMs(pid)
    const cRun = await runC({ scenario: 'rate', uri, op: 'getLibVersion', threads: THREADS, ownConnections: false, seconds, samples })
    daemonC.push(((processCpuMs(pid) - d0) * 1000) / cRun.total)
    const cr = quantileOf(cRun.values, 0.5)
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
    row({
      ...base, id: 'inflight.daemon-cpu', label: `daemon CPU per call while serving each side (${DEPTH} in flight vs ${THREADS} threads)`, unit: 'µs CPU/call', better: 'lower',
      ours: minMax(daemonOurs), c: minMax(daemonC), cLabel: `${THREADS} threads, one connection`,
      note: "libvirtd's CPU time (all threads) over the round ÷ every call the round made; a diagnostic, not a target",
    }),
  ]
}
