// Type-level tests of the typed statistics: compiled by tsc (a wrong type fails the build); the
// runtime part checks the exported parser exists. Field types follow the number/bigint rule.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type {
  Connection, Domain, DomainStats, DomainStatsRecord, DomainBlockStats, DomainVcpuStats, NodeCPUStats, NodeMemoryStats, TypedParams,
  DomainState, VcpuState,
} from '../../src/index.js'
import { parseDomainStats } from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `A` and `B` are the same type. */
function same<A, B>(..._: Equal<A, B> extends true ? [] : [never]): void {}

same<DomainStatsRecord['stats'], TypedParams>()
same<DomainStatsRecord['typed'], DomainStats>()
same<DomainStatsRecord['domain'], Domain>()
same<ReturnType<Domain['getStats']>, Promise<DomainStatsRecord>>()
same<ReturnType<Connection['getAllDomainStats']>, Promise<DomainStatsRecord[]>>()
same<ReturnType<Connection['nodeGetCPUStats']>, Promise<NodeCPUStats>>()
same<ReturnType<Connection['nodeGetMemoryStats']>, Promise<NodeMemoryStats>>()
same<ReturnType<typeof parseDomainStats>, DomainStats>()
// bytes, KiB, nanoseconds, counters: bigint; states, counts, ids, seconds: number (or their enum)
same<DomainBlockStats['rdBytes'], bigint | undefined>()
same<DomainBlockStats['backingIndex'], number | undefined>()
same<DomainVcpuStats['time'], bigint | undefined>()
same<DomainVcpuStats['state'], VcpuState | undefined>()
same<NonNullable<DomainStats['state']>['state'], DomainState | undefined>()
same<NonNullable<DomainStats['balloon']>['current'], bigint | undefined>()
same<NonNullable<DomainStats['balloon']>['lastUpdate'], number | undefined>()
same<DomainStats['vcpuCurrent'], number | undefined>()
same<NodeCPUStats['kernel'], bigint | undefined>()
same<NodeMemoryStats['total'], bigint | undefined>()
same<NodeCPUStats['someFutureField'], bigint | undefined>()

// Misuse the compiler must refuse (never run).
export async function misuse(c: Connection, d: Domain): Promise<void> {
  const [r] = await c.getAllDomainStats()
  // @ts-expect-error: the view's groups are optional: a domain may lack a group
  void r!.typed.cpu.time
  // @ts-expect-error: a byte counter is a bigint, not a number
  const n: number = r!.typed.block![0]!.rdBytes!
  // @ts-expect-error: no such field (keys are camelCase: rdBytes)
  void r!.typed.block![0]!.rd_bytes
  const s = await c.nodeGetCPUStats(-1)
  // @ts-expect-error: a field may be absent on this host
  const k: bigint = s.kernel
  // @ts-expect-error: statistics groups are a DomainStatsTypes mask, not a flag of another set
  await d.getStats(0, c as unknown as import('../../src/index.js').DomainCreateFlags)
  void n
  void k
}

test('the typed-statistics exports exist at run time', () => {
  assert.equal(typeof parseDomainStats, 'function')
})
