// Scenario: memory growth over many connect / register all event families / close cycles, each
// client in its own process (ours with --expose-gc, gc before measuring); both run at once
// against the stock daemon. Growth = after − before, in MB.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { runC } from '../lib/python.js'
import { single } from '../lib/stats.js'

const CHILD = fileURLToPath(new URL('../memory-child.js', import.meta.url))
const MB = 1024 * 1024
const C_CYCLES = 1000
const mb = (b: number): string => (b / MB).toFixed(1)

function ours(uri: string, cycles: number, v8Flags: string[] = []): Promise<any> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', ...v8Flags, CHILD, JSON.stringify({ uri, cycles })], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`memory child exited with ${code}`))))
  })
}

export async function memoryScenario(ctx: BenchContext): Promise<Row[]> {
  const cycles = ctx.sizes.memoryCycles
  const uri = ctx.stock.uri
  // python3-libvirt slows down as cycles pile up (≈11 ms a cycle by 2,000): it gets fewer
  const cCycles = Math.min(cycles, C_CYCLES)
  ctx.log(`memory: ${cycles} cycles (C client ${cCycles}), both clients at once`)
  const [a, b] = await Promise.all([ours(uri, cycles), runC({ scenario: 'memory', uri, cycles: cCycles })])
  // V8 grows its young generation (semi-spaces, up to 16 MB each by default) under a high
  // allocation rate and keeps it: that shows in RSS but is no retained memory. The same run with
  // the young generation capped at 1 MB tells the two apart.
  const capped = await ours(uri, cycles, ['--max-semi-space-size=1'])
  const label = `growth over ${cycles.toLocaleString('en')} connect / register / close cycles`
  const note =
    `C client: ${cCycles.toLocaleString('en')} cycles; families registered per cycle: ours ${a.families}, C ${b.families} (the test driver has no secrets); ` +
    `our V8 heap reserved ${mb(a.heapTotalBefore)} → ${mb(a.heapTotalAfter)} MB`
  return [
    row({
      id: 'memory.rss', group: 'memory', label: `RSS ${label}`, unit: 'MB', better: 'lower', daemon: 'stock',
      ours: single((a.rssAfter - a.rssBefore) / MB), c: single((b.rssAfter - b.rssBefore) / MB), cLabel: `${cCycles.toLocaleString('en')} cycles, one process`, note,
    }),
    row({
      id: 'memory.rss-late', group: 'memory', label: `RSS growth over the last 90 % of the cycles`, unit: 'MB', better: 'lower', daemon: 'stock',
      ours: single((a.rssAfter - a.rssMid) / MB), c: single((b.rssAfter - b.rssMid) / MB), cLabel: `${cCycles.toLocaleString('en')} cycles, one process`,
      note: 'a leak keeps growing here; a heap that grows to its working size does not',
    }),
    row({
      id: 'memory.rss-capped', group: 'memory', label: `RSS ${label}, V8 young generation capped at 1 MB`, unit: 'MB', better: 'lower', daemon: 'stock',
      ours: single((capped.rssAfter - capped.rssBefore) / MB), c: null, cLabel: '–',
      note: `node --max-semi-space-size=1: V8 heap reserved ${mb(capped.heapTotalBefore)} → ${mb(capped.heapTotalAfter)} MB; the default run's extra RSS is V8's young generation, not retained memory`,
    }),
    row({
      id: 'memory.heap', group: 'memory', label: `JS heap ${label}`, unit: 'MB', better: 'lower', daemon: 'stock',
      ours: single((a.heapAfter - a.heapBefore) / MB), c: null, cLabel: '–', note: 'no JS heap on the C side (heapUsed after gc)',
    }),
  ]
}
