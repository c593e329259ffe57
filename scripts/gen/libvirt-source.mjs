// Generator (dev-only). Finds the libvirt source tree to generate from: $LIBVIRT_SRC, else the
// pinned release in .cache/libvirt, fetched with fetch-libvirt-source.sh when missing.

import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The libvirt release this repository's generated code is pinned to. */
export const PINNED_LIBVIRT_VERSION = '11.3.0'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * Path of the libvirt tree to read, fetching the pinned release if needed.
 * @param {{ env?: NodeJS.ProcessEnv, fetch?: boolean }} [opts]
 */
export function libvirtSourceDir(opts = {}) {
  const env = opts.env ?? process.env
  if (env.LIBVIRT_SRC) {
    const dir = resolve(env.LIBVIRT_SRC)
    if (!existsSync(join(dir, 'src/remote/remote_protocol.x'))) throw new Error(`LIBVIRT_SRC=${dir} is not a libvirt source tree (no src/remote/remote_protocol.x)`)
    return dir
  }
  const dir = join(REPO_ROOT, '.cache/libvirt', `libvirt-${PINNED_LIBVIRT_VERSION}`)
  if (existsSync(join(dir, 'src/remote/remote_protocol.x'))) return dir
  if (opts.fetch === false) throw new Error(`${dir} is missing; run scripts/gen/fetch-libvirt-source.sh`)
  execFileSync('bash', [join(REPO_ROOT, 'scripts/gen/fetch-libvirt-source.sh'), PINNED_LIBVIRT_VERSION], { stdio: 'inherit', cwd: REPO_ROOT })
  if (!existsSync(join(dir, 'src/remote/remote_protocol.x'))) throw new Error(`fetching libvirt ${PINNED_LIBVIRT_VERSION} did not produce ${dir}`)
  return dir
}
