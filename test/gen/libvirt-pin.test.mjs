// Generator tests: fetch-libvirt-source.sh checks the pinned tarball's size and SHA-256 before it
// unpacks anything, and says plainly (exit 3) when the pinned release cannot be used. Run offline in
// a scratch copy of the repository layout, with a tarball built here.
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { LIBVIRT_PIN, REPO_ROOT } from '../../scripts/gen/libvirt-source.mjs'

const dirs = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

// A scratch repo with the script, a pin for release 0.0.1 and that release's tarball in the cache.
function scratch({ corruptSha = false } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'pin-'))
  dirs.push(root)
  mkdirSync(join(root, 'scripts/gen'), { recursive: true })
  copyFileSync(join(REPO_ROOT, 'scripts/gen/fetch-libvirt-source.sh'), join(root, 'scripts/gen/fetch-libvirt-source.sh'))
  const tree = join(root, 'src-tree')
  mkdirSync(join(tree, 'libvirt-0.0.1'), { recursive: true })
  writeFileSync(join(tree, 'libvirt-0.0.1/meson.build'), "project(\n  'libvirt', 'c',\n  version: '0.0.1',\n)\n")
  const cache = join(root, '.cache/libvirt')
  mkdirSync(cache, { recursive: true })
  const tarball = join(cache, 'libvirt_0.0.1.orig.tar.xz')
  execFileSync('tar', ['-C', tree, '-cJf', tarball, 'libvirt-0.0.1'])
  const sha = createHash('sha256').update(readFileSync(tarball)).digest('hex')
  const pin = { version: '0.0.1', suite: 'nowhere', tarball: 'libvirt_0.0.1.orig.tar.xz', size: statSync(tarball).size, sha256: corruptSha ? sha.replace(/^./, (c) => (c === '0' ? '1' : '0')) : sha }
  writeFileSync(join(root, 'scripts/gen/libvirt-pin.json'), JSON.stringify(pin, null, 2) + '\n')
  return { root, cache, tarball, pin }
}

const run = (root) => spawnSync('bash', [join(root, 'scripts/gen/fetch-libvirt-source.sh')], { encoding: 'utf8', timeout: 60_000 })

test('the repository pin names a version, a suite, a tarball, its size and a SHA-256', () => {
  assert.match(LIBVIRT_PIN.version, /^\d+\.\d+\.\d+$/)
  assert.match(LIBVIRT_PIN.suite, /^[a-z]+$/)
  assert.equal(LIBVIRT_PIN.tarball, `libvirt_${LIBVIRT_PIN.version}.orig.tar.xz`)
  assert.ok(Number.isSafeInteger(LIBVIRT_PIN.size) && LIBVIRT_PIN.size > 0)
  assert.match(LIBVIRT_PIN.sha256, /^[0-9a-f]{64}$/)
})

test('a tarball matching the pin is unpacked and stamped with its SHA-256', () => {
  const { root, cache, pin } = scratch()
  const r = run(root)
  assert.equal(r.status, 0, r.stderr)
  assert.equal(readFileSync(join(cache, 'libvirt-0.0.1/.pinned-sha256'), 'utf8').trim(), pin.sha256)
})

test('a tarball whose SHA-256 differs from the pin is refused and removed; nothing is unpacked', () => {
  const { root, cache, tarball, pin } = scratch({ corruptSha: true })
  const r = run(root)
  assert.equal(r.status, 3, r.stderr)
  assert.match(r.stderr, /the pinned libvirt 0\.0\.1 cannot be used: .* not the pinned tarball/)
  assert.match(r.stderr, new RegExp(`SHA-256 ${pin.sha256}`))
  assert.match(r.stderr, /LIBVIRT_SRC/)
  assert.equal(existsSync(tarball), false)
  assert.equal(existsSync(join(cache, 'libvirt-0.0.1')), false)
})
