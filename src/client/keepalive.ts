// Layer 4 (client). libvirt's keepalive on Node's loop: after `interval` seconds without a message
// from the daemon we send a PING, then one every `interval`; after `count` unanswered PINGs the
// next tick declares it dead, so a frozen daemon is detected interval × (count + 1) after its last
// byte (as virKeepAlive does). The timer is always unref'd: keepalive never keeps a process alive.

import { type LongTimer, setLongTimeout } from './long-timer.js'

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

/**
 * The arguments of `setKeepAlive(interval, count)` (virConnectSetKeepAlive and its admin twin) as
 * settings for the RPC client: `interval <= 0` turns keepalive off, anything else is validated.
 */
export function keepAliveArgs(interval: unknown, count: unknown): KeepAliveSettings | false {
  if (typeof interval !== 'number' || typeof count !== 'number') throw new TypeError('setKeepAlive(interval, count) takes two numbers')
  return interval <= 0 ? false : validateKeepAlive({ interval, count }, 'setKeepAlive')
}

export class KeepAliveTimer {
  #timer: LongTimer | null = null
  #settings: KeepAliveSettings | null = null
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
    this.#settings = s
    this.#lastSeen = Date.now()
    this.#unanswered = 0
    this.#schedule(s.interval * 1000)
  }

  // One timer, re-armed relative to the last byte received (as virKeepAlive does), so the verdict
  // falls exactly interval × (count + 1) after the daemon went silent, not on a fixed phase.
  // A long timer: an interval of days must wait days, not fire at once (setTimeout's overflow).
  #schedule(ms: number): void {
    this.#timer = setLongTimeout(this.#tick, Math.max(1, ms), true)
  }

  readonly #tick = (): void => {
    const s = this.#settings
    if (!s) return
    const interval = s.interval * 1000
    const silent = Date.now() - this.#lastSeen
    if (this.#suspended) return this.#schedule(interval)
    if (this.#unanswered === 0 && silent < interval) return this.#schedule(interval - silent)
    if (this.#unanswered >= s.count) {
      this.stop()
      this.#dead()
      return
    }
    this.#unanswered++
    this.#ping()
    this.#schedule(interval)
  }

  /**
   * While we ourselves stop reading the socket (a slow stream consumer), silence proves nothing:
   * the daemon's PONGs wait unread. Suspend the verdict until reading resumes.
   */
  suspend(on: boolean): void {
    this.#suspended = on
    if (!on) this.seen()
  }

  /**
   * A complete message from the daemon proves it alive (not a byte: a peer dribbling one
   * endless frame is as dead as a silent one, as virKeepAlive counts messages too).
   */
  seen(): void {
    this.#lastSeen = Date.now()
    this.#unanswered = 0
  }

  stop(): void {
    this.#timer?.clear()
    this.#timer = null
    this.#settings = null
  }
}
