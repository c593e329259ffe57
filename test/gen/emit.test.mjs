// Generator tests: a tiny protocol (two modules, one split) and header go through the model and
// every emitter; the output is type-checked with tsc, transpiled and run: codecs round-trip,
// enforce limits and reject bad values, and the procedure tables carry the annotations.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import ts from 'typescript'
import { emitConstants } from '../../scripts/gen/emit-constants.mjs'
import { emitPrograms, packCodecText } from '../../scripts/gen/emit-program.mjs'
import { emitProcedures } from '../../scripts/gen/emit-procedures.mjs'
import { emitVersion } from '../../scripts/gen/emit-version.mjs'
import { buildModel } from '../../scripts/gen/model.mjs'
import { parseHeaderTexts } from '../../scripts/gen/parse-headers.mjs'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')

const HEADER = `
# define VIR_UUID_BUFLEN (16)
# define VIR_TYPED_PARAM_FIELD_LENGTH 80
# define VIR_TEST_FIELD "field_name"
typedef enum {
    VIR_TYPED_PARAM_INT = 1,
    VIR_TYPED_PARAM_STRING = 7,
# ifdef VIR_ENUM_SENTINELS
    VIR_TYPED_PARAM_LAST
# endif
} virTypedParameterType;
typedef enum {
    VIR_ERR_OK = 0,
    VIR_ERR_INTERNAL_ERROR = 1,
} virErrorNumber;
typedef enum { VIR_FROM_NONE = 0, VIR_FROM_RPC = 7 } virErrorDomain;
typedef enum { VIR_ERR_NONE = 0, VIR_ERR_WARNING = 1, VIR_ERR_ERROR = 2 } virErrorLevel;
typedef enum { VIR_DOMAIN_EVENT_ID_LIFECYCLE = 0, VIR_DOMAIN_EVENT_ID_REBOOT = 1 } virDomainEventID;
int virDomainGetInfo(virDomainPtr domain, virDomainInfoPtr info);
int virNodeGetCPUStats(virConnectPtr conn, int cpuNum, virNodeCPUStatsPtr params, int *nparams, unsigned int flags);
int virDomainQemuMonitorCommand(virDomainPtr domain, const char *cmd, char **result, unsigned int flags);
`

const BASE = `
const REMOTE_STRING_MAX = 64;
const REMOTE_LIST_MAX = 3;
typedef string remote_nonnull_string<REMOTE_STRING_MAX>;
typedef remote_nonnull_string *remote_string;
typedef opaque remote_uuid[VIR_UUID_BUFLEN];
typedef int remote_ints<REMOTE_LIST_MAX>;
enum remote_colour { REMOTE_RED = 0, REMOTE_GREEN = 1 };
struct remote_nonnull_domain { remote_nonnull_string name; remote_uuid uuid; int id; };
typedef remote_nonnull_domain *remote_domain;
union remote_typed_param_value switch (int type) {
 case VIR_TYPED_PARAM_INT: int i;
 case VIR_TYPED_PARAM_STRING: remote_nonnull_string s;
};
union remote_open switch (unsigned int kind) { case 1: void; case 2: case 3: hyper h; default: remote_string other; };
struct remote_typed_param { remote_nonnull_string field; remote_typed_param_value value; };
struct remote_all {
    int a; unsigned int b; hyper c; unsigned hyper d; float e; double f; bool g;
    remote_string opt; opaque fixed[3]; opaque var<5>; int triple[3]; remote_ints ints;
    remote_colour colour; remote_domain dom; remote_typed_param params<REMOTE_LIST_MAX>;
    remote_open open; unsigned char state; char label<2>;
};
struct remote_domain_get_info_args { remote_nonnull_domain dom; };
struct remote_domain_get_info_ret { unsigned char state; unsigned hyper maxMem; unsigned short nrVirtCpu; };
struct remote_node_get_cpu_stats_args { int cpuNum; int nparams; unsigned int flags; };
struct remote_domain_event_lifecycle_msg { int callbackID; remote_nonnull_domain dom; int event; };
const REMOTE_PROGRAM = 0x20008086;
const REMOTE_PROTOCOL_VERSION = 1;
enum remote_procedure {
    /**
     * @generate: both
     * @priority: high
     * @acl: domain:read
     */
    REMOTE_PROC_DOMAIN_GET_INFO = 1,
    /**
     * @generate: none
     * @readstream: 1
     * @sparseflag: VIR_SPARSE
     * @acl: connect:read
     * @acl: connect:write:VIR_FLAG
     */
    REMOTE_PROC_NODE_GET_CPU_STATS = 2,
    /** @acl: none */
    REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE = 3
};
`

