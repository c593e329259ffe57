// Benchmark helpers: what every scenario gets — the daemons of this run, the sizes to use
// (full or --quick), and a log line writer. Built once by bench/run.ts.

import type { TestDaemon } from '../../src/testing/daemon.js'

export interface Sizes {
  /** Seconds per measuring window, and windows per throughput figure. */
  seconds: number
  samples: number
  /** Seconds of per-call timing for the latency rows. */
  latencySeconds: number
  domains: number
  xmlBytes: number
  largeReps: number
  eventSeconds: number
  lagSeconds: number
  memoryCycles: number
  firstCallReps: number
  closeSamples: number
  /** Fresh processes per side for the import and cold-process rows (interleaved). */
  importRuns: number
  coldRuns: number
  /** Sequential calls each cold process makes (the rows report the first 1,000 and the whole rate). */
  coldCalls: number
  /** Alternating rounds (ours, C client) of the 64-in-flight comparison. */
  inflightRounds: number
}

export const FULL: Sizes = {
  seconds: 0.5,
  samples: 5,
  latencySeconds: 2,
  domains: 10_000,
  xmlBytes: 1024 * 1024 + 1,
  largeReps: 9,
  eventSeconds: 3,
  lagSeconds: 2,
  memoryCycles: 10_000,
  firstCallReps: 100,
  closeSamples: 3,
  importRuns: 15,
  coldRuns: 20,
  coldCalls: 3000,
  inflightRounds: 10,
}

export const QUICK: Sizes = {
  seconds: 0.1,
  samples: 2,
  latencySeconds: 0.2,
  domains: 200,
  xmlBytes: 64 * 1024,
  largeReps: 2,
  eventSeconds: 0.3,
  lagSeconds: 0.3,
  memoryCycles: 30,
  firstCallReps: 5,
  closeSamples: 1,
  importRuns: 2,
  coldRuns: 2,
  coldCalls: 3000,
  inflightRounds: 2,
}

export interface BenchContext {
  sizes: Sizes
  quick: boolean
  /** Stock libvirtd.conf: max_client_requests = 5. */
  stock: TestDaemon
  /** Raised: see RAISED_CONFIG in bench/run.ts. */
  raised: TestDaemon
  /** Killed and frozen by the close scenarios (restarted after each sample). */
  fault: TestDaemon
  /** test+unix URI of the large node document on the stock daemon. */
  largeUri: string
  log(msg: string): void
}
