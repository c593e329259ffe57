// Scenario: what giving a failed call's LibvirtError its caller's frames costs, per mode of
// LibvirtError.callerStack ('off', 'await' = re-taken on failure along the await chain, 'call' =
// captured at each call). The same connections and call in each mode, in interleaved runs (the
// order rotates every run) so drift of a shared machine hits every mode alike: sequential
// getLibVersion (wall µs/call, the median of each run; and this process's CPU µs per call, which
// a busy machine disturbs less) and 64 calls in flight on the raised daemon (calls/s). Each row:
// the median over the runs, min/max across them. Calls succeed: that is the cost every user pays.
// One more row isolates what 'call' adds: the CPU time of one stack capture at a call's depth.

import { connect } from '../../src/connect.js'
import { LibvirtError } from '../../src/errors.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { latencies, rates } from '../lib/measure.js'
import { minMax, quantileOf } from '../lib/stats.js'

const DEPTH = 64
const MODES = ['off', 'await', 'call'] as const
type Mode = (typeof MODES)[number]

export async function callerStackScenario(ctx: BenchContext): Promise<Row[]> {
  const runs = ctx.quick ? 2 : 16
  const seconds = ctx.quick ? 0.05 : 0.5
  const per = (): Record<Mode, number[]> => ({ off: [], await: [], call: [] })
  const seq = per()
  const cpu = per()
  const par = per()
  const [sc, pc] = await Promise.all([connect(ctx.stock.uri), connect(ctx.raised.uri)])
  const before = LibvirtError.callerStack
  try {
    for (let i = 0; i < runs; i++) {
      ctx.log(`caller-stack: run ${i + 1}/${runs}`)
      for (let k = 0; k < MODES.length; k++) {
        const mode = MODES[(i + k) % MODES.length]!
        LibvirtError.callerStack = mode
        const c0 = process.cpuUsage()
        const wall = await latencies(() => sc.getLibVersion(), seconds)
        const c1 = process.cpuUsage(c0)
        seq[mode].push(quantileOf(wall, 0.5))
        cpu[mode].push((c1.user + c1.system) / (wall.length + 50)) // latencies() makes 50 warm-up calls first
        par[mode].push((await rates(() => pc.getLibVersion(), DEPTH, seconds, 1))[0]!)
      }
    }
  } finally {
    LibvirtError.callerStack = before
    await Promise.all([sc.close(), pc.close()])
  }
  const vsOff = (m: Record<Mode, number[]>, mode: Mode): string => {
    if (mode === 'off') return 'baseline'
    const d = (quantileOf(m[mode], 0.5) / quantileOf(m.off, 0.5) - 1) * 100
    return `${d >= 0 ? '+' : ''}${d.toFixed(1)}% vs off`
  }
  const capture = captureCost(runs, ctx.quick ? 1000 : 20_000)
  const NAME: Record<Mode, string> = { off: "'off'", await: "'await' (default)", call: "'call'" }
  const rows: Row[] = []
  const base = { group: 'caller stack', c: null, cLabel: '–' }
  const note = (what: string): string => `median of ${runs} interleaved runs; no C counterpart (a setting of this client); ${what}`
  for (const mode of MODES) {
    rows.push(row({ ...base, id: `caller-stack.seq.${mode}`, label: `getLibVersion sequential, callerStack ${NAME[mode]}`, unit: 'µs/call', better: 'lower', daemon: 'stock', ours: minMax(seq[mode]), note: note(vsOff(seq, mode)) }))
    rows.push(row({ ...base, id: `caller-stack.cpu.${mode}`, label: `getLibVersion sequential, client CPU, callerStack ${NAME[mode]}`, unit: 'µs CPU/call', better: 'lower', daemon: 'stock', ours: minMax(cpu[mode]), note: note(vsOff(cpu, mode)) }))
    rows.push(row({ ...base, id: `caller-stack.64.${mode}`, label: `${DEPTH} in flight, callerStack ${NAME[mode]}`, unit: 'calls/s', better: 'higher', daemon: 'raised', ours: minMax(par[mode]), note: note(vsOff(par, mode)) }))
  }
  rows.push(row({ ...base, id: 'caller-stack.capture', label: "one stack capture ('call' mode), no I/O", unit: 'µs CPU', better: 'lower', daemon: 'stock', ours: minMax(capture), note: note('Error.captureStackTrace under 4 frames of callers, as at a call') }))
  return rows
}

/** CPU µs of one Error.captureStackTrace a few frames deep, as the 'call' mode makes per call. */
function captureCost(runs: number, n: number): number[] {
  const site: { stack?: string } = {}
  const capture = (): void => Error.captureStackTrace(site, capture)
  const depth = (k: number): void => (k === 0 ? capture() : depth(k - 1))
  const out: number[] = []
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage()
    for (let i = 0; i < n; i++) depth(4)
    const c = process.cpuUsage(c0)
    out.push((c.user + c.system) / n)
  }
  return out
}
