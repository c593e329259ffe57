// Layer 4 (client). Rate-limited process warnings: a peer flooding unexpected frames or events
// for unknown callbacks must not flood the process with warnings (each one is an Error, and by
// default a line on stderr). A burst per window is reported, the rest counted and summarised.
// No timer: the summary goes out with the first warning of a later window.

/** Warnings reported per window; the rest are counted. */
export const WARN_BURST = 5
/** Length of a window, in ms. */
export const WARN_WINDOW_MS = 10_000

export class WarningLimiter {
  readonly #code: string
  #windowStart = -Infinity
  #count = 0
  #suppressed = 0

  constructor(code: string) {
    this.#code = code
  }

  /** Warnings not reported so far in the current window. */
  get suppressed(): number {
    return this.#suppressed
  }

  warn(message: string): void {
    const now = performance.now()
    if (now - this.#windowStart >= WARN_WINDOW_MS) {
      if (this.#suppressed > 0) process.emitWarning(`${this.#suppressed} more warnings like this were not reported`, { code: this.#code })
      this.#windowStart = now
      this.#count = 0
      this.#suppressed = 0
    }
    if (this.#count++ < WARN_BURST) process.emitWarning(message, { code: this.#code })
    else this.#suppressed++
  }
}
