// Layer 5 (admin API). A connection to a daemon's admin socket (virt-admin's program) and the
// server and client objects it hands out. Method names follow the generated ADMIN_API table
// (libvirt's virAdm* name without `virAdm` and the receiver's prefix); a test checks that every
// public admin procedure has its method here. Procedures newer than the daemon are refused before
// anything is sent, with the error the daemon itself would send ("unknown procedure").

import '../dispose-symbol.js'
import { A } from '../api/args.js'
import { type TypedParams, type TypedParamsInput, fromTypedParams, toTypedParams } from '../api/typed-params.js'
import type { CloseReason } from '../client/close-reason.js'
import { keepAliveArgs } from '../client/keepalive.js'
import type { RpcClient } from '../client/rpc-client.js'
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { ADMIN_API } from '../generated/admin-api.gen.js'
import { ADMIN_PROCEDURES } from '../generated/admin-procedures.gen.js'
import {
  ADMIN_SERVER_CLIENT_LIMITS_MAX,
  ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX,
  type AdminNonnullClient,
  type AdminNonnullServer,
} from '../generated/admin.gen.js'

/** A version string `a.b.c` as libvirt's number a*1,000,000 + b*1,000 + c. */
function versionNumber(v: string): number {
  const [a = 0, b = 0, c = 0] = v.split('.').map(Number)
  return a * 1_000_000 + b * 1_000 + c
}

/**
 * A connection to a libvirt daemon's admin interface (virAdmConnectPtr), from
 * {@link connectAdmin}. Like a `Connection`: keepalive on by default, `closed`, `isAlive()`,
 * `close()` and `await using`.
 * @see https://libvirt.org/html/libvirt-libvirt-admin.html
 */
export class AdminConnection implements AsyncDisposable {
  /** @internal */
  readonly rpc: RpcClient
  readonly #uri: string
  #libVersion: Promise<number> | null = null

  /** @internal Use {@link connectAdmin}. */
  constructor(rpc: RpcClient, uri: string) {
    this.rpc = rpc
    this.#uri = uri
  }

  /** The admin URI this connection was opened with (virAdmConnectGetURI). */
  getURI(): string {
    this.rpc.assertOpen()
    return this.#uri
  }

  /** Settles once with the reason the connection ended (ERROR 0, EOF 1, KEEPALIVE 2, CLIENT 3); never rejects. */
  get closed(): Promise<CloseReason> {
    return this.rpc.closed
  }

  /** Whether the connection is still usable (virAdmConnectIsAlive). */
  isAlive(): boolean {
    return this.rpc.isOpen
  }

  /** Tells the daemon (CONNECT_CLOSE), releases the socket; `closed` settles with CLIENT. Safe to repeat. */
  close(): Promise<void> {
    return this.rpc.close(() => this.rpc.call(ADMIN_PROCEDURES.CONNECT_CLOSE, undefined))
  }

  /** `await using admin = await connectAdmin(…)`: closes the connection when the block ends. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close()
  }

  /** Client keepalive, as `Connection.setKeepAlive`; `interval <= 0` turns it off. */
  async setKeepAlive(interval: number, count: number): Promise<void> {
    this.rpc.assertOpen()
    this.rpc.setKeepAlive(keepAliveArgs(interval, count))
  }

  /** Let this connection keep the Node process alive (the default). */
  ref(): this {
    this.rpc.ref()
    return this
  }

  /** Stop this connection from keeping the Node process alive. */
  unref(): this {
    this.rpc.unref()
    return this
  }

  /** @internal Rejects a procedure the daemon is too old for, with the daemon's own answer to it. */
  async requireProcedure(key: keyof typeof ADMIN_PROCEDURES): Promise<void> {
    const since = ADMIN_API[key].since
    if (since === null) return
    const have = await this.getLibVersion()
    if (have >= versionNumber(since)) return
    // What the daemon sends for a procedure it does not know (virNetServerProgramDispatch).
    throw new LibvirtError({ code: ErrorCode.RPC, domain: ErrorDomain.RPC, message: `unknown procedure: ${ADMIN_PROCEDURES[key].procedure}`, local: true })
  }

