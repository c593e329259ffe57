// Benchmark helpers: the results as one plain-text table (stdout) and as the Markdown table the
// README pastes — figure and spread for each side, and libvirt-async's advantage.

import type { Row } from './model.js'
import type { Figure } from './stats.js'

function num(v: number): string {
  if (!Number.isFinite(v)) return '–'
  const a = Math.abs(v)
  const d = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3
  return v.toLocaleString('en', { minimumFractionDigits: d, maximumFractionDigits: d })
}

export function fig(f: Figure | null): string {
  if (!f) return 'n/a'
  return `${num(f.median)} (${num(f.lo)}–${num(f.hi)})`
}

function adv(r: Row): string {
  return r.advantage === null ? '–' : `${r.advantage.toFixed(2)}×`
}

function cells(r: Row): string[] {
  return [r.group, r.label, r.daemon, r.unit, fig(r.ours), fig(r.c), r.c ? r.cLabel : '–', adv(r)]
}

const HEAD = ['group', 'scenario', 'daemon', 'unit', 'libvirt-async median (spread)', 'C client median (spread)', 'C client ran', 'advantage']

export function textTable(rows: readonly Row[]): string {
  const all = [HEAD, ...rows.map(cells)]
  const w = HEAD.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  const line = (r: string[]): string => r.map((c, i) => c.padEnd(w[i]!)).join('  ').trimEnd()
  return [line(HEAD), w.map((n) => '-'.repeat(n)).join('  '), ...rows.map((r) => line(cells(r)))].join('\n')
}

export function markdownTable(rows: readonly Row[]): string {
  const md = (r: string[]): string => `| ${r.join(' | ')} |`
  return [md(HEAD), md(HEAD.map(() => '---')), ...rows.map((r) => md(cells(r)))].join('\n')
}
