// Generator tests: the C header scanner on a small header (enums with sentinels and shifted
// values, integer/string/derived #defines, prototypes with their parameters).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { evalCExpr } from '../../scripts/gen/c-expr.mjs'
import { parseHeaderTexts } from '../../scripts/gen/parse-headers.mjs'

const H = `
#ifndef LIBVIRT_FAKE_H
# define LIBVIRT_FAKE_H
# ifdef __cplusplus
extern "C" {
# endif
# define VIR_FAKE_BUFLEN (256 + 1)
# define VIR_FAKE_ALIAS VIR_FAKE_BUFLEN
# define VIR_FAKE_FIELD "cpu_shares"
# define VIR_FAKE_MACRO(x) ((x) + 1)
# define VIR_FAKE_FROM_ENUM VIR_FAKE_B
/* comment with virNotAFunction(void); inside */
typedef enum {
    VIR_FAKE_A = 0, /* first */
    VIR_FAKE_B,
    VIR_FAKE_C = (1 << 4),
    VIR_FAKE_D = VIR_FAKE_C | 1,
    VIR_FAKE_E = -1,
    VIR_FAKE_F = 0x20,
# ifdef VIR_ENUM_SENTINELS
    VIR_FAKE_LAST
# endif
} virFakeKind;
typedef struct _virFake virFake;
typedef virFake *virFakePtr;
typedef int (*virFakeCallback)(virFakePtr f, int x);
VIR_EXPORT_VAR virFakePtr virFakeDefault;
int virFakeGetInfo(virFakePtr fake,
                   unsigned int *count,
                   const char *name);
virFakePtr virFakeLookup(void) VIR_DEPRECATED;
int virFakeRun(virFakePtr fake, virFakeCallback cb, void *opaque, char **names, int nums[]);
# ifdef __cplusplus
}
# endif
#endif
`

test('enums, sentinels and shifted values', () => {
  const { enums, constants } = parseHeaderTexts([{ name: 'libvirt-fake.h', text: H }])
  assert.equal(enums.length, 1)
  const e = enums[0]
  assert.equal(e.name, 'virFakeKind')
  assert.equal(e.header, 'libvirt-fake.h')
  assert.deepEqual(
    e.members.map((m) => [m.name, m.value, m.sentinel]),
    [
      ['VIR_FAKE_A', 0, false],
      ['VIR_FAKE_B', 1, false],
      ['VIR_FAKE_C', 16, false],
      ['VIR_FAKE_D', 17, false],
      ['VIR_FAKE_E', -1, false],
      ['VIR_FAKE_F', 32, false],
      ['VIR_FAKE_LAST', 33, true],
    ],
  )
  assert.equal(constants.get('VIR_FAKE_D'), 17)
})

test('defines: integers, references, strings; macros skipped', () => {
  const { defines, constants } = parseHeaderTexts([{ name: 'libvirt-fake.h', text: H }])
  const d = Object.fromEntries(defines.map((x) => [x.name, x.value]))
  assert.equal(d.VIR_FAKE_BUFLEN, 257)
  assert.equal(d.VIR_FAKE_ALIAS, 257)
  assert.equal(d.VIR_FAKE_FROM_ENUM, 1)
  assert.equal(d.VIR_FAKE_FIELD, 'cpu_shares')
  assert.equal(d.VIR_FAKE_MACRO, undefined)
  assert.equal(d.LIBVIRT_FAKE_H, undefined)
  assert.equal(constants.get('VIR_FAKE_BUFLEN'), 257)
})

test('functions with parameter types, names and return types', () => {
  const { functions } = parseHeaderTexts([{ name: 'libvirt-fake.h', text: H }])
  assert.deepEqual(
    functions.map((f) => f.name),
    ['virFakeGetInfo', 'virFakeLookup', 'virFakeRun'],
  )
  assert.deepEqual(functions[0], {
    name: 'virFakeGetInfo',
    header: 'libvirt-fake.h',
    returnType: 'int',
    params: [
      { type: 'virFakePtr', name: 'fake' },
      { type: 'unsigned int *', name: 'count' },
      { type: 'const char *', name: 'name' },
    ],
  })
  assert.equal(functions[1].returnType, 'virFakePtr')
  assert.deepEqual(functions[1].params, [])
  assert.deepEqual(functions[2].params.map((p) => [p.type, p.name]), [
    ['virFakePtr', 'fake'],
    ['virFakeCallback', 'cb'],
    ['void *', 'opaque'],
    ['char **', 'names'],
    ['int []', 'nums'],
  ])
})

test('C constant expressions', () => {
  const none = () => undefined
  assert.equal(evalCExpr('1U << 31', none), 2147483648)
  assert.equal(evalCExpr('(4096 + 1)', none), 4097)
  assert.equal(evalCExpr('~0 & 0xff', none), 255)
  assert.equal(evalCExpr('10 - 2 - 3', none), 5)
  assert.equal(evalCExpr('2 + 3 * 4', none), 14)
  assert.equal(evalCExpr('9007199254740991LL', none), 9007199254740991)
  assert.equal(evalCExpr('1ULL << 63', none), undefined, 'values beyond 2^53 are skipped')
  assert.equal(evalCExpr('((virFooCallback)(cb))', none), undefined)
  assert.equal(evalCExpr('1 / 0', none), undefined)
  assert.equal(evalCExpr('"str"', none), undefined)
})

test('an enum member naming a constant of a header read later is resolved, not dropped; an unknown one fails', () => {
  // libvirt-domain-snapshot.h (read first) defines VIR_DOMAIN_SNAPSHOT_XML_SECURE = VIR_DOMAIN_XML_SECURE of libvirt-domain.h
  const early = { name: 'a.h', text: 'typedef enum {\n    VIR_A_SECURE = VIR_B_SECURE,\n    VIR_A_NEXT,\n} virAFlags;\n' }
  const late = { name: 'b.h', text: 'typedef enum {\n    VIR_B_ZERO = 0,\n    VIR_B_SECURE = (1 << 2),\n} virBFlags;\n' }
  const m = parseHeaderTexts([early, late])
  assert.deepEqual(m.enums.map((e) => e.name), ['virAFlags', 'virBFlags'], 'order kept')
  assert.deepEqual(m.enums[0].members.map((x) => [x.name, x.value]), [['VIR_A_SECURE', 4], ['VIR_A_NEXT', 5]])
  assert.equal(m.constants.get('VIR_A_SECURE'), 4)
  assert.equal('unresolved' in m.enums[0], false)
  const broken = { name: 'c.h', text: 'typedef enum {\n    VIR_C_X = VIR_NOWHERE,\n} virCFlags;\n' }
  assert.throws(() => parseHeaderTexts([broken]), /c\.h: enum virCFlags: cannot resolve the value of VIR_C_X/)
})
