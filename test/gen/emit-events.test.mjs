// Generator tests: the event table comes from libvirt's own files — every event id of the five
// families (header enums) has its callback typedef and its callback-id carrying message, the
// message's fields pair one to one with the callback's parameters, and no such message is left out.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { EVENT_FAMILIES, eventPlan } from '../../scripts/gen/emit-events.mjs'
import { libvirtSourceDir } from '../../scripts/gen/libvirt-source.mjs'
import { loadModel } from '../../scripts/gen/model.mjs'

test('the event table covers every event id and every callback-id event message', (t) => {
  let model
  try {
    model = loadModel(libvirtSourceDir({ fetch: false }))
  } catch (e) {
    t.skip(`no libvirt tree to read: ${e.message}`)
    return
  }
  const plan = eventPlan(model)
  for (const fam of EVENT_FAMILIES) {
    const ids = model.headers.enums.find((e) => e.name === fam.enumName).members.filter((m) => !m.sentinel).map((m) => m.value)
    assert.deepEqual(plan.filter((p) => p.fam.family === fam.family).map((p) => p.id), ids, `${fam.family}: every id, in order`)
  }
  const procs = plan.map((p) => p.proc.name)
  assert.equal(new Set(procs).size, procs.length, 'one message per event id')
  const withCallbackId = model.procedures
    .filter((p) => p.isEvent && p.program !== 'admin' && model.types.get(p.args).def.fields.some((f) => f.name === 'callbackID'))
    .map((p) => p.name)
  assert.deepEqual([...procs].sort(), [...withCallbackId].sort(), 'every callback-id carrying message is routed')
  const lifecycle = plan.find((p) => p.fam.family === 'domain' && p.key === 'LIFECYCLE')
  assert.deepEqual(lifecycle.args.map((a) => [a.name, a.path]), [['event', 'm.msg.event'], ['detail', 'm.msg.detail']])
  const wakeup = plan.find((p) => p.fam.family === 'domain' && p.key === 'PMWAKEUP')
  assert.deepEqual(wakeup.args.map((a) => [a.name, a.path]), [['reason', 'm.reason']], 'a field of the outer message')
  const rtc = plan.find((p) => p.key === 'RTC_CHANGE')
  assert.deepEqual(rtc.args.map((a) => a.name), ['utcoffset'], 'names come from the C callback, not the wire')
})
