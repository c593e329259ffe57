// Generator (dev-only). Emits the typed API classes (src/generated/api/*.gen.ts): one method per
// public procedure of the remote, qemu and lxc programs, on the class of its C function's first
// parameter, named by SPEC §3's rule. Also the table of every procedure with where it went or why not.

import { Imports, banner, byCode, multilineString } from './emit-util.mjs'
import { docPage, localName, pascalCase } from './naming.mjs'
import { moduleFiles } from './emit-program.mjs'
import { PublicTypes, camelName } from './api-types.mjs'
import { BOOLEAN_OVERRIDES, ENUM_OVERRIDES, SMALL_HYPERS, enumOf, enumTypeName, flagSets, flagsOf, isTruthArg, isTruthValue } from './api-idioms.mjs'

/**
 * @typedef {import('./model.mjs').Model} Model
 * @typedef {import('./model.mjs').Procedure} Procedure
 * @typedef {import('./parse-xdr.mjs').Declaration} Declaration
 * @typedef {{ cls: string, ptr: string, prefix: string, wire: string | null, file: string, doc: string }} ClassInfo
 */

/** The API classes: C handle type, name prefix dropped from its methods, wire struct, file stem. @type {ClassInfo[]} */
export const API_CLASSES = [
  { cls: 'Connection', ptr: 'virConnectPtr', prefix: 'Connect', wire: null, file: 'connection', doc: 'A connection to a libvirt daemon, from {@link connect}. Every method returns a Promise; many calls may be in flight at once. Objects it returns (Domain, Network, …) are bound to it.' },
  { cls: 'Domain', ptr: 'virDomainPtr', prefix: 'Domain', wire: 'remote_nonnull_domain', file: 'domain', doc: 'A virtual machine (`virDomainPtr`) on a {@link Connection}, bound to the connection that returned it.' },
  { cls: 'Network', ptr: 'virNetworkPtr', prefix: 'Network', wire: 'remote_nonnull_network', file: 'network', doc: 'A virtual network (`virNetworkPtr`) on a {@link Connection}, bound to the connection that returned it.' },
  { cls: 'NetworkPort', ptr: 'virNetworkPortPtr', prefix: 'NetworkPort', wire: 'remote_nonnull_network_port', file: 'network-port', doc: 'A port of a virtual network (`virNetworkPortPtr`), bound to the connection that returned it.' },
  { cls: 'StoragePool', ptr: 'virStoragePoolPtr', prefix: 'StoragePool', wire: 'remote_nonnull_storage_pool', file: 'storage-pool', doc: 'A storage pool (`virStoragePoolPtr`), bound to the connection that returned it.' },
  { cls: 'StorageVol', ptr: 'virStorageVolPtr', prefix: 'StorageVol', wire: 'remote_nonnull_storage_vol', file: 'storage-vol', doc: 'A storage volume (`virStorageVolPtr`), bound to the connection that returned it.' },
  { cls: 'NodeDevice', ptr: 'virNodeDevicePtr', prefix: 'NodeDevice', wire: 'remote_nonnull_node_device', file: 'node-device', doc: 'A host device (`virNodeDevicePtr`), bound to the connection that returned it.' },
  { cls: 'Secret', ptr: 'virSecretPtr', prefix: 'Secret', wire: 'remote_nonnull_secret', file: 'secret', doc: 'A secret (`virSecretPtr`), bound to the connection that returned it.' },
  { cls: 'Interface', ptr: 'virInterfacePtr', prefix: 'Interface', wire: 'remote_nonnull_interface', file: 'interface', doc: 'A host network interface (`virInterfacePtr`), bound to the connection that returned it.' },
  { cls: 'NWFilter', ptr: 'virNWFilterPtr', prefix: 'NWFilter', wire: 'remote_nonnull_nwfilter', file: 'nw-filter', doc: 'A network filter (`virNWFilterPtr`), bound to the connection that returned it.' },
  { cls: 'NWFilterBinding', ptr: 'virNWFilterBindingPtr', prefix: 'NWFilterBinding', wire: 'remote_nonnull_nwfilter_binding', file: 'nw-filter-binding', doc: 'A network filter binding (`virNWFilterBindingPtr`), bound to the connection that returned it.' },
  { cls: 'DomainSnapshot', ptr: 'virDomainSnapshotPtr', prefix: 'DomainSnapshot', wire: 'remote_nonnull_domain_snapshot', file: 'domain-snapshot', doc: 'A domain snapshot (`virDomainSnapshotPtr`), bound to the connection that returned it.' },
  { cls: 'DomainCheckpoint', ptr: 'virDomainCheckpointPtr', prefix: 'DomainCheckpoint', wire: 'remote_nonnull_domain_checkpoint', file: 'domain-checkpoint', doc: 'A domain checkpoint (`virDomainCheckpointPtr`), bound to the connection that returned it.' },
]

