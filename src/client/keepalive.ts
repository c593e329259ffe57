// Layer 4 (client). libvirt's keepalive on Node's loop: every `interval` seconds without a byte
// from the daemon we send a PING; after `count` unanswered PINGs the next tick declares it dead,
// so a frozen daemon is detected after interval × (count + 1) (as virKeepAlive does). The timer
// is always unref'd: keepalive alone never keeps a process alive.

export interface KeepAliveSettings {
  /** Seconds between checks (> 0). */
  interval: number
  /** Unanswered PINGs tolerated before the connection is declared dead (>= 0). */
  count: number
}

export const DEFAULT_KEEPALIVE: KeepAliveSettings = { interval: 5, count: 5 }

export function validateKeepAlive(k: unknown, where: string): KeepAliveSettings | false {
  if (k === false) return false
  if (k === undefined) return DEFAULT_KEEPALIVE
  if (typeof k !== 'object' || k === null) throw new TypeError(`${where} must be { interval, count } or false`)
  const { interval, count } = k as Record<string, unknown>
  if (typeof interval !== 'number' || !(interval > 0) || !Number.isFinite(interval)) throw new RangeError(`${where}.interval must be a positive number of seconds`)
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw new RangeError(`${where}.count must be a non-negative integer`)
  return { interval, count }
}

export class KeepAliveTimer {
  #timer: NodeJS.Timeout | null = null
  #lastSeen = Date.now()
  #unanswered = 0
  #suspended = false
  readonly #ping: () => void
  readonly #dead: () => void

  constructor(ping: () => void, dead: () => void) {
    this.#ping = ping
    this.#dead = dead
  }

  start(s: KeepAliveSettings): void {
    this.stop()
    this.#lastSeen = Date.now()
    this.#unanswered = 0
    const ms = s.interval * 1000
    this.#timer = setInterval(() => {
      if (this.#suspended || Date.now() - this.#lastSeen < ms - 5) return
      if (this.#unanswered >= s.count) {
        this.stop()
        this.#dead()
        return
      }
      this.#unanswered++
      this.#ping()
    }, ms)
    this.#timer.unref()
  }

  /**
   * While we ourselves stop reading the socket (a slow stream consumer), silence proves nothing:
   * the daemon's PONGs wait unread. Suspend the verdict until reading resumes.
   */
  suspend(on: boolean): void {
    this.#suspended = on
    if (!on) this.seen()
  }

  /** Any byte from the daemon proves it alive. */
  seen(): void {
    this.#lastSeen = Date.now()
    this.#unanswered = 0
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = null
  }

  get running(): boolean {
    return this.#timer !== null
  }
}
