// Benchmark helpers: a row's figure from raw samples — median plus a spread (p10/p90 for
// per-call latencies, min/max for a handful of throughput windows). Pure functions.

export interface Figure {
  median: number
  lo: number
  hi: number
  n: number
  spread: 'p10-p90' | 'min-max'
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = (sorted.length - 1) * q
  const a = Math.floor(i)
  const b = Math.ceil(i)
  return sorted[a]! + (sorted[b]! - sorted[a]!) * (i - a)
}

/** Many samples (per-call timings): median and p10/p90. */
export function percentiles(values: readonly number[]): Figure {
  const s = [...values].sort((x, y) => x - y)
  return { median: quantile(s, 0.5), lo: quantile(s, 0.1), hi: quantile(s, 0.9), n: s.length, spread: 'p10-p90' }
}

/** Few samples (rates over windows, repeated runs): median and min/max. */
export function minMax(values: readonly number[]): Figure {
  const s = [...values].sort((x, y) => x - y)
  return { median: quantile(s, 0.5), lo: s[0] ?? Number.NaN, hi: s[s.length - 1] ?? Number.NaN, n: s.length, spread: 'min-max' }
}

/** A single measured value as a figure. */
export function single(v: number): Figure {
  return { median: v, lo: v, hi: v, n: 1, spread: 'min-max' }
}

export function quantileOf(values: readonly number[], q: number): number {
  return quantile([...values].sort((x, y) => x - y), q)
}
