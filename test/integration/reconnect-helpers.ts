// Shared by the reconnect tests: cutting our connection from the daemon's side through its admin
// socket (virt-admin's interactive shell, one process for many commands), counting the procedures
// every RPC client of this process sends, and waiting with an explicit bound.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { RpcClient } from '../../src/client/rpc-client.js'
import type { TestDaemon } from '../../src/testing/index.js'

/** Resolves once `pred()` holds; rejects after `timeoutMs` (turns a hang into a readable failure). */
export async function waitFor(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

/** `p`, or a rejection naming `what` after `ms`: every promise a test awaits has its own bound. */
export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms)))])
  } finally {
    clearTimeout(timer)
  }
}

/** A long-lived `virt-admin` shell on the daemon's admin socket. */
export class AdminShell {
  readonly #proc: ChildProcessWithoutNullStreams
  #out = ''
  #waiting: { resolve: (s: string) => void } | null = null
  #queue: Promise<unknown> = Promise.resolve()

  constructor(daemon: TestDaemon) {
    this.#proc = spawn('virt-admin', ['-q', '-c', `libvirtd:///system?socket=${daemon.adminSocket}`], { stdio: ['pipe', 'pipe', 'pipe'] })
    this.#proc.stdout.on('data', (b: Buffer) => {
      this.#out += b.toString()
      this.#check()
    })
    this.#proc.stderr.on('data', () => {})
    // the shell prints a prompt when it starts: commands go after it
    this.#queue = new Promise<string>((resolve) => (this.#waiting = { resolve }))
  }

  #check(): void {
    // the shell prints its prompt when a command is done
    const i = this.#out.lastIndexOf('virt-admin # ')
    if (i < 0 || !this.#waiting) return
    const text = this.#out.slice(0, i)
    this.#out = this.#out.slice(i + 'virt-admin # '.length)
    const w = this.#waiting
    this.#waiting = null
    w.resolve(text)
  }

  /** Runs one command and resolves with what it printed. */
  run(command: string): Promise<string> {
    const next = this.#queue.then(
      () =>
        new Promise<string>((resolve) => {
          this.#waiting = { resolve }
          this.#proc.stdin.write(`${command}\n`)
          this.#check()
        }),
    )
    this.#queue = next.catch(() => {})
    return within(10_000, `virt-admin ${command}`, next)
  }

  /** Ids of the clients connected to the daemon's main server. */
  async clients(): Promise<number[]> {
    const text = await this.run('srv-clients-list libvirtd')
    return [...text.matchAll(/^\s*(\d+)\s+unix/gm)].map((m) => Number(m[1]))
  }

  /** Disconnects every client of the main server (our connections: the daemon is private). */
  async disconnectAll(): Promise<number> {
    const ids = await this.clients()
    for (const id of ids) await this.run(`client-disconnect libvirtd ${id}`)
    return ids.length
  }

  /** Disconnects one client by id (no listing: for tight loops). */
  async disconnect(id: number): Promise<void> {
    await this.run(`client-disconnect libvirtd ${id}`)
  }

  close(): void {
    this.#proc.stdin.end()
    this.#proc.kill()
  }
}

/** Counts the procedures (by name) every RpcClient of this process sends, until `stop()`. */
export function countProcedures(): { counts: Map<string, number>; registers(): number; reset(): void; stop(): void } {
  const counts = new Map<string, number>()
  const orig = RpcClient.prototype.call
  RpcClient.prototype.call = function (this: RpcClient, desc, args, options) {
    counts.set(desc.name, (counts.get(desc.name) ?? 0) + 1)
    return orig.call(this, desc as never, args as never, options) as never
  } as typeof orig
  return {
    counts,
    /** Event registrations sent: every *_REGISTER_ANY of the five families and the QEMU monitor one. */
    registers: () => [...counts].filter(([n]) => /(?<!DE)REGISTER(_ANY)?$/.test(n) && /EVENT/.test(n)).reduce((a, [, c]) => a + c, 0),
    reset: () => counts.clear(),
    stop: () => {
      RpcClient.prototype.call = orig
    },
  }
}
