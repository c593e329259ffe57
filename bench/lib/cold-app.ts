// Benchmark child, part 2 (see cold-child.ts): a program that imports the package statically,
// then connects and makes `calls` sequential getLibVersion calls; prints its milestones.

import { connect } from '../../src/index.js'

const t0 = (globalThis as { coldT0?: number }).coldT0 ?? 0
const imported = performance.now() - t0
const { uri, calls, marks } = JSON.parse(process.argv[2]!) as { uri: string | null; calls: number; marks: number[] }

if (uri === null) {
  // import only
  process.stdout.write(`${JSON.stringify({ imported, connected: 0, first: 0, at: {} })}\n`)
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
  process.stdout.write(`${JSON.stringify({ imported, connected, first, at })}\n`)
}
