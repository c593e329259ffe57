// Benchmark helpers: the project's performance targets (SPEC §5 / issue 12) checked against a
// run's rows — each met or not, with the figures it was judged on.

import type { Row } from './model.js'

export interface TargetResult {
  target: string
  met: boolean | null
  detail: string
}

function find(rows: readonly Row[], id: string): Row | undefined {
  return rows.find((r) => r.id === id)
}

function check(rows: readonly Row[], target: string, ids: string[], test: (r: Row[]) => [boolean, string]): TargetResult {
  const found = ids.map((id) => find(rows, id))
  if (found.some((r) => !r)) return { target, met: null, detail: 'not measured in this run' }
  const [met, detail] = test(found as Row[])
  return { target, met, detail }
}

const f = (v: number, d = 1): string => v.toLocaleString('en', { maximumFractionDigits: d })

export function evaluateTargets(rows: readonly Row[]): TargetResult[] {
  const adv = (r: Row): string => `${r.label}: ${f(r.ours.median)} vs ${f(r.c!.median)} ${r.unit} (${r.advantage!.toFixed(2)}×)`
  const allAtLeast = (limit: number) => (rs: Row[]): [boolean, string] => [rs.every((r) => (r.advantage ?? 0) >= limit), rs.map(adv).join('; ')]
  return [
    check(rows, 'sequential latency no worse than the C client', ['latency.getLibVersion', 'latency.lookupInfo'], allAtLeast(1)),
    check(rows, '64 in flight ≥ 3× the C client sequential (raised daemon)', ['throughput.raised.64.seq'], allAtLeast(3)),
    check(rows, '64 in flight ≥ 3× the C client sequential (stock daemon)', ['throughput.stock.64.seq'], allAtLeast(3)),
    check(rows, '64 in flight ahead of the C client with 8 threads (raised daemon)', ['throughput.raised.64.t8'], allAtLeast(1)),
    check(rows, '64 in flight ahead of the C client with 8 threads (stock daemon)', ['throughput.stock.64.t8'], allAtLeast(1)),
    check(rows, '64 in flight vs the C client with 8 threads, alternating rounds (stock): median ratio ≥ 1.0×, none below 0.9×', ['inflight.ratio'], ([r]) => [
      r!.ours.median >= 1 && r!.ours.lo >= 0.9,
      `per-round ratio median ${r!.ours.median.toFixed(2)}×, min ${r!.ours.lo.toFixed(2)}×, max ${r!.ours.hi.toFixed(2)}× over ${r!.ours.n} rounds`,
    ]),
    check(rows, 'large replies decoded no slower than the C client', ['large.listAllDomains', 'large.getAllDomainStats', 'large.getXMLDesc'], allAtLeast(1)),
    check(rows, 'events ≥ the C client rate, 0 lost', ['events.rate', 'events.lost'], ([rate, lost]) => [
      rate!.advantage! >= 1 && lost!.ours.median === 0,
      `${adv(rate!)}; lost ${lost!.ours.median} (C ${lost!.c!.median})`,
    ]),
    check(rows, 'event-loop lag p99 < 10 ms with 1,000 calls in flight', ['lag.stock.p99', 'lag.raised.p99'], (rs) => [
      rs.every((r) => r.ours.median < 10),
      rs.map((r) => `${r.daemon} ${f(r.ours.median, 2)} ms`).join('; '),
    ]),
    check(rows, 'memory growth < 10 MB over the cycles (RSS, start → end)', ['memory.rss', 'memory.rss-late', 'memory.heap'], ([r, late, heap]) => [
      r!.ours.median < 10,
      `RSS ${f(r!.ours.median, 2)} MB (C ${f(r!.c!.median, 2)} MB); last 90 %: ${f(late!.ours.median, 2)} MB; JS heap used ${f(heap!.ours.median, 2)} MB`,
    ]),
    check(rows, 'memory growth < 10 MB with V8\'s young generation capped (RSS, start → end, --max-semi-space-size=1)', ['memory.rss-capped'], ([r]) => [
      r!.ours.median < 10,
      `RSS ${f(r!.ours.median, 2)} MB`,
    ]),
    check(rows, 'import of the package ≤ 50 ms (median, fresh processes)', ['import'], ([r]) => [
      r!.ours.median <= 50,
      `${f(r!.ours.median)} ms (import libvirt ${f(r!.c!.median)} ms)`,
    ]),
    check(rows, 'cold process (import + connect + 1,000 calls) ≥ 0.8× the C client', ['cold.1000'], allAtLeast(0.8)),
    check(rows, 'first 3,000 calls of a fresh process ≥ 0.9× the C client', ['cold.first3000'], allAtLeast(0.9)),
    check(rows, 'time to first call ≤ the C client (warm process and fresh process)', ['first-call', 'cold.first-call'], allAtLeast(1)),
    check(rows, 'no leak: RSS growth over the last 90 % of the cycles < 10 MB, JS heap used < 10 MB', ['memory.rss-late', 'memory.heap'], ([late, heap]) => [
      late!.ours.median < 10 && heap!.ours.median < 10,
      `RSS ${f(late!.ours.median, 2)} MB, heap ${f(heap!.ours.median, 2)} MB`,
    ]),
  ]
}

export function targetsText(targets: readonly TargetResult[]): string {
  const mark = (m: boolean | null): string => (m === null ? 'n/a ' : m ? 'MET ' : 'MISS')
  return targets.map((t) => `- ${mark(t.met)} ${t.target} — ${t.detail}`).join('\n')
}
