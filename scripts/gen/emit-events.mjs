// Generator (dev-only). Emits events.gen.ts: the one table of every event the client routes — family,
// event id and its name, the wire message (the callback-id carrying `*_msg` procedure), the C
// callback typedef, the argument names (the callback's parameters) and how to take the object and the
// arguments out of a decoded message — plus the payload tuple types per family and event id, typed
// from the callback typedefs' documentation (enums) and the message structs (everything else).
// src/events, src/cli/event-model.ts and src/managed derive from it.

import { banner } from './emit-util.mjs'
import { matchKey } from './naming.mjs'
import { enumTypeName, enumsNamed } from './api-idioms.mjs'

/**
 * @typedef {import('./model.mjs').Model} Model
 * @typedef {{ family: string, object: string, objectWire: string, enumName: string, idPrefix: string, procPrefix: string, argsType: string }} FamilyInfo
 */

/** The five register-any families: the object kind, its wire handle, the event id enum and the procedure prefix. */
export const EVENT_FAMILIES = /** @type {FamilyInfo[]} */ ([
  { family: 'domain', object: 'domain', objectWire: 'remote_nonnull_domain', enumName: 'virDomainEventID', idPrefix: 'VIR_DOMAIN_EVENT_ID_', procPrefix: 'DOMAIN_EVENT_', argsType: 'DomainEventArgs' },
  { family: 'network', object: 'network', objectWire: 'remote_nonnull_network', enumName: 'virNetworkEventID', idPrefix: 'VIR_NETWORK_EVENT_ID_', procPrefix: 'NETWORK_EVENT_', argsType: 'NetworkEventArgs' },
  { family: 'storagePool', object: 'storagePool', objectWire: 'remote_nonnull_storage_pool', enumName: 'virStoragePoolEventID', idPrefix: 'VIR_STORAGE_POOL_EVENT_ID_', procPrefix: 'STORAGE_POOL_EVENT_', argsType: 'StoragePoolEventArgs' },
  { family: 'nodeDevice', object: 'nodeDevice', objectWire: 'remote_nonnull_node_device', enumName: 'virNodeDeviceEventID', idPrefix: 'VIR_NODE_DEVICE_EVENT_ID_', procPrefix: 'NODE_DEVICE_EVENT_', argsType: 'NodeDeviceEventArgs' },
  { family: 'secret', object: 'secret', objectWire: 'remote_nonnull_secret', enumName: 'virSecretEventID', idPrefix: 'VIR_SECRET_EVENT_ID_', procPrefix: 'SECRET_EVENT_', argsType: 'SecretEventArgs' },
])

/** Argument types the callback documentation names only by pattern: callback.param → enum type. */
export const EVENT_ARG_OVERRIDES = /** @type {Record<string, string>} */ ({
  // "(virDomainEvent*DetailType)": the detail enum depends on the event type (DomainEventDetail)
  'virConnectDomainEventCallback.detail': 'DomainEventDetail',
  // documented as "a value from virDomainMetadataTypea" (a typo in 11.3's header)
  'virConnectDomainEventMetadataChangeCallback.type': 'DomainMetadataType',
})

/** 64-bit event arguments that are `number` by the number/bigint rule: seconds since the epoch. */
export const SMALL_EVENT_ARGS = new Set(['virConnectDomainQemuMonitorEventCallback.seconds'])

/** @param {Model} model @param {string} struct */
function fields(model, struct) {
  const def = model.types.get(struct)?.def
  if (!def || def.kind !== 'struct') throw new Error(`${struct} is not a struct`)
  return /** @type {any[]} */ (def.fields.filter((f) => !('void' in f)))
}

/**
 * Every routed event: the family's id enum member ↔ its callback typedef (named beside the member)
 * ↔ the callback-id carrying message, arguments paired in order with the callback's parameters.
 * @param {Model} model
 */
