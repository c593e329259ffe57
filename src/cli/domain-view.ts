// CLI. What `list` and `info` show of a domain: virsh's state names, a virsh-like table, and the
// `dominfo` fields, as text or JSON. Every daemon-supplied string goes through printable().

import type { Connection } from '../api/objects.js'
import type { Domain } from '../api/objects.js'
import { VIR_CONNECT_LIST_DOMAINS_ACTIVE } from '../generated/constants.gen.js'
import { printable } from './text.js'

/** virDomainState → the words virsh prints. */
export const STATE_NAMES: Readonly<Record<number, string>> = {
  0: 'no state',
  1: 'running',
  2: 'idle',
  3: 'paused',
  4: 'in shutdown',
  5: 'shut off',
  6: 'crashed',
  7: 'pmsuspended',
}

export function stateName(state: number): string {
  return STATE_NAMES[state] ?? `unknown (${state})`
}

export interface ListRow {
  /** -1 when inactive (virsh prints `-`). */
  id: number
  name: string
  uuid: string
  state: string
}

/** Active domains (or all with `all`), running ones first by id, then inactive by name, as virsh. */
export async function listRows(conn: Connection, all: boolean): Promise<ListRow[]> {
  const doms = await conn.listAllDomains(all ? 0 : VIR_CONNECT_LIST_DOMAINS_ACTIVE)
  const rows = await Promise.all(
    doms.map(async (d: Domain) => ({ id: d.id, name: d.name, uuid: d.uuid, state: stateName((await d.getState()).state) })),
  )
  return rows.sort((a, b) => (a.id < 0) !== (b.id < 0) ? (a.id < 0 ? 1 : -1) : a.id >= 0 ? a.id - b.id : a.name.localeCompare(b.name))
}

/** The rows as virsh lays them out: ` Id   Name   State`, a rule, one line each. */
export function listTable(rows: readonly ListRow[]): string {
  const cells = rows.map((r) => [r.id < 0 ? '-' : String(r.id), printable(r.name), r.state])
  const head = ['Id', 'Name', 'State']
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)))
  const line = (c: string[]): string => ` ${c[0]!.padEnd(w[0]!)}   ${c[1]!.padEnd(w[1]!)}   ${c[2]!}`.trimEnd()
  return [line(head), '-'.repeat(w[0]! + w[1]! + w[2]! + 8), ...cells.map(line)].join('\n')
}

export interface DomainInfo {
  id: number
  name: string
  uuid: string
  osType: string
  state: string
  cpus: number
  /** CPU time in nanoseconds. */
  cpuTime: bigint
  /** KiB. */
  maxMemory: bigint
  /** KiB. */
  usedMemory: bigint
  persistent: boolean
  autostart: boolean
}

export async function domainInfo(dom: Domain): Promise<DomainInfo> {
  const [info, osType, persistent, autostart] = await Promise.all([
    dom.getInfo(),
    dom.getOSType(),
    dom.isPersistent(),
    dom.getAutostart().catch(() => false),
  ])
  return {
    id: dom.id,
    name: dom.name,
    uuid: dom.uuid,
    osType,
    state: stateName(info.state),
    cpus: info.nrVirtCpu,
    cpuTime: BigInt(info.cpuTime),
    maxMemory: BigInt(info.maxMem),
    usedMemory: BigInt(info.memory),
    persistent: Boolean(persistent),
    autostart: Boolean(autostart),
  }
}

/** `virsh dominfo` layout: `Name:           test`. */
export function infoText(i: DomainInfo): string {
  const rows: [string, string][] = [
    ['Id', i.id < 0 ? '-' : String(i.id)],
    ['Name', printable(i.name)],
    ['UUID', i.uuid],
    ['OS Type', printable(i.osType)],
    ['State', i.state],
    ['CPU(s)', String(i.cpus)],
    ['CPU time', `${(Number(i.cpuTime) / 1e9).toFixed(1)}s`],
    ['Max memory', `${i.maxMemory} KiB`],
    ['Used memory', `${i.usedMemory} KiB`],
    ['Persistent', i.persistent ? 'yes' : 'no'],
    ['Autostart', i.autostart ? 'enable' : 'disable'],
  ]
  return rows.map(([k, v]) => `${`${k}:`.padEnd(16)}${v}`).join('\n')
}