const QEMU = `
struct qemu_domain_monitor_command_args { remote_nonnull_domain dom; remote_nonnull_string cmd; unsigned int flags; };
struct qemu_domain_monitor_command_ret { remote_nonnull_string result; };
const QEMU_PROGRAM = 0x20008087;
const QEMU_PROTOCOL_VERSION = 1;
enum qemu_procedure {
    /** @writestream: 1 */
    QEMU_PROC_DOMAIN_MONITOR_COMMAND = 1
};
`

let dir
let model
let gen

function emitAll(m) {
  return [emitVersion, emitPrograms, emitProcedures, emitConstants].flatMap((e) => e(m))
}

before(async () => {
  model = buildModel({
    version: '0.0.1',
    headers: parseHeaderTexts([{ name: 'libvirt-domain.h', text: HEADER }]),
    xdr: [
      { module: 'remote', path: 'remote.x', split: true, text: BASE },
      { module: 'qemu', path: 'qemu.x', split: false, text: QEMU },
    ],
  })
  dir = mkdtempSync(join(tmpdir(), 'gen-emit-'))
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
  const copy = (rel) => {
    mkdirSync(join(dir, 'src', dirname(rel)), { recursive: true })
    writeFileSync(join(dir, 'src', rel), readFileSync(join(ROOT, 'src', rel)))
  }
  for (const f of ['xdr/xdr-reader.ts', 'xdr/xdr-writer.ts', 'xdr/xdr-error.ts', 'xdr/uuid.ts', 'xdr/int-range.ts', 'xdr/codec.ts', 'generated/procedure.ts', 'generated/codec-support.ts', 'generated/lazy-codecs.ts', 'generated/procedure-table.ts']) copy(f)
  for (const f of emitAll(model)) writeFileSync(join(dir, 'src/generated', f.path), f.text)
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, verbatimModuleSyntax: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules/@types')], skipLibCheck: true }, include: ['src/**/*.ts'] }),
  )
  // Transpile to runnable JS next to the sources.
  for (const f of execFileSync('find', [join(dir, 'src'), '-name', '*.ts'], { encoding: 'utf8' }).trim().split('\n')) {
    const out = ts.transpileModule(readFileSync(f, 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, verbatimModuleSyntax: true } })
    writeFileSync(f.replace(/\.ts$/, '.js'), out.outputText)
  }
  gen = {
    remote: await import(pathToFileURL(join(dir, 'src/generated/remote.gen.js')).href),
    qemu: await import(pathToFileURL(join(dir, 'src/generated/qemu.gen.js')).href),
    procs: await import(pathToFileURL(join(dir, 'src/generated/procedures.gen.js')).href),
    consts: await import(pathToFileURL(join(dir, 'src/generated/constants.gen.js')).href),
    XdrReader: (await import(pathToFileURL(join(dir, 'src/xdr/xdr-reader.js')).href)).XdrReader,
    XdrWriter: (await import(pathToFileURL(join(dir, 'src/xdr/xdr-writer.js')).href)).XdrWriter,
  }
})

after(() => rmSync(dir, { recursive: true, force: true }))

