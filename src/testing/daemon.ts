// Test harness (libvirt-async/testing). Starts a private, real libvirtd for tests — test driver
// only by default, QEMU on request — and promises it is gone afterwards: stop(), process exit
// and SIGINT/SIGTERM all end the daemon and every QEMU it started, and remove its temp dir.

import '../dispose-symbol.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, resolve } from 'node:path'
import { registerCleanup } from './cleanup.js'
import { type ConfValue, daemonConfDefaults, qemuConfDefaults, renderConf } from './conf.js'
import { TestHarnessError } from './errors.js'
import { planLaunch } from './launch.js'
import { MountNamespaceHandle, isAlive, mountNamespaceOf, pidsInMountNamespace, procName, signalQuietly, waitGone } from './proc.js'
import { waitReady } from './readiness.js'
import { checkRequirements, type DaemonPrograms } from './requirements.js'
import { socketUri } from './uri.js'

/** Options of {@link startTestDaemon}. Unknown keys are rejected with a TypeError. */
export interface TestDaemonOptions {
  /** Also load the QEMU driver (root only): `qemuUri` then reaches real VMs. Default false. */
  qemu?: boolean
  /** State dir to use (kept after stop). Default: a fresh temp dir, removed by stop(). */
  dir?: string
  /** Extra libvirtd.conf settings, e.g. `{ max_client_requests: 2, auth_unix_rw: 'sasl' }`. */
  config?: Record<string, ConfValue>
  /** Extra qemu.conf settings (with `qemu: true`). */
  qemuConfig?: Record<string, ConfValue>
  /** Start with `--listen` (TCP/TLS per `config`); the daemon then shares the host's network. */
  listen?: boolean
  /** Extra environment for the daemon (it otherwise gets a minimal one). */
  env?: Record<string, string>
  /**
   * Files the daemon sees under /etc, /var or /run (root only; they exist only inside its private
   * mount namespace), e.g. `{ '/etc/sasl2/libvirt.conf': '…' }`.
   */
  files?: Record<string, string>
  /** How long to wait for the first answer. Default 30000 ms. */
  startTimeoutMs?: number
  /** How long stop() waits after SIGTERM before SIGKILL. Default 10000 ms. */
  stopTimeoutMs?: number
}

const OPTION_KEYS = new Set(['qemu', 'dir', 'config', 'qemuConfig', 'listen', 'env', 'files', 'startTimeoutMs', 'stopTimeoutMs'])
const OVERLAID = ['/etc', '/var', '/run']

function under(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(`${r}/`))
}

function validate(options: unknown): TestDaemonOptions {
  if (options === undefined) return {}
  if (options === null || typeof options !== 'object') throw new TypeError('startTestDaemon options must be an object')
  const o = options as Record<string, unknown>
  for (const k of Object.keys(o)) {
    if (!OPTION_KEYS.has(k)) throw new TypeError(`startTestDaemon: unknown option ${JSON.stringify(k)}`)
  }
  for (const k of ['qemu', 'listen'] as const) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new TypeError(`startTestDaemon: ${k} must be a boolean`)
  }
  if (o.dir !== undefined && (typeof o.dir !== 'string' || o.dir === '')) throw new TypeError('startTestDaemon: dir must be a non-empty string')
  for (const k of ['config', 'qemuConfig', 'env', 'files'] as const) {
    if (o[k] !== undefined && (o[k] === null || typeof o[k] !== 'object' || Array.isArray(o[k]))) {
      throw new TypeError(`startTestDaemon: ${k} must be an object`)
    }
  }
  for (const k of ['env', 'files'] as const) {
    for (const [key, v] of Object.entries((o[k] ?? {}) as object)) {
      if (typeof v !== 'string') throw new TypeError(`startTestDaemon: ${k}[${JSON.stringify(key)}] must be a string`)
    }
  }
  for (const k of ['startTimeoutMs', 'stopTimeoutMs'] as const) {
    const v = o[k]
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) {
      throw new RangeError(`startTestDaemon: ${k} must be a positive number`)
    }
  }
  return o as TestDaemonOptions
}

function tail(path: string, max = 3000): string {
  try {
    const s = readFileSync(path, 'utf8')
    return s.length > max ? `…${s.slice(-max)}` : s
  } catch {
    return ''
  }
}

/**
 * A running private libvirtd. Get one with {@link startTestDaemon}; end it with {@link TestDaemon.stop}
 * (or `await using`). All paths are absolute; all URIs pass the socket explicitly.
 */
