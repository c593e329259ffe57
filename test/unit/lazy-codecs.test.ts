// Unit tests of the lazy codec runtime (src/generated/lazy-codecs.ts, procedure-table.ts): importing
// the package compiles no codec, a descriptor compiles its codecs on first read and keeps them, and
// every codec of every program compiles (so a generator bug cannot hide behind laziness). Layer 1
// only: no socket, no daemon. Runs in a process of its own (node --test), so "not compiled yet" is
// about this process alone.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import '../../src/index.js'
import { ADMIN_CODECS } from '../../src/generated/admin-codecs.gen.js'
import { ADMIN_PROCEDURES } from '../../src/generated/admin-procedures.gen.js'
import { KEEPALIVE_CODECS } from '../../src/generated/keepalive-codecs.gen.js'
import { type AnyCodecSet, CodecCompileError, CodecSet } from '../../src/generated/lazy-codecs.js'
import { LXC_CODECS } from '../../src/generated/lxc-codecs.gen.js'
import { PROCEDURES_BY_NUMBER } from '../../src/generated/procedures.gen.js'
import { QEMU_CODECS } from '../../src/generated/qemu-codecs.gen.js'
import { REMOTE_CODECS, type RemoteDomainSetUserPasswordArgs } from '../../src/generated/remote.gen.js'
import { REMOTE_PROCEDURES } from '../../src/generated/remote-procedures.gen.js'
import { VIRNET_CODECS } from '../../src/generated/virnet-codecs.gen.js'
import type { ProcedureDescriptor } from '../../src/generated/procedure.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { XdrWriter } from '../../src/xdr/xdr-writer.js'

const SETS: AnyCodecSet[] = [REMOTE_CODECS, QEMU_CODECS, LXC_CODECS, ADMIN_CODECS, KEEPALIVE_CODECS, VIRNET_CODECS]

const compiled = (set: AnyCodecSet): string[] => set.types().flatMap((t) => [`encode${t}`, `decode${t}`]).filter((n) => set.isCompiled(n))

test('importing the package compiles no codec', () => {
  for (const set of SETS) assert.deepEqual(compiled(set), [], set.file)
})

test('a descriptor compiles its codecs on first read, with their dependencies, and keeps them', () => {
  const desc = REMOTE_PROCEDURES.DOMAIN_SET_USER_PASSWORD
  assert.equal(REMOTE_CODECS.isCompiled('encodeRemoteDomainSetUserPasswordArgs'), false)
  assert.equal(REMOTE_CODECS.isCompiled('encodeRemoteNonnullDomain'), false)
  const enc = desc.encodeArgs
  assert.equal(typeof enc, 'function')
  assert.equal(enc, desc.encodeArgs, 'the second read gives the same function')
  assert.equal(enc, REMOTE_CODECS.encoder('RemoteDomainSetUserPasswordArgs'))
  // The struct's dependency came with it; its decoder did not (nothing asked for it).
  assert.deepEqual(compiled(REMOTE_CODECS).sort(), ['encodeRemoteDomainSetUserPasswordArgs', 'encodeRemoteNonnullDomain'])
  assert.equal(desc.encodeRet, null)
  assert.equal(desc.decodeRet, null)
  // The compiled codec is the generated one: it round-trips and names the failing field.
  const v: RemoteDomainSetUserPasswordArgs = { dom: { name: 'vm', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 1 }, user: 'root', password: null, flags: 0 }
  const w = new XdrWriter(8)
  enc!(w, v)
  assert.deepEqual(desc.decodeArgs!(new XdrReader(w.toBuffer())), v)
  assert.throws(() => enc!(new XdrWriter(8), { ...v, user: 5 as unknown as string }), { name: 'TypeError', message: /^user: / })
  // Stack frames name the compiled codecs, not an anonymous eval.
  const err = (() => {
    try {
      enc!(new XdrWriter(8), { ...v, user: 5 as unknown as string })
    } catch (e) {
      return e as Error
    }
  })()
  assert.match(String(err?.stack), /at encodeRemoteDomainSetUserPasswordArgs \(libvirt-async:codecs\/remote_protocol\.x\/encodeRemoteDomainSetUserPasswordArgs:\d+:\d+\)/)
})

