// Benchmark child process (run with --expose-gc): RSS and heap before and after `cycles`
// connect / register every event family / close cycles (and after the first tenth of them, to
// tell a leak from the heap V8 keeps reserved), gc() before each measurement.
// Usage: node --expose-gc dist/bench/memory-child.js '<json {uri, cycles}>'

import { connect } from '../src/connect.js'
import { registerAllFamilies } from './lib/listen.js'

const { uri, cycles } = JSON.parse(process.argv[2]!) as { uri: string; cycles: number }
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('memory-child needs --expose-gc')

async function cycle(): Promise<number> {
  const conn = await connect(uri)
  const n = await registerAllFamilies(conn)
  await conn.close()
  return n
}

async function settle(): Promise<NodeJS.MemoryUsage> {
  await new Promise((r) => setTimeout(r, 50))
  for (let i = 0; i < 3; i++) gc!()
  return process.memoryUsage()
}

for (let i = 0; i < 20; i++) await cycle()
const before = await settle()
let families = 0
let mid = before
const warm = Math.floor(cycles / 10)
for (let i = 0; i < cycles; i++) {
  if (i === warm) mid = await settle()
  families = await cycle()
}
const after = await settle()
const { rss: rssBefore, heapUsed: heapBefore, external: externalBefore } = before
const { rss: rssAfter, heapUsed: heapAfter, external: externalAfter } = after
process.stdout.write(`${JSON.stringify({ rssBefore, rssMid: mid.rss, rssAfter, heapMid: mid.heapUsed, heapBefore, heapAfter, externalBefore, externalAfter, heapTotalBefore: before.heapTotal, heapTotalAfter: after.heapTotal, families })}\n`)
