// `npm run bench`: starts private libvirtds (stock config, raised request limits, and one to
// kill), runs every scenario with libvirt-async and with libvirt's C client (python3-libvirt)
// against the same daemon in the same run; prints one table, writes JSON, Markdown and an SVG.
// Flags: --quick (tiny counts, for the smoke test), --out DIR (default bench/results), --only a,b.

import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startTestDaemon } from '../src/testing/daemon.js'
import { type BenchContext, FULL, QUICK } from './lib/context.js'
import { largeNodeXml } from './lib/fixtures.js'
import type { Row } from './lib/model.js'
import { svgChart } from './lib/svg.js'
import { markdownTable, textTable } from './lib/table.js'
import { evaluateTargets, targetsText } from './lib/targets.js'
import { callerStackScenario } from './scenarios/caller-stack.js'
import { closeScenario } from './scenarios/close.js'
import { coldScenario } from './scenarios/cold.js'
import { eventsScenario } from './scenarios/events.js'
import { firstCallScenario } from './scenarios/first-call.js'
import { importScenario } from './scenarios/import.js'
import { inflightRoundsScenario } from './scenarios/inflight-rounds.js'
import { lagScenario } from './scenarios/lag.js'
import { largeScenario } from './scenarios/large.js'
import { latencyScenario } from './scenarios/latency.js'
import { memoryScenario } from './scenarios/memory.js'
import { recoveryScenario } from './scenarios/recovery.js'
import { remoteScenario } from './scenarios/remote.js'
import { throughputScenario } from './scenarios/throughput.js'
import { tracingScenario } from './scenarios/tracing.js'

/** The raised setting used by rows marked "raised" (stock: max_client_requests = 5, max_workers = 20). */
export const RAISED_CONFIG = { max_client_requests: 1000, min_workers: 4, max_workers: 16 }

// One line per scenario (name → function returning its rows); --only picks by name.
export const SCENARIOS: Record<string, (ctx: BenchContext) => Promise<Row[]>> = {
  latency: latencyScenario,
  throughput: throughputScenario,
  'inflight-rounds': inflightRoundsScenario,
  large: largeScenario,
  events: eventsScenario,
  lag: lagScenario,
  memory: memoryScenario,
  'first-call': firstCallScenario,
  import: importScenario,
  cold: coldScenario,
  close: closeScenario,
  tracing: tracingScenario,
  remote: remoteScenario,
  'caller-stack': callerStackScenario,
  recovery: recoveryScenario,
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick')
  const outDir = resolve(arg('--out') ?? fileURLToPath(new URL('../../bench/results', import.meta.url)))
  const only = arg('--only')?.split(',')
  const sizes = quick ? QUICK : FULL
  const t0 = performance.now()
  // Other processes on the machine move every row: the load average is part of the result.
  const loadAtStart = loadavg()
  const log = (msg: string): void => void process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1)}s] ${msg}\n`)

  log('starting daemons')
  const [stock, raised, fault] = await Promise.all([
    startTestDaemon(),
    startTestDaemon({ config: RAISED_CONFIG }),
    startTestDaemon(),
  ])
  try {
    const largeUri = stock.writeTestNode(largeNodeXml(sizes.domains, sizes.xmlBytes), 'bench-large')
    const ctx: BenchContext = { sizes, quick, stock, raised, fault, largeUri, log }
    const rows: Row[] = []
    for (const [name, run] of Object.entries(SCENARIOS)) {
      if (only && !only.includes(name)) continue
      rows.push(...(await run(ctx)))
    }
    const targets = evaluateTargets(rows)
    const result = {
      generated: new Date().toISOString(),
      quick,
      node: process.version,
      libvirtd: await daemonVersion(stock.uri),
      cpus: cpus().length,
      loadAverage: { start: loadAtStart, end: loadavg() },
      daemons: { stock: {}, raised: RAISED_CONFIG },
      sizes,
      scenarios: Object.keys(SCENARIOS).filter((n) => !only || only.includes(n)),
      rows,
      targets,
      seconds: (performance.now() - t0) / 1000,
    }
    mkdirSync(outDir, { recursive: true })
    writeFileSync(join(outDir, 'latest.json'), JSON.stringify(result, null, 2) + '\n')
    const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ')
    const conditions = `Node ${result.node}, libvirt ${result.libvirtd}, ${result.cpus} CPUs; load average (1 / 5 / 15 min) ${load(loadAtStart)} at the start, ${load(result.loadAverage.end)} at the end.`
    writeFileSync(join(outDir, 'latest.md'), `${conditions}\n\n${markdownTable(rows)}\n\n${targetsText(targets)}\n`)
    writeFileSync(join(outDir, 'latest.svg'), svgChart(rows))
    process.stdout.write(`${textTable(rows)}\n\n${targetsText(targets)}\n`)
    log(`wrote ${join(outDir, 'latest.json')} (+ .md, .svg)`)
  } finally {
    await Promise.allSettled([stock.stop(), raised.stop(), fault.stop()])
  }
}

async function daemonVersion(uri: string): Promise<string> {
  const { connect } = await import('../src/connect.js')
  const conn = await connect(uri)
  const v = await conn.getLibVersion()
  await conn.close()
  return `${Math.floor(v / 1e6)}.${Math.floor(v / 1e3) % 1000}.${v % 1000}`
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
  process.exitCode = 1
})
