// Test harness. Process facts read from /proc: whether a PID still runs (a zombie does not
// count — this machine's PID 1 reaps late, so `kill -0` lies), which processes share a mount
// namespace, and waiting for a process to be gone. Linux only, synchronous, never throws.

import { readFileSync, readdirSync, readlinkSync, openSync, fstatSync, closeSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** 'gone' covers both a reaped PID and a zombie (it has exited; only its entry is left). */
export type ProcState = 'running' | 'stopped' | 'gone'

/** The state of `pid` from `/proc/PID/status`. */
export function procState(pid: number): ProcState {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return 'gone'
  }
  const m = /^State:\s+(\S)/m.exec(status)
  const s = m?.[1] ?? 'R'
  if (s === 'Z' || s === 'X') return 'gone'
  if (s === 'T' || s === 't') return 'stopped'
  return 'running'
}

/** True while `pid` exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  return procState(pid) !== 'gone'
}

/** The command name of `pid` (`/proc/PID/comm`), or undefined when it is gone. */
export function procName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return undefined
  }
}

/** The mount-namespace identity of `pid` (e.g. `mnt:[4026532301]`), or undefined. */
export function mountNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/mnt`)
  } catch {
    return undefined
  }
}

/**
 * Keeps `pid`'s mount namespace alive by holding its nsfs file open, and names it by inode. A
 * namespace's inode number is recycled once its last process and last open handle are gone: a
 * sweep by a bare `mnt:[N]` taken after the daemon died could hit another test's new daemon.
 */
export class MountNamespaceHandle {
  readonly id: string
  #fd: number | undefined

  private constructor(fd: number, id: string) {
    this.#fd = fd
    this.id = id
  }

  static open(pid: number): MountNamespaceHandle | undefined {
    try {
      const fd = openSync(`/proc/${pid}/ns/mnt`, 'r')
      return new MountNamespaceHandle(fd, `mnt:[${fstatSync(fd).ino}]`)
    } catch {
      return undefined
    }
  }

  close(): void {
    if (this.#fd === undefined) return
    try {
      closeSync(this.#fd)
    } catch {
      // already closed
    }
    this.#fd = undefined
  }
}

/** Every live PID whose mount namespace is `ns`. */
export function pidsInMountNamespace(ns: string): number[] {
  const out: number[] = []
  let entries: string[]
  try {
    entries = readdirSync('/proc')
  } catch {
    return out
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue
    const pid = Number(e)
    if (pid === process.pid) continue
    if (mountNamespaceOf(pid) === ns && isAlive(pid)) out.push(pid)
  }
  return out
}

/** Send `signal` to `pid`, ignoring "no such process". */
export function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone: nothing to do
  }
}

/** Resolve true once every PID is gone, false if `timeoutMs` passes first. */
export async function waitGone(pids: readonly number[], timeoutMs: number, pollMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (pids.every((p) => !isAlive(p))) return true
    if (Date.now() >= deadline) return false
    await sleep(pollMs)
  }
}