  /** The daemon's libvirt version, a*1,000,000 + b*1,000 + c (cached). */
  getLibVersion(): Promise<number> {
    this.#libVersion ??= this.rpc.call(ADMIN_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined).then(
      (r) => Number(r.libVer),
      (e: unknown) => {
        this.#libVersion = null
        throw e
      },
    )
    return this.#libVersion
  }

  /** Every server the daemon runs (`libvirtd`, `admin`, …). */
  async listServers(flags: number = 0): Promise<AdminServer[]> {
    const r = await this.rpc.call(ADMIN_PROCEDURES.CONNECT_LIST_SERVERS, { need_results: 1, flags: A.uint(flags, 'flags') })
    return r.servers.map((s) => new AdminServer(this, s))
  }

  /** The server called `name`; VIR_ERR_NO_SERVER when there is none. */
  async lookupServer(name: string, flags: number = 0): Promise<AdminServer> {
    const r = await this.rpc.call(ADMIN_PROCEDURES.CONNECT_LOOKUP_SERVER, { name: A.str(name, 'name'), flags: A.uint(flags, 'flags') })
    return new AdminServer(this, r.srv)
  }

  /** The daemon's log outputs, e.g. `3:file:/var/log/libvirt/libvirtd.log`. */
  async getLoggingOutputs(flags: number = 0): Promise<string> {
    const r = await this.rpc.call(ADMIN_PROCEDURES.CONNECT_GET_LOGGING_OUTPUTS, { flags: A.uint(flags, 'flags') })
    return r.outputs
  }

  /** The daemon's log filters, e.g. `1:qemu 3:util`; `''` when none are set. */
  async getLoggingFilters(flags: number = 0): Promise<string> {
    const r = await this.rpc.call(ADMIN_PROCEDURES.CONNECT_GET_LOGGING_FILTERS, { flags: A.uint(flags, 'flags') })
    return r.filters ?? ''
  }

  /** Replaces the daemon's log outputs at run time; `null` or `''` restores its default. */
  async setLoggingOutputs(outputs: string | null, flags: number = 0): Promise<void> {
    await this.rpc.call(ADMIN_PROCEDURES.CONNECT_SET_LOGGING_OUTPUTS, { outputs: A.optStr(outputs, 'outputs'), flags: A.uint(flags, 'flags') })
  }

  /** Replaces the daemon's log filters at run time (e.g. `'1:qemu 3:util'`); `null` or `''` clears them. */
  async setLoggingFilters(filters: string | null, flags: number = 0): Promise<void> {
    await this.rpc.call(ADMIN_PROCEDURES.CONNECT_SET_LOGGING_FILTERS, { filters: A.optStr(filters, 'filters'), flags: A.uint(flags, 'flags') })
  }

  /** Seconds of inactivity after which the daemon exits (0: never). libvirt 8.6.0 and later. */
  async setDaemonTimeout(timeout: number, flags: number = 0): Promise<void> {
    const args = { timeout: A.uint(timeout, 'timeout'), flags: A.uint(flags, 'flags') }
    await this.requireProcedure('CONNECT_SET_DAEMON_TIMEOUT')
    await this.rpc.call(ADMIN_PROCEDURES.CONNECT_SET_DAEMON_TIMEOUT, args)
  }

  /** Asks the daemon to shut down (`VIR_DAEMON_SHUTDOWN_PRESERVE` keeps VMs). libvirt 11.2.0 and later. */
  async daemonShutdown(flags: number = 0): Promise<void> {
    const args = { flags: A.uint(flags, 'flags') }
    await this.requireProcedure('CONNECT_DAEMON_SHUTDOWN')
    await this.rpc.call(ADMIN_PROCEDURES.CONNECT_DAEMON_SHUTDOWN, args)
  }
}

/** One RPC server of the daemon (virAdmServerPtr), e.g. `libvirtd` or `admin`. */
export class AdminServer {
  /** The admin connection this server was obtained from. */
  readonly connection: AdminConnection
  /** @internal */
  readonly wire: AdminNonnullServer

  /** @internal */
  constructor(connection: AdminConnection, wire: AdminNonnullServer) {
    this.connection = connection
    this.wire = wire
  }

  /** The server's name (virAdmServerGetName). */
  get name(): string {
    return this.wire.name
  }

  /** The server's name (`libvirtd`, `admin`, …), from the handle, without a call. */
  getName(): string {
    return this.wire.name
  }

