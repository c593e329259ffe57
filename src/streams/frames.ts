// Layer 6 (streams). The wire shapes of libvirt stream messages, as facts of the protocol:
// data = STREAM + status CONTINUE, finish = empty STREAM + OK, abort = empty STREAM + ERROR,
// hole = STREAM_HOLE + CONTINUE with `{ hyper length; unsigned int flags }`. No state here.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import type { MessageHeader } from '../core/header.js'
import { MessageStatus, MessageType } from '../core/limits.js'
import { XdrReader } from '../xdr/xdr-reader.js'
import { XdrWriter } from '../xdr/xdr-writer.js'

/**
 * Largest data payload we put in one STREAM frame (libvirt's legacy payload limit, which every
 * daemon version accepts, just under 256 KiB).
 */
export const STREAM_CHUNK = 262120

/** Identifies one stream on the wire: the program/version/procedure/serial of the call that opened it. */
export interface StreamId {
  readonly program: number
  readonly version: number
  readonly procedure: number
  readonly serial: number
}

/** Header of an outgoing stream message. */
export function streamHeader(id: StreamId, status: number, type: number = MessageType.STREAM): MessageHeader {
  return { program: id.program, version: id.version, procedure: id.procedure, type, serial: id.serial, status }
}

/** Payload of a STREAM_HOLE message. */
export function encodeHole(length: bigint): Buffer {
  const w = new XdrWriter(12)
  w.i64(length)
  w.u32(0)
  return w.toBuffer()
}

/** Decodes a STREAM_HOLE payload; a malformed one is a VIR_ERR_RPC error. */
export function decodeHole(body: Buffer): bigint {
  try {
    const r = new XdrReader(body)
    const length = r.i64()
    r.u32()
    r.done()
    if (length <= 0n) throw new RangeError(`hole length ${length} is not positive`)
    return length
  } catch (e) {
    throw LibvirtError.local(ErrorCode.RPC, ErrorDomain.RPC, `Malformed stream hole packet: ${e instanceof Error ? e.message : String(e)}`, e)
  }
}

export const { OK, ERROR, CONTINUE } = MessageStatus
