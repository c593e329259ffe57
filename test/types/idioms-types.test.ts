// Type-level tests of the API idioms (issue 16): enums are values and types with a name lookup,
// truth values are booleans, `flags` name their flag set (a member of another set does not
// compile), and 64-bit values follow the README's number/bigint rule. Compiled by tsc; the runtime
// part checks the name lookup and the enum objects.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import type {
  Connection, Domain, Network, StoragePool, DomainSnapshot, NodeDevice, Interface, FlagBits, FlagSet, DomainFSInfo, DomainIOThreadInfo,
  NetworkDHCPLease, DomainInterface, DomainHandle, IPAddrType, DomainEventGraphicsAddress, DomainEventGraphicsAddressType, DomainEventArgs,
} from '../../src/index.js'
import {
  DomainState, DomainCreateFlags, DomainDestroyFlagsValues, DomainEventType, DomainEventDetail, DomainEventStartedDetailType, DomainJobType,
  StoragePoolState, DomainEventID, DomainSnapshotXMLFlags, enumName,
} from '../../src/index.js'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Compiles only when `A` and `B` are the same type. */
function same<A, B>(..._: Equal<A, B> extends true ? [] : [never]): void {}
type R<F> = F extends (...a: never[]) => Promise<infer T> ? T : never

// 1. Enums: value and type; results carry them.
const s: DomainState = DomainState.RUNNING
void s
// @ts-expect-error: 99 is not a DomainState
const bad: DomainState = 99
void bad
same<R<Domain['getInfo']>['state'], DomainState>()
same<R<Domain['getState']>['state'], DomainState>()
same<R<Domain['getJobInfo']>['type'], DomainJobType>()
same<R<StoragePool['getInfo']>['state'], StoragePoolState>()
same<ReturnType<typeof enumName<typeof DomainState>>, keyof typeof DomainState | undefined>()
same<(typeof DomainEventDetail)[typeof DomainEventType.STARTED], typeof DomainEventStartedDetailType>()

// 2. Truth values.
same<R<Domain['isActive']>, boolean>()
same<R<Domain['isPersistent']>, boolean>()
same<R<Domain['isUpdated']>, boolean>()
same<R<Domain['getAutostart']>, boolean>()
same<R<Domain['hasManagedSaveImage']>, boolean>()
same<R<Domain['hasCurrentSnapshot']>, boolean>()
same<R<DomainSnapshot['isCurrent']>, boolean>()
same<R<DomainSnapshot['hasMetadata']>, boolean>()
same<R<Network['isActive']>, boolean>()
same<R<Network['getAutostart']>, boolean>()
same<R<StoragePool['isActive']>, boolean>()
same<R<StoragePool['getAutostart']>, boolean>()
same<R<NodeDevice['isActive']>, boolean>()
same<R<Interface['isActive']>, boolean>()
same<R<Connection['isSecure']>, boolean>()
same<R<Domain['getBlockJobInfo']>['found'], boolean>()
same<R<Domain['getSecurityLabel']>['enforcing'], boolean>()

// 4. Flags name their set.
same<Parameters<Domain['createWithFlags']>, [flags?: DomainCreateFlags | FlagBits]>()
same<DomainCreateFlags, FlagSet<'virDomainCreateFlags'>>()
// a set whose member is defined through another header's constant (VIR_DOMAIN_XML_SECURE) is still a set
same<Parameters<DomainSnapshot['getXMLDesc']>, [flags?: DomainSnapshotXMLFlags | FlagBits]>()

// 5. Numbers and bigints.
same<R<Connection['getLibVersion']>, number>()
same<R<Connection['getVersion']>, number>()
same<R<Domain['getInfo']>['maxMem'], bigint>()
same<R<Domain['getInfo']>['cpuTime'], bigint>()
same<R<Domain['getInfo']>['nrVirtCpu'], number>()
same<R<Domain['getTime']>['seconds'], number>()

// 3. camelCase and public types (no wire struct names; the built declarations are checked by test/unit/public-surface).
same<R<Domain['blockStats']>, { rdReq: bigint; rdBytes: bigint; wrReq: bigint; wrBytes: bigint; errs: bigint }>()
same<R<Domain['getFSInfo']>, DomainFSInfo[]>()
same<DomainFSInfo['devAliases'], string[]>()
same<R<Domain['getIOThreadInfo']>, DomainIOThreadInfo[]>()
same<DomainIOThreadInfo['iothreadId'], number>()
same<R<Network['getDHCPLeases']>, NetworkDHCPLease[]>()
same<NetworkDHCPLease['type'], IPAddrType>()
same<NetworkDHCPLease['expirytime'], number>()
same<R<Domain['interfaceAddresses']>, DomainInterface[]>()
same<R<Connection['listDomains']>, number[]>()
same<Parameters<Connection['domainCreateXML']>, [xmlDesc: string, flags?: DomainCreateFlags | FlagBits]>()
same<Domain['wire'], DomainHandle>()

// 8. event payloads come from the generated table, typed from libvirt's callback docs.
same<DomainEventArgs[5][1], DomainEventGraphicsAddress>()
same<DomainEventGraphicsAddress['family'], DomainEventGraphicsAddressType>()

// Misuse the compiler must refuse (never run).
export async function misuse(d: Domain, c: Connection): Promise<void> {
  await d.createWithFlags(DomainCreateFlags.START_PAUSED | DomainCreateFlags.START_AUTODESTROY) // a combination is fine
  await d.createWithFlags(0)
  // @ts-expect-error: a member of another flag set
  await d.createWithFlags(DomainDestroyFlagsValues.GRACEFUL)
  // @ts-expect-error: a flag set is not a string
  await c.listAllDomains('active')
  const st = (await d.getInfo()).state
  // @ts-expect-error: a DomainState is not comparable with a string
  if (st === 'RUNNING') return
}

test('enum objects and the name lookup', () => {
  assert.equal(DomainState.RUNNING, 1)
  assert.equal(enumName(DomainState, 1), 'RUNNING')
  assert.equal(enumName(DomainState, 99), undefined) // a newer daemon's value: no name, still a number
  assert.equal(enumName(DomainEventDetail[DomainEventType.STARTED], DomainEventStartedDetailType.BOOTED), 'BOOTED')
  assert.equal(enumName(DomainEventID, 0), 'LIFECYCLE')
  assert.equal(DomainCreateFlags.START_PAUSED | DomainCreateFlags.START_AUTODESTROY, 3)
  assert.equal(DomainSnapshotXMLFlags.SECURE, 1)
})
