// Scenario: a fresh process's cold path, timed inside the process from before the import —
// import + connect + first call, import + connect + 1,000 sequential getLibVersion calls, and the
// rate of its first 3,000 calls (connected → 3,000th answer) — against the same work in a fresh
// /usr/bin/python3 process (import libvirt + open + calls). Median and min/max over the runs.
// Beside them, the floor: the same work by a minimal Node client without any library
// (bench/lib/floor-child.ts: node:net and hand-made frames), so the rows show how much of a gap to
// the C client is Node's own start and how much is the library.

import type { BenchContext } from '../lib/context.js'
import { type ColdRun, coldRuns } from '../lib/cold.js'
import { type Row, row } from '../lib/model.js'
import { minMax } from '../lib/stats.js'

export async function coldScenario(ctx: BenchContext): Promise<Row[]> {
  const calls = ctx.sizes.coldCalls
  ctx.log(`cold process: ${ctx.sizes.coldRuns} fresh processes per side, ${calls} calls each`)
  const { ours, c, floor } = await coldRuns({ uri: ctx.stock.uri, calls, marks: [1000, calls], floor: true }, ctx.sizes.coldRuns)
  const fig = (runs: ColdRun[], f: (r: ColdRun) => number) => minMax(runs.map(f))
  const rate = (r: ColdRun): number => (calls * 1000) / (r.at[calls]! - r.connected)
  const base = { group: 'cold start', daemon: 'stock' } as const
  // the floor's rows: its figure in the left column, the C client's on the right
  const floorRow = (id: string, what: string, unit: string, better: 'lower' | 'higher', f: (r: ColdRun) => number, cLabel: string): Row => row({
    ...base, id: `cold.floor.${id}`, label: `floor: a minimal Node client (node:net, hand-made frames, no library), ${what}`,
    unit, better, ours: fig(floor, f), c: fig(c, f), cLabel,
    note: 'not libvirt-async: the left column is bench/lib/floor-child.ts, what Node itself costs for this work',
  })
  return [
    row({
      ...base, id: 'cold.first-call', label: 'fresh process: import + connect + first call', unit: 'ms', better: 'lower',
      ours: fig(ours, (r) => r.first), c: fig(c, (r) => r.first), cLabel: 'import libvirt + open() + call',
    }),
    row({
      ...base, id: 'cold.1000', label: 'fresh process: import + connect + 1,000 calls', unit: 'ms', better: 'lower',
      ours: fig(ours, (r) => r.at[1000]!), c: fig(c, (r) => r.at[1000]!), cLabel: 'import libvirt + open() + 1,000 calls',
    }),
    row({
      ...base, id: 'cold.first3000', label: `first ${calls.toLocaleString('en')} calls of a fresh process, sequential`, unit: 'calls/s', better: 'higher',
      ours: fig(ours, rate), c: fig(c, rate), cLabel: 'sequential, fresh process',
    }),
    floorRow('first-call', 'fresh process: import + connect + first call', 'ms', 'lower', (r) => r.first, 'import libvirt + open() + call'),
    floorRow('1000', 'fresh process: import + connect + 1,000 calls', 'ms', 'lower', (r) => r.at[1000]!, 'import libvirt + open() + 1,000 calls'),
    floorRow('first3000', `first ${calls.toLocaleString('en')} calls of a fresh process`, 'calls/s', 'higher', rate, 'sequential, fresh process'),
  ]
}
