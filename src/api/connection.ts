// Layer 5 (typed API). What the Connection does beyond its generated methods (the class itself is
// generated: src/generated/api/connection.gen.ts extends ConnectionAdditions): what libvirt's
// client does on its own side — the URI it was opened with, isSecure/isEncrypted, domain
// statistics records with Domain instances — and the event objects as API instances.

import type { Connection } from '../generated/api/connection.gen.js'
import { Domain } from '../generated/api/domain.gen.js'
import { Network } from '../generated/api/network.gen.js'
import { NodeDevice } from '../generated/api/node-device.gen.js'
import { Secret } from '../generated/api/secret.gen.js'
import { StoragePool } from '../generated/api/storage-pool.gen.js'
import { EventConnection } from '../events/event-connection.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { RemoteNonnullDomain } from '../generated/remote-types.gen.js'
import { A } from './args.js'
import type { ConnectGetAllDomainStatsFlags, DomainStatsTypes, FlagBits } from '../generated/constants.gen.js'
import { transportIsEncrypted, transportIsSecure } from '../client/channel-security.js'
import { type DomainStatsRecord, domainStatsRecord } from './stats/domain-stats.js'
import { fromTypedParams } from './typed-params.js'
import type { EventObjectKind } from '../events/objects.js'

// Event callbacks receive (and filters accept) the API classes, not raw wire structs.
declare module '../events/objects.js' {
  interface EventObjectTypeMap {
    domain: Domain
    network: Network
    storagePool: StoragePool
    nodeDevice: NodeDevice
    secret: Secret
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const EVENT_OBJECT_CLASS: Readonly<Record<EventObjectKind, new (conn: Connection, wire: any) => unknown>> = {
  domain: Domain,
  network: Network,
  storagePool: StoragePool,
  nodeDevice: NodeDevice,
  secret: Secret,
}

export type { DomainStatsRecord } from './stats/domain-stats.js'

/** The hand-written part of {@link Connection} (which the generator emits on top of it). */
export class ConnectionAdditions extends EventConnection {
  /** This object as the Connection it is (the generated class extends this one). */
  get #self(): Connection {
    return this as unknown as Connection
  }

  /** @internal Event objects become instances bound to this connection. */
  override wrapEventObject(kind: EventObjectKind, raw: unknown): unknown {
    return new EVENT_OBJECT_CLASS[kind](this.#self, raw)
  }

  /**
   * Whether the connection is secure, as libvirt's remote driver answers it: this client's
   * transport is secure (TLS, unix socket, SSH; not plain TCP or an external command) and the
   * daemon says its own connection is secure (CONNECT_IS_SECURE).
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectIsSecure
   */
  async isSecure(): Promise<boolean> {
    A.argc(arguments.length, 0, 0, 'virConnectIsSecure')
    return (await daemonSaysSecure(this)) && transportIsSecure(this.rpc)
  }

  /**
   * Whether the connection is encrypted, as libvirt's remote driver answers it: this client's
   * transport is encrypted (TLS, or a SASL session) and the daemon says its own connection is
   * secure (CONNECT_IS_SECURE). A unix socket or SSH is secure but not encrypted.
   * @see https://libvirt.org/html/libvirt-libvirt-host.html#virConnectIsEncrypted
   */
  async isEncrypted(): Promise<boolean> {
    A.argc(arguments.length, 0, 0, 'virConnectIsEncrypted')
    return (await daemonSaysSecure(this)) && transportIsEncrypted(this.rpc)
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetURI | virConnectGetURI}:
   * like libvirt's client, the URI this connection was opened with (after alias resolution);
   * asks the daemon only when none was given.
   */
  async getURI(): Promise<string> {
    A.argc(arguments.length, 0, 0, 'virConnectGetURI')
    // Answered locally, but like every method it fails once the connection is closed.
    this.rpc.assertOpen()
    if (this.parsedUri) return this.parsedUri.input
    return (await this.call(REMOTE_PROCEDURES.CONNECT_GET_URI, undefined)).uri
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virConnectGetAllDomainStats | virConnectGetAllDomainStats}:
   * `stats` is a mask of `VIR_DOMAIN_STATS_*` (0: all the daemon supports), `flags` of
   * `VIR_CONNECT_GET_ALL_DOMAINS_STATS_*`.
   */
  async getAllDomainStats(stats: DomainStatsTypes | FlagBits = 0, flags: ConnectGetAllDomainStatsFlags | FlagBits = 0): Promise<DomainStatsRecord[]> {
    A.argc(arguments.length, 0, 2, 'virConnectGetAllDomainStats')
    return this.#stats([], stats, flags)
  }

  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainListGetStats | virDomainListGetStats}:
   * the same records for the given domains (the C function's first parameter is a domain list,
   * so it lives on the connection, where libvirt's client sends it).
   */
  async domainListGetStats(doms: readonly Domain[], stats: DomainStatsTypes | FlagBits = 0, flags: ConnectGetAllDomainStatsFlags | FlagBits = 0): Promise<DomainStatsRecord[]> {
    A.argc(arguments.length, 1, 3, 'virDomainListGetStats')
    if (!Array.isArray(doms)) throw new TypeError('doms must be an array of Domain')
    return this.#stats(doms.map((d, i) => A.obj(d, Domain, `doms[${i}]`).wire), stats, flags)
  }

  async #stats(doms: RemoteNonnullDomain[], stats: number, flags: number): Promise<DomainStatsRecord[]> {
    const r = await this.call(REMOTE_PROCEDURES.CONNECT_GET_ALL_DOMAIN_STATS, { doms, stats: A.uint(stats, 'stats'), flags: A.uint(flags, 'flags') })
    return r.retStats.map((s) => domainStatsRecord(new Domain(this.#self, s.dom), fromTypedParams(s.params)))
  }
}

/** The daemon's half of isSecure()/isEncrypted(). */
async function daemonSaysSecure(conn: ConnectionAdditions): Promise<boolean> {
  const r = await conn.call(REMOTE_PROCEDURES.CONNECT_IS_SECURE, undefined)
  return r.secure !== 0
}
