// CLI. A transfer's progress on a terminal: bytes done of the total, a bar, the rate and the time
// left, redrawn in place on stderr at most ten times a second; nothing at all when stderr is not a
// TTY (piped or redirected), so scripts and logs stay clean.

import { Transform, type TransformCallback } from 'node:stream'
import { isStreamHole } from '../streams/stream.js'

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB']

/** `1536` → `1.5 KiB`. */
export function formatBytes(n: number): string {
  let u = 0
  while (n >= 1024 && u < UNITS.length - 1) {
    n /= 1024
    u++
  }
  return u === 0 ? `${n} B` : `${n.toFixed(1)} ${UNITS[u]}`
}

/** Seconds → `m:ss` (or `h:mm:ss`). */
export function formatDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '--:--'
  const t = Math.round(s)
  const h = Math.floor(t / 3600)
  const m = Math.floor((t % 3600) / 60)
  const ss = String(t % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

export interface ProgressSink {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

/** Counts bytes (holes included) and draws the bar; `done()` prints the final line. */
export class Progress {
  readonly #out: ProgressSink
  readonly #total: number
  readonly #label: string
  readonly #start = performance.now()
  readonly #enabled: boolean
  #bytes = 0
  #lastDraw = 0

  constructor(label: string, total: number, out: ProgressSink = process.stderr) {
    this.#out = out
    this.#total = total
    this.#label = label
    this.#enabled = out.isTTY === true
  }

  get bytes(): number {
    return this.#bytes
  }

  add(n: number): void {
    this.#bytes += n
    if (!this.#enabled) return
    const now = performance.now()
    if (now - this.#lastDraw < 100) return
    this.#lastDraw = now
    this.#draw(now)
  }

  /** The last redraw and a newline (TTY only). */
  done(): void {
    if (!this.#enabled) return
    this.#draw(performance.now())
    this.#out.write('\n')
  }

  /** The line as it is drawn now, fitted to `columns` (the bar shrinks first, then goes). */
  line(now = performance.now(), columns = 80): string {
    const secs = Math.max((now - this.#start) / 1000, 1e-3)
    const rate = this.#bytes / secs
    const total = this.#total > 0 ? this.#total : 0
    const frac = total > 0 ? Math.min(this.#bytes / total, 1) : 0
    const eta = total > 0 && rate > 0 ? formatDuration((total - this.#bytes) / rate) : '--:--'
    const amount = total > 0 ? `${formatBytes(this.#bytes)} / ${formatBytes(total)}` : formatBytes(this.#bytes)
    const pct = total > 0 ? ` ${String(Math.floor(frac * 100)).padStart(3)}%` : ''
    const tail = `${pct} ${amount}  ${formatBytes(Math.round(rate))}/s  ETA ${eta}`
    const room = columns - 1 - this.#label.length - tail.length - 3
    const width = Math.min(24, room)
    if (total === 0 || width < 8) return `${this.#label}${tail}`.slice(0, Math.max(columns - 1, 20))
    const filled = Math.round(frac * width)
    return `${this.#label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]${tail}`
  }

  #draw(now: number): void {
    this.#out.write(`\r${this.line(now, this.#out.columns || 80)}\x1b[K`)
  }
}

/** A pass-through stream that counts what goes by (Buffers, and `{ hole }` items as their length). */
export function counter(progress: Progress, objectMode = false): Transform {
  return new Transform({
    objectMode,
    transform(chunk: unknown, _enc: BufferEncoding, cb: TransformCallback) {
      if (isStreamHole(chunk)) progress.add(Number(chunk.hole))
      else if (chunk instanceof Uint8Array) progress.add(chunk.length)
      cb(null, chunk)
    },
  })
}