export class TestDaemon {
  /** State dir: config, sockets (`run/`), logs. */
  readonly dir: string
  /** Read-write unix socket. */
  readonly socket: string
  /** Read-only unix socket. */
  readonly roSocket: string
  /** Admin socket (virt-admin protocol). */
  readonly adminSocket: string
  /** `test+unix:///default?socket=…`: the daemon's shared test-driver state. */
  readonly uri: string
  /** The same over the read-only socket. */
  readonly roUri: string
  /** `qemu+unix:///system?socket=…` when started with `qemu: true`, else undefined. */
  readonly qemuUri: string | undefined
  /** The daemon's own log (log_outputs, level 3 = warnings and errors). */
  readonly logFile: string
  /** The daemon's stdout and stderr. */
  readonly outputFile: string
  /** True when the daemon runs in a private mount (and maybe network) namespace. */
  readonly namespaced: boolean

  #opts: TestDaemonOptions
  #programs: DaemonPrograms
  #ownsDir: boolean
  #child: ChildProcess | undefined
  #childExit: string | undefined
  #pid = 0
  #mountNs: MountNamespaceHandle | undefined
  #unregister: (() => void) | undefined
  #stopping: Promise<void> | undefined
  #nodeCount = 0

  /** @internal use startTestDaemon() */
  constructor(opts: TestDaemonOptions, programs: DaemonPrograms, dir: string, ownsDir: boolean, namespaced: boolean) {
    this.#opts = opts
    this.#programs = programs
    this.dir = dir
    this.#ownsDir = ownsDir
    this.namespaced = namespaced
    this.socket = join(dir, 'run', 'libvirt-sock')
    this.roSocket = join(dir, 'run', 'libvirt-sock-ro')
    this.adminSocket = join(dir, 'run', 'libvirt-admin-sock')
    this.uri = socketUri('test', '/default', this.socket)
    this.roUri = socketUri('test', '/default', this.roSocket)
    this.qemuUri = opts.qemu ? socketUri('qemu', '/system', this.socket) : undefined
    this.logFile = join(dir, 'libvirtd.log')
    this.outputFile = join(dir, 'libvirtd.out')
  }

  /** PID of the libvirtd process itself (the one to signal in fault tests). */
  get pid(): number {
    return this.#pid
  }

  /** True while the libvirtd process exists and is not a zombie. */
  get running(): boolean {
    return this.#pid > 0 && isAlive(this.#pid)
  }

  /** Send a signal to libvirtd (default SIGKILL: the "daemon died" fault). */
  kill(signal: NodeJS.Signals | number = 'SIGKILL'): void {
    // after stop() the PID may already belong to another process: never signal it
    if (this.#pid > 0 && !this.#stopping && procName(this.#pid) === 'libvirtd') signalQuietly(this.#pid, signal as NodeJS.Signals)
  }

  /** SIGSTOP libvirtd: it keeps its sockets but answers nothing (the keepalive fault). */
  freeze(): void {
    this.kill('SIGSTOP')
  }

  /** SIGCONT a frozen libvirtd. */
  thaw(): void {
    this.kill('SIGCONT')
  }

  /** The daemon's log and output so far (for assertion messages). */
  logs(): string {
    return `${tail(this.outputFile)}${tail(this.logFile)}`
  }

  /**
   * Write a test-driver node description to a file in the state dir and return its URI,
   * `test+unix:///abs/path.xml?socket=…`. Each connection to it gets private state.
   */
  writeTestNode(xml: string, name?: string): string {
    if (typeof xml !== 'string') throw new TypeError('writeTestNode: xml must be a string')
    const base = name ?? `node-${++this.#nodeCount}`
    if (!/^[A-Za-z0-9_.-]+$/.test(base)) throw new RangeError(`writeTestNode: bad file name ${JSON.stringify(base)}`)
    const path = join(this.dir, 'nodes', `${base}.xml`)
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, xml)
    return socketUri('test', path, this.socket)
  }

