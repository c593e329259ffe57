// Benchmark child process: the event producer. Defines and undefines test-driver domains as
// fast as it can (`chains` define→undefine loops in flight on one connection) for `seconds`,
// then prints {"pairs": n}. Usage: node dist/bench/event-producer.js '<json {uri, seconds, chains}>'

import { connect } from '../src/connect.js'
import { testDomainXml } from '../src/testing/node-xml.js'

const { uri, seconds, chains } = JSON.parse(process.argv[2]!) as { uri: string; seconds: number; chains: number }
const conn = await connect(uri)
const end = performance.now() + seconds * 1000
let pairs = 0
await Promise.all(
  Array.from({ length: chains }, async (_, c) => {
    for (let n = 0; performance.now() < end; n++) {
      const dom = await conn.domainDefineXML(testDomainXml(`bench-ev-${process.pid}-${c}-${n}`))
      await dom.undefine()
      pairs++
    }
  }),
)
await conn.close()
process.stdout.write(`${JSON.stringify({ pairs })}\n`)
