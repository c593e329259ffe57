// CLI `upload [URI] <pool> <volume> <file>` and `download [URI] <pool> <volume> <file>`: a local
// file to or from a storage volume, with a progress bar on a terminal, `--sparse` to send holes
// as holes. A download goes to a temporary name beside the target and is renamed into place
// only when complete; an existing target is refused without --force. Local files are checked
// before anything is sent, so bad input costs no connection and leaves nothing behind.

import { createReadStream, createWriteStream, existsSync, statSync, renameSync, rmSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { StoragePool } from '../../api/objects.js'
import type { StorageVol } from '../../api/objects.js'
import { VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM } from '../../generated/constants.gen.js'
import { sparseFileItems, writeSparseFile } from '../../streams/sparse.js'
import { isStreamHole } from '../../streams/stream.js'
import { parseCommand } from '../args.js'
import { CliError, EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { LOOKUPS } from '../methods.js'
import { Progress, counter, formatBytes } from '../progress.js'
import { onInterrupt, openTarget } from '../target.js'
import { printable } from '../text.js'

const COMMON_OPTIONS = `Options:
  -c, --connect URI   the daemon (or give the URI as the first argument)
      --sparse        holes (runs of zero blocks) travel as holes, not as zero bytes
      --qemu          embedded daemon with the QEMU driver (root); its storage driver holds the pools
  -h, --help          this help`

export const UPLOAD_HELP = `Usage: libvirt-async upload [URI] <pool> <volume> <file> [--sparse]

Writes a local file into a storage volume (virStorageVolUpload) from its start. The pool is
named by name or UUID, the volume by its name in that pool. On a terminal a progress line shows
bytes, rate and time left on stderr; when stderr is not a terminal nothing is printed.

Example:
  $ libvirt-async upload qemu:///system default disk.qcow2 ./disk.qcow2 --sparse
  upload [########################] 100% 2.0 GiB / 2.0 GiB  410.3 MiB/s  ETA 0:00

${COMMON_OPTIONS}

${EXIT_CODES_HELP}`

export const DOWNLOAD_HELP = `Usage: libvirt-async download [URI] <pool> <volume> <file> [--sparse] [--force]

Reads a whole storage volume into a local file (virStorageVolDownload). The data goes to a
temporary file beside <file>, renamed to <file> only when the download is complete: an
interrupted or failed download leaves nothing behind. An existing <file> is refused unless
--force is given. With --sparse, holes stay unallocated in the local file.

Example:
  $ libvirt-async download qemu:///system default disk.qcow2 ./backup.qcow2
  download [############............]  50% 1.0 GiB / 2.0 GiB  395.0 MiB/s  ETA 0:02

${COMMON_OPTIONS}
      --force         replace an existing <file>

${EXIT_CODES_HELP}`

async function findVolume(conn: Parameters<NonNullable<typeof LOOKUPS.StoragePool>>[0], pool: string, volume: string): Promise<StorageVol> {
  const p = (await LOOKUPS.StoragePool!(conn, pool)) as StoragePool
  return p.storageVolLookupByName(volume)
}

function parseTransfer(argv: string[], what: 'upload' | 'download'): ReturnType<typeof parseCommand> | null {
  const args = parseCommand(argv, { sparse: { type: 'boolean' }, ...(what === 'download' ? { force: { type: 'boolean' } } : {}) })
  if (args.help) {
    process.stdout.write(`${what === 'upload' ? UPLOAD_HELP : DOWNLOAD_HELP}\n`)
    return null
  }
  if (args.positionals.length !== 3) throw usage(`${what} needs <pool> <volume> <file> (got ${args.positionals.length} argument${args.positionals.length === 1 ? '' : 's'}; see --help)`)
  return args
}

export async function uploadCommand(argv: string[]): Promise<number> {
  const args = parseTransfer(argv, 'upload')
  if (!args) return EXIT.OK
  const [pool, volume, file] = args.positionals as [string, string, string]
  let size: number
  try {
    const st = statSync(file)
    if (!st.isFile()) throw new CliError(EXIT.FILE, `cannot upload ${printable(file)}: not a regular file`)
    size = st.size
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(EXIT.FILE, `cannot upload ${printable(file)}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : printable((err as Error).message)}`)
  }
  const sparse = args.values.sparse === true
  const target = await openTarget(args.uri, { qemu: args.qemu, quiet: true })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    const vol = await findVolume(target.conn, pool, volume)
    const progress = new Progress('upload', size)
    if (sparse) {
      const stream = await vol.upload(0, 0, VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM)
      await pipeline(Readable.from(sparseFileItems(file)), counter(progress, true), stream)
    } else {
      const stream = await vol.upload(0, size, 0)
      await pipeline(createReadStream(file), counter(progress), stream)
    }
    progress.done()
    if (!process.stderr.isTTY) process.stderr.write(`libvirt-async: uploaded ${formatBytes(size)} to ${printable(pool)}/${printable(volume)}\n`)
    return EXIT.OK
  } finally {
    await target.dispose()
    uninstall()
  }
}

/** Items of a sparse download, counted as they go by (errors of the stream propagate). */
async function* counted(source: AsyncIterable<unknown>, progress: Progress): AsyncGenerator<unknown> {
  for await (const item of source) {
    if (isStreamHole(item)) progress.add(Number(item.hole))
    else if (item instanceof Uint8Array) progress.add(item.length)
    yield item
  }
}

export async function downloadCommand(argv: string[]): Promise<number> {
  const args = parseTransfer(argv, 'download')
  if (!args) return EXIT.OK
  const [pool, volume, file] = args.positionals as [string, string, string]
  const force = args.values.force === true
  if (existsSync(file) && !force) throw new CliError(EXIT.FILE, `${printable(file)} exists; pass --force to replace it`)
  const dir = dirname(file)
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new CliError(EXIT.FILE, `cannot download to ${printable(file)}: ${printable(dir)} is not a directory`)
  if (existsSync(file) && !statSync(file).isFile()) throw new CliError(EXIT.FILE, `cannot download to ${printable(file)}: not a regular file`)
  const sparse = args.values.sparse === true
  const temp = join(dir, `.${basename(file)}.${process.pid}.part`)
  const target = await openTarget(args.uri, { qemu: args.qemu, quiet: true })
  const uninstall = onInterrupt(async () => {
    rmSync(temp, { force: true })
    await target.dispose()
  })
  try {
    const vol = await findVolume(target.conn, pool, volume)
    const { capacity } = await vol.getInfo()
    const progress = new Progress('download', Number(capacity))
    if (sparse) {
      const stream = await vol.download(0, 0, VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM, { holes: 'objects' })
      await writeSparseFile(counted(stream, progress), temp)
    } else {
      const stream = await vol.download(0, 0, 0)
      await pipeline(stream, counter(progress), createWriteStream(temp, { mode: 0o600 }))
    }
    renameSync(temp, file)
    progress.done()
    if (!process.stderr.isTTY) process.stderr.write(`libvirt-async: downloaded ${formatBytes(progress.bytes)} to ${printable(file)}\n`)
    return EXIT.OK
  } finally {
    rmSync(temp, { force: true })
    await target.dispose()
    uninstall()
  }
}
