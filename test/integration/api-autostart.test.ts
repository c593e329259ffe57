// setAutostart takes a boolean (the wire still carries 0/1): true/false round-trip through
// getAutostart() on a private test-driver daemon, and a number is refused before any call.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { connect, type Connection } from '../../src/index.js'
import { startTestDaemon, type TestDaemon } from '../../src/testing/index.js'

let daemon: TestDaemon
let conn: Connection
before(async () => {
  daemon = await startTestDaemon()
  conn = await connect(daemon.uri)
})
after(async () => {
  await conn?.close()
  await daemon?.stop()
})

interface Autostarting {
  setAutostart(autostart: boolean): Promise<void>
  getAutostart(): Promise<boolean>
}

async function roundTrip(obj: Autostarting): Promise<void> {
  await obj.setAutostart(true)
  assert.equal(await obj.getAutostart(), true)
  await obj.setAutostart(false)
  assert.equal(await obj.getAutostart(), false)
  await obj.setAutostart(true)
  assert.equal(await obj.getAutostart(), true)
  for (const bad of [1, 0, 'true', null, undefined]) {
    await assert.rejects(obj.setAutostart(bad as never), (e: unknown) => e instanceof TypeError && /autostart must be a boolean/.test(e.message))
  }
  // the refused calls changed nothing
  assert.equal(await obj.getAutostart(), true)
}

test('Domain.setAutostart(true/false) round-trips through getAutostart()', async () => {
  const dom = await conn.domainDefineXML(`<domain type='test'><name>autostart-dom</name><memory>8192</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`)
  try {
    await roundTrip(dom)
  } finally {
    await dom.undefine()
  }
})

test('Network.setAutostart(true/false) round-trips through getAutostart()', async () => {
  const net = await conn.networkDefineXML(`<network><name>autostart-net</name><bridge name='virbr-as0'/></network>`)
  try {
    await roundTrip(net)
  } finally {
    await net.undefine()
  }
})

test('StoragePool.setAutostart(true/false) round-trips through getAutostart()', async () => {
  const pool = await conn.storagePoolDefineXML(`<pool type='dir'><name>autostart-pool</name><target><path>/autostart-pool</path></target></pool>`)
  try {
    await roundTrip(pool)
  } finally {
    await pool.undefine()
  }
})
