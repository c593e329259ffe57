// Scenario: large replies, decoded — listAllDomains and getAllDomainStats over a test-driver
// node of many domains, and getXMLDesc of a domain whose XML is over 1 MiB; ms per call.

import { connect } from '../../src/connect.js'
import type { BenchContext } from '../lib/context.js'
import { BIG_DOMAIN } from '../lib/fixtures.js'
import { type Row, row } from '../lib/model.js'
import { type OpName, opFn } from '../lib/ops.js'
import { runC } from '../lib/python.js'
import { minMax } from '../lib/stats.js'

export async function largeScenario(ctx: BenchContext): Promise<Row[]> {
  const { domains, xmlBytes, largeReps } = ctx.sizes
  const cases: Array<[OpName, string]> = [
    ['listAllDomains', `listAllDomains, ${domains.toLocaleString('en')} domains`],
    ['getAllDomainStats', `getAllDomainStats, ${domains.toLocaleString('en')} domains`],
    ['getXMLDesc', `getXMLDesc, ${(xmlBytes / 1048576).toFixed(2)} MiB XML`],
  ]
  const rows: Row[] = []
  const uri = ctx.largeUri
  const conn = await connect(uri)
  for (const [op, label] of cases) {
    ctx.log(`large ${op}`)
    const fn = await opFn(conn, op, BIG_DOMAIN)
    await fn()
    const ms: number[] = []
    for (let i = 0; i < largeReps; i++) {
      const t0 = performance.now()
      await fn()
      ms.push(performance.now() - t0)
    }
    const c = await runC({ scenario: 'large', uri, op, reps: largeReps, domain: BIG_DOMAIN })
    rows.push(row({
      id: `large.${op}`, group: 'large replies', label, unit: 'ms/call', better: 'lower', daemon: 'stock',
      ours: minMax(ms), c: minMax(c.values), cLabel: 'sequential',
    }))
  }
  await conn.close()
  return rows
}
