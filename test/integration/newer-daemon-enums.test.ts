// Issue 16, "Bad input": enum values a newer daemon may send (a state, a job type, an event type or
// detail this release does not know) decode without error and keep their number, in results and in
// event callbacks; the name lookup says `undefined` for them and the CLI's event naming leaves them as
// numbers. The real daemons of this machine never send such values, so a fake peer
// (test/hostile/fake-daemon.ts) answers the calls here — the one thing it is allowed for.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connect, DomainEventID, DomainEventType, DomainJobType, DomainState, StoragePoolState, enumName, toJson } from '../../src/index.js'
import { REMOTE_PROCEDURES as P } from '../../src/generated/procedures.gen.js'
import { MessageStatus, MessageType } from '../../src/core/limits.js'
import { XdrWriter } from '../../src/xdr/xdr-writer.js'
import { nameLifecycle } from '../../src/cli/event-model.js'
import { buildFrame, startFakeDaemon } from '../hostile/fake-daemon.js'
import { within, AT_ONCE_MS } from '../helpers/bounded.js'

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'
const DOM = { name: 'from-the-future', uuid: UUID, id: 7 }
const POOL = { name: 'pool-of-the-future', uuid: UUID }
/** Values no libvirt of this release defines for the enum in question. */
const NEW_STATE = 99
const NEW_REASON = 1234
const NEW_JOB = 42
const NEW_POOL_STATE = 77
const NEW_EVENT = 99
const NEW_DETAIL = 55

test('a newer daemon\'s enum values: results and event arguments keep their numbers, no error, names are undefined', async () => {
  const daemon = await startFakeDaemon({
    onCall(peer, { header: h }) {
      switch (h.procedure) {
        case P.DOMAIN_LOOKUP_BY_NAME.procedure: return peer.reply(h, P.DOMAIN_LOOKUP_BY_NAME, { dom: DOM })
        case P.DOMAIN_GET_INFO.procedure:
          return peer.reply(h, P.DOMAIN_GET_INFO, { state: NEW_STATE, maxMem: 2048n, memory: 1024n, nrVirtCpu: 2, cpuTime: 5n } as never)
        case P.DOMAIN_GET_STATE.procedure: return peer.reply(h, P.DOMAIN_GET_STATE, { state: NEW_STATE, reason: NEW_REASON })
        case P.DOMAIN_GET_JOB_INFO.procedure:
          return peer.reply(h, P.DOMAIN_GET_JOB_INFO, {
            type: NEW_JOB, timeElapsed: 1n, timeRemaining: 0n, dataTotal: 0n, dataProcessed: 0n, dataRemaining: 0n,
            memTotal: 0n, memProcessed: 0n, memRemaining: 0n, fileTotal: 0n, fileProcessed: 0n, fileRemaining: 0n,
          } as never)
        case P.STORAGE_POOL_LOOKUP_BY_NAME.procedure: return peer.reply(h, P.STORAGE_POOL_LOOKUP_BY_NAME, { pool: POOL })
        case P.STORAGE_POOL_GET_INFO.procedure:
          return peer.reply(h, P.STORAGE_POOL_GET_INFO, { state: NEW_POOL_STATE, capacity: 3n, allocation: 2n, available: 1n } as never)
        case P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY.procedure: {
          peer.reply(h, P.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { callbackID: 1 })
          const w = new XdrWriter()
          P.DOMAIN_EVENT_CALLBACK_LIFECYCLE.encodeArgs!(w, { callbackID: 1, msg: { dom: DOM, event: NEW_EVENT, detail: NEW_DETAIL } })
          const e = P.DOMAIN_EVENT_CALLBACK_LIFECYCLE
          return peer.send(buildFrame({ program: e.program, version: 1, procedure: e.procedure, type: MessageType.MESSAGE, serial: 0, status: MessageStatus.OK }, w.toBuffer()))
        }
        default: return peer.reply(h, null, undefined, { status: MessageStatus.ERROR })
      }
    },
  })
  const callbackErrors: unknown[] = []
  const conn = await connect(daemon.uri, { keepAlive: false, timeout: 10_000, onCallbackError: (e) => callbackErrors.push(e) })
  try {
    const dom = await within(AT_ONCE_MS, conn.domainLookupByName(DOM.name), 'lookup')
    const info = await within(AT_ONCE_MS, dom.getInfo(), 'getInfo')
    assert.equal(info.state, NEW_STATE)
    assert.equal(enumName(DomainState, info.state), undefined)
    assert.equal(info.memory, 1024n) // the rest of the record is intact
    assert.deepEqual(await within(AT_ONCE_MS, dom.getState(), 'getState'), { state: NEW_STATE, reason: NEW_REASON })
    const job = await within(AT_ONCE_MS, dom.getJobInfo(), 'getJobInfo')
    assert.equal(job.type, NEW_JOB)
    assert.equal(enumName(DomainJobType, job.type), undefined)
    const pool = await within(AT_ONCE_MS, conn.storagePoolLookupByName(POOL.name), 'pool lookup')
    const pinfo = await within(AT_ONCE_MS, pool.getInfo(), 'pool getInfo')
    assert.equal(pinfo.state, NEW_POOL_STATE)
    assert.equal(enumName(StoragePoolState, pinfo.state), undefined)
    assert.equal(JSON.parse(toJson(info)).state, NEW_STATE)

    const got = new Promise<[string, number, number]>((resolve) => {
      void conn.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, (_c, d, event, detail) => resolve([d.name, event, detail]))
    })
    const [name, event, detail] = await within(AT_ONCE_MS, got, 'the life-cycle event with a new event type')
    assert.deepEqual([name, event, detail], [DOM.name, NEW_EVENT, NEW_DETAIL])
    assert.equal(enumName(DomainEventType, event), undefined)
    // the CLI names what it knows and leaves a newer daemon's numbers as they are
    assert.deepEqual(nameLifecycle('domain', 'LIFECYCLE', { event, detail }), { event: NEW_EVENT, detail: NEW_DETAIL })
    assert.deepEqual(nameLifecycle('domain', 'LIFECYCLE', { event: DomainEventType.STARTED, detail: NEW_DETAIL }), { event: 'STARTED', detail: NEW_DETAIL })
    assert.deepEqual(callbackErrors, [])
    assert.equal(conn.isAlive(), true)
  } finally {
    await conn.close()
    await daemon.close()
  }
})