test('the emitted TypeScript type-checks under strict settings', () => {
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
  } catch (e) {
    assert.fail(`tsc failed:\n${e.stdout}`)
  }
})

test('files carry the banner, and the remote module is split and re-exported', () => {
  const files = emitAll(model)
  assert.deepEqual(files.map((f) => f.path).sort(), [
    'constants.gen.ts', 'libvirt-version.gen.ts', 'procedures.gen.ts', 'qemu-codecs.gen.ts', 'qemu-procedures.gen.ts', 'qemu.gen.ts',
    'remote-codecs.gen.ts', 'remote-procedures.gen.ts', 'remote-types.gen.ts', 'remote.gen.ts',
  ])
  for (const f of files) assert.match(f.text, /^\/\/ Code generated by scripts\/gen from libvirt 0\.0\.1 \(npm run generate\)\. DO NOT EDIT\.\n/)
  assert.match(files.find((f) => f.path === 'libvirt-version.gen.ts').text, /export const LIBVIRT_PROTOCOL_VERSION = '0\.0\.1'/)
  assert.deepEqual(files, emitAll(model), 'emitting twice gives the same text')
})

function roundTrip(T, value) {
  const w = new gen.XdrWriter(8)
  gen.remote.REMOTE_CODECS.encoder(T)(w, value)
  const bytes = w.toBuffer()
  const r = new gen.XdrReader(bytes)
  const back = gen.remote.REMOTE_CODECS.decoder(T)(r)
  r.done()
  return { bytes, back }
}

const ALL = {
  a: -1, b: 0xffffffff, c: -(2n ** 63n), d: 2n ** 64n - 1n, e: 1.5, f: -2.25, g: true,
  opt: 'x', fixed: Buffer.from([1, 2, 3]), var: Buffer.from([9]), triple: [1, 2, 3], ints: [7],
  colour: 1, dom: { name: 'vm', uuid: '00112233-4455-6677-8899-aabbccddeeff', id: 3 },
  params: [{ field: 'f', value: { type: 1, i: 5 } }, { field: 'g', value: { type: 7, s: 'str' } }],
  open: { kind: 2, h: 10n }, state: 1, label: [65, 66],
}

test('every construct round-trips', () => {
  const { bytes, back } = roundTrip('RemoteAll', ALL)
  assert.deepEqual(back, ALL)
  assert.equal(bytes.length % 4, 0)
  assert.deepEqual(Object.keys(back), Object.keys(ALL), 'fields decoded in declaration order')
  assert.deepEqual(roundTrip('RemoteAll', { ...ALL, opt: null, dom: null }).back, { ...ALL, opt: null, dom: null })
  for (const open of [{ kind: 1 }, { kind: 3, h: -1n }, { kind: 99, other: null }, { kind: 42, other: 'o' }]) {
    assert.deepEqual(roundTrip('RemoteOpen', open).back, open)
  }
  // hyper encoders also take safe-integer numbers.
  assert.deepEqual(roundTrip('RemoteDomainGetInfoRet', { state: 1, maxMem: 1024, nrVirtCpu: 2 }).back, { state: 1, maxMem: 1024n, nrVirtCpu: 2 })
})

test('wire layout of a struct with a UUID typedef', () => {
  const { bytes } = roundTrip('RemoteNonnullDomain', { name: 'ab', uuid: '000102030405060708090a0b0c0d0e0f', id: -2 })
  assert.equal(bytes.toString('hex'), '00000002' + '61620000' + '000102030405060708090a0b0c0d0e0f' + 'fffffffe')
})

