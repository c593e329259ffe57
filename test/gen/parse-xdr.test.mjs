// Generator tests: the XDR parser on small inputs covering every construct libvirt's protocol
// files use, the procedure annotations, and clear errors on bad syntax.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseAnnotations, parseXdr } from '../../scripts/gen/parse-xdr.mjs'

const SRC = `
%#include "passthrough.h"
#define IGNORED 1
/* a comment */
const MAX_THINGS = 16;
const PROG = 0x20008086;
const NEG = -5;
const OCT = 010;
typedef string my_string<MAX_THINGS>;
typedef string any_string<>;
typedef my_string *my_optional;
typedef opaque my_uuid[HDR_BUFLEN];
typedef opaque blob<>;
enum colour { RED = 0, GREEN = 2, BLUE };
struct all_fields {
    int a;
    unsigned int b;
    unsigned c;
    hyper d;
    unsigned hyper e;
    float f;
    double g;
    bool h;
    unsigned char i;
    short j;
    my_string name;
    my_optional maybe;
    opaque fixed[4];
    opaque var<MAX_THINGS>;
    int list<MAX_THINGS>;
    int unbounded<>;
    int triple[3];
    colour col;
    struct other *next;
    char label<HDR_BUFLEN>;
};
struct other { int x; };
union choice switch (int kind) {
 case RED:
     int r;
 case GREEN:
 case BLUE:
     my_string s;
 case 7:
     void;
 default:
     hyper other;
};
union no_default switch (colour c) { case RED: void; };
enum test_procedure {
    /**
     * @generate: both
     * @priority: high
     * @acl: domain:read
     * @acl: domain:write:VIR_FLAG
     */
    TEST_PROC_ONE = 1,
    /* @readstream: 1 */
    TEST_PROC_TWO = 2,
};
`

test('parses every construct with sizes resolved', () => {
  const { definitions, constants } = parseXdr(SRC, { constants: { HDR_BUFLEN: 16 } })
  assert.equal(constants.get('MAX_THINGS'), 16)
  assert.equal(constants.get('PROG'), 0x20008086)
  assert.equal(constants.get('NEG'), -5)
  assert.equal(constants.get('OCT'), 8)
  assert.equal(constants.get('BLUE'), 3, 'implicit enum values continue from the last one')
  const byName = Object.fromEntries(definitions.filter((d) => d.kind !== 'const').map((d) => [d.name, d]))
  assert.deepEqual(byName.my_string.decl, { name: 'my_string', type: { kind: 'prim', name: 'string' }, shape: 'var', size: 16, sizeName: 'MAX_THINGS' })
  assert.equal(byName.any_string.decl.size, null)
  assert.equal(byName.my_optional.decl.shape, 'optional')
  assert.deepEqual(byName.my_uuid.decl, { name: 'my_uuid', type: { kind: 'prim', name: 'opaque' }, shape: 'fixed', size: 16, sizeName: 'HDR_BUFLEN' })
  const f = Object.fromEntries(byName.all_fields.fields.map((x) => [x.name, x]))
  const prim = (n) => f[n].type.name
  assert.deepEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map(prim), ['int', 'uint', 'uint', 'hyper', 'uhyper', 'float', 'double', 'bool', 'uint', 'int'])
  assert.deepEqual([f.fixed.shape, f.fixed.size, f.var.shape, f.var.size], ['fixed', 4, 'var', 16])
  assert.deepEqual([f.list.shape, f.list.size, f.unbounded.size, f.triple.shape, f.triple.size], ['var', 16, null, 'fixed', 3])
  assert.deepEqual(f.col.type, { kind: 'ref', name: 'colour' })
  assert.deepEqual([f.next.shape, f.next.type.name], ['optional', 'other'])
  assert.deepEqual([f.label.type.name, f.label.shape, f.label.size], ['int', 'var', 16])
  const u = byName.choice
  assert.equal(u.discriminant.name, 'kind')
  assert.deepEqual(u.arms.map((a) => a.values), [[0], [2, 3], [7]])
  assert.deepEqual(u.arms[1].labels, ['GREEN', 'BLUE'])
  assert.deepEqual(u.arms[2].decl, { void: true })
  assert.equal(u.defaultArm.name, 'other')
  assert.equal(byName.no_default.defaultArm, null)
  const procs = byName.test_procedure.members
  assert.deepEqual(procs[0].annotations, { generate: ['both'], priority: ['high'], acl: ['domain:read', 'domain:write:VIR_FLAG'] })
  assert.deepEqual(procs[1].annotations, { readstream: ['1'] })
})

test('annotations come only from the comment right before a member', () => {
  assert.deepEqual(parseAnnotations(' * - @generate: none|both\n * the @readstream text\n * @acl: none'), { acl: ['none'] })
  assert.deepEqual(parseAnnotations(null), {})
})

test('bad syntax gives a located error', () => {
  const cases = [
    ['struct s { int a }', /expected ";"/],
    ['struct s { int a; ', /expected a type/],
    ['const X = ;', /expected a constant/],
    ['typedef string s;', /string s needs a size/],
    ['typedef string s[4];', /string needs <max>/],
    ['struct s { int a[UNKNOWN]; };', /unknown constant UNKNOWN/],
    ['union u switch (int d) { case 1: int a; case 1: int b; };', /duplicate case/],
    ['union u switch (int d) { default: void; default: void; };', /second default/],
    ['struct s { struct { int x; } inner; };', /inline struct/],
    ['frob x;', /expected const, enum, struct, union or typedef/],
    ['const A = 1; const A = 2;', /duplicate constant A/],
    ['struct s { int a; }; struct s { int b; };', /duplicate type s/],
    ['struct s { quadruple q; };', /quadruple is not supported/],
    ['/* never closed', /unterminated comment/],
    ['struct s { int a; } @', /unexpected character/],
  ]
  for (const [src, re] of cases) {
    assert.throws(() => parseXdr(src, { file: 'bad.x' }), (e) => e.name === 'GenSyntaxError' && /^bad\.x:\d+: /.test(e.message) && re.test(e.message), src)
  }
  assert.throws(() => parseXdr('\n\nstruct s { int a }', { file: 'l.x' }), /^GenSyntaxError: l\.x:3: /)
})
