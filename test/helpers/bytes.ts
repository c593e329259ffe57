// Test helper: build byte sequences by hand from the wire layout (big-endian 32-bit words,
// XDR strings with padding), independent of the codec under test.

export function words(...ws: number[]): Buffer {
  const b = Buffer.alloc(ws.length * 4)
  ws.forEach((w, i) => b.writeUInt32BE(w >>> 0, i * 4))
  return b
}

export function xstr(s: string): Buffer {
  const raw = Buffer.from(s, 'utf8')
  const pad = (4 - (raw.length % 4)) % 4
  return Buffer.concat([words(raw.length), raw, Buffer.alloc(pad)])
}

export function hyper(v: bigint): Buffer {
  const b = Buffer.alloc(8)
  b.writeBigUInt64BE(BigInt.asUintN(64, v))
  return b
}

/** A whole frame: length word + header (6 words) + payload. */
export function frame(program: number, version: number, proc: number, type: number, serial: number, status: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return Buffer.concat([words(28 + payload.length, program, version, proc, type, serial, status), payload])
}

export const REMOTE = 0x20008086
