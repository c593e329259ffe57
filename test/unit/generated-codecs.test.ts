// Unit tests of the generated codecs against golden bytes written by hand from the XDR wire
// layout (RFC 4506 and libvirt's protocol files), plus the limits every decoder and encoder
// enforces. Layer 1 only: no socket, no daemon.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { XdrError } from '../../src/xdr/xdr-error.js'
import { XdrReader } from '../../src/xdr/xdr-reader.js'
import { XdrWriter } from '../../src/xdr/xdr-writer.js'
import * as remote from '../../src/generated/remote.gen.js'
import * as virnet from '../../src/generated/virnet.gen.js'
import { VIRNET_CODECS } from '../../src/generated/virnet-codecs.gen.js'
import { KEEPALIVE_PROCEDURES, LXC_PROCEDURES, PROCEDURES_BY_NUMBER, QEMU_PROCEDURES, REMOTE_PROCEDURES, REMOTE_PROGRAM } from '../../src/generated/procedures.gen.js'
import { DomainEventID, VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_ERROR_NUMBER_NAMES, VIR_UUID_BUFLEN } from '../../src/generated/constants.gen.js'
import { LIBVIRT_PROTOCOL_VERSION } from '../../src/generated/libvirt-version.gen.js'

// Codecs by type name, compiled on first use (lazy-codecs.ts).
const R = remote.REMOTE_CODECS

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

function encode<T>(fn: (w: XdrWriter, v: T) => void, v: T): string {
  const w = new XdrWriter(4)
  fn(w, v)
  return w.toBuffer().toString('hex')
}

function decode<T>(fn: (r: XdrReader) => T, bytes: Buffer): T {
  const r = new XdrReader(bytes)
  const v = fn(r)
  r.done()
  return v
}

/** Encode must give exactly `golden`; decoding `golden` must give back `value`. */
function golden<T>(enc: (w: XdrWriter, v: T) => void, dec: (r: XdrReader) => T, value: T, goldenHex: string): void {
  const bytes = hex(goldenHex)
  assert.equal(encode(enc, value), bytes.toString('hex'))
  assert.deepEqual(decode(dec, bytes), value)
}

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f'
const UUID_HEX = '6695eb01 f6a48304 79aa97f2 502e193f'

test('remote_domain_get_info_ret: unsigned char/short widen to 4 bytes, unsigned hyper beyond 2^53', () => {
  golden(
    R.encoder('RemoteDomainGetInfoRet'),
    R.decoder('RemoteDomainGetInfoRet'),
    { state: 1, maxMem: 2097152n, memory: 1048576n, nrVirtCpu: 2, cpuTime: 9007199254740993n },
    '00000001 0000000000200000 0000000000100000 00000002 0020000000000001',
  )
})

test('remote_nonnull_domain: string with padding, UUID as 16 raw bytes, negative int', () => {
  golden(R.encoder('RemoteNonnullDomain'), R.decoder('RemoteNonnullDomain'), { name: 'vm1', uuid: UUID, id: -1 }, `00000003 766d3100 ${UUID_HEX} ffffffff`)
  // Other spellings of the same UUID encode identically; decoding gives the canonical form.
  for (const spelling of [UUID.replace(/-/g, '').toUpperCase(), UUID.toUpperCase(), ` ${UUID} `, hex(UUID_HEX)]) {
    assert.equal(encode(R.encoder('RemoteNonnullDomain'), { name: 'vm1', uuid: spelling as string, id: -1 }), hex(`00000003 766d3100 ${UUID_HEX} ffffffff`).toString('hex'))
  }
  for (const wrong of ['6695eb01-f6a4-8304-79aa-97f2502e193g', '6695eb01-f6a4-8304-79aa-97f2502e193', '6695eb01-f6a4-8304-79aa-97f2502e19\u0663f', '', null, 42]) {
    assert.throws(() => encode(R.encoder('RemoteNonnullDomain'), { name: 'vm1', uuid: wrong as string, id: -1 }), (e: unknown) => e instanceof TypeError && /^uuid: /.test(e.message), String(wrong))
  }
})

test('remote_typed_param: union arms by discriminant', () => {
  golden(R.encoder('RemoteTypedParam'), R.decoder('RemoteTypedParam'), { field: 'cpu_shares', value: { type: 4, ul: 1024n } }, '0000000a 6370755f 73686172 65730000 00000004 0000000000000400')
  golden(R.encoder('RemoteTypedParam'), R.decoder('RemoteTypedParam'), { field: 'x', value: { type: 7, s: 'abc' } }, '00000001 78000000 00000007 00000003 61626300')
  golden(R.encoder('RemoteTypedParam'), R.decoder('RemoteTypedParam'), { field: 'd', value: { type: 5, d: 1.5 } }, '00000001 64000000 00000005 3ff8000000000000')
  golden(R.encoder('RemoteTypedParam'), R.decoder('RemoteTypedParam'), { field: 'i', value: { type: 1, i: -2 } }, '00000001 69000000 00000001 fffffffe')
})