export function eventPlan(model) {
  const out = []
  for (const fam of EVENT_FAMILIES) {
    const e = model.headers.enums.find((x) => x.name === fam.enumName)
    if (!e) throw new Error(`no enum ${fam.enumName}`)
    for (const m of e.members.filter((x) => !x.sentinel)) {
      const key = m.name.slice(fam.idPrefix.length)
      const cb = model.docs.callbacks.get(/** @type {string} */ (model.docs.eventCallbacks.get(m.name)))
      if (!cb) throw new Error(`${m.name}: no callback typedef named beside it`)
      const proc = model.procedures.find(
        (p) => p.program === 'remote' && p.isEvent && (p.key === `${fam.procPrefix}CALLBACK_${key}` || p.key === `${fam.procPrefix}${key}`) && fields(model, /** @type {string} */ (p.args)).some((f) => f.name === 'callbackID'),
      )
      if (!proc) throw new Error(`${m.name}: no callback-id carrying event message`)
      out.push({ fam, id: m.value, key, cb, ...unpack(model, fam, proc, cb) })
    }
  }
  const qcb = model.docs.callbacks.get('virConnectDomainQemuMonitorEventCallback')
  const qproc = model.procedures.find((p) => p.program === 'qemu' && p.isEvent && p.key === 'DOMAIN_MONITOR_EVENT')
  if (!qcb || !qproc) throw new Error('no QEMU monitor event callback or message')
  const qfam = { family: 'qemuMonitor', object: 'domain', objectWire: 'remote_nonnull_domain', enumName: '', idPrefix: '', procPrefix: '', argsType: '' }
  out.push({ fam: qfam, id: -1, key: 'MONITOR_EVENT', cb: qcb, ...unpack(model, qfam, qproc, qcb) })
  return out
}

/**
 * How to take the object and the arguments out of one message, and their names and types.
 * @param {Model} model @param {FamilyInfo} fam @param {any} proc @param {import('./parse-docs.mjs').CallbackTypedef} cb
 */
function unpack(model, fam, proc, cb) {
  let objPath = null
  /** @type {{ path: string, decl: any }[]} */
  const payload = []
  const visit = (/** @type {string} */ struct, /** @type {string} */ base) => {
    const inner = []
    const outer = []
    for (const f of fields(model, struct)) {
      if (f.name === 'callbackID' && base === 'm') continue
      if (f.type.kind === 'ref' && f.type.name === fam.objectWire && f.shape === 'plain') {
        objPath = `${base}.${f.name}`
        continue
      }
      const sub = f.type.kind === 'ref' ? model.types.get(f.type.name)?.def : null
      if (f.name === 'msg' && sub?.kind === 'struct') inner.push(...visit(f.type.name, `${base}.msg`))
      else outer.push({ path: `${base}.${f.name}`, decl: f })
    }
    return [...inner, ...outer]
  }
  payload.push(...visit(/** @type {string} */ (proc.args), 'm'))
  if (!objPath) throw new Error(`${proc.name}: no ${fam.objectWire} in the message`)
  // after (conn, object): every parameter but the user's opaque pointer and a list's count
  const named = cb.params.slice(2).filter((p) => p.name !== 'opaque' && p.name !== 'nparams')
  if (named.length !== payload.length) throw new Error(`${proc.name}: ${payload.length} message fields for ${named.length} parameters of ${cb.name}`)
  return { proc, objPath, args: payload.map((p, i) => ({ ...p, name: named[i].name, cType: named[i].type })) }
}

/**
 * The TypeScript type of one event argument, and any struct it names.
 * @param {Model} model @param {any} decl @param {string} cbName @param {string} param @param {Map<string, string[]>} structs
 */
