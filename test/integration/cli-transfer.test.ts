// `libvirt-async upload` / `download` against a private libvirtd's dir pool (root: the storage
// driver comes with the QEMU-enabled daemon): byte-identical round trips, a progress line with
// bytes, rate and ETA on a pseudo-terminal (script -qec) and none when piped, --sparse keeping
// holes, downloads that never leave a partial file, and --force.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { connect, type Connection } from '../../src/index.js'
import { startTestDaemon, type QemuTestDaemon } from '../../src/testing/index.js'
import { HAS_QEMU, createVolume, startDirPool } from './streams-fixtures.js'
import { isOneLine, run, startInPty } from './cli-run.js'

const MiB = 1024 * 1024

describe('cli upload and download', { skip: !HAS_QEMU && 'needs root (the daemon\'s storage driver)' }, () => {
  let daemon: QemuTestDaemon
  let conn: Connection
  let work: string
  let uri: string
  before(async () => {
    daemon = await startTestDaemon({ qemu: true })
    uri = daemon.qemuUri
    conn = await connect(uri)
    work = join(daemon.dir, 'work')
    mkdirSync(work, { recursive: true })
    await startDirPool(conn, daemon.dir, 'cli-pool')
  })
  after(async () => {
    await conn?.close()
    await daemon?.stop()
  })

  it('upload on a terminal: progress with bytes, percentage, rate and ETA; the volume holds the file', async () => {
    const { path: volPath } = await createVolume(conn, (await conn.storagePoolLookupByName('cli-pool')).wire, 'tty.raw', 8 * MiB)
    const src = join(work, 'tty-src.img')
    const data = randomBytes(8 * MiB)
    writeFileSync(src, data)
    const r = startInPty(['upload', uri, 'cli-pool', 'tty.raw', src])
    assert.equal(await r.exit, 0, r.stdout())
    assert.match(r.stdout(), /upload \[#{8,24}\] 100% 8\.0 MiB \/ 8\.0 MiB {2}[\d.]+ (B|KiB|MiB|GiB)\/s {2}ETA \d+:\d\d/)
    assert.ok(readFileSync(volPath).equals(data), 'the volume holds the uploaded bytes')
  })

  it('upload and download piped: no progress line, a summary; download byte-identical, no temporary file left', async () => {
    await createVolume(conn, (await conn.storagePoolLookupByName('cli-pool')).wire, 'piped.raw', 4 * MiB)
    const src = join(work, 'piped-src.img')
    const data = randomBytes(4 * MiB)
    writeFileSync(src, data)
    const up = await run(['upload', uri, 'cli-pool', 'piped.raw', src])
    assert.equal(up.code, 0, up.stderr)
    assert.ok(!up.stderr.includes('\r') && !up.stderr.includes('ETA'), `no progress when piped: ${JSON.stringify(up.stderr)}`)
    assert.equal(up.stderr, 'libvirt-async: uploaded 4.0 MiB to cli-pool/piped.raw\n')
    const dst = join(work, 'piped-dst.img')
    const down = await run(['download', uri, 'cli-pool', 'piped.raw', dst])
    assert.equal(down.code, 0, down.stderr)
    assert.ok(readFileSync(dst).equals(data), 'downloaded bytes are identical')
    assert.deepEqual(readdirSync(work).filter((f) => f.includes('.part')), [], 'no temporary file left')
  })

  it('download over an existing file: refused without --force (untouched), replaced with it', async () => {
    await createVolume(conn, (await conn.storagePoolLookupByName('cli-pool')).wire, 'force.raw', 1 * MiB)
    const dst = join(work, 'force-dst.img')
    writeFileSync(dst, 'old contents')
    const refused = await run(['download', uri, 'cli-pool', 'force.raw', dst])
    assert.equal(refused.code, 5)
    assert.ok(isOneLine(refused.stderr), refused.stderr)
    assert.equal(readFileSync(dst, 'utf8'), 'old contents')
    const forced = await run(['download', uri, 'cli-pool', 'force.raw', dst, '--force'])
    assert.equal(forced.code, 0, forced.stderr)
    assert.equal(statSync(dst).size, 1 * MiB)
  })

  it('a failed download (no such volume) exits 1 in one line and writes nothing', async () => {
    const dst = join(work, 'never.img')
    const r = await run(['download', uri, 'cli-pool', 'no-such.raw', dst])
    assert.equal(r.code, 1)
    assert.ok(isOneLine(r.stderr), r.stderr)
    assert.match(r.stderr, /VIR_ERR_NO_STORAGE_VOL/)
    assert.deepEqual(readdirSync(work).filter((f) => f.startsWith('never') || f.startsWith('.never')), [])
  })

  it('--sparse both ways: same bytes, holes kept in the volume and in the downloaded file', async () => {
    const { path: volPath } = await createVolume(conn, (await conn.storagePoolLookupByName('cli-pool')).wire, 'sparse.raw', 8 * MiB)
    const src = join(work, 'sparse-src.img')
    const fd = openSync(src, 'w')
    writeSync(fd, randomBytes(64 * 1024), 0, 64 * 1024, 2 * MiB)
    ftruncateSync(fd, 8 * MiB)
    closeSync(fd)
    const srcBlocks = statSync(src).blocks
    const up = await run(['upload', uri, 'cli-pool', 'sparse.raw', src, '--sparse'])
    assert.equal(up.code, 0, up.stderr)
    assert.ok(readFileSync(volPath).equals(readFileSync(src)))
    assert.ok(statSync(volPath).blocks <= srcBlocks + 8, `volume sparse: ${statSync(volPath).blocks} vs ${srcBlocks} blocks`)
    const dst = join(work, 'sparse-dst.img')
    const down = startInPty(['download', uri, 'cli-pool', 'sparse.raw', dst, '--sparse'])
    assert.equal(await down.exit, 0, down.stdout())
    assert.match(down.stdout(), /download \[#{8,24}\] 100% 8\.0 MiB \/ 8\.0 MiB/)
    assert.ok(readFileSync(dst).equals(readFileSync(src)), 'same bytes')
    assert.ok(statSync(dst).blocks <= srcBlocks + 8, `download sparse: ${statSync(dst).blocks} vs ${srcBlocks} blocks`)
  })
})
