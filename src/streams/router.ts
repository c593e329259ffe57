// Layer 6 (streams). One router per RpcClient: installs `rpc.streamHandler`, hands STREAM and
// STREAM_HOLE frames to the stream registered for their serial, drops frames of streams already
// gone (libvirt's client does the same), and fails every open stream when the connection ends.

import type { MessageHeader } from '../core/header.js'
import type { RpcClient } from '../client/rpc-client.js'
import type { LibvirtError } from '../errors.js'

/** What the router needs from a stream. */
export interface RoutedStream {
  /** A STREAM / STREAM_HOLE frame for this stream's serial. */
  onFrame(header: MessageHeader, body: Buffer): void
  /** The connection is gone. */
  onConnectionClosed(err: LibvirtError): void
}

export class StreamRouter {
  readonly #streams = new Map<number, RoutedStream>()

  constructor(rpc: RpcClient) {
    rpc.streamHandler = (h, body) => {
      const s = this.#streams.get(h.serial)
      // Late frames of a finished or aborted stream are expected; ignore them.
      if (s) s.onFrame(h, body)
    }
    rpc.onClose((_reason, err) => {
      const streams = [...this.#streams.values()]
      this.#streams.clear()
      for (const s of streams) s.onConnectionClosed(err)
    })
  }

  /** Streams currently routed (open or opening). */
  get size(): number {
    return this.#streams.size
  }

  add(serial: number, s: RoutedStream): void {
    this.#streams.set(serial, s)
  }

  remove(serial: number, s: RoutedStream): void {
    if (this.#streams.get(serial) === s) this.#streams.delete(serial)
  }
}

const routers = new WeakMap<RpcClient, StreamRouter>()

/** The router of `rpc`, created (and installed as its stream handler) on first use. */
export function routerFor(rpc: RpcClient): StreamRouter {
  let r = routers.get(rpc)
  if (!r) {
    r = new StreamRouter(rpc)
    routers.set(rpc, r)
  }
  return r
}