function argType(model, decl, cbName, param, structs) {
  const o = EVENT_ARG_OVERRIDES[`${cbName}.${param}`]
  if (o) return `C.${o}`
  const doc = model.docs.functions.get(cbName)?.params.get(param) ?? ''
  const t = decl.type
  const arr = (/** @type {string} */ s) => (decl.shape === 'var' || decl.shape === 'fixed' ? `${s}[]` : s)
  if (t.kind === 'prim') {
    if (t.name === 'int' || t.name === 'uint') {
      const enums = enumsNamed(model, doc)
      return enums.length === 1 ? `C.${enumTypeName(enums[0])}${flagsSuffix(model, enums[0])}` : 'number'
    }
    if (t.name === 'hyper' || t.name === 'uhyper') return SMALL_EVENT_ARGS.has(`${cbName}.${param}`) ? 'number' : 'bigint'
    if (t.name === 'string') return 'string'
    if (t.name === 'double') return 'number'
    throw new Error(`${cbName}.${param}: no type for ${t.name}`)
  }
  if (t.name === 'remote_typed_param') return 'TypedParams'
  const def = model.types.get(t.name)?.def
  if (def?.kind === 'typedef' && !('void' in def.decl)) {
    if (def.decl.type.kind === 'prim' && def.decl.type.name === 'string') return arr('string')
    if (def.decl.shape === 'optional') return 'string | null'
  }
  if (def?.kind === 'struct') {
    const name = structName(model, t.name)
    if (!structs.has(name)) {
      const cStruct = `vir${name}`
      const comments = model.docs.structFields.get(cStruct)
      const lines = []
      for (const f of def.fields) {
        if ('void' in f) continue
        const c = comments?.get(f.name) ?? ''
        const enums = enumsNamed(model, c)
        const ts = f.type.kind === 'prim' && (f.type.name === 'int' || f.type.name === 'uint') ? (enums.length === 1 ? `C.${enumTypeName(enums[0])}` : 'number') : 'string'
        lines.push(`  ${f.name}: ${ts}`)
      }
      structs.set(name, lines)
    }
    return arr(name)
  }
  throw new Error(`${cbName}.${param}: no type for ${t.name}`)
}

/** @param {Model} model @param {string} e */
function flagsSuffix(model, e) {
  return /Flags$/.test(e) ? ' | C.FlagBits' : ''
}

/** Public name of an event struct: the C struct with the same fields (virDomainEventGraphicsAddress → DomainEventGraphicsAddress). @param {Model} model @param {string} wire */
function structName(model, wire) {
  const def = /** @type {any} */ (model.types.get(wire)?.def)
  const keys = def.fields.map((/** @type {any} */ f) => matchKey(f.name))
  for (const [name, fs] of model.docs.structFields) {
    const have = [...fs.keys()].map(matchKey)
    if (have.length === keys.length && keys.every((/** @type {string} */ k) => have.includes(k)) && /Event/.test(name)) return name.slice(3)
  }
  throw new Error(`${wire}: no C struct with its fields`)
}

