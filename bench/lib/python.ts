// Benchmark helpers: runs bench/c_client.py (libvirt's C client through /usr/bin/python3) for
// one scenario. runC() waits for its JSON answer; spawnC() is for scenarios that talk back
// (READY first, then input on stdin), e.g. events and close detection.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ORACLE_PYTHON } from '../../src/testing/oracle.js'

// dist/bench/lib/python.js → <repo>/bench/c_client.py
const SCRIPT = fileURLToPath(new URL('../../../bench/c_client.py', import.meta.url))

export interface CProcess {
  readonly child: ChildProcess
  /** The next JSON line the script prints. */
  next(): Promise<any>
  /** Writes one line to the script's stdin. */
  send(line: string): void
  /** Resolves when the process exits (rejects on a non-zero code). */
  readonly done: Promise<void>
}

export function spawnC(req: Record<string, unknown>): CProcess {
  const child = spawn(ORACLE_PYTHON, [SCRIPT, JSON.stringify(req)], { stdio: ['pipe', 'pipe', 'pipe'] })
  let buf = ''
  let err = ''
  const lines: any[] = []
  const waiters: Array<{ resolve: (v: any) => void; reject: (e: unknown) => void }> = []
  let failure: Error | null = null
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buf += d
    let i
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      if (!line.trim()) continue
      const v = JSON.parse(line)
      const w = waiters.shift()
      if (w) w.resolve(v)
      else lines.push(v)
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d))
  const done = new Promise<void>((resolve, reject) => {
    child.on('close', (code) => {
      if (code === 0) return resolve()
      failure = new Error(`c_client.py ${String(req.scenario)} exited with ${code}: ${err.slice(-2000)}`)
      for (const w of waiters.splice(0)) w.reject(failure)
      reject(failure)
    })
  })
  done.catch(() => {})
  return {
    child,
    done,
    next: () => {
      if (lines.length) return Promise.resolve(lines.shift())
      if (failure) return Promise.reject(failure)
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }))
    },
    send: (line) => void child.stdin!.write(`${line}\n`),
  }
}

/** Runs one scenario to completion; resolves with its (last) JSON answer. */
export async function runC(req: Record<string, unknown>): Promise<any> {
  const p = spawnC(req)
  const v = await p.next()
  await p.done
  return v
}
