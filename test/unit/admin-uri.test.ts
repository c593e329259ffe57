// Which admin socket an admin URI names and which URI is the default: libvirt's admin client rules
// (virAdmConnectOpen / getSocketPath / virAdmGetDefaultURI), without a daemon.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { adminSocketPath, resolveAdminUri } from '../../src/admin/admin-uri.js'
import { LibvirtError, VIR_ERR_CONFIG_UNSUPPORTED } from '../../src/index.js'

test('system, session and socket= URIs name libvirt\'s admin sockets', () => {
  const env = { XDG_RUNTIME_DIR: '/run/user/1000' }
  assert.equal(adminSocketPath('libvirtd:///system', env), '/run/libvirt/libvirt-admin-sock')
  assert.equal(adminSocketPath('virtqemud:///system', env), '/run/libvirt/virtqemud-admin-sock')
  assert.equal(adminSocketPath('virtproxyd:///session', env), '/run/user/1000/libvirt/virtproxyd-admin-sock')
  assert.equal(adminSocketPath('libvirtd:///session', {}).endsWith('/.cache/libvirt/libvirt-admin-sock'), true)
  assert.equal(adminSocketPath('anything:///x?socket=/tmp/a%20b', env), '/tmp/a b')
})

test('unknown parameters, schemes and paths are VIR_ERR_CONFIG_UNSUPPORTED with libvirt\'s words', () => {
  const cases: Array<[string, string]> = [
    ['libvirtd:///system?socket=/a&mode=legacy', "Unknown URI parameter 'mode'"],
    ['qemu:///system', "Unsupported URI scheme 'qemu'"],
    ['libvirtd:///default', "Invalid URI path '/default', try '/system'"],
    ['virtqemud://', "Invalid URI path '', try '/system'"],
  ]
  for (const [uri, words] of cases) {
    assert.throws(() => adminSocketPath(uri), (e: unknown) => e instanceof LibvirtError && e.code === VIR_ERR_CONFIG_UNSUPPORTED && e.message === `unsupported configuration: ${words}`, uri)
  }
})

test('default URI: LIBVIRT_ADMIN_DEFAULT_URI, then uri_default, then libvirtd by euid; aliases apply; LIBVIRT_DEFAULT_URI does not', () => {
  const root = process.getuid?.() === 0
  const fallback = root ? 'libvirtd:///system' : 'libvirtd:///session'
  assert.equal(resolveAdminUri(undefined, {}, { LIBVIRT_DEFAULT_URI: 'qemu:///system' }), fallback)
  assert.equal(resolveAdminUri(null, { uriDefault: 'virtqemud:///system' }, {}), 'virtqemud:///system')
  assert.equal(resolveAdminUri('', { uriDefault: 'virtqemud:///system' }, { LIBVIRT_ADMIN_DEFAULT_URI: 'virtnetworkd:///system' }), 'virtnetworkd:///system')
  const config = { uriAliases: ['qemu=virtqemud:///system', 'net=virtnetworkd:///session'] }
  assert.equal(resolveAdminUri('qemu', config, {}), 'virtqemud:///system')
  assert.equal(resolveAdminUri(undefined, { ...config, uriDefault: 'net' }, {}), 'virtnetworkd:///session')
  assert.equal(resolveAdminUri('libvirtd:///system', config, {}), 'libvirtd:///system')
})
