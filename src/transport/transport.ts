// Layer 3 (transports). The one contract every transport fulfils: a connected byte stream to a
// libvirt daemon plus the few extra facts the client needs. The client never learns more.

import type { Duplex } from 'node:stream'
import type { LibvirtError } from '../errors.js'
import type { LibvirtUri } from './libvirt-uri.js'

export interface Transport {
  /** Bytes to and from the daemon. */
  readonly stream: Duplex
  /** Short description for error messages, e.g. `unix:/run/libvirt/libvirt-sock`. */
  readonly description: string
  /** Whether the channel is encrypted/authenticated end to end (TLS, SSH, unix). */
  readonly secure: boolean
  /**
   * The peer needs every RPC message in a write (and so a TLS record) of its own: libvirtd's TLS
   * read path handles one message per read event and never looks at what GnuTLS already
   * decrypted, so a second message in the same record waits for the next packet. When true the
   * client never coalesces messages, and the stream never merges queued writes.
   */
  readonly messagePerWrite?: boolean
  /**
   * When present, received bytes go to `sink` instead of `stream`'s 'data' events; 'end',
   * 'error', 'close', pause() and resume() stay on `stream`. The unix transport reads this way
   * (Node's `onread`): no Readable bookkeeping and no Buffer per read.
   */
  readonly onBytes?: (sink: ByteSink) => void
  /**
   * Writes as much of `buf[0, length)` as the kernel takes at once, straight to the socket (one write(2),
   * never blocking), and returns how many bytes that was; 0 when it takes none now or the socket
   * reports an error (`stream.write` then meets the same condition and reports it as usual).
   * The client only calls it while `stream` holds nothing unwritten, so bytes stay in order.
   * Node's Writable costs tens of thousands of instructions per write before the JIT has
   * warmed up; this is what a cold process's calls save (unix and TCP sockets).
   */
  readonly tryWrite?: (buf: Uint8Array, length: number) => number
  /**
   * The close reason for a clean end of stream. libvirt's client reports EOF when poll shows a
   * hang-up — on a unix socket whenever the daemon dies — but on TCP/TLS a daemon that exits
   * with nothing of ours unread sends a plain FIN, which libvirt reads as an I/O error (ERROR).
   * A reset (the daemon died with our calls unread) is a hang-up, EOF, everywhere.
   */
  readonly endReason?: 'EOF' | 'ERROR'
  /**
   * The close reason for a stream error, when the transport knows better than the error's code:
   * a child's pipe (ssh, ext) always hangs up when the child dies, which libvirt reports as EOF.
   */
  readonly errorReason?: 'EOF'
  /**
   * The error libvirt's client rejects the calls in flight with when this transport's stream ends
   * (`'end'`) or fails (a socket error), e.g. VIR_ERR_SYSTEM_ERROR "Cannot recv data: Connection
   * reset by peer"; undefined where the transport has no such wording (then "client socket is
   * closed"). Calls made after the loss fail with "client socket is closed" either way.
   */
  readonly lossError?: (cause: 'end' | NodeJS.ErrnoException) => LibvirtError | undefined
  /** Let the handles behind this transport stop keeping the process alive (and back). */
  ref(): void
  unref(): void
  /** Tear everything down now (socket, child process). Idempotent. */
  destroy(): void
}

/** Where a transport that reads by itself puts what it reads (see {@link Transport.onBytes}). */
export interface ByteSink {
  /** `buf[0, n)` arrived in the transport's own read buffer, which it reuses once this returns. */
  bytes(buf: Buffer, n: number): void
  /**
   * Where the sink wants the next read to go (a part of a large incoming message), or null for
   * the transport's own buffer. Asked before every read.
   */
  readTarget(): Uint8Array | null
  /** `n` bytes were read into the start of `target`, the last buffer readTarget() gave. */
  bytesInto(n: number, target: Uint8Array): void
}

/** Everything a transport needs to connect. */
export interface TransportRequest {
  uri: LibvirtUri | null
  readOnly: boolean
  /** `remote_mode` from the client config, when set. */
  remoteMode?: string
  signal?: AbortSignal
}

export type TransportFactory = (req: TransportRequest) => Promise<Transport>