test('every codec of every program compiles, and every procedure resolves its codecs', () => {
  const tables: ProcedureDescriptor[] = [...PROCEDURES_BY_NUMBER.values()].flatMap((m) => [...m.values()])
  tables.push(...(Object.values(ADMIN_PROCEDURES) as unknown as ProcedureDescriptor[]))
  let withCodecs = 0
  for (const d of tables) {
    for (const c of [d.encodeArgs, d.decodeArgs, d.encodeRet, d.decodeRet]) {
      if (c === null) continue
      assert.equal(typeof c, 'function', d.name)
      withCodecs++
    }
  }
  assert.ok(withCodecs > 1000, `${withCodecs} codecs reached through the tables`)
  for (const set of SETS) {
    for (const t of set.types()) {
      assert.equal(typeof set.encoder(t), 'function', `encode${t}`)
      assert.equal(typeof set.decoder(t), 'function', `decode${t}`)
    }
    assert.equal(compiled(set).length, set.types().length * 2, set.file)
  }
})

test('cycles between codecs resolve; a name nothing provides is an error', () => {
  // Two mutually recursive optional-pointer types, and one recursive on itself.
  type M = { A: unknown; B: unknown; C: unknown; Bad: unknown }
  const text = [
    '@@ A',
    'uses encodeB',
    'function encodeA(w, v) { w.u32(v.n); w.bool(v.b !== null); if (v.b !== null) encodeB(w, v.b) }',
    'uses decodeB',
    'function decodeA(r) { const n = r.u32(); return { n, b: r.present() ? decodeB(r) : null } }',
    '@@ B',
    'uses encodeA',
    'function encodeB(w, v) { w.bool(v.a !== null); if (v.a !== null) encodeA(w, v.a) }',
    'uses decodeA',
    'function decodeB(r) { return { a: r.present() ? decodeA(r) : null } }',
    '@@ C',
    'uses MAX',
    'function encodeC(w, v) {',
    '  w.string(v.s, MAX)',
    '  w.bool(v.next !== null)',
    '  if (v.next !== null) encodeC(w, v.next)',
    '}',
    'uses MAX',
    'function decodeC(r) { return { s: r.string(MAX), next: r.present() ? decodeC(r) : null } }',
    '@@ Bad',
    'uses NOWHERE',
    'function encodeBad(w, v) {}',
    'uses',
    'function decodeBad(r) { return 0 }',
    '',
  ].join('~')
  const set = new CodecSet<M>('test.x', { MAX: 3 }, [], text)
  assert.deepEqual(set.types(), ['A', 'B', 'C', 'Bad'])
  assert.equal(set.decoder('Bad')(new XdrReader(Buffer.alloc(0))), 0)
  const a = { n: 1, b: { a: { n: 2, b: { a: null } } } }
  const w = new XdrWriter(8)
  set.encoder('A')(w, a)
  assert.deepEqual(set.decoder('A')(new XdrReader(w.toBuffer())), a)
  const c = { s: 'x', next: { s: 'yz', next: null } }
  const w2 = new XdrWriter(8)
  set.encoder('C')(w2, c)
  assert.deepEqual(set.decoder('C')(new XdrReader(w2.toBuffer())), c)
  assert.throws(() => set.encoder('C')(new XdrWriter(8), { s: 'long', next: null }), RangeError)
  assert.throws(() => set.encoder('Bad'), { name: 'TypeError', message: /uses NOWHERE, which nothing provides/ })
  assert.throws(() => set.codec('encodeMissing'), { name: 'TypeError', message: /no codec encodeMissing in test\.x/ })
})

