// Layer 5 (typed API). What every libvirt object (Domain, Network, ...) shares: the connection it
// is bound to and the wire handle the daemon identifies it by. Objects are plain values: many
// instances may name the same libvirt object, and none holds anything that must be freed.

import type { Connection } from '../generated/api/connection.gen.js'

/**
 * Base class of every libvirt object the API returns (`Domain`, `Network`, …): a wire handle
 * bound to the connection it came from. The objects hold no state of their own.
 */
export class LibvirtObject<W> {
  /** The connection this object was obtained from; every method calls through it. */
  readonly connection: Connection
  /** @internal The handle as sent on the wire (remote_nonnull_*). */
  readonly wire: W

  constructor(connection: Connection, wire: W) {
    this.connection = connection
    this.wire = wire
  }
}