test('encoders reject bad values with the field path', () => {
  const enc = (T, v) => gen.remote.REMOTE_CODECS.encoder(T)(new gen.XdrWriter(), v)
  assert.throws(() => enc('RemoteAll', null), TypeError)
  assert.throws(() => enc('RemoteAll', { ...ALL, a: 'x' }), { name: 'TypeError', message: /^a: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, b: -1 }), { name: 'RangeError', message: /^b: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, opt: 'x'.repeat(65) }), { name: 'RangeError', message: /^opt: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, triple: [1, 2] }), { name: 'RangeError', message: /^triple: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, ints: [1, 2, 3, 4] }), { name: 'RangeError', message: /^ints: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, params: 'nope' }), { name: 'TypeError', message: /^params: expected an array/ })
  assert.throws(() => enc('RemoteAll', { ...ALL, params: [{ field: 'f', value: { type: 7, s: 5 } }] }), { name: 'TypeError', message: /^params\.value\.s: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, params: [{ field: 'f', value: { type: 3, i: 5 } }] }), { name: 'RangeError', message: /^params\.value: 3 is not a valid type/ })
  assert.throws(() => enc('RemoteAll', { ...ALL, dom: { name: 'x', uuid: 'not-a-uuid', id: 1 } }), { name: 'TypeError', message: /^dom\.uuid: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, fixed: Buffer.alloc(4) }), { name: 'RangeError', message: /^fixed: / })
  assert.throws(() => enc('RemoteAll', { ...ALL, g: 1 }), { name: 'TypeError', message: /^g: / })
  assert.throws(() => enc('RemoteNonnullDomain', { name: 'x', uuid: null, id: 1 }), TypeError)
})

test('decoders enforce maxima, truncation, bools and discriminants', () => {
  const dec = (T, hex) => gen.remote.REMOTE_CODECS.decoder(T)(new gen.XdrReader(Buffer.from(hex, 'hex')))
  assert.throws(() => dec('RemoteNonnullString', '00000041'), { name: 'XdrError', message: /exceeds the declared maximum 64/ })
  assert.throws(() => dec('RemoteInts', '00000004' + '00000000'.repeat(4)), { name: 'XdrError', message: /maximum 3/ })
  // A huge length is refused before any allocation, from the bytes actually left.
  // (3 ints need 12 bytes: refused although 3 <= the 4 bytes left.)
  assert.throws(() => dec('RemoteInts', '00000003' + '00000000'), { name: 'XdrError', message: /length 3 exceeds the 4 bytes left/ })
  assert.throws(() => dec('RemoteNonnullDomain', '00000001610000'), { name: 'XdrError', message: /truncated/ })
  assert.throws(() => dec('RemoteString', '00000002'), { name: 'XdrError', message: /invalid XDR bool 2/ })
  assert.throws(() => dec('RemoteTypedParamValue', '0000000300000000'), { name: 'XdrError', message: /invalid discriminant 3 for union remote_typed_param_value/ })
  assert.deepEqual(dec('RemoteTypedParamValue', '00000001ffffffff'), { type: 1, i: -1 })
})