/** @param {Model} model @returns {{ path: string, text: string }[]} */
export function emitEvents(model) {
  const plan = eventPlan(model)
  /** @type {Map<string, string[]>} */
  const structs = new Map()
  const rows = plan.map((p) => ({ ...p, types: p.args.map((a) => argType(model, a.decl, p.cb.name, a.name, structs)) }))
  const lines = [
    banner(model.version),
    '// Layer 1 (generated protocol). Every event the client routes: family, event id, wire message, C callback,',
    '// argument names and how to unpack a decoded message; the payload tuple types per family and event id.',
    '',
    "import type { TypedParams } from './typed-params.js'",
    "import type * as C from './constants.gen.js'",
    "import type { ProcedureDescriptor } from './procedure.js'",
    "import { QEMU_PROCEDURES, REMOTE_PROCEDURES } from './procedures.gen.js'",
    '',
    '/** The event families: the five of the register-any API, and QEMU monitor events. */',
    `export type EventFamily = ${[...EVENT_FAMILIES.map((f) => `'${f.family}'`), "'qemuMonitor'"].join(' | ')}`,
    '/** The kinds of object an event can be about. */',
    `export type EventObjectKind = ${EVENT_FAMILIES.map((f) => `'${f.object}'`).join(' | ')}`,
    '/** The five register-any families, in libvirt\'s order. */',
    `export const OBJECT_EVENT_FAMILIES = [${EVENT_FAMILIES.map((f) => `'${f.family}'`).join(', ')}] as const`,
    '',
    '/** One routed event. */',
    'export interface EventTableEntry {',
    '  readonly family: EventFamily',
    '  /** The event id within the family (-1 for QEMU monitor events). */',
    '  readonly eventId: number',
    '  /** The id\'s name (`LIFECYCLE`, …). */',
    '  readonly idName: string',
    '  /** The message procedure carrying it (the callback-id variant). */',
    '  // eslint-disable-next-line @typescript-eslint/no-explicit-any',
    '  readonly procedure: ProcedureDescriptor<any, void>',
    '  /** libvirt\'s C callback typedef for the event. */',
    '  readonly callback: string',
    '  /** The callback\'s argument names after (conn, object), in libvirt\'s order. */',
    '  readonly argNames: readonly string[]',
    '  /** Indexes of arguments that are typed-parameter lists (the events layer makes them objects). */',
    '  readonly typedParams: readonly number[]',
    '  /** The daemon\'s callback id, the object and the raw arguments of a decoded message. */',
    '  // eslint-disable-next-line @typescript-eslint/no-explicit-any',
    '  unpack(m: any): { id: number; obj: unknown; args: unknown[] }',
    '}',
    '',
    '/** Every event the client routes: the five families\' ids in order, then QEMU monitor events. */',
    'export const EVENT_TABLE: readonly EventTableEntry[] = [',
  ]
  for (const r of rows) {
    const table = r.fam.family === 'qemuMonitor' ? 'QEMU_PROCEDURES' : 'REMOTE_PROCEDURES'
    const tp = r.args.map((a, i) => (a.decl.type.kind === 'ref' && a.decl.type.name === 'remote_typed_param' ? i : -1)).filter((i) => i >= 0)
    lines.push(
      `  { family: '${r.fam.family}', eventId: ${r.id}, idName: '${r.key}', procedure: ${table}.${r.proc.key}, callback: '${r.cb.name}', argNames: [${r.args.map((a) => `'${a.name}'`).join(', ')}], typedParams: [${tp.join(', ')}],`,
      `    unpack: (m) => ({ id: m.callbackID, obj: ${r.objPath}, args: [${r.args.map((a) => (SMALL_EVENT_ARGS.has(`${r.cb.name}.${a.name}`) ? `Number(${a.path})` : a.path)).join(', ')}] }) },`,
    )
  }
  lines.push(']', '')
  for (const [name, fs] of [...structs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`/** [vir${name}](https://libvirt.org/html/libvirt-libvirt-domain.html#vir${name}) of an event. */`, `export interface ${name} {`, ...fs, '}', '')
  }
  for (const fam of EVENT_FAMILIES) {
    lines.push(`/** Extra arguments of each ${fam.family} event id (${fam.enumName}) after (conn, object), in libvirt's order. */`, `export interface ${fam.argsType} {`)
    for (const r of rows.filter((x) => x.fam === fam)) {
      lines.push(`  /** ${r.key}: {@link https://libvirt.org/html/libvirt-libvirt-${fam.family === 'domain' ? 'domain' : fam.family === 'storagePool' ? 'storage' : fam.family === 'nodeDevice' ? 'nodedev' : fam.family}.html#${r.cb.name} | ${r.cb.name}} */`)
      lines.push(`  ${r.id}: [${r.args.map((a, i) => `${a.name}: ${r.types[i]}`).join(', ')}]`)
    }
    lines.push('}', '')
  }
  const q = rows.find((r) => r.fam.family === 'qemuMonitor')
  lines.push(
    '/** Arguments of a QEMU monitor event after (conn, dom): event name, timestamp, JSON details. */',
    `export type QemuMonitorEventArgs = [${q ? q.args.map((a, i) => `${a.name}: ${q.types[i]}`).join(', ') : ''}]`,
    '',
  )
  return [{ path: 'events.gen.ts', text: lines.join('\n') }]
}
