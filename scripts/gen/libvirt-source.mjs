// Generator (dev-only). Finds the libvirt source tree to generate from: $LIBVIRT_SRC, else the
// pinned release (scripts/gen/libvirt-pin.json) in .cache/libvirt, fetched and checked against the
// pinned SHA-256 with fetch-libvirt-source.sh when missing. Never falls back to another release.

import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

/**
 * The pin: libvirt release, Debian suite, orig tarball name, size and SHA-256.
 * @type {{ version: string, suite: string, tarball: string, size: number, sha256: string }}
 */
export const LIBVIRT_PIN = JSON.parse(readFileSync(join(REPO_ROOT, 'scripts/gen/libvirt-pin.json'), 'utf8'))

/** The libvirt release this repository's generated code is pinned to. */
export const PINNED_LIBVIRT_VERSION = LIBVIRT_PIN.version

/** The pinned tarball cannot be fetched (or does not match the pin); `message` says why and what to do. */
export class PinnedLibvirtUnavailableError extends Error {
  name = 'PinnedLibvirtUnavailableError'
}

/** Directory the pinned release unpacks into. */
export function pinnedSourceDir() {
  return join(REPO_ROOT, '.cache/libvirt', `libvirt-${PINNED_LIBVIRT_VERSION}`)
}

// The unpacked tree counts only when fetch-libvirt-source.sh checked its tarball against the pin.
function pinnedTreeReady(dir) {
  try {
    return existsSync(join(dir, 'src/remote/remote_protocol.x')) && readFileSync(join(dir, '.pinned-sha256'), 'utf8').trim() === LIBVIRT_PIN.sha256
  } catch {
    return false
  }
}

/**
 * Path of the libvirt tree to read: $LIBVIRT_SRC, else the pinned release, fetched if needed.
 * @param {{ env?: NodeJS.ProcessEnv, fetch?: boolean }} [opts]
 * @throws {PinnedLibvirtUnavailableError} when the pinned tarball cannot be fetched or fails its check
 */
export function libvirtSourceDir(opts = {}) {
  const env = opts.env ?? process.env
  if (env.LIBVIRT_SRC) {
    const dir = resolve(env.LIBVIRT_SRC)
    if (!existsSync(join(dir, 'src/remote/remote_protocol.x'))) throw new Error(`LIBVIRT_SRC=${dir} is not a libvirt source tree (no src/remote/remote_protocol.x)`)
    return dir
  }
  const dir = pinnedSourceDir()
  if (pinnedTreeReady(dir)) return dir
  if (opts.fetch === false) throw new PinnedLibvirtUnavailableError(`${dir} is missing or unchecked; run scripts/gen/fetch-libvirt-source.sh`)
  const r = spawnSync('bash', [join(REPO_ROOT, 'scripts/gen/fetch-libvirt-source.sh')], { stdio: ['ignore', 'inherit', 'pipe'], cwd: REPO_ROOT, encoding: 'utf8' })
  // apt's own output is passed on; the script's verdict (its last lines) becomes the error message.
  const lines = (r.stderr ?? '').split('\n')
  const verdict = lines.findIndex((l) => l.startsWith('fetch-libvirt-source: the pinned'))
  process.stderr.write(lines.slice(0, verdict < 0 ? undefined : verdict).join('\n'))
  if (r.status === 3) {
    const why = verdict < 0 ? `the pinned libvirt ${PINNED_LIBVIRT_VERSION} cannot be fetched` : lines.slice(verdict).join('\n').trim()
    throw new PinnedLibvirtUnavailableError(why)
  }
  if (r.status !== 0) throw new Error(`scripts/gen/fetch-libvirt-source.sh failed (${r.error?.message ?? `exit ${r.status ?? r.signal}`})`)
  if (!pinnedTreeReady(dir)) throw new Error(`fetching libvirt ${PINNED_LIBVIRT_VERSION} did not produce a checked tree in ${dir}`)
  return dir
}
