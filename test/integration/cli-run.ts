// Test helper of the cli-*.test.ts files: spawns the built executable (`node dist/src/cli/main.js`)
// as a user would, collects stdout/stderr and the exit code, and can wait for a line to appear.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { dirname, resolve } from 'node:path'

/** The built CLI, found from this compiled file (dist/test/integration → dist/src/cli/main.js). */
export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js')

export interface Run {
  child: ChildProcess
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (128+n for a signal). */
  exit: Promise<number>
  /** Resolves once `re` matches what `stream` printed so far; rejects if the process ends first. */
  waitFor(stream: 'stdout' | 'stderr', re: RegExp): Promise<RegExpMatchArray>
}

/** Single-quotes a word for sh. */
const shq = (w: string): string => `'${w.replace(/'/g, `'\\''`)}'`

/**
 * Starts the CLI on a pseudo-terminal (util-linux `script -qec`): its stdin, stdout and stderr
 * are a TTY; what it prints (both streams, as a terminal shows them) comes on `stdout`, and what
 * is written to `child.stdin` is typed into the terminal.
 */
export function startInPty(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const cmd = [process.execPath, CLI, ...args].map(shq).join(' ')
  return start(args, env, 'pipe', ['script', ['-qec', cmd, '/dev/null']])
}

export function start(args: string[], env: NodeJS.ProcessEnv = {}, stdin: 'ignore' | 'pipe' = 'ignore', via?: [string, string[]]): Run {
  const [file, argv] = via ?? [process.execPath, [CLI, ...args]]
  const child = spawn(file, argv, { env: { ...process.env, LIBVIRT_ASYNC_DEBUG: '', ...env }, stdio: [stdin, 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const waiters: (() => void)[] = []
  const poke = (): void => waiters.forEach((w) => w())
  child.stdout!.setEncoding('utf8').on('data', (d: string) => ((out += d), poke()))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => ((err += d), poke()))
  let done = false
  const exit = new Promise<number>((res) =>
    child.on('close', (code, sig) => {
      done = true
      poke()
      res(code ?? 128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 9))
    }),
  )
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor(stream, re) {
      return new Promise((res, rej) => {
        const check = (): void => {
          const m = (stream === 'stdout' ? out : err).match(re)
          if (m) return res(m)
          if (done) rej(new Error(`process ended without ${re} on ${stream}\nstdout:\n${out}\nstderr:\n${err}`))
        }
        waiters.push(check)
        check()
      })
    },
  }
}

/** Runs the CLI to completion. */
export async function run(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = start(args, env)
  const code = await r.exit
  return { code, stdout: r.stdout(), stderr: r.stderr() }
}

/** No stack trace: no `    at …` frames, and a single line. */
export function isOneLine(stderr: string): boolean {
  return !/\n\s+at /.test(stderr) && stderr.trim().split('\n').length === 1
}
