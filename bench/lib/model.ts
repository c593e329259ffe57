// Benchmark helpers: one row of the results table — our figure, the C client's figure on the
// same daemon in the same run, and the advantage (> 1 means libvirt-async is better, whichever
// direction the unit runs).

import type { Figure } from './stats.js'

export type DaemonSetting = 'stock' | 'raised' | 'fault'

export interface Row {
  id: string
  group: string
  label: string
  unit: string
  better: 'higher' | 'lower'
  /** Which daemon served the row: stock max_client_requests = 5, or the raised setting. */
  daemon: DaemonSetting
  ours: Figure
  /** null only where the C client has no counterpart (say why in `note`). */
  c: Figure | null
  /** What the C side ran, e.g. "sequential" or "8 threads, one connection". */
  cLabel: string
  /** ours / c for higher-is-better units, c / ours for lower-is-better; null without a C side. */
  advantage: number | null
  /** Where the two sides alternated rep by rep: the median of the per-rep advantages. */
  pairedAdvantage?: number
  note?: string
}

export function row(r: Omit<Row, 'advantage'>): Row {
  let advantage: number | null = null
  if (r.c && r.c.median > 0 && r.ours.median > 0) {
    advantage = r.better === 'higher' ? r.ours.median / r.c.median : r.c.median / r.ours.median
  }
  return { ...r, advantage }
}
