// Benchmark helpers: the calls each scenario makes with libvirt-async, by name, so scenarios
// and the C-client script name the same operations. Typed API methods — what a user pays,
// object wrapping and value conversion included.

import type { Connection } from '../../src/api/objects.js'

export type OpName = 'getLibVersion' | 'lookupInfo' | 'listAllDomains' | 'getAllDomainStats' | 'getXMLDesc'

/** Returns a function that performs one `op` on `conn` (looking up what it needs first). */
export async function opFn(conn: Connection, op: OpName, domain = 'test'): Promise<() => Promise<unknown>> {
  switch (op) {
    case 'getLibVersion':
      return () => conn.getLibVersion()
    case 'lookupInfo':
      return async () => (await conn.domainLookupByName(domain)).getInfo()
    case 'listAllDomains':
      return () => conn.listAllDomains(0)
    case 'getAllDomainStats':
      return () => conn.getAllDomainStats(0, 0)
    case 'getXMLDesc': {
      const dom = await conn.domainLookupByName(domain)
      return () => dom.getXMLDesc(0)
    }
  }
}
