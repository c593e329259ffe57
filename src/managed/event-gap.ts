// Layer 7 (notifier). The marker the *Events() iterables yield (when asked, `gaps: true`) where a
// reconnect left a gap: events the daemon emitted while the connection was down are lost.

import type { CloseReason } from '../client/close-reason.js'

/**
 * Yielded by `wrapper.domainEvents(id, { gaps: true })` (and the other families) after a
 * reconnect, before the first event of the new connection: events between the loss and the
 * reconnect are missing here. Use `onReconnect`'s `resync` difference to catch up.
 */
export class EventGap {
  /** Always true (to tell it from an event tuple without `instanceof`). */
  readonly gap = true as const
  /** The loss that opened the gap (ERROR 0, EOF 1, KEEPALIVE 2). */
  readonly reason: CloseReason
  /** Milliseconds from the loss to the reconnect. */
  readonly downtimeMs: number
  /** The attempt that succeeded (1: the first). */
  readonly attempt: number

  constructor(reason: CloseReason, downtimeMs: number, attempt: number) {
    this.reason = reason
    this.downtimeMs = downtimeMs
    this.attempt = attempt
  }
}
