// Layer 4 (client). The root of the Connection class chain: owns (or shares) one RpcClient and
// gives every layer above the plumbing: call by descriptor, close, `closed`, liveness,
// keepalive, ref/unref. Chain: ConnectionBase → EventConnection (events) →
// ConnectionAdditions (hand-written API) → Connection (generated API) → ManagedConnection.

import '../dispose-symbol.js'
import type { ProcedureDescriptor } from '../generated/procedure.js'
import type { CallOptions } from '../core/session.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { LibvirtUri } from '../transport/libvirt-uri.js'
import type { CloseReason } from './close-reason.js'
import type { ValidatedConnectOptions } from './connect-options.js'
import { keepAliveArgs } from './keepalive.js'
import type { RpcClient } from './rpc-client.js'

/** Internal: what a connection is built from. Shared by a Connection and any wrapper of it. */
export interface ConnectionCore {
  readonly rpc: RpcClient
  readonly uri: LibvirtUri | null
  /** The options the connection was opened with (so a wrapper can open the same again). */
  readonly options?: ValidatedConnectOptions
}

/**
 * The root of the Connection class chain (see docs/architecture.md): raw calls, close, the
 * `closed` promise, keepalive and event-loop reference. Users get a `Connection` from
 * `connect()`; this class is exported for `instanceof` checks and raw-call helpers.
 */
export class ConnectionBase implements AsyncDisposable {
  #core: ConnectionCore

  constructor(core: ConnectionCore) {
    this.#core = core
  }

  /** @internal The RPC client (shared with wrappers of this connection). */
  get rpc(): RpcClient {
    return this.#core.rpc
  }

  /** @internal The parsed URI this connection was opened with (null: daemon's default). */
  get parsedUri(): LibvirtUri | null {
    return this.#core.uri
  }

  /** @internal What this connection was opened with: RPC client, resolved URI, connect() options. */
  get openedWith(): ConnectionCore {
    return this.#core
  }

  /**
   * Moves this connection object onto another RPC client (ManagedConnection's reconnect: the
   * wrapper, and every object bound to it, then call through the new connection).
   */
  protected replaceCore(core: ConnectionCore): void {
    this.#core = core
  }

  /** @internal Set by a ManagedConnection watching this connection: told when close() is called, also on a connection already lost. */
  closeRequested: (() => void) | undefined = undefined

  /**
   * Calls any procedure by its generated descriptor (e.g. `REMOTE_PROCEDURES.CONNECT_GET_VERSION`);
   * resolves with the decoded return struct. The typed methods are built on this.
   */
  call<A, R>(desc: ProcedureDescriptor<A, R>, args: A, options?: CallOptions): Promise<R> {
    return this.rpc.call(desc, args, options)
  }

  /** Settles once with the reason the connection ended (ERROR 0, EOF 1, KEEPALIVE 2, CLIENT 3); never rejects. */
  get closed(): Promise<CloseReason> {
    return this.rpc.closed
  }

  /**
   * Whether the connection is still usable (virConnectIsAlive). Synchronous here: it reflects
   * what the client knows, which is what libvirt's client reports too.
   */
  isAlive(): boolean {
    return this.rpc.isOpen
  }

  /**
   * Closes the connection: tells the daemon (CONNECT_CLOSE), waits for its answer, releases the
   * socket; `closed` then settles with CLIENT (3). Safe to call more than once.
   */
  close(): Promise<void> {
    this.closeRequested?.()
    return this.rpc.close(() => this.rpc.call(REMOTE_PROCEDURES.CONNECT_CLOSE, undefined))
  }

  /** `await using conn = await connect(…)`: closes the connection when the block ends (same as {@link close}). */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /**
   * Client keepalive (virConnectSetKeepAlive): a PING after `interval` seconds of silence, the
   * connection closed with KEEPALIVE after `count` unanswered ones. `interval <= 0` turns it off.
   */
  async setKeepAlive(interval: number, count: number): Promise<void> {
    this.rpc.assertOpen()
    this.rpc.setKeepAlive(keepAliveArgs(interval, count))
  }

  /** Let this connection keep the Node process alive (the default), like a socket. */
  ref(): this {
    this.rpc.ref()
    return this
  }

  /** Stop this connection from keeping the Node process alive. */
  unref(): this {
    this.rpc.unref()
    return this
  }
}
