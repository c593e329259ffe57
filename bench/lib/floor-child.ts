// Benchmark child: the cold path of a minimal Node client — no library, just node:net and
// hand-made frames: AUTH_LIST, CONNECT_OPEN, then `calls` sequential GET_LIB_VERSION, each awaited
// like a user's call. It is what a fresh Node process costs before any library code: the floor
// under bench/lib/cold-child.ts's numbers, next to the C client's. Unix sockets only (the stock
// daemon's `…+unix:///…?socket=` URI). Prints one JSON line of milestones (ms since before the
// import of node:net), the shape of cold-child's.
// Usage: node dist/bench/lib/floor-child.js '<json {uri, calls, marks}>'

const t0 = performance.now()
const net = await import('node:net')
const imported = performance.now() - t0
const { uri, calls, marks } = JSON.parse(process.argv[2]!) as { uri: string; calls: number; marks: number[] }

const url = new URL(uri)
const socketPath = url.searchParams.get('socket')
if (socketPath === null) throw new Error(`floor-child: ${uri} names no socket`)
const openName = `${url.protocol.replace(/\+unix:$/, ':')}//${url.pathname}`

const REMOTE_PROGRAM = 0x20008086
const PROC_CONNECT_OPEN = 1
const PROC_AUTH_LIST = 66
const PROC_GET_LIB_VERSION = 157

/** One call frame: length, program, version 1, procedure, type CALL, serial, status OK, body. */
function frame(procedure: number, serial: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(28 + body.length)
  b.writeUInt32BE(b.length, 0)
  b.writeUInt32BE(REMOTE_PROGRAM, 4)
  b.writeUInt32BE(1, 8)
  b.writeInt32BE(procedure, 12)
  b.writeUInt32BE(serial, 20)
  body.copy(b, 28)
  return b
}
// remote_connect_open_args: an optional string (present, length, bytes padded to 4) and flags 0
const name = Buffer.from(openName)
const openArgs = Buffer.alloc(8 + Math.ceil(name.length / 4) * 4 + 4)
openArgs.writeUInt32BE(1, 0)
openArgs.writeUInt32BE(name.length, 4)
name.copy(openArgs, 8)

const socket = net.connect(socketPath)
let pending: Buffer | null = null
let waiter: ((reply: Buffer) => void) | null = null
socket.on('data', (chunk: Buffer) => {
  pending = pending === null ? chunk : Buffer.concat([pending, chunk])
  while (pending !== null && pending.length >= 4 && pending.length >= pending.readUInt32BE(0)) {
    const n = pending.readUInt32BE(0)
    const reply = pending.subarray(0, n)
    pending = n === pending.length ? null : pending.subarray(n)
    const w = waiter
    waiter = null
    w?.(reply)
  }
})
let serial = 0
function call(procedure: number, body?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    waiter = (reply) => (reply.readUInt32BE(24) === 0 ? resolve(reply) : reject(new Error(`procedure ${procedure} failed`)))
    socket.write(frame(procedure, ++serial, body))
  })
}
await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
await call(PROC_AUTH_LIST)
await call(PROC_CONNECT_OPEN, openArgs)
const connected = performance.now() - t0
const at: Record<number, number> = {}
let first = 0
for (let i = 1; i <= calls; i++) {
  await call(PROC_GET_LIB_VERSION)
  if (i === 1) first = performance.now() - t0
  if (marks.includes(i)) at[i] = performance.now() - t0
}
socket.destroy()
process.stdout.write(`${JSON.stringify({ imported, importCpu: 0, connected, first, at })}\n`)
