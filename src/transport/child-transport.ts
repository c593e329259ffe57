// Layer 3 (transports). A Transport over a child process's stdin/stdout (used by ssh and ext).
// stderr is kept; if the child dies before the connection is closed, the stream fails with
// libvirt's "Cannot recv data: <stderr>" error. destroy() kills the child; so does process exit.

import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { ErrorCode, ErrorDomain, LibvirtError, abortedError } from '../errors.js'
import type { Transport } from './transport.js'

/** How to start the child behind a {@link ChildTransport}. */
export interface ChildTransportOptions {
  /** Program to run (looked up in PATH). */
  command: string
  args: readonly string[]
  /** Environment of the child; default `process.env`. */
  env?: NodeJS.ProcessEnv
  description: string
  secure: boolean
  signal?: AbortSignal
}

/** A Transport whose bytes flow through a child process; `pid` is the child's. */
export interface ChildTransport extends Transport {
  readonly pid: number | undefined
}

/** Bytes of stderr kept for error messages (the tail wins). */
const STDERR_MAX = 8192
/** After SIGTERM, how long a child gets before SIGKILL. */
const KILL_GRACE_MS = 2000

const live = new Set<ChildProcess>()
let exitHookInstalled = false

function trackChild(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (!exitHookInstalled) {
    exitHookInstalled = true
    // A child must not outlive this process either.
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL')
    })
  }
}

/**
 * Spawns `command args` and resolves once it runs, with its stdin/stdout as the transport.
 * Rejects with VIR_ERR_SYSTEM_ERROR when the program cannot be started.
 */
export function spawnChildTransport(opts: ChildTransportOptions): Promise<ChildTransport> {
  return new Promise((resolve, reject) => {
    const { signal } = opts
    if (signal?.aborted) return reject(abortedError(signal.reason))
    const child = spawn(opts.command, [...opts.args], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env })
    const onAbort = (): void => {
      child.kill('SIGKILL')
      reject(abortedError(signal!.reason))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    child.once('error', (err: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', onAbort)
      const why = err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied' : err.message
      reject(LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, `Cannot run '${opts.command}': ${why}`, err))
    })
    child.once('spawn', () => {
      signal?.removeEventListener('abort', onAbort)
      if (signal?.aborted) return
      trackChild(child)
      resolve(wrapChild(child, opts.description, opts.secure))
    })
  })
}

function wrapChild(child: ChildProcess, description: string, secure: boolean): ChildTransport {
  const stdin = child.stdin!
  const stdout = child.stdout!
  const stderr = child.stderr!
  let errText = ''
  let closedByUs = false
  let killTimer: NodeJS.Timeout | null = null

  const stream = new Duplex({
    read() {
      stdout.resume()
    },
    write(chunk: Buffer, _enc, cb) {
      // A write to a dead child fails with EPIPE; the child's exit reports the real cause.
      stdin.write(chunk, () => cb())
    },
    final(cb) {
      stdin.end(cb)
    },
    destroy(err, cb) {
      stop()
      cb(err)
    },
  })

  stdin.on('error', () => {})
  stdout.on('error', () => {})
  stderr.on('error', () => {})
  stderr.setEncoding('utf8')
  stderr.on('data', (s: string) => {
    errText = (errText + s).slice(-STDERR_MAX)
  })
  stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) stdout.pause()
  })
  // 'close' comes after exit and after stdout/stderr are drained, so stderr is complete here.
  child.once('close', (code, sig) => {
    if (killTimer) clearTimeout(killTimer)
    if (closedByUs || stream.destroyed) return
    if (code === 0 && sig === null) {
      stream.push(null)
      return
    }
    const msg = errText.trim().replace(/\r/g, '')
    const status = sig !== null ? `killed by signal ${sig}` : `exit status ${code}`
    const text = msg ? `Cannot recv data: ${msg}: Connection reset by peer` : `End of file while reading data (${status}): Input/output error`
    stream.destroy(LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, text))
  })

  function stop(): void {
    if (closedByUs) return
    closedByUs = true
    stdin.destroy()
    stdout.destroy()
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS)
      killTimer.unref()
    }
  }

  const handles = (): Array<{ ref?(): unknown; unref?(): unknown }> => [child, stdin as unknown as Socket, stdout as unknown as Socket, stderr as unknown as Socket]
  return {
    stream,
    description,
    secure,
    pid: child.pid,
    // The child dying closes its pipe: libvirt's client sees a hang-up (EOF), whatever the exit.
    errorReason: 'EOF',
    ref: () => {
      for (const h of handles()) h.ref?.()
    },
    unref: () => {
      for (const h of handles()) h.unref?.()
    },
    destroy: () => {
      stop()
      stream.destroy()
    },
  }
}
