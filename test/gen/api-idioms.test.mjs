// Generator tests: the API idioms decided from libvirt's documentation comments — truth values,
// enum pairings, flag sets — on synthetic doc text (the rules) and on the real tree (the override
// tables: every entry still names a real function and changes a decision the rule gets wrong).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BOOLEAN_OVERRIDES, ENUM_OVERRIDES, enumOf, flagSets, flagsOf, isTruthArg, isTruthValue } from '../../scripts/gen/api-idioms.mjs'
import { parseDocTexts } from '../../scripts/gen/parse-docs.mjs'
import { libvirtSourceDir } from '../../scripts/gen/libvirt-source.mjs'
import { loadModel } from '../../scripts/gen/model.mjs'

const enumDef = (name, members) => ({ name, header: 'libvirt-domain.h', members: members.map(([n, v]) => ({ name: n, value: v, sentinel: false })) })

function tinyModel() {
  const docs = parseDocTexts([
    `/**
 * virThingIsOn:
 * @thing: a thing
 *
 * Returns 1 if on, 0 if off, -1 on error
 */
/**
 * virThingGetAutostart:
 * @thing: a thing
 * @autostart: where to store the autostart flag
 *
 * Returns 0 on success, -1 on failure
 */
/**
 * virThingSetAutostart:
 * @thing: a thing
 * @autostart: whether the thing should be automatically started 0 or 1
 * @level: how much to start it, 0 or 1
 *
 * Returns 0 on success, -1 on failure
 */
/**
 * virThingCount:
 * @thing: a thing
 *
 * Returns the number of things, or -1 on error (0 if none)
 */
/**
 * virThingCreate:
 * @thing: a thing
 * @flags: bitwise-OR of virThingCreateFlags
 * @mode: the mode, one of virThingMode
 *
 * Returns 0 on success
 */
struct _virThingInfo {
    unsigned char state;  /* one of virThingState */
    /* One of virThingMode */
    int mode;
};
`,
  ])
  const fn = (name, params, returnType = 'int') => ({ name, header: 'libvirt-domain.h', returnType, params })
  return {
    docs,
    headers: {
      enums: [
        enumDef('virThingCreateFlags', [['VIR_THING_CREATE_A', 1], ['VIR_THING_CREATE_B', 2]]),
        enumDef('virThingMode', [['VIR_THING_MODE_X', 0], ['VIR_THING_MODE_Y', 1]]),
        enumDef('virThingState', [['VIR_THING_STATE_OFF', 0], ['VIR_THING_STATE_ON', 1]]),
      ],
    },
    functions: [],
    fns: {
      isOn: fn('virThingIsOn', [{ type: 'virThingPtr', name: 'thing' }]),
      autostart: fn('virThingGetAutostart', [{ type: 'virThingPtr', name: 'thing' }, { type: 'int *', name: 'autostart' }]),
      setAutostart: fn('virThingSetAutostart', [{ type: 'virThingPtr', name: 'thing' }, { type: 'int', name: 'autostart' }, { type: 'int', name: 'level' }]),
      count: fn('virThingCount', [{ type: 'virThingPtr', name: 'thing' }]),
      create: fn('virThingCreate', [{ type: 'virThingPtr', name: 'thing' }, { type: 'int', name: 'mode' }, { type: 'unsigned int', name: 'flags' }]),
      info: fn('virThingGetInfo', [{ type: 'virThingPtr', name: 'thing' }, { type: 'virThingInfoPtr', name: 'info' }]),
    },
  }
}

test('truth values: "1 if …, 0 if …" returns and boolean out-parameters; counts are not', () => {
  const m = tinyModel()
  assert.equal(isTruthValue(m, m.fns.isOn, 'on', true), true)
  assert.equal(isTruthValue(m, m.fns.isOn, 'on', false), false, 'the C return value is a truth value only when it is the whole reply')
  assert.equal(isTruthValue(m, m.fns.autostart, 'autostart', true), true)
  assert.equal(isTruthValue(m, m.fns.count, 'num', true), false)
})

