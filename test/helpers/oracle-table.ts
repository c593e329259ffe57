// Test helper: the table-driven comparison with libvirt's C client (python3-libvirt through
// runOracle). Each row pairs one of our typed methods with the libvirt-python expression for the
// same C function; both run on the same daemon and objects, and a row passes when the results are
// equal or both sides fail with the same libvirt error code.

import assert from 'node:assert/strict'
import { API_TABLE, LibvirtError, LibvirtObject } from '../../src/index.js'
import { runOracle } from '../../src/testing/index.js'

/** One comparison: `m` is `Class.method` as in API_TABLE, optionally `#tag` for a second row of one method. */
export interface OracleRow {
  m: string
  ours: () => Promise<unknown>
  /** libvirt-python expression, evaluated once in the oracle script (names bound by its prelude). */
  py: string
  /** Our result → the shape libvirt-python returns. */
  norm?: (x: never) => unknown
}

/** What the comparison found. */
export interface OracleTableResult {
  /** Methods compared (libvirt-python has the binding), each once. */
  compared: string[]
  /** Of those, methods compared only as the same error code (no row of theirs gave a value). */
  errors: string[]
  /** Methods whose binding this libvirt-python lacks (not compared). */
  missing: string[]
  /** Methods with at least one row compared by value (the complement of `errors` in `compared`). */
  byValue: string[]
  /** Rows by outcome: equal values, the same error code on both sides, not comparable (missing binding). */
  rows: { total: number; byValue: number; byError: number; missing: number }
}

const SAFE = 2n ** 53n - 1n

/**
 * Our value in the oracle's JSON shape (runOracle gives unsafe ints as bigint): safe bigints as
 * numbers, bytes as a Buffer, objects by their name (or port device / UUID when they have none).
 */
export function oracleShape(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= -SAFE && v <= SAFE ? Number(v) : v
  if (Buffer.isBuffer(v)) return v // runOracle revives Python bytes as a Buffer
  if (v instanceof LibvirtObject) {
    const w = v.wire as { name?: string; portdev?: string; uuid?: string }
    return w.name ?? w.portdev ?? w.uuid
  }
  if (Array.isArray(v)) return v.map(oracleShape)
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, oracleShape(x)]))
  return v
}

/** A libvirt CPU map as booleans for CPUs 0‥n-1, the way libvirt-python reports one. */
export function cpuBits(map: Buffer, n: number): boolean[] {
  return Array.from({ length: n }, (_, k) => ((map[k >> 3]! >> (k & 7)) & 1) === 1)
}

/**
 * Run every row on both clients and assert they agree. `prelude` is Python that binds the objects
 * the rows' `py` expressions name; `args` reaches it as `args`. Use {@link readOnlyOf} to count
 * the read-only procedures among the methods compared.
 */
export async function compareWithOracle(uri: string, rows: readonly OracleRow[], prelude: string, args?: unknown): Promise<OracleTableResult> {
  const py = `
def _try(f):
    try:
        return {'v': f()}
    except libvirt.libvirtError as e:
        return {'err': e.get_error_code()}
    except AttributeError as e:
        # only a method this python3-libvirt lacks counts as missing; any other slip in a row fails
        if 'has no attribute' not in str(e): raise
        return {'missing': str(e)}
${prelude}
result = {
${rows.map((r) => `  ${JSON.stringify(r.m)}: _try(lambda: ${r.py}),`).join('\n')}
}
`
  const oracle = await runOracle<Record<string, { v?: unknown; err?: number; missing?: string }>>(uri, py, { args })
  const table = new Map(API_TABLE.filter((e) => e.method).map((e) => [`${e.className}.${e.method}`, e]))
  const out: OracleTableResult = { compared: [], errors: [], missing: [], byValue: [], rows: { total: rows.length, byValue: 0, byError: 0, missing: 0 } }
  const byValue = new Set<string>()
  for (const r of rows) {
    const method = r.m.split('#')[0]!
    assert.ok(table.has(method), `${method} is a method in API_TABLE`)
    const o = oracle[r.m]!
    if (o.missing !== undefined) {
      out.missing.push(method)
      out.rows.missing++
      continue
    }
    let ours: { v?: unknown; err?: number }
    try {
      const x = await r.ours()
      ours = { v: oracleShape(r.norm ? r.norm(x as never) : x) }
    } catch (e) {
      if (!(e instanceof LibvirtError)) throw e
      ours = { err: e.code }
    }
    assert.deepEqual(ours, o, r.m)
    if (!out.compared.includes(method)) out.compared.push(method)
    if (o.err === undefined) {
      byValue.add(method)
      out.rows.byValue++
    } else out.rows.byError++
  }
  out.errors = out.compared.filter((m) => !byValue.has(m))
  out.byValue = out.compared.filter((m) => byValue.has(m))
  // Every row ends in exactly one outcome: none is dropped on the way.
  assert.equal(out.rows.byValue + out.rows.byError + out.rows.missing, rows.length, 'every oracle row accounted for')
  return out
}

/**
 * The assertions every oracle table makes: at least `minByValue` rows compared by value (not only
 * as a shared error), and no row dropped silently — a binding missing from this libvirt-python
 * is reported, and at most `maxMissing` of them are tolerated.
 */
export function assertOracleCoverage(t: { diagnostic(s: string): void }, r: OracleTableResult, minByValue: number, maxMissing = 3): void {
  t.diagnostic(`oracle rows: ${r.rows.total} — ${r.rows.byValue} equal values, ${r.rows.byError} the same error, ${r.rows.missing} not comparable`)
  if (r.errors.length) t.diagnostic(`compared only as the same error: ${r.errors.join(' ')}`)
  if (r.missing.length) t.diagnostic(`not in this libvirt-python (not compared): ${r.missing.join(' ')}`)
  assert.ok(r.rows.byValue >= minByValue, `${r.rows.byValue} rows compared by value, want at least ${minByValue}`)
  assert.ok(r.rows.missing <= maxMissing, `${r.rows.missing} rows not compared (binding missing): ${r.missing.join(' ')}`)
}

/** The read-only procedures (every ACL `:read`) among `methods`. */
export function readOnlyOf(methods: readonly string[]): string[] {
  const ro = new Set(API_TABLE.filter((e) => e.method && e.readOnly).map((e) => `${e.className}.${e.method}`))
  return [...new Set(methods)].filter((m) => ro.has(m))
}
