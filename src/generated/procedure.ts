// Layer 1 (generated protocol) support, hand-written: what the generated procedure tables
// describe, one remote procedure of one program with the codecs of its argument and return
// structs. It lives here, not in core, so the tables never import upwards; core shares it.

import type { Decoder, Encoder } from '../xdr/codec.js'

/** Direction of the data stream a procedure opens, from libvirt's annotations (with our overrides). */
export type StreamDirection = 'none' | 'read' | 'write' | 'both'

/**
 * One procedure of one program (an entry of `REMOTE_PROCEDURES`, `QEMU_PROCEDURES`, …): its
 * numbers, libvirt names, codecs and annotations. `conn.call(descriptor, args)` sends it.
 */
export interface ProcedureDescriptor<A = unknown, R = unknown> {
  /** Program number (REMOTE_PROGRAM, QEMU_PROGRAM, ...). */
  readonly program: number
  /** Program version. */
  readonly version: number
  /** Procedure number within the program. */
  readonly procedure: number
  /** libvirt's symbolic name, e.g. `REMOTE_PROC_DOMAIN_GET_INFO`. */
  readonly name: string
  /** Exact C function name from libvirt's public headers (`virDomainGetInfo`), or null when none matches. */
  readonly cFunction: string | null
  /** Codecs of the `_args` struct (null when the procedure takes no arguments). */
  readonly encodeArgs: Encoder<A> | null
  readonly decodeArgs: Decoder<A> | null
  /** Codecs of the `_ret` struct (null when the procedure returns nothing). */
  readonly encodeRet: Encoder<R> | null
  readonly decodeRet: Decoder<R> | null
  /** `@priority: high` — the daemon may answer it out of the normal queue. */
  readonly priority: boolean
  /** Stream direction opened by the call ('none' for ordinary calls). */
  readonly stream: StreamDirection
  /** Name of the flags argument that turns on sparse streams (`@sparseflag`), if any. */
  readonly sparseFlag: string | null
  /** `@acl` annotations, e.g. `['domain:read']`. A procedure whose every ACL ends in `:read` is read-only. */
  readonly acl: readonly string[]
  /** `@generate` annotation: 'both' | 'server' | 'client' | 'none'. */
  readonly generate: string
  /** The args struct's field names in declaration order (empty without args). */
  readonly argNames: readonly string[]
  /** The ret struct's field names in declaration order (empty without ret). */
  readonly retNames: readonly string[]
}