test('truth-valued arguments: an int whose @param line starts with "whether"; other ints are not', () => {
  const m = tinyModel()
  assert.equal(isTruthArg(m, m.fns.setAutostart, 'autostart'), true)
  assert.equal(isTruthArg(m, m.fns.setAutostart, 'level'), false, '"0 or 1" alone does not make a truth value')
  assert.equal(isTruthArg(m, m.fns.setAutostart, 'thing'), false)
  assert.equal(isTruthArg(m, m.fns.create, 'mode'), false)
})

test('enums: from the @param line or the filled struct field; flags from the @flags line', () => {
  const m = tinyModel()
  assert.equal(enumOf(m, m.fns.create, 'mode'), 'virThingMode')
  assert.equal(enumOf(m, m.fns.info, 'state'), 'virThingState')
  assert.equal(enumOf(m, m.fns.info, 'mode'), 'virThingMode', 'a comment alone above a field describes that field')
  assert.equal(enumOf(m, m.fns.info, 'missing'), null)
  assert.deepEqual(flagsOf(m, 'virThingCreate'), ['virThingCreateFlags'])
  assert.ok(flagSets(m).has('virThingCreateFlags'))
  assert.ok(!flagSets(m).has('virThingMode'))
})

test('override tables: every entry names a real function and changes the rule\'s answer', (t) => {
  let model
  try {
    model = loadModel(libvirtSourceDir({ fetch: false }))
  } catch (e) {
    t.skip(`no libvirt tree to read: ${e.message}`)
    return
  }
  const byName = new Map(model.functions.map((f) => [f.name, f]))
  for (const [fn, fields] of Object.entries(BOOLEAN_OVERRIDES)) {
    const f = byName.get(fn)
    assert.ok(f, `${fn} is a public function`)
    for (const [field, want] of Object.entries(fields)) {
      assert.equal(isTruthValue(model, f, field, false), want)
      const saved = BOOLEAN_OVERRIDES[fn]
      delete BOOLEAN_OVERRIDES[fn]
      try {
        assert.notEqual(isTruthValue(model, f, field, false), want, `${fn}.${field}: the rule alone already decides it (stale override)`)
      } finally {
        BOOLEAN_OVERRIDES[fn] = saved
      }
    }
  }
  for (const [fn, fields] of Object.entries(ENUM_OVERRIDES)) {
    const f = byName.get(fn)
    assert.ok(f, `${fn} is a public function`)
    for (const [param, want] of Object.entries(fields)) assert.equal(enumOf(model, f, param), want)
  }
  // the rule on real documentation
  assert.equal(isTruthValue(model, byName.get('virDomainIsActive'), 'active', true), true)
  assert.equal(isTruthValue(model, byName.get('virDomainGetAutostart'), 'autostart', true), true)
  assert.equal(isTruthValue(model, byName.get('virStoragePoolGetAutostart'), 'autostart', true), true)
  assert.equal(isTruthValue(model, byName.get('virDomainSnapshotNum'), 'num', true), false)
  // truth-valued arguments: exactly the autostart setters in 11.3.0
  const truthArgs = model.headers.functions.flatMap((f) => f.params.filter((p) => isTruthArg(model, f, p.name)).map((p) => `${f.name}.${p.name}`))
  for (const want of ['virDomainSetAutostart', 'virNetworkSetAutostart', 'virStoragePoolSetAutostart', 'virNodeDeviceSetAutostart']) {
    assert.ok(truthArgs.includes(`${want}.autostart`), `${want}.autostart is a truth value`)
  }
  assert.ok(truthArgs.every((x) => /SetAutostart(Once)?\.autostart$/.test(x)), `only autostart setters: ${truthArgs.join(', ')}`)
  assert.equal(enumOf(model, byName.get('virDomainGetInfo'), 'state'), 'virDomainState')
  assert.equal(enumOf(model, byName.get('virDomainGetJobInfo'), 'type'), 'virDomainJobType')
  assert.deepEqual(flagsOf(model, 'virDomainCreateWithFlags'), ['virDomainCreateFlags'])
})
