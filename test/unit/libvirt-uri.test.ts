import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseLibvirtUri } from '../../src/transport/libvirt-uri.js'
import { parseClientConfig, resolveUri } from '../../src/transport/client-config.js'
import { unixSocketFor } from '../../src/transport/socket-path.js'
import { LibvirtError } from '../../src/errors.js'

test('local URIs: unix transport, name sent to the daemon keeps driver and path', () => {
  const u = parseLibvirtUri('qemu:///system')
  assert.equal(u.transport, 'unix')
  assert.equal(u.driver, 'qemu')
  assert.equal(u.host, null)
  assert.equal(u.openName, 'qemu:///system')
})

test('socket= and mode= are consumed; other params are forwarded', () => {
  const u = parseLibvirtUri('test+unix:///default?socket=/tmp/x%20y/libvirt-sock&mode=legacy&foo=bar')
  assert.equal(u.transport, 'unix')
  assert.equal(u.param('socket'), '/tmp/x y/libvirt-sock')
  assert.equal(u.param('SOCKET'), '/tmp/x y/libvirt-sock')
  assert.equal(u.openName, 'test:///default?foo=bar')
})

test('remote URIs: user, host, port, IPv6; default transport with a host is tls', () => {
  const a = parseLibvirtUri('qemu+ssh://root@host.example:2222/system?keyfile=/k&no_verify=1')
  assert.deepEqual([a.transport, a.user, a.host, a.port, a.openName], ['ssh', 'root', 'host.example', 2222, 'qemu:///system'])
  const b = parseLibvirtUri('qemu://[::1]:16514/system')
  assert.deepEqual([b.transport, b.host, b.port], ['tls', '::1', 16514])
  assert.equal(parseLibvirtUri('remote:///').openName, '')
  assert.equal(parseLibvirtUri('qemu+tcp://h/system?name=qemu:///session').openName, 'qemu:///session')
})

test('test driver file URIs keep the absolute path', () => {
  const u = parseLibvirtUri('test+unix:///tmp/node.xml?socket=/s')
  assert.equal(u.openName, 'test:///tmp/node.xml')
})

test('malformed URIs and unknown transports are VIR_ERR_INVALID_ARG', () => {
  for (const bad of ['not a uri', 'qemu+carrier-pigeon:///system', 'qemu+unix://host/system', 'qemu://h:99999/', 'qemu:///%zz']) {
    assert.throws(() => parseLibvirtUri(bad), (e: unknown) => e instanceof LibvirtError && e.code === 8, bad)
  }
  assert.throws(() => parseLibvirtUri(42 as unknown as string), TypeError)
})

test('client config: uri_default, uri_aliases, LIBVIRT_DEFAULT_URI precedence', () => {
  const cfg = parseClientConfig(`
# comment
uri_default = "qemu:///system"
uri_aliases = [
  "hail=qemu+ssh://root@hail.example/system",
  'sleet=qemu+ssh://root@sleet.example/system',
]
remote_mode = "legacy"
`)
  assert.equal(cfg.uriDefault, 'qemu:///system')
  assert.equal(cfg.remoteMode, 'legacy')
  assert.equal(resolveUri('hail', cfg, {}), 'qemu+ssh://root@hail.example/system')
  assert.equal(resolveUri(undefined, cfg, {}), 'qemu:///system')
  assert.equal(resolveUri(undefined, cfg, { LIBVIRT_DEFAULT_URI: 'sleet' }), 'qemu+ssh://root@sleet.example/system')
  assert.equal(resolveUri('test:///default', cfg, {}), 'test:///default')
  assert.equal(resolveUri(undefined, {}, {}), null)
  assert.throws(() => parseClientConfig('uri_default = '), LibvirtError)
  assert.throws(() => resolveUri('x', { uriAliases: ['bad alias=x'] }, {}), LibvirtError)
})

test('socket choice follows libvirt: socket=, modular vs legacy, read-only, session', () => {
  const none = (): boolean => false
  const only = (...paths: string[]) => (p: string): boolean => paths.includes(p)
  const q = parseLibvirtUri('qemu:///system')
  assert.equal(unixSocketFor(q, { readOnly: false, exists: only('/var/run/libvirt/virtqemud-sock'), euid: 0 }).path, '/var/run/libvirt/virtqemud-sock')
  assert.equal(unixSocketFor(q, { readOnly: false, exists: only('/var/run/libvirt/libvirt-sock'), euid: 0 }).path, '/var/run/libvirt/libvirt-sock')
  assert.equal(unixSocketFor(q, { readOnly: true, exists: only('/var/run/libvirt/libvirt-sock-ro'), euid: 0 }).path, '/var/run/libvirt/libvirt-sock-ro')
  assert.equal(unixSocketFor(parseLibvirtUri('qemu:///system?mode=legacy'), { readOnly: false, exists: only('/var/run/libvirt/virtqemud-sock'), euid: 0 }).path, '/var/run/libvirt/libvirt-sock')
  assert.equal(unixSocketFor(parseLibvirtUri('qemu:///session'), { readOnly: false, exists: none, euid: 1000, env: { XDG_RUNTIME_DIR: '/run/user/1000' } }).path, '/run/user/1000/libvirt/virtqemud-sock')
  assert.equal(unixSocketFor(parseLibvirtUri('test+unix:///default?socket=/x'), { readOnly: false, exists: none }).path, '/x')
  assert.throws(() => unixSocketFor(parseLibvirtUri('qemu:///system?mode=bogus'), { readOnly: false, exists: none }), LibvirtError)
})