/** Procedures that pass file descriptors (SCM_RIGHTS), which Node's sockets cannot send or receive. */
const FD_PASSING = new Set([
  'REMOTE_PROC_DOMAIN_OPEN_GRAPHICS',
  'REMOTE_PROC_DOMAIN_OPEN_GRAPHICS_FD',
  'REMOTE_PROC_DOMAIN_CREATE_XML_WITH_FILES',
  'REMOTE_PROC_DOMAIN_CREATE_WITH_FILES',
  'REMOTE_PROC_DOMAIN_FD_ASSOCIATE',
  'QEMU_PROC_DOMAIN_MONITOR_COMMAND_WITH_FILES',
  'LXC_PROC_DOMAIN_OPEN_NAMESPACE',
])

/**
 * Procedures whose method is hand-written in src/api/ (its result needs more than a mechanical
 * conversion); the generator leaves the method out so the hand-written one has no rival signature.
 */
export const HAND_WRITTEN = new Set([
  'REMOTE_PROC_CONNECT_GET_ALL_DOMAIN_STATS', // records of domain + typed params; also virDomainListGetStats
  'REMOTE_PROC_DOMAIN_MEMORY_STATS', // tag numbers → names
  'REMOTE_PROC_DOMAIN_GET_CPU_STATS', // per-CPU typed parameter groups
  'REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL_LIST', // list of char-array labels
  'REMOTE_PROC_DOMAIN_GET_VCPUS', // info + CPU maps split per vCPU
  'REMOTE_PROC_CONNECT_IS_SECURE', // isSecure()/isEncrypted() combine the client's transport with it, as the remote driver does
  'REMOTE_PROC_CONNECT_GET_URI', // the URI the connection was opened with, as libvirt's client answers
  'REMOTE_PROC_DOMAIN_CREATE', // the handle's id becomes the running domain's, as libvirt's client sets it
  'REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS', // likewise
])

/**
 * Getters to which libvirt's public API adds VIR_TYPED_PARAM_STRING_OKAY (4) whenever the driver
 * supports string parameters (every daemon this client can talk to), as src/libvirt-domain.c and
 * src/libvirt-host.c do; without it the daemon leaves string parameters out.
 */
const STRING_OKAY = new Set([
  'virDomainGetMemoryParameters', 'virDomainGetNumaParameters', 'virDomainGetBlkioParameters', 'virDomainGetSchedulerParametersFlags',
  'virDomainBlockStatsFlags', 'virDomainGetInterfaceParameters', 'virDomainGetBlockIoTune', 'virNodeGetMemoryParameters', 'virNodeGetSEVInfo',
])

/** XDR `char` arrays (parsed as int arrays): users see strings. Checked against the model. */
const CHAR_ARRAYS = new Set([
  'remote_node_get_info_ret.model',
  'remote_domain_get_security_label_ret.label',
  'remote_node_get_security_model_ret.model',
  'remote_node_get_security_model_ret.doi',
])

/** Count arguments the client fills in itself: the protocol's array maximum is sent (one call, no race). */
const MAX_COUNT_ARGS = new Set(['maxnames', 'maxids', 'maxuuids', 'maxerrors'])

/**
 * Method name by SPEC §3: drop `vir` and the receiver's own prefix, lower-case the first letter,
 * a leading acronym whole (`PMWakeup` → `pmWakeup`, `NWFilterX` → `nwFilterX`, `URI` → `uri`).
 * @param {string} cFunction @param {ClassInfo} cls
 */
export function methodName(cFunction, cls) {
  let s = cFunction.replace(/^vir/, '')
  if (s.startsWith(cls.prefix) && /^[A-Z]/.test(s.slice(cls.prefix.length))) s = s.slice(cls.prefix.length)
  return lowerFirst(s)
}

/** @param {string} s */
export function lowerFirst(s) {
  const run = /^[A-Z]+/.exec(s)?.[0] ?? ''
  if (run.length <= 1) return s.charAt(0).toLowerCase() + s.slice(1)
  if (run.length === s.length) return s.toLowerCase()
  // The last capital of the run starts the next word (PMWakeup: PM + Wakeup).
  return s.slice(0, run.length - 1).toLowerCase() + s.slice(run.length - 1)
}

