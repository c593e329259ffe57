// Scenario: life-cycle events delivered per second to a user callback, and events lost, while a
// separate producer process defines and undefines domains as fast as it can. The same producer
// runs once for each client's listener; 2 events per define+undefine are expected.

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { connect } from '../../src/connect.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { sleep } from '../lib/measure.js'
import { spawnC } from '../lib/python.js'
import { single } from '../lib/stats.js'
import { listenLifecycle } from '../lib/listen.js'

const PRODUCER = fileURLToPath(new URL('../event-producer.js', import.meta.url))
const CHAINS = 4

function produce(uri: string, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PRODUCER, JSON.stringify({ uri, seconds, chains: CHAINS })], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out).pairs as number) : reject(new Error(`event producer exited with ${code}`))))
  })
}

interface Outcome {
  rate: number
  lost: number
  expected: number
}

async function ours(uri: string, seconds: number): Promise<Outcome> {
  const conn = await connect(uri)
  let n = 0
  let first = 0n
  let last = 0n
  await listenLifecycle(conn, () => {
    const t = process.hrtime.bigint()
    if (n++ === 0) first = t
    last = t
  })
  const expected = 2 * (await produce(uri, seconds))
  const end = performance.now() + 5000
  while (n < expected && performance.now() < end) await sleep(5)
  await conn.close()
  return { rate: n / (Number(last - first) / 1e9), lost: expected - n, expected }
}

async function cClient(uri: string, seconds: number): Promise<Outcome> {
  const p = spawnC({ scenario: 'events', uri, drainSeconds: 5 })
  await p.next()
  const expected = 2 * (await produce(uri, seconds))
  p.send(String(expected))
  const r = await p.next()
  await p.done
  return { rate: r.received / ((r.last - r.first) / 1e9), lost: expected - r.received, expected }
}

export async function eventsScenario(ctx: BenchContext): Promise<Row[]> {
  const uri = ctx.stock.uri
  const s = ctx.sizes.eventSeconds
  ctx.log('events: libvirt-async listener')
  const a = await ours(uri, s)
  ctx.log('events: C client listener')
  const b = await cClient(uri, s)
  const producer = `producer: a separate process, ${CHAINS} define→undefine loops in flight`
  return [
    row({
      id: 'events.rate', group: 'events', label: 'life-cycle events delivered to a callback', unit: 'events/s', better: 'higher',
      daemon: 'stock', ours: single(a.rate), c: single(b.rate), cLabel: 'event loop thread', note: producer,
    }),
    row({
      id: 'events.lost', group: 'events', label: `events lost (of ${a.expected} / ${b.expected})`, unit: 'events', better: 'lower',
      daemon: 'stock', ours: single(a.lost), c: single(b.lost), cLabel: 'event loop thread', note: producer,
    }),
  ]
}
