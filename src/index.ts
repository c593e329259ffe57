// libvirt-async: the public surface (the package root). Registers every transport once, then
// re-exports what users may rely on; anything not exported here is internal and may change.
/**
 * A pure-TypeScript client of libvirt's RPC protocol: {@link connect} to a daemon, call the whole
 * libvirt API (each call a Promise), receive typed events, notice a lost connection; and
 * {@link ManagedConnection}, which tracks every event callback and cleans up on close.
 * @module libvirt-async
 */
import './transport/all.js'
export { connect } from './connect.js'
export { connectAdmin, type AdminConnection, type AdminServer, type AdminClient, type AdminConnectOptions } from './admin/index.js'
export { Connection } from './api/objects.js'
export { ConnectionBase } from './client/connection-base.js'
export type { ConnectOptions, AuthOptions, AuthCredential } from './client/connect-options.js'
export { DEFAULT_CONNECT_TIMEOUT_MS } from './client/connect-options.js'
export { CloseReason, CLOSE_REASON_NAMES } from './client/close-reason.js'
export { LibvirtError, ConnectionClosedError, ErrorCode, ErrorDomain, ErrorLevel, type LibvirtErrorFields } from './errors.js'
export { jsonReplacer, toJson } from './json.js'
export { parseLibvirtUri } from './transport/libvirt-uri.js'
export { redactUri } from './client/redact-uri.js'
export { TRACING_CHANNELS, type CallStartMessage, type CallEndMessage, type CallErrorMessage, type ConnectMessage, type CloseMessage, type EventMessage } from './client/tracing.js'
export type { LibvirtUri, TransportName, UriBooleanName } from './transport/libvirt-uri.js'
export type { ProcedureDescriptor, StreamDirection as ProcedureStreamDirection } from './generated/procedure.js'
export type { CallOptions } from './core/session.js'
export * from './events/index.js'
export * from './streams/index.js'
export { Domain, Network, NetworkPort, StoragePool, StorageVol, NodeDevice, Secret, Interface, NWFilter, NWFilterBinding, DomainSnapshot, DomainCheckpoint } from './api/objects.js'
export { parseDomainStats } from './api/stats/domain-stats.js'
export type {
  DomainStatsRecord, DomainStats, DomainStateStats, DomainCpuStats, DomainCacheMonitorStats, DomainCacheBankStats, DomainBalloonStats,
  DomainVcpuStats, DomainNetStats, DomainBlockStats, DomainPerfStats, DomainIOThreadStats, DomainMemoryStats,
  DomainMemoryBandwidthMonitorStats, DomainMemoryBandwidthNodeStats, DomainDirtyRateStats,
} from './api/stats/domain-stats.js'
export type { NodeCPUStats, NodeMemoryStats } from './api/stats/node-stats.js'
export type { VcpuInfo } from './api/domain.js'
export type * from './generated/api/types.gen.js'
export type * from './generated/handles.gen.js'
export { LibvirtObject } from './api/object-base.js'
export { typedParam, TypedParamValue, TypedParamType, type TypedParams, type TypedParamsInput, type TypedParamInputValue } from './api/typed-params.js'
export { API_TABLE, type ApiEntry } from './generated/api/api-table.gen.js'
export * from './generated/constants.gen.js'
export { ManagedConnection } from './managed/managed-connection.js'
export type { ManagedConnectionOptions, ManagedEventCallback, ManagedEventItem, ManagedEventTarget, DomainChangeCallback, DomainChangeItem, EventStreamOptions, EventStream, ReconnectInfo } from './managed/managed-connection.js'
export { EventGap } from './managed/event-gap.js'
export { RECONNECT_DEFAULTS, type ReconnectOptions, type ReconnectSettings } from './managed/reconnect-options.js'
export type { ResyncDiff, ResyncDomain, DomainStateChange } from './managed/resync.js'
export type { Resolvable } from './managed/options.js'
export { AsyncQueue, type AsyncQueueOptions, type OverflowPolicy, type QueueSink } from './managed/async-queue.js'
