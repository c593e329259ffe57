// Layer 7 (notifier). Holds back event deliveries while a reconnect re-registers: no event from
// the new connection reaches a user callback before every registration is back and onReconnect
// has run. Held deliveries are released in arrival order, or dropped when that connection dies too.

export class DeliveryGate {
  #held: Array<() => void> | null = null

  /** True while deliveries are held. */
  get holding(): boolean {
    return this.#held !== null
  }

  /** Starts holding deliveries. */
  hold(): void {
    this.#held ??= []
  }

  /** Runs `deliver` now, or later in order when held. */
  pass(deliver: () => void): void {
    if (this.#held) this.#held.push(deliver)
    else deliver()
  }

  /** Stops holding and delivers what was held, in order (a delivery that holds again stops the rest). */
  release(): void {
    const held = this.#held
    this.#held = null
    if (!held) return
    for (let i = 0; i < held.length; i++) {
      if (this.#held) {
        // Held again (the connection was lost during delivery): keep the rest for later.
        ;(this.#held as Array<() => void>).unshift(...held.slice(i))
        return
      }
      held[i]!()
    }
  }

  /** Stops holding and forgets what was held. */
  drop(): void {
    this.#held = null
  }
}
