// Layer 6 (streams). Opening streams: the call that opens a stream is an ordinary CALL whose
// REPLY comes back on the same serial as the data, so the Stream is routed by that serial before
// the CALL is written. `openStreamCall` does this for any stream procedure; the named helpers
// below validate their arguments and fill in the procedure's struct.

import type { ProcedureDescriptor } from '../generated/procedure.js'
import type { RpcClient } from '../client/rpc-client.js'
import { VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM } from '../generated/constants.gen.js'
import { REMOTE_PROCEDURES } from '../generated/procedures.gen.js'
import type { DomainHandle, StorageVolHandle } from '../generated/handles.gen.js'
import { Stream, type StreamDirection, type StreamOptions } from './stream.js'

/**
 * The constants a stream procedure's `sparseFlag` names (test/unit/bundle.test.ts checks the tables
 * name no other). Named imports, not `import * as`: a namespace indexed by a computed key makes the
 * bundler build an object of all ~1,800 constants at import (~15 % of importing the main entry).
 * @internal
 */
export const SPARSE_FLAGS: Readonly<Record<string, number>> = { VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM }

/** Anything with the connection's RPC client: a `Connection`, `ConnectionBase` or `ManagedConnection`. */
export interface StreamConnection {
  readonly rpc: RpcClient
}

/** Per-call stream options (direction and sparseness come from the procedure and its flags). */
export type OpenStreamOptions = Omit<StreamOptions, 'direction' | 'sparse'>

/** A stream and the decoded return struct of the call that opened it. */
export interface StreamCall<R> {
  readonly stream: Stream
  readonly result: R
}

/** A domain: the wire object `{ name, uuid, id }` or an API object that carries one. */
export type DomainLike = DomainHandle | { readonly wire: DomainHandle } | {
  /** The wire handle of the domain. */
  toWire(): DomainHandle
}
/** A storage volume: the wire object `{ pool, name, key }` or an API object that carries one. */
export type StorageVolLike = StorageVolHandle | { readonly wire: StorageVolHandle } | {
  /** The wire handle of the volume. */
  toWire(): StorageVolHandle
}

/**
 * Calls any stream procedure (`descriptor.stream !== 'none'`, e.g.
 * `REMOTE_PROCEDURES.DOMAIN_MIGRATE_PREPARE_TUNNEL3`) and returns its stream with the call's
 * result. `direction` defaults to the descriptor's; the stream is sparse when the procedure has
 * a sparse flag (`descriptor.sparseFlag`) and `args.flags` sets it. Rejects with the daemon's
 * `LibvirtError` when the call fails, or when the stream fails before it is handed over.
 */
export async function openStreamCall<A, R>(
  conn: StreamConnection,
  descriptor: ProcedureDescriptor<A, R>,
  args: A,
  direction?: StreamDirection,
  options: OpenStreamOptions = {},
): Promise<StreamCall<R>> {
  const rpc = rpcOf(conn)
  if (!descriptor || typeof descriptor !== 'object' || typeof descriptor.procedure !== 'number') throw new TypeError('openStreamCall: descriptor must be a procedure descriptor')
  const dir = direction ?? descriptor.stream
  if (dir === 'none') throw new TypeError(`openStreamCall: ${descriptor.name} does not open a stream`)
  if (dir !== 'read' && dir !== 'write' && dir !== 'both') throw new TypeError(`openStreamCall: direction must be 'read', 'write' or 'both', not ${String(dir)}`)
  const stream = new Stream(rpc, descriptor, { ...options, direction: dir, sparse: sparseRequested(descriptor, args) })
  // Until the caller holds the stream, an early failure is kept here rather than thrown as an
  // unhandled 'error'; it then rejects this call instead.
  let early: Error | null = null
  const keep = (e: Error): void => {
    early ??= e
  }
  stream.on('error', keep)
  let result: R
  try {
    result = await rpc.call(descriptor, args, { onSerial: (serial) => stream.attach(serial) })
  } catch (e) {
    stream.openFailed()
    throw e
  }
  stream.opened()
  // Let frames that arrived with the reply be processed (and any error be emitted) first.
  await new Promise<void>((resolve) => process.nextTick(resolve))
  stream.off('error', keep)
  if (early) throw early
  return { stream, result }
}

/**
 * Opens a domain's console (virDomainOpenConsole) as a duplex stream: read what the guest
 * prints, write what it should receive. `devName` null means the first console.
 * Flags: `VIR_DOMAIN_CONSOLE_FORCE`, `VIR_DOMAIN_CONSOLE_SAFE`.
 * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainOpenConsole
 */
export async function openDomainConsole(conn: StreamConnection, dom: DomainLike, devName: string | null = null, flags = 0, options?: OpenStreamOptions): Promise<Stream> {
  const args = { dom: domainWire(dom), dev_name: optString(devName, 'devName'), flags: u32(flags, 'flags') }
  return (await openStreamCall(conn, REMOTE_PROCEDURES.DOMAIN_OPEN_CONSOLE, args, 'both', options)).stream
}

/**
 * Opens a domain's channel device (virDomainOpenChannel) as a duplex stream. `name` null means
 * the first channel. Flags: `VIR_DOMAIN_CHANNEL_FORCE`.
 * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainOpenChannel
 */
export async function openDomainChannel(conn: StreamConnection, dom: DomainLike, name: string | null = null, flags = 0, options?: OpenStreamOptions): Promise<Stream> {
  const args = { dom: domainWire(dom), name: optString(name, 'name'), flags: u32(flags, 'flags') }
  return (await openStreamCall(conn, REMOTE_PROCEDURES.DOMAIN_OPEN_CHANNEL, args, 'both', options)).stream
}

