// CLI. Which methods `call` may reach: every typed-API method of the generated API table (by its
// documented name, `Class.method` for object classes), how an object named on the command line is
// looked up, and close matches for a misspelt name.

import type { Connection } from '../api/objects.js'
import { API_TABLE } from '../generated/api/api-table.gen.js'
import { usage } from './exit.js'

/** `getLibVersion`, `Domain.getInfo`, … — every callable name, sorted. */
export const METHOD_NAMES: readonly string[] = [
  ...new Set(API_TABLE.filter((e) => e.className && e.method).map((e) => (e.className === 'Connection' ? e.method! : `${e.className}.${e.method}`))),
].sort()

const KNOWN = new Set(METHOD_NAMES)

export function isKnownMethod(name: string): boolean {
  return KNOWN.has(name)
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

type Lookup = (conn: Connection, ref: string) => Promise<unknown>
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const m = (o: unknown, name: string, ...args: unknown[]): Promise<any> => (o as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]!(...args)
const byNameOrUuid = (prefix: string): Lookup => (conn, ref) => (UUID.test(ref) ? m(conn, `${prefix}LookupByUUID`, ref) : m(conn, `${prefix}LookupByName`, ref))
/** `parent/child`: the parent looked up with `parent`, then the child by name on it. */
const nested = (parent: Lookup, child: string, what: string): Lookup => async (conn, ref) => {
  const i = ref.lastIndexOf('/')
  if (i <= 0) throw usage(`${what} are named as parent/name, e.g. mydomain/snap1`)
  return m(await parent(conn, ref.slice(0, i)), child, ref.slice(i + 1))
}

/** How each object class is found from a command-line reference (name, UUID, path, key…). */
export const LOOKUPS: Readonly<Record<string, Lookup>> = {
  Domain: (conn, ref) => (UUID.test(ref) ? m(conn, 'domainLookupByUUID', ref) : /^\d+$/.test(ref) ? m(conn, 'domainLookupByID', Number(ref)) : m(conn, 'domainLookupByName', ref)),
  Network: byNameOrUuid('network'),
  StoragePool: byNameOrUuid('storagePool'),
  StorageVol: async (conn, ref) => {
    if (ref.startsWith('/')) return m(conn, 'storageVolLookupByPath', ref)
    const i = ref.indexOf('/')
    if (i > 0) return m(await byNameOrUuid('storagePool')(conn, ref.slice(0, i)), 'storageVolLookupByName', ref.slice(i + 1))
    return m(conn, 'storageVolLookupByKey', ref)
  },
  Secret: (conn, ref) => {
    if (!UUID.test(ref)) throw usage('a Secret is named by its UUID')
    return m(conn, 'secretLookupByUUID', ref)
  },
  NodeDevice: (conn, ref) => m(conn, 'nodeDeviceLookupByName', ref),
  Interface: (conn, ref) => (/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(ref) ? m(conn, 'interfaceLookupByMACString', ref) : m(conn, 'interfaceLookupByName', ref)),
  NWFilter: byNameOrUuid('nwFilter'),
  NWFilterBinding: (conn, ref) => m(conn, 'nwFilterBindingLookupByPortDev', ref),
  DomainSnapshot: nested((c, r) => LOOKUPS.Domain!(c, r), 'snapshotLookupByName', 'snapshots'),
  DomainCheckpoint: nested((c, r) => LOOKUPS.Domain!(c, r), 'checkpointLookupByName', 'checkpoints'),
  NetworkPort: nested(byNameOrUuid('network'), 'portLookupByUUID', 'network ports'),
}

export const REF_HELP = `Objects are named: Domain by name, UUID or id; Network, StoragePool, NWFilter by name or UUID;
StorageVol by path, key or pool/volume; Secret by UUID; NodeDevice and Interface by name (Interface
also by MAC); NWFilterBinding by port device; DomainSnapshot and DomainCheckpoint as domain/name;
NetworkPort as network/uuid.`

function distance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!
    d[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return d[b.length]!
}

/** Up to 6 known names close to `name` (edit distance, or containing it). */
export function closeMatches(name: string): string[] {
  const low = name.toLowerCase()
  const scored = METHOD_NAMES.map((n) => {
    const l = n.toLowerCase()
    const tail = l.includes('.') ? l.slice(l.indexOf('.') + 1) : l
    const score = l.includes(low) || (low.length >= 4 && tail.includes(low)) ? 0 : Math.min(distance(low, l), distance(low, tail))
    return { n, score }
  })
  const limit = Math.max(2, Math.floor(name.length / 3))
  return scored.filter((s) => s.score <= limit).sort((a, b) => a.score - b.score || a.n.length - b.n.length).slice(0, 6).map((s) => s.n)
}