/**
 * Where every procedure goes: a method of a class, or not exposed with a reason.
 * @param {Model} model
 * @returns {{ prog: import('./model.mjs').Program, proc: Procedure, cls: ClassInfo | null, method: string | null, reason: string | null }[]}
 */
export function apiPlan(model) {
  const fnByName = new Map(model.functions.map((f) => [f.name, f]))
  const out = []
  for (const prog of model.programs) {
    if (prog.name === 'keepalive') continue
    for (const proc of prog.procedures) {
      const skip = (/** @type {string} */ reason) => out.push({ prog, proc, cls: null, method: null, reason })
      if (proc.isEvent) continue // messages, not calls
      if (/EVENT_(CALLBACK_)?(REGISTER|DEREGISTER)|CLOSE_CALLBACK/.test(proc.key)) {
        skip('event or close-callback registration: the events layer (EventConnection)')
        continue
      }
      if (proc.stream !== 'none') {
        skip(/MIGRATE/.test(proc.key) ? 'migration phase with a stream, orchestrated by the client' : 'opens a stream: the streams layer')
        continue
      }
      if (FD_PASSING.has(proc.name)) {
        skip('passes file descriptors (SCM_RIGHTS), which Node sockets cannot carry')
        continue
      }
      if (proc.key === 'CONNECT_OPEN' || proc.key === 'CONNECT_CLOSE') {
        skip('connection life cycle: connect() / close()')
        continue
      }
      const fn = proc.cFunction ? fnByName.get(proc.cFunction.name) : undefined
      if (!fn) {
        skip(/^AUTH/.test(proc.key) ? 'authentication: done by connect()' : /MIGRATE/.test(proc.key) ? 'migration phase libvirt\'s client orchestrates' : 'internal: no public C function')
        continue
      }
      const first = fn.params[0]?.type.replace(/\s+/g, ' ').trim() ?? ''
      const cls = API_CLASSES.find((c) => first === c.ptr) ?? null
      if (!cls) throw new Error(`${proc.name}: no API class for first parameter "${first}" of ${fn.name}`)
      out.push({ prog, proc, cls, method: methodName(fn.name, cls), reason: null })
    }
  }
  return out
}

/** @param {Model} model @returns {{ path: string, text: string }[]} */
export function emitApi(model) {
  const plan = apiPlan(model)
  for (const cf of CHAR_ARRAYS) {
    const [st, fl] = cf.split('.')
    if (!structFields(model, st).some((f) => /** @type {any} */ (f).name === fl)) throw new Error(`CHAR_ARRAYS: ${cf} not in the protocol`)
  }
  for (const f of STRING_OKAY) if (!plan.some((p) => p.proc.cFunction?.name === f)) throw new Error(`STRING_OKAY: ${f} is not a procedure`)
  for (const h of HAND_WRITTEN) if (!plan.some((p) => p.proc.name === h && p.method)) throw new Error(`HAND_WRITTEN: ${h} is not an exposed procedure`)
  for (const [table, o] of [['BOOLEAN_OVERRIDES', BOOLEAN_OVERRIDES], ['ENUM_OVERRIDES', ENUM_OVERRIDES]])
    for (const f of Object.keys(o)) if (!model.functions.some((x) => x.name === f)) throw new Error(`${table}: ${f} is not a public function`)
  for (const st of Object.keys(SMALL_HYPERS)) if (!model.types.has(st)) throw new Error(`SMALL_HYPERS: ${st} is not in the protocol`)
  const files = []
  const types = new PublicTypes(model)
  for (const cls of API_CLASSES) {
    const entries = plan.filter((p) => p.cls === cls && !HAND_WRITTEN.has(p.proc.name)).sort((a, b) => byCode(/** @type {string} */ (a.method), /** @type {string} */ (b.method)))
    files.push({ path: `api/${cls.file}.gen.ts`, text: emitClass(model, cls, entries, types) })
  }
  for (const st of HAND_WRITTEN_TYPES) types.struct(st)
  files.push(...types.emit())
  files.push({ path: 'handles.gen.ts', text: [banner(model.version), '// Layer 1 (generated protocol). How the daemon identifies each kind of object: the handle structs under public names.', '', ...handleTypes(model)].join('\n') })
  files.push({ path: 'api/api-table.gen.ts', text: emitTable(model, plan) })
  return files
}