/**
 * Downloads `length` bytes of a volume from `offset` (virStorageVolDownload; length 0 = to the
 * end) as a readable stream. With `VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM` holes travel as holes:
 * pass `{ holes: 'objects' }` to see them as `{ hole: bigint }` items (e.g. for `writeSparseFile`),
 * or keep the default `'zeros'` to read plain bytes.
 * @see https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolDownload
 */
export async function storageVolDownload(conn: StreamConnection, vol: StorageVolLike, offset: bigint | number = 0n, length: bigint | number = 0n, flags = 0, options?: OpenStreamOptions): Promise<Stream> {
  const args = { vol: volWire(vol), offset: u64(offset, 'offset'), length: u64(length, 'length'), flags: u32(flags, 'flags') }
  return (await openStreamCall(conn, REMOTE_PROCEDURES.STORAGE_VOL_DOWNLOAD, args, 'read', options)).stream
}

/**
 * Uploads into a volume at `offset`, at most `length` bytes (virStorageVolUpload; 0 = no limit),
 * through the returned writable stream; `end()` commits and `'finish'` means the daemon confirmed.
 * With `VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM`, write `{ hole: n }` (or `sendHole(n)`) for holes;
 * `uploadSparseFile` does this for a local file.
 * @see https://libvirt.org/html/libvirt-libvirt-storage.html#virStorageVolUpload
 */
export async function storageVolUpload(conn: StreamConnection, vol: StorageVolLike, offset: bigint | number = 0n, length: bigint | number = 0n, flags = 0): Promise<Stream> {
  const args = { vol: volWire(vol), offset: u64(offset, 'offset'), length: u64(length, 'length'), flags: u32(flags, 'flags') }
  return (await openStreamCall(conn, REMOTE_PROCEDURES.STORAGE_VOL_UPLOAD, args, 'write')).stream
}

/** A screenshot in progress: the image's MIME type and a readable stream of its bytes. */
export interface Screenshot {
  readonly mimeType: string | null
  readonly stream: Stream
}

/**
 * Takes a screenshot of a domain's `screen` (virDomainScreenshot): resolves with the image's MIME
 * type (e.g. `image/x-portable-pixmap`, `image/png`) and a readable stream of the image.
 * @see https://libvirt.org/html/libvirt-libvirt-domain.html#virDomainScreenshot
 */
export async function domainScreenshot(conn: StreamConnection, dom: DomainLike, screen = 0, flags = 0, options?: OpenStreamOptions): Promise<Screenshot> {
  const args = { dom: domainWire(dom), screen: u32(screen, 'screen'), flags: u32(flags, 'flags') }
  const { stream, result } = await openStreamCall(conn, REMOTE_PROCEDURES.DOMAIN_SCREENSHOT, args, 'read', options)
  return { mimeType: result.mime, stream }
}

// ---- argument checks (TypeError / RangeError before anything is sent) ----

function rpcOf(conn: StreamConnection): RpcClient {
  const rpc = (conn as { rpc?: RpcClient } | null)?.rpc
  if (!rpc || typeof rpc !== 'object' || typeof rpc.call !== 'function') throw new TypeError('expected a connection (an object with .rpc)')
  return rpc
}

function sparseRequested(desc: ProcedureDescriptor<any, any>, args: unknown): boolean {
  if (!desc.sparseFlag) return false
  const bit = SPARSE_FLAGS[desc.sparseFlag]
  const flags = (args as { flags?: unknown } | null)?.flags
  return typeof bit === 'number' && typeof flags === 'number' && (flags & bit) !== 0
}

function unwrap<T>(x: unknown, keys: readonly string[], what: string): T {
  if (x && typeof x === 'object') {
    // An API object (Domain, StorageVol) carries its wire handle in `.wire`.
    const w = (x as { wire?: unknown }).wire
    if (w && typeof w === 'object' && keys.every((k) => k in w)) return w as T
    const f = (x as { toWire?: unknown }).toWire
    if (typeof f === 'function') return unwrap<T>(f.call(x), keys, what)
    if (keys.every((k) => k in x)) return x as T
  }
  throw new TypeError(`expected ${what} ({ ${keys.join(', ')} } or an API object carrying one)`)
}

function domainWire(d: DomainLike): DomainHandle {
  const w = unwrap<DomainHandle>(d, ['name', 'uuid', 'id'], 'a domain')
  if (typeof w.name !== 'string') throw new TypeError('domain name must be a string')
  return w
}

function volWire(v: StorageVolLike): StorageVolHandle {
  const w = unwrap<StorageVolHandle>(v, ['pool', 'name', 'key'], 'a storage volume')
  if (typeof w.pool !== 'string' || typeof w.name !== 'string' || typeof w.key !== 'string') throw new TypeError('storage volume pool, name and key must be strings')
  return w
}

function optString(s: unknown, what: string): string | null {
  if (s === null || s === undefined) return null
  if (typeof s !== 'string') throw new TypeError(`${what} must be a string or null`)
  return s
}

function u32(n: unknown, what: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new TypeError(`${what} must be an unsigned 32-bit integer, not ${String(n)}`)
  return n
}

function u64(n: unknown, what: string): bigint {
  if (typeof n === 'number') {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative integer, not ${n}`)
    return BigInt(n)
  }
  if (typeof n === 'bigint') {
    if (n < 0n || n > 0xffffffffffffffffn) throw new RangeError(`${what} must fit in 64 bits unsigned, not ${n}`)
    return n
  }
  throw new TypeError(`${what} must be a bigint or a number, not ${typeof n}`)
}