  /** minWorkers, maxWorkers, prioWorkers, freeWorkers, nWorkers, jobQueueDepth. */
  async getThreadPoolParameters(flags: number = 0): Promise<TypedParams> {
    const r = await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_GET_THREADPOOL_PARAMETERS, { srv: this.wire, flags: A.uint(flags, 'flags') })
    return fromTypedParams(r.params)
  }

  /** Changes minWorkers, maxWorkers and/or prioWorkers (unsigned ints). */
  async setThreadPoolParameters(params: TypedParamsInput, flags: number = 0): Promise<void> {
    await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_SET_THREADPOOL_PARAMETERS, {
      srv: this.wire,
      params: toTypedParams(params, 'params', ADMIN_SERVER_THREADPOOL_PARAMETERS_MAX),
      flags: A.uint(flags, 'flags'),
    })
  }

  /** Every client connected to this server. */
  async listClients(flags: number = 0): Promise<AdminClient[]> {
    const r = await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_LIST_CLIENTS, { srv: this.wire, need_results: 1, flags: A.uint(flags, 'flags') })
    return r.clients.map((c) => new AdminClient(this, c))
  }

  /** The client with this id; VIR_ERR_NO_CLIENT when there is none. */
  async lookupClient(id: number | bigint, flags: number = 0): Promise<AdminClient> {
    const r = await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_LOOKUP_CLIENT, { srv: this.wire, id: A.uhyper(id, 'id'), flags: A.uint(flags, 'flags') })
    return new AdminClient(this, r.clnt)
  }

  /** nclients_max, nclients, nclients_unauth_max, nclients_unauth. */
  async getClientLimits(flags: number = 0): Promise<TypedParams> {
    const r = await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_GET_CLIENT_LIMITS, { srv: this.wire, flags: A.uint(flags, 'flags') })
    return fromTypedParams(r.params)
  }

  /** Changes nclients_max and/or nclients_unauth_max (unsigned ints). */
  async setClientLimits(params: TypedParamsInput, flags: number = 0): Promise<void> {
    await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_SET_CLIENT_LIMITS, {
      srv: this.wire,
      params: toTypedParams(params, 'params', ADMIN_SERVER_CLIENT_LIMITS_MAX),
      flags: A.uint(flags, 'flags'),
    })
  }

  /** Re-reads the server's TLS certificate files (VIR_SERVER_UPDATE_TLS_FILES_*). */
  async updateTlsFiles(flags: number = 0): Promise<void> {
    await this.connection.rpc.call(ADMIN_PROCEDURES.SERVER_UPDATE_TLS_FILES, { srv: this.wire, flags: A.uint(flags, 'flags') })
  }
}

/** One client of a server (virAdmClientPtr): a connection some program holds to the daemon. */
export class AdminClient {
  /** The server this client is connected to. */
  readonly server: AdminServer
  /** @internal */
  readonly wire: AdminNonnullClient

  /** @internal */
  constructor(server: AdminServer, wire: AdminNonnullClient) {
    this.server = server
    this.wire = wire
  }

  /** The client's id within its server (virAdmClientGetID). */
  get id(): number {
    return Number(this.wire.id)
  }

  /** When the client connected, in seconds since the epoch (virAdmClientGetTimestamp). */
  get timestamp(): number {
    return Number(this.wire.timestamp)
  }

  /** How it is connected: VIR_CLIENT_TRANS_UNIX 0, TCP 1, TLS 2 (virAdmClientGetTransport). */
  get transport(): number {
    return this.wire.transport
  }

  /** Identity of the client: readonly, unix_user_id, unix_process_id, sock_addr, sasl_user_name, … */
  async getInfo(flags: number = 0): Promise<TypedParams> {
    const r = await this.server.connection.rpc.call(ADMIN_PROCEDURES.CLIENT_GET_INFO, { clnt: this.wire, flags: A.uint(flags, 'flags') })
    return fromTypedParams(r.params)
  }

  /** Disconnects this client from the daemon. */
  async close(flags: number = 0): Promise<void> {
    await this.server.connection.rpc.call(ADMIN_PROCEDURES.CLIENT_CLOSE, { clnt: this.wire, flags: A.uint(flags, 'flags') })
  }
}