  /**
   * Stop the daemon if it still runs (or was killed) and start it again with the same dir,
   * sockets and URIs; resolves once it answers. Rejects after stop(), whose clean-up is final.
   */
  async restart(): Promise<void> {
    if (this.#stopping) throw new TestHarnessError('STOPPED', 'restart() after stop(): start a new daemon instead')
    await this.#terminate()
    await this.launch()
  }

  /**
   * SIGTERM (and SIGCONT, in case it is frozen), wait for exit, SIGKILL after `stopTimeoutMs`;
   * then end any QEMU left in its namespace and remove the temp dir (unless `dir` was given).
   * Safe to call twice.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#terminate().finally(() => {
      if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true })
    })
    return this.#stopping
  }

  /** `await using daemon = await startTestDaemon()` stops it at the end of the scope. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  /** @internal spawn the daemon and wait until it answers. */
  async launch(): Promise<void> {
    const runDir = join(this.dir, 'run')
    for (const s of [this.socket, this.roSocket, this.adminSocket, join(this.dir, 'libvirtd.pid')]) {
      // a killed daemon leaves these behind
      if (existsSync(s)) unlinkSync(s)
    }
    mkdirSync(runDir, { recursive: true })
    const plan = planLaunch({
      dir: this.dir,
      libvirtd: this.#programs.libvirtd,
      unshare: this.namespaced ? this.#programs.unshare : undefined,
      tini: this.#programs.tini,
      setpriv: this.#programs.setpriv,
      qemu: this.#opts.qemu === true,
      listen: this.#opts.listen === true,
      env: this.#opts.env ?? {},
    })
    const out = openSync(this.outputFile, 'a')
    let child: ChildProcess
    try {
      // own session: a terminal's Ctrl-C reaches us, and we end the daemon in order
      child = spawn(plan.command, plan.args, { env: plan.env, stdio: ['ignore', out, out], detached: true })
    } finally {
      closeSync(out)
    }
    this.#child = child
    this.#childExit = undefined
    this.#pid = 0
    this.#mountNs?.close()
    this.#mountNs = undefined
    // Only this launch's child counts: after kill() + restart() the previous one's exit is
    // reported late and must not fail the new start (it did, about 4 times in 5).
    child.once('error', (err) => {
      if (this.#child === child) this.#childExit ??= `could not run ${plan.command}: ${err.message}`
    })
    child.once('exit', (code, signal) => {
      if (this.#child === child) this.#childExit ??= `libvirtd exited during start-up (${signal ? `signal ${signal}` : `code ${code}`})`
    })
    // a forgotten daemon must not keep the test process alive; the exit hook ends it
    child.unref()
    this.#unregister = registerCleanup(() => {
      this.#killNow()
      if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true })
    })
    try {
      // a daemon that wants authentication on the read-write socket is probed on the read-only one
      const probeRo = String(this.#opts.config?.auth_unix_rw ?? 'none') !== 'none'
      await waitReady({
        socket: probeRo ? this.roSocket : this.socket,
        uri: probeRo ? this.roUri : this.uri,
        timeoutMs: this.#opts.startTimeoutMs ?? 30_000,
        failed: () => this.#childExit,
      })
    } catch (err) {
      const died = this.#childExit !== undefined
      this.#killNow()
      await waitGone([child.pid ?? 0], 5000)
      this.#unregister?.()
      const logs = this.logs()
      if (this.#ownsDir) rmSync(this.dir, { recursive: true, force: true })
      throw new TestHarnessError(died ? 'START_FAILED' : 'START_TIMEOUT', `private libvirtd did not start: ${(err as Error).message}${logs ? `\n${logs}` : ''}`, {
        hint: died ? undefined : 'the machine may be overloaded; raise startTimeoutMs',
        cause: err,
      })
    }
    this.#pid = this.#readPid() ?? child.pid ?? 0
    if (this.namespaced) this.#mountNs = MountNamespaceHandle.open(this.#pid)
  }

  #readPid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, 'libvirtd.pid'), 'utf8').trim())
      return Number.isSafeInteger(pid) && pid > 0 && procName(pid) === 'libvirtd' ? pid : undefined
    } catch {
      return undefined
    }
  }

  /** Everything this daemon started that still runs: libvirtd, the reaper, QEMU. */
  #members(): number[] {
    const pids = new Set<number>()
    // Only a namespace we hold open is surely ours (see MountNamespaceHandle); never the host's.
    const ns = this.#mountNs?.id
    if (ns && ns !== mountNamespaceOf(process.pid)) for (const p of pidsInMountNamespace(ns)) pids.add(p)
    for (const p of [this.#pid, this.#readPid() ?? 0, this.#child?.pid ?? 0]) if (p > 0 && isAlive(p)) pids.add(p)
    return [...pids]
  }

  /** Synchronous last resort (process exit, signals, failed start): SIGKILL every member. */
  #killNow(): void {
    for (const p of this.#members()) signalQuietly(p, 'SIGKILL')
  }

  async #terminate(): Promise<void> {
    const timeout = this.#opts.stopTimeoutMs ?? 10_000
    if (this.#pid > 0 && isAlive(this.#pid)) {
      signalQuietly(this.#pid, 'SIGTERM')
      signalQuietly(this.#pid, 'SIGCONT')
      if (!(await waitGone([this.#pid], timeout))) signalQuietly(this.#pid, 'SIGKILL')
    }
    // libvirtd leaves running VMs alone on exit; QEMU and the reaper go now
    for (let round = 0; round < 3; round++) {
      const rest = this.#members()
      if (rest.length === 0) break
      for (const p of rest) signalQuietly(p, 'SIGKILL')
      await waitGone(rest, 5000)
    }
    this.#mountNs?.close()
    this.#mountNs = undefined
    this.#unregister?.()
    this.#unregister = undefined
  }
}

/** A {@link TestDaemon} started with `qemu: true`: its `qemuUri` is always there. */
export type QemuTestDaemon = TestDaemon & { readonly qemuUri: string }

/**
 * Start a private libvirtd and resolve once it answers RPCs.
 *
 * As root the daemon runs in its own mount namespace (and network namespace unless `listen`), with
 * throw-away overlays over /etc, /var and /run, so it never meets a system daemon and several can
 * run at once. Without root only the test driver is available and libvirtd runs unprivileged.
 *
 * @example
 * ```ts
 * await using daemon = await startTestDaemon()
 * const conn = await connect(daemon.uri)
 * ```
 * @throws TestHarnessError `NOT_ROOT` / `MISSING_PROGRAM` (with a hint saying what to install),
 *   `START_FAILED` (with the daemon's log), `START_TIMEOUT`; TypeError/RangeError for bad options.
 */
export async function startTestDaemon(options: TestDaemonOptions & { qemu: true }): Promise<QemuTestDaemon>
export async function startTestDaemon(options?: TestDaemonOptions): Promise<TestDaemon>
export async function startTestDaemon(options?: TestDaemonOptions): Promise<TestDaemon> {
  const opts = validate(options)
  const programs = checkRequirements({ qemu: opts.qemu === true })
  const namespaced = programs.unshare !== undefined
  if (opts.files && !namespaced) {
    throw new TestHarnessError('BAD_OPTION', 'startTestDaemon: files needs root (they are placed in a private mount namespace)')
  }
  for (const p of Object.keys(opts.files ?? {})) {
    if (!isAbsolute(p) || !under(resolve(p), OVERLAID) || resolve(p) !== p) {
      throw new RangeError(`startTestDaemon: files path must be a normalised absolute path under /etc, /var or /run: ${p}`)
    }
  }
  let dir: string
  let ownsDir: boolean
  if (opts.dir !== undefined) {
    dir = resolve(opts.dir)
    // the state dir holds the daemon's sockets, config and keys: the owner's alone
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    chmodSync(dir, 0o700)
    ownsDir = false
  } else {
    // the overlays would hide a dir under /etc, /var or /run from the host
    const base = under(resolve(tmpdir()), OVERLAID) ? '/tmp' : tmpdir()
    dir = mkdtempSync(join(base, 'libvirt-async-'))
    ownsDir = true
  }
  try {
    if (namespaced && under(dir, OVERLAID)) {
      throw new TestHarnessError('BAD_OPTION', `startTestDaemon: dir ${dir} is under /etc, /var or /run, which the daemon's namespace overlays`, {
        hint: 'use a dir under /tmp or your work tree',
      })
    }
    mkdirSync(join(dir, 'no-drivers'), { recursive: true })
    if (namespaced) mkdirSync(join(dir, 'ovl'), { recursive: true })
    else for (const d of ['home', 'xdg/runtime', 'xdg/config', 'xdg/cache', 'xdg/data']) mkdirSync(join(dir, d), { recursive: true, mode: 0o700 })
    writeFileSync(join(dir, 'libvirtd.conf'), renderConf(daemonConfDefaults(dir), opts.config))
    const seed = join(dir, 'seed')
    rmSync(seed, { recursive: true, force: true })
    const seeded: Record<string, string> = { ...opts.files }
    if (opts.qemu) seeded['/etc/libvirt/qemu.conf'] = renderConf(qemuConfDefaults(), opts.qemuConfig)
    for (const [p, content] of Object.entries(seeded)) {
      const target = join(seed, p)
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, content)
    }
  } catch (err) {
    if (ownsDir) rmSync(dir, { recursive: true, force: true })
    throw err
  }
  const daemon = new TestDaemon(opts, programs, dir, ownsDir, namespaced)
  await daemon.launch()
  return daemon
}