// The field/value lists with a typed view of their known fields (src/api/stats/node-stats.ts).
const FIELD_VALUE_VIEWS = /** @type {Record<string, string>} */ ({
  remote_node_get_cpu_stats_ret: 'NodeCPUStats',
  remote_node_get_memory_stats_ret: 'NodeMemoryStats',
})

/**
 * How a declaration looks to the typed API.
 * @typedef {{ kind: 'int' | 'uint' | 'hyper' | 'uhyper' | 'bool' | 'double' | 'str' | 'optStr' | 'uuid' | 'bytes' | 'strArray' | 'tparams' | 'handle' | 'optHandle' | 'handleArray' | 'chars' | 'fieldValues' | 'other', cls?: ClassInfo, max?: number | null }} Shape
 */

/** @param {Model} model @param {Declaration} d @returns {Shape} */
function shapeOf(model, d) {
  if ('void' in d) return { kind: 'other' }
  const t = d.type
  if (t.kind === 'prim') {
    if (t.name === 'opaque') return { kind: 'bytes' }
    if (d.shape !== 'plain') return { kind: 'other', max: d.size }
    if (t.name === 'int') return { kind: 'int' }
    if (t.name === 'uint') return { kind: 'uint' }
    if (t.name === 'hyper') return { kind: 'hyper' }
    if (t.name === 'uhyper') return { kind: 'uhyper' }
    if (t.name === 'bool') return { kind: 'bool' }
    if (t.name === 'double' || t.name === 'float') return { kind: 'double' }
    if (t.name === 'string') return { kind: 'str' }
    return { kind: 'other' }
  }
  const name = t.name
  const cls = API_CLASSES.find((c) => c.wire === name)
  if (cls) return d.shape === 'plain' ? { kind: 'handle', cls } : d.shape === 'var' ? { kind: 'handleArray', cls, max: d.size } : { kind: 'other' }
  if (name === 'remote_typed_param' && d.shape === 'var') return { kind: 'tparams', max: d.size }
  // { field, value } lists (node CPU / memory stats) read best as one object, like typed params.
  const sd = model.types.get(name)?.def
  if (d.shape === 'var' && sd?.kind === 'struct' && sd.fields.map((f) => ('void' in f ? '' : f.name)).join() === 'field,value') return { kind: 'fieldValues' }
  if (model.uuidTypedefs.has(name) && d.shape === 'plain') return { kind: 'uuid' }
  const def = model.types.get(name)?.def
  if (def?.kind === 'typedef' && !('void' in def.decl)) {
    const inner = def.decl
    if (inner.type.kind === 'prim' && inner.type.name === 'string') return d.shape === 'plain' ? { kind: 'str' } : d.shape === 'var' ? { kind: 'strArray', max: d.size } : { kind: 'other' }
    if (inner.shape === 'optional' && d.shape === 'plain' && inner.type.kind === 'ref') {
      const target = inner.type.name
      const c = API_CLASSES.find((x) => x.wire === target)
      if (c) return { kind: 'optHandle', cls: c }
      const td = model.types.get(target)?.def
      if (td?.kind === 'typedef' && !('void' in td.decl) && td.decl.type.kind === 'prim' && td.decl.type.name === 'string') return { kind: 'optStr' }
    }
  }
  return { kind: 'other', max: 'size' in d ? d.size : null }
}

const PARAM_TS = /** @type {Record<string, string>} */ ({
  int: 'number', uint: 'number', hyper: 'bigint | number', uhyper: 'bigint | number', bool: 'boolean', double: 'number',
  str: 'string', optStr: 'string | null', uuid: 'string', bytes: 'Uint8Array', strArray: 'readonly string[]', tparams: 'TypedParamsInput',
})
const CHECK = /** @type {Record<string, string>} */ ({
  int: 'A.int', uint: 'A.uint', hyper: 'A.hyper', uhyper: 'A.uhyper', bool: 'A.bool', double: 'A.double',
  str: 'A.str', optStr: 'A.optStr', uuid: 'A.uuid', bytes: 'A.bytes', strArray: 'A.strArray', tparams: 'toTypedParams',
})
const RET_TS = /** @type {Record<string, string>} */ ({
  int: 'number', uint: 'number', hyper: 'bigint', uhyper: 'bigint', bool: 'boolean', double: 'number',
  str: 'string', optStr: 'string | null', uuid: 'string', bytes: 'Buffer', strArray: 'string[]', tparams: 'TypedParams', chars: 'string',
})

