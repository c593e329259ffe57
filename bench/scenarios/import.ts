// Scenario: import of the package's main entry point in a fresh process (nothing else) — a program
// whose `import { connect } from …` is static, as users write it (bench/lib/cold-child.ts) — against
// `import libvirt` in a fresh /usr/bin/python3; ms, median and min/max over the runs.

import type { BenchContext } from '../lib/context.js'
import { coldRuns } from '../lib/cold.js'
import { type Row, row } from '../lib/model.js'
import { minMax } from '../lib/stats.js'

export async function importScenario(ctx: BenchContext): Promise<Row[]> {
  ctx.log(`import: ${ctx.sizes.importRuns} fresh processes per side`)
  const { ours, c } = await coldRuns({ uri: null, calls: 0, marks: [] }, ctx.sizes.importRuns)
  return [
    row({
      id: 'import', group: 'cold start', label: 'import of the package, fresh process', unit: 'ms', better: 'lower',
      daemon: 'stock', ours: minMax(ours.map((r) => r.imported)), c: minMax(c.map((r) => r.imported)), cLabel: 'import libvirt',
    }),
    row({
      id: 'import.cpu', group: 'cold start', label: 'import of the package, fresh process, CPU time', unit: 'ms CPU', better: 'lower',
      daemon: 'stock', ours: minMax(ours.map((r) => r.importCpu)), c: minMax(c.map((r) => r.importCpu)), cLabel: 'import libvirt',
    }),
  ]
}