test('procedure tables: numbers, codecs, annotations, C functions, stream direction', () => {
  const { REMOTE_PROCEDURES, QEMU_PROCEDURES, PROCEDURES_BY_NUMBER, REMOTE_PROGRAM, QEMU_PROGRAM, PROGRAM_VERSIONS } = gen.procs
  const info = REMOTE_PROCEDURES.DOMAIN_GET_INFO
  assert.equal(REMOTE_PROGRAM, 0x20008086)
  assert.equal(info.program, 0x20008086)
  assert.equal(info.version, 1)
  assert.equal(info.procedure, 1)
  assert.equal(info.name, 'REMOTE_PROC_DOMAIN_GET_INFO')
  assert.equal(info.cFunction, 'virDomainGetInfo')
  assert.equal(info.encodeArgs, gen.remote.REMOTE_CODECS.encoder('RemoteDomainGetInfoArgs'))
  assert.equal(info.decodeRet, gen.remote.REMOTE_CODECS.decoder('RemoteDomainGetInfoRet'))
  assert.deepEqual([info.priority, info.stream, info.sparseFlag, info.acl, info.generate], [true, 'none', null, ['domain:read'], 'both'])
  assert.deepEqual([info.argNames, info.retNames], [['dom'], ['state', 'maxMem', 'nrVirtCpu']])
  const stats = REMOTE_PROCEDURES.NODE_GET_CPU_STATS
  assert.deepEqual([stats.cFunction, stats.encodeRet, stats.decodeRet, stats.stream, stats.sparseFlag, stats.priority], ['virNodeGetCPUStats', null, null, 'read', 'VIR_SPARSE', false])
  assert.deepEqual(stats.acl, ['connect:read', 'connect:write:VIR_FLAG'])
  const ev = REMOTE_PROCEDURES.DOMAIN_EVENT_LIFECYCLE
  assert.equal(ev.cFunction, null)
  assert.equal(ev.decodeArgs, gen.remote.REMOTE_CODECS.decoder('RemoteDomainEventLifecycleMsg'))
  assert.deepEqual(ev.argNames, ['callbackID', 'dom', 'event'])
  const q = QEMU_PROCEDURES.DOMAIN_MONITOR_COMMAND
  assert.equal(q.cFunction, 'virDomainQemuMonitorCommand')
  assert.equal(q.program, QEMU_PROGRAM)
  assert.equal(q.stream, 'write')
  assert.equal(PROCEDURES_BY_NUMBER.get(0x20008086).get(3), ev)
  assert.equal(PROCEDURES_BY_NUMBER.get(0x20008087).get(1), q)
  assert.equal(PROGRAM_VERSIONS.get(0x20008087), 1)
})

test('constants: singles, grouped objects, error names', () => {
  const c = gen.consts
  assert.equal(c.VIR_TYPED_PARAM_STRING, 7)
  assert.equal(c.VIR_TYPED_PARAM_LAST, 8)
  assert.equal(c.VIR_UUID_BUFLEN, 16)
  assert.equal(c.VIR_TEST_FIELD, 'field_name')
  assert.deepEqual(c.TypedParameterType, { INT: 1, STRING: 7 })
  assert.deepEqual(c.DomainEventID, { LIFECYCLE: 0, REBOOT: 1 })
  assert.deepEqual(c.VIR_ERROR_NUMBER_NAMES, { 0: 'VIR_ERR_OK', 1: 'VIR_ERR_INTERNAL_ERROR' })
  assert.equal(c.VIR_ERROR_DOMAIN_NAMES[7], 'VIR_FROM_RPC')
  assert.equal(c.VIR_ERROR_LEVEL_NAMES[2], 'VIR_ERR_ERROR')
  assert.equal(gen.remote.REMOTE_STRING_MAX, 64)
  assert.equal(gen.remote.REMOTE_GREEN, 1)
})

test('packCodecText: indentation goes, lines seen three times or more become #n, and expanding gives the lines back', () => {
  const lines = ['@@ A', 'uses x', 'function encodeA(w, v) {', '  try {', '    w.u32(v.n)', '  } catch (e) {', '  }', '}',
    '@@ B', 'uses x', 'function encodeB(w, v) {', '  try {', '  } catch (e) {', '  }', '}', '@@ C', 'uses x', '  try {', '}']
  const { text, dict } = packCodecText(lines)
  assert.ok(dict.includes('try {') && dict.includes('uses x'), dict.join(' | '))
  assert.ok(!dict.includes('}'), 'lines shorter than a reference stay as they are')
  assert.ok(text.filter((l) => l.startsWith('#')).length >= 6, text.join(' | '))
  assert.ok(text.includes('@@ A') && text.includes('@@ B'), 'block markers are never replaced')
  const expanded = text.map((l) => (l.startsWith('#') ? dict[parseInt(l.slice(1), 36)] : l))
  assert.deepEqual(expanded, lines.map((l) => l.trimStart()))
  assert.throws(() => packCodecText(['a ~ b']), /separator/)
  assert.throws(() => packCodecText(['  #x']), /dictionary reference/)
  assert.throws(() => packCodecText(['const s = `a']), /multi-line template/)
})
