// Benchmark helpers: fresh-process runs of the cold path, ours (bench/lib/cold-child.ts under
// this Node) and the C client's (bench/lib/c_cold.py under /usr/bin/python3), and on request a
// minimal Node client's (bench/lib/floor-child.ts: no library, the floor under ours), interleaved
// so a noisy neighbour hits every side alike. Each run reports milestones in ms since before the
// import.

import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { ORACLE_PYTHON } from '../../src/testing/oracle.js'

// dist/bench/lib/cold.js → dist/bench/lib/cold-child.js and <repo>/bench/lib/c_cold.py
const OURS = fileURLToPath(new URL('./cold-child.js', import.meta.url))
const C = fileURLToPath(new URL('../../../bench/lib/c_cold.py', import.meta.url))
const FLOOR = fileURLToPath(new URL('./floor-child.js', import.meta.url))

export interface ColdRequest {
  /** null: import only, no connection. */
  uri: string | null
  calls: number
  /** Call counts after which to record the time (e.g. 1000). */
  marks: number[]
  /** Also run the minimal Node client (needs a unix-socket `uri`). */
  floor?: boolean
}

export interface ColdRun {
  imported: number
  /** CPU ms (user + system) spent by the import. */
  importCpu: number
  connected: number
  first: number
  at: Record<string, number>
}

const run = promisify(execFile)

async function once(cmd: string, script: string, req: ColdRequest): Promise<ColdRun> {
  const { stdout } = await run(cmd, [script, JSON.stringify(req)], { timeout: 60_000, maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').pop()!) as ColdRun
}

/** `runs` fresh processes per side, alternating ours, the C client's (and the floor's). */
export async function coldRuns(req: ColdRequest, runs: number): Promise<{ ours: ColdRun[]; c: ColdRun[]; floor: ColdRun[] }> {
  const ours: ColdRun[] = []
  const c: ColdRun[] = []
  const floor: ColdRun[] = []
  for (let i = 0; i < runs; i++) {
    ours.push(await once(process.execPath, OURS, req))
    c.push(await once(ORACLE_PYTHON, C, req))
    if (req.floor) floor.push(await once(process.execPath, FLOOR, req))
  }
  return { ours, c, floor }
}
