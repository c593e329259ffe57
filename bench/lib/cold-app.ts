// Benchmark child, part 2 (see cold-child.ts): a program that imports the package statically,
// by its name as users do — Node resolves a package's own name through package.json "exports",
// so this loads the bundle (dist/bundle/index.js), not tsc's one-module-per-file dist/src —
// then connects and makes `calls` sequential getLibVersion calls; prints its milestones.

import { connect } from 'libvirt-async'

const g = globalThis as { coldT0?: number; coldCpu0?: NodeJS.CpuUsage }
const t0 = g.coldT0 ?? 0
const imported = performance.now() - t0
// CPU time of the import (user + system, all threads): steadier than wall time on a busy machine
const cpu = process.cpuUsage(g.coldCpu0)
const importCpu = (cpu.user + cpu.system) / 1000
const { uri, calls, marks } = JSON.parse(process.argv[2]!) as { uri: string | null; calls: number; marks: number[] }

if (uri === null) {
  // import only
  process.stdout.write(`${JSON.stringify({ imported, importCpu, connected: 0, first: 0, at: {} })}\n`)
} else {
  const conn = await connect(uri)
  const connected = performance.now() - t0
  const at: Record<number, number> = {}
  let first = 0
  for (let i = 1; i <= calls; i++) {
    await conn.getLibVersion()
    if (i === 1) first = performance.now() - t0
    if (marks.includes(i)) at[i] = performance.now() - t0
  }
  await conn.close()
  process.stdout.write(`${JSON.stringify({ imported, importCpu, connected, first, at })}\n`)
}
