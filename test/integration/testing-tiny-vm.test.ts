// libvirt-async/testing's tinyQemuDomainXml(): the documented recipe works as written — a private
// daemon with the QEMU driver (qemuUri typed as a string when qemu: true), the tiny VM starts and
// its SeaBIOS talks on the serial console; bad options are TypeError/RangeError.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { connect, DomainState, VIR_DOMAIN_START_PAUSED } from '../../src/index.js'
import { startTestDaemon, tinyQemuDomainXml, type QemuTestDaemon } from '../../src/testing/index.js'

const HAS_QEMU = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64')

test('tinyQemuDomainXml: boots, SeaBIOS on the serial console', { skip: HAS_QEMU ? false : 'needs root and qemu-system-x86_64', timeout: 120_000 }, async () => {
  await using daemon = await startTestDaemon({ qemu: true })
  const typed: QemuTestDaemon = daemon
  const uri: string = typed.qemuUri // compiles only because qemu: true types it as present
  await using conn = await connect(uri)
  // Started paused and resumed once the console is open: SeaBIOS prints its banner once per boot
  // (then "No bootable device", and boots again 60 s later), and QEMU drops serial output while
  // nobody holds the console, so a console opened after the guest ran could miss the banner.
  const dom = await conn.domainCreateXML(tinyQemuDomainXml('tiny', { memoryMiB: 48, channel: 'org.example.0' }), VIR_DOMAIN_START_PAUSED)
  assert.equal((await dom.getState()).state, DomainState.PAUSED)
  const xml = await dom.getXMLDesc()
  assert.match(xml, /<memory unit='KiB'>49152<\/memory>/)
  assert.match(xml, /name='org\.example\.0'/)
  const stream = await dom.openConsole(null, 0)
  await dom.resume()
  assert.equal((await dom.getState()).state, DomainState.RUNNING)
  let seen = ''
  const deadline = setTimeout(() => stream.destroy(new Error('no SeaBIOS output within 60 s')), 60_000)
  try {
    for await (const chunk of stream) {
      seen += chunk.toString('latin1')
      if (/SeaBIOS/.test(seen)) break
    }
  } finally {
    clearTimeout(deadline)
  }
  assert.match(seen, /SeaBIOS/)
  await dom.destroy()
})

test('tinyQemuDomainXml: bad input is a TypeError or RangeError; the name is escaped', () => {
  assert.throws(() => tinyQemuDomainXml(''), TypeError)
  assert.throws(() => tinyQemuDomainXml(1 as never), TypeError)
  assert.throws(() => tinyQemuDomainXml('x', { memoryMiB: 8 }), RangeError)
  assert.throws(() => tinyQemuDomainXml('x', { vcpus: 0 }), RangeError)
  assert.throws(() => tinyQemuDomainXml('x', { channel: '' }), TypeError)
  assert.match(tinyQemuDomainXml("a<b'c"), /<name>a&lt;b&apos;c<\/name>/)
})
