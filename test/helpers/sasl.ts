// Test helper. A SASL user database made with saslpasswd2 for the private daemon, the Cyrus
// config (/etc/sasl2/libvirt.conf) pointing at it, and one shared check that a connection works:
// list domains, receive a life-cycle event through raw RPC, close.

import { execFileSync } from 'node:child_process'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { CloseReason, type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'

/** Creates `<dir>/passwd.db` with the given users (application name `libvirt`). */
export function makeSaslDb(dir: string, users: Record<string, string>): string {
  const db = join(dir, 'passwd.db')
  for (const [user, password] of Object.entries(users)) {
    execFileSync('saslpasswd2', ['-f', db, '-a', 'libvirt', '-c', '-p', user], { input: password, stdio: ['pipe', 'ignore', 'pipe'] })
  }
  return db
}

/** The daemon's `/etc/sasl2/libvirt.conf` for a sasldb with SCRAM-SHA-256 and PLAIN. */
export function saslConf(db: string, mechs = 'scram-sha-256 plain'): Record<string, string> {
  return { '/etc/sasl2/libvirt.conf': `mech_list: ${mechs}\npwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: ${db}\n` }
}

const EVENT_LIFECYCLE = 0
const EVENT_SUSPENDED = 3

/** Lists domains, registers for life-cycle events, suspends/resumes `test` and sees SUSPENDED, closes. */
export async function exerciseConnection(conn: Connection): Promise<void> {
  const { names } = await conn.call(REMOTE_PROCEDURES.CONNECT_LIST_DEFINED_DOMAINS, { maxnames: 100 })
  const { ids } = await conn.call(REMOTE_PROCEDURES.CONNECT_LIST_DOMAINS, { maxids: 100 })
  assert.ok(Array.isArray(names))
  assert.ok(ids.length >= 1, 'the test driver runs domain "test"')

  const desc = REMOTE_PROCEDURES.DOMAIN_EVENT_CALLBACK_LIFECYCLE
  const seen = new Promise<number>((resolve) => {
    conn.rpc.messageHandler = (h, body) => {
      if (h.procedure !== desc.procedure) return
      const msg = desc.decodeArgs!(new XdrReader(body))
      if (msg.msg.dom.name === 'test') resolve(msg.msg.event)
    }
  })
  const { callbackID } = await conn.call(REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: EVENT_LIFECYCLE, dom: null })
  const { dom } = await conn.call(REMOTE_PROCEDURES.DOMAIN_LOOKUP_BY_NAME, { name: 'test' })
  await conn.call(REMOTE_PROCEDURES.DOMAIN_SUSPEND, { dom })
  try {
    assert.equal(await seen, EVENT_SUSPENDED)
  } finally {
    await conn.call(REMOTE_PROCEDURES.DOMAIN_RESUME, { dom })
  }
  await conn.call(REMOTE_PROCEDURES.CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID })
  await conn.close()
  assert.equal(await conn.closed, CloseReason.CLIENT)
}