test('optional string (remote_string) and signed hyper', () => {
  golden(R.encoder('RemoteString'), R.decoder('RemoteString'), null, '00000000')
  golden(R.encoder('RemoteString'), R.decoder('RemoteString'), 'hi', '00000001 00000002 68690000')
  golden(R.encoder('RemoteDomainBlockStatsRet'), R.decoder('RemoteDomainBlockStatsRet'), { rd_req: -1n, rd_bytes: 0n, wr_req: -(2n ** 63n), wr_bytes: 2n ** 63n - 1n, errs: 5n }, 'ffffffffffffffff 0000000000000000 8000000000000000 7fffffffffffffff 0000000000000005')
  // Encoders take safe-integer numbers for hyper too.
  assert.equal(encode(R.encoder('RemoteNodeGetFreeMemoryRet'), { freeMem: 4096 as unknown as bigint }), '0000000000001000')
})

test('arrays of structs and the message header', () => {
  const dom = { name: 'a', uuid: UUID, id: 7 }
  golden(R.encoder('RemoteConnectListAllDomainsRet'), R.decoder('RemoteConnectListAllDomainsRet'), { domains: [dom, dom], ret: 2 }, `00000002 ${`00000001 61000000 ${UUID_HEX} 00000007 `.repeat(2)} 00000002`)
  golden(VIRNET_CODECS.encoder('VirNetMessageHeader'), VIRNET_CODECS.decoder('VirNetMessageHeader'), { prog: REMOTE_PROGRAM, vers: 1, proc: 7, type: virnet.VIR_NET_REPLY, serial: 5, status: virnet.VIR_NET_ERROR }, '20008086 00000001 00000007 00000001 00000005 00000001')
  golden(R.encoder('RemoteError'), R.decoder('RemoteError'), { code: 42, domain: 10, message: 'no', level: 2, dom: null, str1: null, str2: null, str3: null, int1: -1, int2: 0, net: null }, '0000002a 0000000a 00000001 00000002 6e6f0000 00000002 00000000 00000000 00000000 00000000 ffffffff 00000000 00000000')
})

test('decoders enforce declared maxima and refuse truncated or malformed input', () => {
  const tooLong = hex((remote.REMOTE_STRING_MAX + 1).toString(16).padStart(8, '0'))
  assert.throws(() => decode(R.decoder('RemoteNonnullString'), tooLong), { name: 'XdrError', message: /exceeds the declared maximum 4194304/ })
  const tooMany = hex(`${(remote.REMOTE_DOMAIN_LIST_MAX + 1).toString(16).padStart(8, '0')} 00000000`)
  assert.throws(() => decode(R.decoder('RemoteConnectListAllDomainsRet'), tooMany), { name: 'XdrError', message: /exceeds the declared maximum 16384/ })
  // A count within the maximum but beyond the bytes present is refused before allocating.
  assert.throws(() => decode(R.decoder('RemoteConnectListAllDomainsRet'), hex('00004000 00000000')), { name: 'XdrError', message: /exceeds the 4 bytes left/ })
  const info = hex('00000001 0000000000200000 0000000000100000 00000002 0020000000000001')
  for (let n = 0; n < info.length; n++) assert.throws(() => decode(R.decoder('RemoteDomainGetInfoRet'), info.subarray(0, n)), XdrError)
  assert.throws(() => decode(R.decoder('RemoteString'), hex('00000002')), { name: 'XdrError', message: /invalid XDR bool 2/ })
  assert.throws(() => decode(R.decoder('RemoteTypedParamValue'), hex('00000008 00000000')), { name: 'XdrError', message: /invalid discriminant 8/ })
  assert.throws(() => decode(R.decoder('RemoteString'), hex('00000000 00000000')), { name: 'XdrError', message: /trailing/ })
})

