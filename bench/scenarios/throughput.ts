// Scenario: getLibVersion throughput on one connection with 1, 8, 64 and 512 calls in flight,
// against the C client sequential, with 8 threads on one connection, and with 8 connections
// (the daemon's own ceiling); once on the stock daemon and once on the raised one.

import { connect } from '../../src/connect.js'
import type { TestDaemon } from '../../src/testing/daemon.js'
import type { BenchContext } from '../lib/context.js'
import { type DaemonSetting, type Row, row } from '../lib/model.js'
import { rates } from '../lib/measure.js'
import { opFn } from '../lib/ops.js'
import { runC } from '../lib/python.js'
import { type Figure, minMax } from '../lib/stats.js'

const DEPTHS = [1, 8, 64, 512]

export async function throughputScenario(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const [setting, daemon] of [['stock', ctx.stock], ['raised', ctx.raised]] as Array<[DaemonSetting, TestDaemon]>) {
    const { seconds, samples } = ctx.sizes
    const uri = daemon.uri
    const c = async (threads: number, ownConnections = false): Promise<Figure> =>
      minMax((await runC({ scenario: 'rate', uri, op: 'getLibVersion', threads, ownConnections, seconds, samples })).values)
    ctx.log(`throughput ${setting}: C client`)
    const cSeq = await c(1)
    const c8 = await c(8)
    const c8conn = await c(8, true)
    const ours = new Map<number, Figure>()
    const conn = await connect(uri)
    const fn = await opFn(conn, 'getLibVersion')
    for (const depth of DEPTHS) {
      ctx.log(`throughput ${setting}: ${depth} in flight`)
      ours.set(depth, minMax(await rates(fn, depth, seconds, samples)))
    }
    await conn.close()
    const add = (depth: number, cFig: Figure, cLabel: string, key: string): void => {
      rows.push(row({
        id: `throughput.${setting}.${depth}.${key}`, group: 'throughput', label: `${depth} in flight, one connection`,
        unit: 'calls/s', better: 'higher', daemon: setting, ours: ours.get(depth)!, c: cFig, cLabel,
      }))
    }
    add(1, cSeq, 'sequential', 'seq')
    add(8, c8, '8 threads, one connection', 't8')
    add(64, cSeq, 'sequential', 'seq')
    add(64, c8, '8 threads, one connection', 't8')
    add(512, c8, '8 threads, one connection', 't8')
    add(512, c8conn, '8 threads, 8 connections', 'c8')
  }
  return rows
}
