// CLI. Opens what a command talks to: the URI the user gave, or — with none — a private throwaway
// libvirtd (test driver; `--qemu` adds the QEMU driver) that is stopped on exit, Ctrl-C included.
// Failures become CliErrors: 4 when the daemon cannot start (with why and what to do), 1 otherwise.

import { connect } from '../connect.js'
import type { Connection } from '../api/objects.js'
import { startTestDaemon, TestHarnessError, type TestDaemon } from '../testing/index.js'
import { CliError, EXIT } from './exit.js'
import { errorLine } from './format.js'
import { printable } from './text.js'

export interface Target {
  conn: Connection
  uri: string
  /** The embedded daemon, when one was started. */
  daemon: TestDaemon | undefined
  /** Closes the connection (if open) and stops the embedded daemon. Idempotent. */
  dispose(): Promise<void>
}

const SETUP_HINT = 'on Debian 12/13 run `bash scripts/setup.sh` as root to install what is missing, or pass a URI of a running daemon'

/** Starts the embedded daemon, explaining exactly why when it cannot. */
export async function startEmbedded(qemu: boolean): Promise<TestDaemon> {
  if (process.platform !== 'linux') {
    throw new CliError(EXIT.NO_DAEMON, `cannot start the embedded libvirtd: it needs Linux (this is ${process.platform}); pass a URI of a running daemon instead`)
  }
  try {
    return await startTestDaemon({ qemu })
  } catch (err) {
    if (err instanceof TestHarnessError) {
      if (err.code === 'NOT_ROOT') {
        throw new CliError(EXIT.NO_DAEMON, 'cannot start the embedded libvirtd with the QEMU driver: it needs root; run as root, or drop --qemu (the test driver runs unprivileged)')
      }
      throw new CliError(EXIT.NO_DAEMON, `cannot start the embedded libvirtd (${err.code}): ${errorLine(err)}; ${SETUP_HINT}`)
    }
    throw new CliError(EXIT.NO_DAEMON, `cannot start the embedded libvirtd: ${errorLine(err)}; ${SETUP_HINT}`)
  }
}

/** Connects to `uri`, or starts the embedded daemon and connects to it. */
export async function openTarget(uri: string | undefined, opts: { qemu: boolean; quiet?: boolean; testDriver?: boolean }): Promise<Target> {
  let daemon: TestDaemon | undefined
  if (uri === undefined) {
    daemon = await startEmbedded(opts.qemu)
    uri = opts.qemu && daemon.qemuUri && !opts.testDriver ? daemon.qemuUri : daemon.uri
    if (!opts.quiet) process.stderr.write(`libvirt-async: started a private libvirtd (pid ${daemon.pid}); it is stopped on exit\n`)
  }
  let conn: Connection
  try {
    conn = await connect(uri)
  } catch (err) {
    await daemon?.stop().catch(() => {})
    throw new CliError(EXIT.LIBVIRT, `cannot connect to ${printable(uri)}: ${errorLine(err)}`)
  }
  let disposed: Promise<void> | undefined
  const target: Target = {
    conn,
    uri,
    daemon,
    dispose: () =>
      (disposed ??= (async () => {
        if (conn.isAlive()) await conn.close().catch(() => {})
        await daemon?.stop().catch(() => {})
      })()),
  }
  return target
}

/**
 * Ctrl-C / SIGTERM: run `cleanup` (stop the embedded daemon) and exit 130. Returns the uninstaller.
 * A second Ctrl-C exits at once (the harness's own exit hook still kills the daemon).
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  let interrupted = false
  const handler = (): void => {
    if (interrupted) process.exit(EXIT.INTERRUPTED)
    interrupted = true
    process.stderr.write('\nlibvirt-async: interrupted, cleaning up\n')
    void cleanup().finally(() => process.exit(EXIT.INTERRUPTED))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
  return () => {
    process.off('SIGINT', handler)
    process.off('SIGTERM', handler)
  }
}
