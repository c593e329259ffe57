// Test harness. Decides when a freshly started daemon is ready: its socket accepts a connection
// and our own client can open a connection (auth, CONNECT_OPEN) and close it again. Polls; gives
// up when the daemon dies or the deadline passes. Never leaves a probe connection behind.

import { connect as netConnect } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { connect } from '../index.js'

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

/** Resolve true when our client opens `uri` (the daemon answered RPCs) and closes it again. */
export async function clientAnswers(uri: string, timeoutMs = 5000): Promise<boolean> {
  try {
    const conn = await connect(uri, { keepAlive: false, timeout: timeoutMs })
    await conn.close()
    return true
  } catch {
    return false
  }
}

/** What to probe and how long to try. */
export interface ReadinessInput {
  socket: string
  uri: string
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
      if (await clientAnswers(input.uri)) return
    }
    if (Date.now() >= deadline) throw new Error(`not ready after ${input.timeoutMs} ms`)
    await sleep(pollMs)
    pollMs = Math.min(pollMs * 2, 100)
  }
}
