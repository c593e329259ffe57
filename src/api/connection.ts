// Layer 5 (typed API). The public Connection: every generated method of the remote, qemu and lxc
// programs (GeneratedConnection) plus what libvirt's client does on its own side: the URI it was
// opened with, and domain statistics records with Domain instances.

import { GeneratedConnection } from '../generated/api/connection.gen.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { RemoteNonnullDomain } from '../generated/remote-types.gen.js'
import { A } from './args.js'
import type { ConnectGetAllDomainStatsFlags, DomainStatsTypes, FlagBits } from '../generated/constants.gen.js'
import { transportIsEncrypted, transportIsSecure } from '../client/channel-security.js'
import type { Domain } from './domain.js'
import type { Network } from './network.js'
import type { NodeDevice } from './node-device.js'
import type { Secret } from './secret.js'
import type { StoragePool } from './storage-pool.js'
import { type DomainStatsRecord, domainStatsRecord } from './stats/domain-stats.js'
import { fromTypedParams } from './typed-params.js'
import type { EventObjectKind } from '../events/objects.js'
import './objects.js'

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

const EVENT_OBJECT_CLASS: Readonly<Record<EventObjectKind, string>> = {
  domain: 'Domain',
  network: 'Network',
  storagePool: 'StoragePool',
  nodeDevice: 'NodeDevice',
  secret: 'Secret',
}

export type { DomainStatsRecord } from './stats/domain-stats.js'

/**
 * A connection to a libvirt daemon, from {@link connect}. Every method returns a Promise; many
 * calls may be in flight at once. Objects it returns (Domain, Network, …) are bound to it.
 */
export class Connection extends GeneratedConnection {
  /**
   * {@link https://libvirt.org/html/libvirt-libvirt-host.html#virConnectGetURI | virConnectGetURI}:
   * like libvirt's client, the URI this connection was opened with (after alias resolution);
   * asks the daemon only when none was given.
   */
  /** @internal Event objects become instances bound to this connection. */
  override wrapEventObject(kind: EventObjectKind, raw: unknown): unknown {
    return A.make(EVENT_OBJECT_CLASS[kind], this, raw as never)
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

  override async getURI(): Promise<string> {
    A.argc(arguments.length, 0, 0, 'virConnectGetURI')
    // Answered locally, but like every method it fails once the connection is closed.
    this.rpc.assertOpen()
    if (this.parsedUri) return this.parsedUri.input
    return super.getURI()
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
    return this.#stats(doms.map((d, i) => A.obj<Domain>(d, 'Domain', `doms[${i}]`).wire), stats, flags)
  }

  async #stats(doms: RemoteNonnullDomain[], stats: number, flags: number): Promise<DomainStatsRecord[]> {
    const r = await this.call(REMOTE_PROCEDURES.CONNECT_GET_ALL_DOMAIN_STATS, { doms, stats: A.uint(stats, 'stats'), flags: A.uint(flags, 'flags') })
    return r.retStats.map((s) => domainStatsRecord(A.make<Domain>('Domain', this, s.dom), fromTypedParams(s.params)))
  }
}

/** The daemon's half of isSecure()/isEncrypted(). */
async function daemonSaysSecure(conn: Connection): Promise<boolean> {
  const r = await conn.call(REMOTE_PROCEDURES.CONNECT_IS_SECURE, undefined)
  return r.secure !== 0
}