/** @param {Model} model @param {string} struct */
function structFields(model, struct) {
  const def = model.types.get(struct)?.def
  if (!def || def.kind !== 'struct') throw new Error(`${struct} is not a struct`)
  return def.fields.filter((f) => !('void' in f))
}

/** @param {Model} model @param {string} struct */
function typesFile(model, struct) {
  const mod = /** @type {{ module: string }} */ (model.types.get(struct)).module
  const f = /** @type {import('./model.mjs').ModelFile} */ (model.files.find((x) => x.module === mod))
  return `../${moduleFiles(f).types.replace(/\.ts$/, '.js')}`
}

/** Wire structs of hand-written methods' results that get a public type too. */
const HAND_WRITTEN_TYPES = /** @type {string[]} */ ([])

/**
 * The handle of each object class as the daemon identifies it (`DomainHandle` = name, uuid, id):
 * the wire struct's fields under a public name.
 * @param {Model} model
 */
function handleTypes(model) {
  const out = []
  for (const c of API_CLASSES) {
    if (!c.wire) continue
    out.push(`/** How the daemon identifies a {@link ${c.cls}} (its handle on the wire). */`, `export interface ${c.cls}Handle {`)
    for (const f of structFields(model, c.wire)) {
      const fd = /** @type {any} */ (f)
      const s = shapeOf(model, fd)
      const ts = s.kind === 'handle' ? `${/** @type {ClassInfo} */ (s.cls).cls}Handle` : RET_TS[s.kind]
      if (!ts) throw new Error(`${c.wire}.${fd.name}: no handle field type`)
      out.push(`  ${fd.name}: ${ts}`)
    }
    out.push('}', '')
  }
  return out
}

/**
 * @param {Model} model @param {ClassInfo} cls
 * @param {ReturnType<typeof apiPlan>} entries @param {PublicTypes} types
 */
