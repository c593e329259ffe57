// The committed API report (api-report/*.api.md, API Extractor's reading of the built .d.ts of
// every entry point in package.json `exports`) matches the public declarations: a change to the
// public surface without `npm run api:report` fails here, with that command in the message. And
// the check does fail on a stale report (shown on a copy of the smallest one, changed).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SCRIPT = join(REPO, 'scripts/api-report.mjs')

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: REPO, timeout: 240_000 }, (err, stdout, stderr) => {
      done({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr })
    })
  })
}

test('api-report/ is up to date with the public declarations of every entry point', { timeout: 250_000 }, async () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { exports: Record<string, unknown> }
  const typed = Object.values(pkg.exports).filter((e) => typeof e === 'object' && e !== null && 'types' in e).length
  assert.equal(readdirSync(join(REPO, 'api-report')).filter((f) => f.endsWith('.api.md')).length, typed, 'one report per entry point with types')
  const r = await run(['--check'])
  assert.equal(r.code, 0, `${r.stderr}${r.stdout}`)
  assert.match(r.stdout, new RegExp(`${typed} reports up to date`))
})

test('a stale report fails the check and names the command that refreshes it', { timeout: 250_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'api-report-test-'))
  try {
    const file = 'libvirt-async-xdr.api.md'
    const text = readFileSync(join(REPO, 'api-report', file), 'utf8')
    assert.match(text, /export class XdrReader/)
    writeFileSync(join(dir, file), text.replace('export class XdrReader', 'export class XdrReaderRenamed'))
    const r = await run(['--check', '--dir', dir, '--entry', file])
    assert.equal(r.code, 1, r.stdout)
    assert.match(r.stderr, /stale/)
    assert.match(r.stderr, /npm run api:report/)
    assert.match(r.stderr, /XdrReaderRenamed/)
    // and the same copy, refreshed, passes
    assert.equal((await run(['--dir', dir, '--entry', file])).code, 0)
    assert.equal(readFileSync(join(dir, file), 'utf8'), text)
    assert.equal((await run(['--check', '--dir', dir, '--entry', file])).code, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
