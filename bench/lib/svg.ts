// Benchmark helpers: the README chart, hand-written SVG — one bar per row with a C-client
// figure, libvirt-async's advantage on a log scale around 1× (right and green: we are better).

import type { Row } from './model.js'

const W = 900
const LABEL_W = 430
const BAR_H = 18
const GAP = 6
const TOP = 40
const RANGE = 4 // log2 span each side: 1/16× … 16×

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function svgChart(rows: readonly Row[]): string {
  const shown = rows.filter((r) => r.advantage !== null && r.advantage > 0)
  const plotW = W - LABEL_W - 70
  const mid = LABEL_W + plotW / 2
  const x = (a: number): number => mid + (Math.max(-RANGE, Math.min(RANGE, Math.log2(a))) / RANGE) * (plotW / 2)
  const h = TOP + shown.length * (BAR_H + GAP) + 30
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${h}" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">libvirt-async vs libvirt's C client (python3-libvirt), same daemon, same run — advantage (log scale)</text>`,
  ]
  for (const t of [1 / 16, 1 / 4, 1, 4, 16]) {
    const tx = x(t)
    out.push(`<line x1="${tx}" y1="${TOP - 8}" x2="${tx}" y2="${h - 25}" stroke="${t === 1 ? '#000' : '#ddd'}"/>`)
    out.push(`<text x="${tx}" y="${h - 10}" text-anchor="middle">${t >= 1 ? `${t}×` : `1/${1 / t}×`}</text>`)
  }
  shown.forEach((r, i) => {
    const y = TOP + i * (BAR_H + GAP)
    const a = r.advantage!
    const x1 = Math.min(mid, x(a))
    const w = Math.max(1, Math.abs(x(a) - mid))
    const label = `${r.label} [${r.daemon}] vs C ${r.cLabel}`
    out.push(`<text x="${LABEL_W - 8}" y="${y + 13}" text-anchor="end">${esc(label.length > 70 ? `${label.slice(0, 69)}…` : label)}</text>`)
    out.push(`<rect x="${x1.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${a >= 1 ? '#3a9d4a' : '#c0392b'}"/>`)
    const tx = a >= 1 ? x1 + w + 4 : x1 - 4
    out.push(`<text x="${tx.toFixed(1)}" y="${y + 13}" text-anchor="${a >= 1 ? 'start' : 'end'}">${a.toFixed(2)}×</text>`)
  })
  out.push('</svg>', '')
  return out.join('\n')
}
