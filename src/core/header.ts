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

/** Reads the header of a whole frame (the frame starts with its length word). */
export function readHeader(frame: Buffer): MessageHeader {
  return {
    program: frame.readUInt32BE(LEN_SIZE),
    version: frame.readUInt32BE(LEN_SIZE + 4),
    procedure: frame.readInt32BE(LEN_SIZE + 8),
    type: frame.readInt32BE(LEN_SIZE + 12),
    serial: frame.readUInt32BE(LEN_SIZE + 16),
    status: frame.readInt32BE(LEN_SIZE + 20),
  }
}

/** Writes a header at `at` (just after the length word). */
export function writeHeader(buf: Buffer, at: number, h: MessageHeader): void {
  buf.writeUInt32BE(h.program >>> 0, at)
  buf.writeUInt32BE(h.version >>> 0, at + 4)
  buf.writeInt32BE(h.procedure | 0, at + 8)
  buf.writeInt32BE(h.type | 0, at + 12)
  buf.writeUInt32BE(h.serial >>> 0, at + 16)
  buf.writeInt32BE(h.status | 0, at + 20)
}
