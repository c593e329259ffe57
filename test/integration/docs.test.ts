// `npm run docs`: TypeDoc builds the API reference of the three public entry points with warnings
// as errors (an undocumented export, a broken link or a public type that is not exported fails
// it); generated methods keep their libvirt.org link; @internal members are stripped from the
// declarations users get (tsconfig.build.json's stripInternal).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)))
const exec = promisify(execFile)

test('npm run docs: the reference of libvirt-async, /testing and /xdr builds with no warning', { timeout: 300_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'docs-'))
  try {
    const r = await exec('npm', ['run', 'docs', '--', '--out', out], { cwd: REPO, timeout: 280_000, maxBuffer: 64 << 20 }).catch((e: { stdout?: string; stderr?: string }) => {
      assert.fail(`npm run docs failed:\n${e.stdout ?? ''}\n${e.stderr ?? ''}`)
    })
    assert.doesNotMatch(`${r.stdout}${r.stderr}`, /\[warning\]/)
    for (const m of ['libvirt-async', 'libvirt-async_testing', 'libvirt-async_xdr']) assert.ok(existsSync(join(out, 'modules', `${m}.html`)), m)
    const domain = readFileSync(join(out, 'classes', 'libvirt-async.Domain.html'), 'utf8')
    assert.match(domain, /href="https:\/\/libvirt\.org\/html\/libvirt-libvirt-domain\.html#virDomainGetInfo"/, 'generated methods keep their libvirt.org link')
    assert.ok(existsSync(join(out, 'functions', 'libvirt-async_testing.tinyQemuDomainXml.html')))
    assert.ok(existsSync(join(out, 'variables', 'libvirt-async.TRACING_CHANNELS.html')))
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})

test('published declarations: @internal members are stripped', { timeout: 300_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'decl-'))
  try {
    await exec(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', join(REPO, 'tsconfig.build.json'), '--outDir', out], { cwd: REPO, timeout: 280_000 })
    const base = readFileSync(join(out, 'src/client/connection-base.d.ts'), 'utf8')
    assert.match(base, /close\(\): Promise<void>/)
    assert.doesNotMatch(base, /get rpc\(\)/, '@internal rpc getter is not in the published declaration')
    const session = readFileSync(join(out, 'src/core/session.d.ts'), 'utf8')
    assert.doesNotMatch(session, /onSerial/, '@internal onSerial is not in the published declaration')
  } finally {
    rmSync(out, { recursive: true, force: true })
  }
})
