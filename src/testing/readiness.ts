// Test harness. Decides when a freshly started daemon is ready: its socket accepts a connection
// and (when virsh is installed) it answers a real RPC. Polls; gives up when the daemon dies or
// the deadline passes. Never leaves a probe process or socket behind.

import { execFile } from 'node:child_process'
import { connect as netConnect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** Resolve true when a unix socket at `path` accepts a connection. */
export function socketAccepts(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(path)
    const done = (ok: boolean): void => {
      clearTimeout(timer)
      s.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    s.once('connect', () => done(true))
    s.once('error', () => done(false))
  })
}

/** Resolve true when `virsh -c uri version` succeeds (the daemon answered RPCs). */
export function virshAnswers(virsh: string, uri: string, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(virsh, ['-c', uri, 'version'], { timeout: timeoutMs, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C' } }, (err) => resolve(!err))
  })
}

/** What to probe and how long to try. */
export interface ReadinessInput {
  socket: string
  uri: string
  virsh: string | undefined
  timeoutMs: number
  /** Returns a reason string once the daemon has died, so waiting stops early. */
  failed: () => string | undefined
}

/** Resolve when ready; reject with the reason (died / timed out) otherwise. */
export async function waitReady(input: ReadinessInput): Promise<void> {
  const deadline = Date.now() + input.timeoutMs
  let pollMs = 10
  for (;;) {
    const why = input.failed()
    if (why) throw new Error(why)
    if (await socketAccepts(input.socket)) {
      // the socket listens before every driver is initialised; a real answer proves readiness
      if (!input.virsh || (await virshAnswers(input.virsh, input.uri))) return
    }
    if (Date.now() >= deadline) throw new Error(`not ready after ${input.timeoutMs} ms`)
    await sleep(pollMs)
    pollMs = Math.min(pollMs * 2, 100)
  }
}