test('without code generation from strings, the first codec use throws CodecCompileError naming the flag', () => {
  const url = new URL('../../src/generated/remote-procedures.gen.js', import.meta.url).href
  const script = `
    const { REMOTE_PROCEDURES } = await import(${JSON.stringify(url)})
    try { REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION.decodeRet; console.log('compiled') }
    catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message, cause: e.cause?.name })) }
  `
  const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('.', import.meta.url)) })
  const r = JSON.parse(out)
  assert.equal(r.name, 'CodecCompileError')
  assert.equal(r.code, 'ERR_LIBVIRT_CODEGEN_DISALLOWED')
  assert.equal(r.cause, 'EvalError')
  assert.match(r.message, /--disallow-code-generation-from-strings/)
  assert.ok(new CodecCompileError('x', { cause: null }) instanceof Error)
})

test('the codec and table text is ASCII', () => {
  // One non-ASCII character, even in a comment a bundler keeps, makes V8 decode and scan the whole
  // (bundled) file as UTF-16: the codec strings are the largest text loaded at import.
  const dir = fileURLToPath(new URL('../../../src/generated/', import.meta.url))
  const files = readdirSync(dir).filter((f) => /-(codecs|procedures)\.gen\.ts$/.test(f) || f === 'lazy-codecs.ts' || f === 'procedure-table.ts')
  assert.ok(files.length >= 12, files.join(', '))
  for (const f of files) {
    const bad = /[^\x00-\x7f]/.exec(readFileSync(join(dir, f), 'utf8'))
    assert.equal(bad, null, `${f}: ${JSON.stringify(bad?.[0])} at ${bad?.index}`)
  }
})

test('a codec set finds each type by its exact block, by search and, past 64 types, by the whole index', () => {
  // blocks whose names prefix one another; FooBar comes first so a loose search for "@@ Foo" would hit it
  const block = (t: string, out: string): string =>
    `@@ ${t}~uses~function encode${t}(w, v) {~  return '${out}'~}~uses~function decode${t}(r) {~  return '${out}'~}~`
  const many = Array.from({ length: 70 }, (_, i) => `T${i}`)
  const text = block('FooBar', 'foobar') + block('Foo', 'foo') + many.map((t) => block(t, t.toLowerCase())).join('')
  const set = new CodecSet<Record<string, unknown>>('synthetic.x', {}, [], text)
  const run = (t: string): unknown => (set.encoder(t) as unknown as () => unknown)()
  assert.equal(run('Foo'), 'foo')
  assert.equal(run('FooBar'), 'foobar')
  assert.throws(() => set.encoder('Fo'), TypeError)
  // 70 more types: the first searches, then the index takes over; every one resolves to its own block
  for (const t of many) assert.equal(run(t), t.toLowerCase(), t)
  assert.equal((set.decoder('T69') as unknown as () => unknown)(), 't69')
  assert.deepEqual(set.types(), ['FooBar', 'Foo', ...many])
})

test('a packed codec text: `#n` lines come from the dictionary, a reference it lacks is a TypeError naming it', () => {
  // the generator's packCodecText form: lines ended by `~`, repeated lines as `#n` (base 36)
  const dict = ['uses', 'return 7', '}'].join('~') + '~'
  const text = ['@@ P', '#0', 'function encodeP(w, v) {', '#1', '#2', '#0', 'function decodeP(r) {', '#1', '#2',
    '@@ Q', '#0', 'function encodeQ(w, v) {', '#z', '#2', '#0', 'function decodeQ(r) { return 8 }', ''].join('~')
  const set = new CodecSet<Record<string, unknown>>('packed.x', {}, [], text, dict)
  assert.equal((set.encoder('P') as unknown as () => unknown)(), 7)
  assert.equal((set.decoder('P') as unknown as () => unknown)(), 7)
  assert.throws(() => set.encoder('Q'), (e: unknown) => e instanceof TypeError && /packed\.x.*#z/.test(e.message))
  assert.throws(() => set.decoder('Q'), TypeError, 'the block is read whole')
  assert.deepEqual(set.types(), ['P', 'Q'])
})
