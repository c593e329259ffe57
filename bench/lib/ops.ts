// Benchmark helpers: the calls each scenario makes with libvirt-async, by name, so scenarios
// and the C-client script name the same operations. Raw `conn.call` by generated descriptor
// until the typed API lands.

import type { Connection } from '../../src/api/connection.js'
import { REMOTE_PROCEDURES as P } from '../../src/generated/remote-procedures.gen.js'

export type OpName = 'getLibVersion' | 'lookupInfo' | 'listAllDomains' | 'getAllDomainStats' | 'getXMLDesc'

/** Returns a function that performs one `op` on `conn` (looking up what it needs first). */
export async function opFn(conn: Connection, op: OpName, domain = 'test'): Promise<() => Promise<unknown>> {
  switch (op) {
    case 'getLibVersion':
      return () => conn.call(P.CONNECT_GET_LIB_VERSION, undefined)
    case 'lookupInfo':
      return async () => {
        const { dom } = await conn.call(P.DOMAIN_LOOKUP_BY_NAME, { name: domain })
        return conn.call(P.DOMAIN_GET_INFO, { dom })
      }
    case 'listAllDomains':
      return () => conn.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })
    case 'getAllDomainStats':
      return () => conn.call(P.CONNECT_GET_ALL_DOMAIN_STATS, { doms: [], stats: 0, flags: 0 })
    case 'getXMLDesc': {
      const { dom } = await conn.call(P.DOMAIN_LOOKUP_BY_NAME, { name: domain })
      return () => conn.call(P.DOMAIN_GET_XML_DESC, { dom, flags: 0 })
    }
  }
}
