// Type tests (compiled by `npm run build`, so each @ts-expect-error is enforced): truth-valued
// setters take a boolean, and LibvirtError's code/domain/level carry the generated enum types.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  Domain, ErrorCode, ErrorDomain, ErrorLevel, LibvirtError, Network, NodeDevice, StoragePool,
} from '../../src/index.js'

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const same = <A, B>(ok: Same<A, B>): Same<A, B> => ok

same<Parameters<Domain['setAutostart']>, [autostart: boolean]>(true)
same<Parameters<Domain['setAutostartOnce']>, [autostart: boolean]>(true)
same<Parameters<Network['setAutostart']>, [autostart: boolean]>(true)
same<Parameters<StoragePool['setAutostart']>, [autostart: boolean]>(true)
same<Parameters<NodeDevice['setAutostart']>, [autostart: boolean]>(true)
same<LibvirtError['code'], ErrorCode>(true)
same<LibvirtError['domain'], ErrorDomain>(true)
same<LibvirtError['level'], ErrorLevel>(true)

// never called: only its compilation matters
export function misuse(dom: Domain, net: Network, pool: StoragePool, dev: NodeDevice, err: LibvirtError): void {
  // @ts-expect-error a number is not a truth value any more
  void dom.setAutostart(1)
  // @ts-expect-error a number is not a truth value any more
  void dom.setAutostartOnce(0)
  // @ts-expect-error a number is not a truth value any more
  void net.setAutostart(1)
  // @ts-expect-error a number is not a truth value any more
  void pool.setAutostart(0)
  // @ts-expect-error a number is not a truth value any more
  void dev.setAutostart(1)
  // @ts-expect-error an ErrorCode is not assignable from a string
  const c: ErrorCode = 'NO_DOMAIN'
  // @ts-expect-error a domain value is not a level
  const l: ErrorLevel = err.domain
  void c, l
  void dom.setAutostart(true)
  const ok: boolean = err.code === ErrorCode.NO_DOMAIN && err.domain === ErrorDomain.QEMU && err.level === ErrorLevel.ERROR
  void ok
}

test('LibvirtError keeps the daemon\'s numbers at run time (enum types only)', () => {
  const e = new LibvirtError({ code: 42, domain: 10, message: 'x' })
  assert.equal(e.code, ErrorCode.NO_DOMAIN)
  assert.equal(e.domain, ErrorDomain.QEMU)
  assert.equal(e.level, ErrorLevel.ERROR)
  // a newer daemon's code this release does not know still arrives as its number
  const n = new LibvirtError({ code: 9999, domain: 999, level: 7, message: 'y' })
  assert.equal(n.code as number, 9999)
  assert.equal(n.domain as number, 999)
  assert.equal(n.level as number, 7)
  assert.equal(n.codeName, 'VIR_ERR_9999')
})
