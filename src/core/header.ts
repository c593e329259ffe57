// Layer 2 (protocol core). The fixed 24-byte message header that follows every frame's length
// word: program, version, procedure, type, serial, status (virNetMessageHeader). Hand-written
// because it is on every message's hot path and its layout never changes.

import { LEN_SIZE } from './limits.js'

export interface MessageHeader {
  program: number
  version: number
  procedure: number
  type: number
  serial: number
  status: number
}

// Offsets of the header's fields from the start of a frame (after its length word). The session
// reads and writes them through DataViews on its hot path; these functions serve everything else.
export const AT_PROGRAM = LEN_SIZE
export const AT_VERSION = LEN_SIZE + 4
export const AT_PROCEDURE = LEN_SIZE + 8
export const AT_TYPE = LEN_SIZE + 12
export const AT_SERIAL = LEN_SIZE + 16
export const AT_STATUS = LEN_SIZE + 20

/** Reads the header of a whole frame (the frame starts with its length word). */
export function readHeader(frame: Buffer): MessageHeader {
  return {
    program: frame.readUInt32BE(AT_PROGRAM),
    version: frame.readUInt32BE(AT_VERSION),
    procedure: frame.readInt32BE(AT_PROCEDURE),
    type: frame.readInt32BE(AT_TYPE),
    serial: frame.readUInt32BE(AT_SERIAL),
    status: frame.readInt32BE(AT_STATUS),
  }
}

/** Writes a header at `at` (just after the length word). */
export function writeHeader(buf: Buffer, at: number, h: MessageHeader): void {
  const frame = at - LEN_SIZE
  buf.writeUInt32BE(h.program >>> 0, frame + AT_PROGRAM)
  buf.writeUInt32BE(h.version >>> 0, frame + AT_VERSION)
  buf.writeInt32BE(h.procedure | 0, frame + AT_PROCEDURE)
  buf.writeInt32BE(h.type | 0, frame + AT_TYPE)
  buf.writeUInt32BE(h.serial >>> 0, frame + AT_SERIAL)
  buf.writeInt32BE(h.status | 0, frame + AT_STATUS)
}