function emitClass(model, cls, entries, types) {
  const imp = new Imports()
  const isConn = cls.cls === 'Connection'
  const self = isConn ? 'this' : 'this.connection'
  const body = []
  const progTable = (/** @type {string} */ p) => `${p.toUpperCase()}_PROCEDURES`
  imp.add('../../api/args.js', 'A', false)
  imp.add(`../../api/${cls.file}.js`, `${cls.cls}Additions`, false)
  // another object class: a value import of its generated module (used inside methods only, so the
  // import cycles between these modules are harmless)
  const classRef = (/** @type {ClassInfo} */ c) => {
    if (c !== cls) imp.add(`./${c.file}.gen.js`, c.cls, false)
    return c.cls
  }
  const seen = new Set()
  for (const { prog, proc, method } of entries) {
    const m = /** @type {string} */ (method)
    if (seen.has(m)) throw new Error(`${cls.cls}.${m} generated twice (${proc.name})`)
    seen.add(m)
    imp.add('../procedures.gen.js', progTable(prog.name), false)
    const desc = `${progTable(prog.name)}.${proc.key}`
    const fn = /** @type {import('./parse-headers.mjs').HeaderFunction} */ (model.functions.find((x) => x.name === proc.cFunction?.name))
    const argFields = proc.args ? structFields(model, proc.args) : []
    const retFields = proc.ret ? structFields(model, proc.ret) : []
    const retNames = new Set(retFields.map((f) => /** @type {{ name: string }} */ (f).name))
    const argsType = proc.args ? pascalCase(proc.args) : null
    const retType = proc.ret ? pascalCase(proc.ret) : null
    if (argsType) imp.add(typesFile(model, /** @type {string} */ (proc.args)), argsType, true)
    if (retType) imp.add(typesFile(model, /** @type {string} */ (proc.ret)), retType, true)
    /** @type {string[]} */ const params = []
    /** @type {string[]} */ const sets = []
    /** @type {string[]} */ const checks = []
    let required = 0
    let total = 0
    let twoPhase = false
    let dropRet = /** @type {Set<string>} */ (new Set())
    argFields.forEach((f, i) => {
      const fd = /** @type {{ name: string, type: any, shape: string, size: number | null }} */ (f)
      const s = shapeOf(model, fd)
      const pub = camelName(fd.name)
      const local = localName(fd.name === 'arguments' ? 'args_' : pub)
      if (i === 0 && !isConn && s.kind === 'handle' && s.cls === cls) {
        sets.push(`${fd.name}: this.wire`)
        return
      }
      // Node device procedures name their device by its name string, not by the handle struct.
      if (i === 0 && cls.cls === 'NodeDevice' && fd.name === 'name' && s.kind === 'str') {
        sets.push(`${fd.name}: this.wire.name`)
        return
      }
      if (i === 0 && !isConn) throw new Error(`${proc.name}: first argument ${fd.name} is not the ${cls.cls} handle`)
      if (fd.name.startsWith('need_')) { // need_map / need_online: C passes a pointer to fill; we always want it
        sets.push(`${fd.name}: 1`)
        if (fd.name === 'need_results') dropRet.add('ret')
        return
      }
      if (MAX_COUNT_ARGS.has(fd.name)) {
        const arr = retFields.find((r) => /** @type {any} */ (r).shape === 'var')
        const max = arr ? /** @type {any} */ (arr).size : null
        if (max == null) throw new Error(`${proc.name}: no array in the reply for ${fd.name}`)
        sets.push(`${fd.name}: ${max}`)
        return
      }
      if (fd.name === 'nparams' && retFields.some((r) => /** @type {any} */ (r).name === 'params')) {
        if (retNames.has('nparams')) {
          twoPhase = true
          dropRet.add('nparams')
          sets.push(`${fd.name}: 0`)
        } else {
          const arr = /** @type {any} */ (retFields.find((r) => /** @type {any} */ (r).name === 'params'))
          sets.push(`${fd.name}: ${arr.size}`)
        }
        return
      }
      total++
      const isFlags = fd.name === 'flags' && i === argFields.length - 1 && s.kind === 'uint'
      if (!isFlags) required = total
      let ts
      let conv
      if (s.kind === 'handle' || s.kind === 'optHandle') {
        const c = /** @type {ClassInfo} */ (s.cls)
        classRef(c)
        ts = s.kind === 'handle' ? c.cls : `${c.cls} | null`
        conv = `A.obj(${local}, ${c.cls}, '${pub}').wire`
        if (s.kind === 'optHandle') conv = `A.optObj(${local}, ${c.cls}, '${pub}')?.wire ?? null`
      } else if (CHECK[s.kind]) {
        ts = PARAM_TS[s.kind]
        if (s.kind === 'tparams') {
          imp.add('../../api/typed-params.js', 'toTypedParams', false)
          imp.add('../../api/typed-params.js', 'TypedParamsInput', true)
          conv = `toTypedParams(${local}, '${pub}', ${s.max})`
        } else conv = `${CHECK[s.kind]}(${local}, '${pub}')`
      } else {
        const r = types.render(fd)
        if (r.conv) throw new Error(`${proc.name}: argument ${fd.name} needs a conversion the generator does not write`)
        ts = r.ts.endsWith('[]') ? `readonly ${r.ts}` : r.ts
        conv = r.ts.endsWith('[]') ? `A.list(${local}, '${pub}')` : `A.defined(${local}, '${pub}')`
      }
      if (isFlags && STRING_OKAY.has(fn.name)) conv = `(${conv} | 4) >>> 0 /* VIR_TYPED_PARAM_STRING_OKAY, as libvirt's client adds */`
      let flagsTs = 'number'
      if (isFlags) {
        const sets = flagsOf(model, fn.name).map(enumTypeName)
        if (sets.length > 0) {
          for (const e of sets) imp.add('../constants.gen.js', e, true)
          imp.add('../constants.gen.js', 'FlagBits', true)
          flagsTs = `${sets.join(' | ')} | FlagBits`
        }
      } else if (s.kind === 'int' && isTruthArg(model, fn, fd.name)) {
        ts = 'boolean'
        conv = `A.bool(${local}, '${pub}') ? 1 : 0`
      } else if (s.kind === 'int' || s.kind === 'uint') {
        const e = enumOf(model, fn, fd.name)
        if (e) {
          imp.add('../constants.gen.js', enumTypeName(e), true)
          ts = enumTypeName(e)
          if (flagSets(model).has(e)) {
            imp.add('../constants.gen.js', 'FlagBits', true)
            ts = `${ts} | FlagBits`
          }
        }
      }
      params.push(isFlags ? `${local}: ${flagsTs} = 0` : `${local}: ${ts}`)
      sets.push(`${fd.name}: ${conv}`)
    })
    // ---- result ----
    // A `ret` count beside a list is the list's length: the list says it.
    if (retFields.some((f) => /** @type {any} */ (f).shape === 'var' && /** @type {any} */ (f).type.name !== 'opaque') && retNames.has('ret')) dropRet.add('ret')
    const outs = retFields.filter((f) => !dropRet.has(/** @type {any} */ (f).name))
    /** @param {any} f @param {string} v */
    const retConv = (f, v) => {
      if (CHAR_ARRAYS.has(`${proc.ret}.${f.name}`)) return { ts: 'string', expr: `A.chars(${v})` }
      const s = shapeOf(model, f)
      if (s.kind === 'handle' || s.kind === 'optHandle' || s.kind === 'handleArray') {
        const c = /** @type {ClassInfo} */ (s.cls)
        classRef(c)
        if (s.kind === 'handle') return { ts: c.cls, expr: `new ${c.cls}(${self}, ${v})` }
        if (s.kind === 'optHandle') return { ts: `${c.cls} | null`, expr: `${v} === null ? null : new ${c.cls}(${self}, ${v})` }
        return { ts: `${c.cls}[]`, expr: `${v}.map((w) => new ${c.cls}(${self}, w))` }
      }
      if (s.kind === 'tparams') {
        imp.add('../../api/typed-params.js', 'fromTypedParams', false)
        imp.add('../../api/typed-params.js', 'TypedParams', true)
        return { ts: 'TypedParams', expr: `fromTypedParams(${v})` }
      }
      if (s.kind === 'chars') return { ts: 'string', expr: `A.chars(${v})` }
      if (s.kind === 'fieldValues') {
        const view = FIELD_VALUE_VIEWS[/** @type {string} */ (proc.ret)]
        if (view) imp.add('../../api/stats/node-stats.js', view, true)
        return { ts: view ?? 'Record<string, bigint>', expr: `A.fieldValues(${v})` }
      }
      if (s.kind === 'int' || s.kind === 'uint') {
        if (isTruthValue(model, fn, f.name, outs.length === 1)) return { ts: 'boolean', expr: `${v} !== 0` }
        const e = enumOf(model, fn, f.name)
        if (e) {
          imp.add('../constants.gen.js', enumTypeName(e), true)
          return { ts: enumTypeName(e), expr: `${v} as ${enumTypeName(e)}` }
        }
      }
      if ((s.kind === 'hyper' || s.kind === 'uhyper') && SMALL_HYPERS[/** @type {string} */ (proc.ret)]?.includes(f.name)) return { ts: 'number', expr: `Number(${v})` }
      if (RET_TS[s.kind]) return { ts: RET_TS[s.kind], expr: v }
      const r = types.render(f, { small: SMALL_HYPERS[/** @type {string} */ (proc.ret)]?.includes(f.name) })
      const used = r.ts.match(/\b[A-Z]\w+/g) ?? []
      for (const u of used) if (u !== 'Buffer') imp.add(types.structs.has(u) ? './types.gen.js' : [...types.structs.values()].some((x) => x.name === u) ? './types.gen.js' : '../constants.gen.js', u, true)
      for (const m of (r.conv ? r.conv(v) : '').matchAll(/\bto([A-Z]\w+)\(/g)) imp.add('./convert.gen.js', `to${m[1]}`, false)
      return { ts: r.ts, expr: r.conv ? r.conv(v) : v }
    }
    let resultTs = 'void'
    let resultExpr = null
    if (outs.length === 1) {
      const c = retConv(outs[0], `r.${/** @type {any} */ (outs[0]).name}`)
      resultTs = c.ts
      resultExpr = c.expr
    } else if (outs.length > 1) {
      const cs = outs.map((f) => ({ name: camelName(/** @type {any} */ (f).name), ...retConv(f, `r.${/** @type {any} */ (f).name}`) }))
      resultTs = `{ ${cs.map((c) => `${c.name}: ${c.ts}`).join('; ')} }`
      resultExpr = `{ ${cs.map((c) => `${c.name}: ${c.expr}`).join(', ')} }`
    }
    const url = `${docPage(fn.header)}#${fn.name}`
    body.push('')
    body.push(`  /** {@link ${url} | ${fn.name}} (\`${proc.name}\`${proc.acl.length ? `, ACL ${proc.acl.join(' ')}` : ''}). */`)
    body.push(`  async ${m}(${params.join(', ')}): Promise<${resultTs}> {`)
    body.push(`    A.argc(arguments.length, ${required}, ${total}, '${fn.name}')`)
    body.push(...checks)
    const argsExpr = proc.args ? `{ ${sets.join(', ')} }` : 'undefined'
    const argsDecl = proc.args ? `const a: ${argsType} = ${argsExpr}` : null
    if (argsDecl) body.push(`    ${argsDecl}`)
    const callArgs = proc.args ? 'a' : 'undefined'
    if (twoPhase) {
      // libvirt's own client pattern: ask for the count (nparams 0), then for that many.
      body.push(`    a.nparams = (await ${self}.call(${desc}, a)).nparams`)
    }
    if (resultExpr === null) {
      body.push(`    await ${self}.call(${desc}, ${callArgs})`)
    } else {
      body.push(`    const r = await ${self}.call(${desc}, ${callArgs})`)
      body.push(`    return ${resultExpr}`)
    }
    body.push('  }')
  }
  const header = [
    banner(model.version),
    `// Layer 5 (typed API, generated). The ${cls.cls} class: one method per public procedure whose C function takes a`,
    `// \`${cls.ptr}\` first (names by SPEC §3), on top of the hand-written ${cls.cls}Additions of src/api/${cls.file}.ts.`,
    '',
  ]
  const wireProps = []
  if (!isConn) {
    for (const f of structFields(model, /** @type {string} */ (cls.wire))) {
      const fd = /** @type {any} */ (f)
      const s = shapeOf(model, fd)
      if (!RET_TS[s.kind] || s.kind === 'tparams') continue
      if (seen.has(fd.name)) throw new Error(`${cls.cls}: property ${fd.name} clashes with a method`)
      wireProps.push('', `  /** The \`${fd.name}\` the daemon identifies this object by. */`, `  get ${fd.name}(): ${RET_TS[s.kind]} {`, `    return this.wire.${fd.name}`, '  }')
    }
  }
  const decl = `export class ${cls.cls} extends ${cls.cls}Additions {`
  const text = [...header, ...imp.lines(), '', `/** ${cls.doc} */`, decl, ...wireProps, ...body, '}', ''].join('\n')
  return text.replace(/\{\n\n/, '{\n')
}

/** @param {Model} model @param {ReturnType<typeof apiPlan>} plan */
function emitTable(model, plan) {
  const lines = [
    banner(model.version),
    '// Layer 5 (typed API, generated). Every call procedure of the remote, qemu and lxc programs: the',
    '// method exposing it, or why it is not exposed. Read by tests, docs and the README list.',
    '',
    '/** One procedure and where the typed API exposes it (class and method), or why not (`reason`). */',
    'export interface ApiEntry {',
    '  readonly procedure: string',
    '  readonly cFunction: string | null',
    '  readonly className: string | null',
    '  readonly method: string | null',
    '  readonly readOnly: boolean',
    '  readonly reason: string | null',
    '}',
    '',
    '/** Every call procedure of the remote, qemu and lxc programs, and the typed method exposing it (or why none does). */',
    '// Built at import from one row per procedure (a string scans far faster than 400 object literals',
    '// parse): PROCEDURE C_FUNCTION CLASS METHOD READ_ONLY(0|1) REASON..., "-" for none; the reason is the',
    '// rest of the line.',
  ]
  const rows = []
  /** @param {string | null | undefined} v */
  const word = (v) => {
    if (v == null) return '-'
    if (/\s/.test(v) || v === '-') throw new Error(`API table field ${JSON.stringify(v)} cannot go in a row`)
    return v
  }
  for (const p of plan) {
    const ro = p.proc.acl.length > 0 && p.proc.acl.every((a) => a.endsWith(':read'))
    rows.push([word(p.proc.name), word(p.proc.cFunction?.name), word(p.cls?.cls), word(p.method), ro ? '1' : '0', p.reason || '-'].join(' '))
  }
  lines.push(
    `export const API_TABLE: readonly ApiEntry[] = /* @__PURE__ */ apiRows(${multilineString(rows).join('\n')})`,
    '',
    'function apiRows(text: string): ApiEntry[] {',
    "  const v = (f: string | undefined): string | null => (f === undefined || f === '-' ? null : f)",
    '  const out: ApiEntry[] = []',
    "  for (const line of text.split('\\n')) {",
    "    if (line === '') continue",
    "    const f = line.split(' ', 5)",
    "    // The reason is the rest of the line after the fifth space (it has spaces of its own).",
    "    const reason = line.slice(f[0]!.length + f[1]!.length + f[2]!.length + f[3]!.length + f[4]!.length + 5)",
    "    out.push({ procedure: f[0]!, cFunction: v(f[1]), className: v(f[2]), method: v(f[3]), readOnly: f[4] === '1', reason: v(reason) })",
    '  }',
    '  return out',
    '}',
    '',
  )
  return lines.join('\n')
}