test('encoders reject bad values with TypeError/RangeError naming the field', () => {
  const w = new XdrWriter()
  const dom = { name: 'a', uuid: UUID, id: 1 }
  const bad = (fn: () => void, ctor: typeof TypeError | typeof RangeError, message: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof ctor && message.test((e as Error).message))
  }
  const asAny = (v: unknown) => v as never
  bad(() => R.encoder('RemoteDomainGetInfoArgs')(w, asAny({ dom: null })), TypeError, /^dom: expected an object for remote_nonnull_domain, got null/)
  bad(() => R.encoder('RemoteDomainGetInfoArgs')(w, asAny(null)), TypeError, /expected an object/)
  bad(() => R.encoder('RemoteConnectListAllDomainsRet')(w, asAny({ domains: 'x', ret: 0 })), TypeError, /^domains: expected an array/)
  bad(() => R.encoder('RemoteConnectListAllDomainsRet')(w, { domains: new Array(remote.REMOTE_DOMAIN_LIST_MAX + 1).fill(dom), ret: 0 }), RangeError, /^domains: length 16385 exceeds/)
  bad(() => R.encoder('RemoteConnectListAllDomainsRet')(w, asAny({ domains: [{ ...dom, name: 5 }], ret: 0 })), TypeError, /^domains\.name: expected a string/)
  bad(() => R.encoder('RemoteNonnullString')(w, 'x'.repeat(remote.REMOTE_STRING_MAX + 1)), RangeError, /exceeds the declared maximum/)
  bad(() => R.encoder('RemoteDomainGetInfoRet')(w, asAny({ state: -1, maxMem: 0n, memory: 0n, nrVirtCpu: 0, cpuTime: 0n })), RangeError, /^state: -1 is not a valid unsigned int/)
  bad(() => R.encoder('RemoteDomainGetInfoRet')(w, asAny({ state: 0, maxMem: 1.5, memory: 0n, nrVirtCpu: 0, cpuTime: 0n })), RangeError, /^maxMem: /)
  bad(() => R.encoder('RemoteDomainGetInfoRet')(w, asAny({ state: 0, maxMem: 0n, memory: 2n ** 64n, nrVirtCpu: 0, cpuTime: 0n })), RangeError, /^memory: /)
  bad(() => R.encoder('RemoteDomainGetInfoRet')(w, asAny({ state: 0, maxMem: 0n, memory: 0n, nrVirtCpu: '2', cpuTime: 0n })), TypeError, /^nrVirtCpu: /)
  bad(() => R.encoder('RemoteTypedParam')(w, asAny({ field: 'f', value: { type: 9, i: 1 } })), RangeError, /^value: 9 is not a valid type for remote_typed_param_value/)
  bad(() => R.encoder('RemoteTypedParam')(w, asAny({ field: 'f', value: { type: 7, s: null } })), TypeError, /^value\.s: /)
  bad(() => R.encoder('RemoteNonnullDomain')(w, asAny({ name: 'a', uuid: 'zz', id: 1 })), TypeError, /^uuid: not a valid UUID/)
})

test('procedure tables, program numbers and constants', () => {
  assert.equal(LIBVIRT_PROTOCOL_VERSION, '11.3.0')
  assert.deepEqual([Object.keys(REMOTE_PROCEDURES).length, Object.keys(QEMU_PROCEDURES).length, Object.keys(LXC_PROCEDURES).length, Object.keys(KEEPALIVE_PROCEDURES).length], [453, 7, 1, 2])
  const d = REMOTE_PROCEDURES.DOMAIN_GET_INFO
  assert.equal(d.procedure, 16)
  assert.equal(d.cFunction, 'virDomainGetInfo')
  assert.equal(d.encodeArgs, R.encoder('RemoteDomainGetInfoArgs'))
  assert.equal(d.decodeRet, R.decoder('RemoteDomainGetInfoRet'))
  assert.equal(PROCEDURES_BY_NUMBER.get(REMOTE_PROGRAM)?.get(16), d)
  assert.equal(PROCEDURES_BY_NUMBER.get(0x6b656570)?.get(1), KEEPALIVE_PROCEDURES.PING)
  assert.equal(KEEPALIVE_PROCEDURES.PING.encodeArgs, null)
  assert.equal(REMOTE_PROCEDURES.DOMAIN_EVENT_CALLBACK_LIFECYCLE.decodeArgs, R.decoder('RemoteDomainEventCallbackLifecycleMsg'))
  assert.equal(REMOTE_PROCEDURES.DOMAIN_OPEN_CONSOLE.stream, 'both')
  assert.equal(QEMU_PROCEDURES.DOMAIN_MONITOR_COMMAND.cFunction, 'virDomainQemuMonitorCommand')
  assert.equal(VIR_UUID_BUFLEN, 16)
  assert.equal(VIR_DOMAIN_EVENT_ID_LIFECYCLE, 0)
  assert.equal(DomainEventID.NIC_MAC_CHANGE, 27)
  assert.equal(VIR_ERROR_NUMBER_NAMES[38], 'VIR_ERR_SYSTEM_ERROR')
})
