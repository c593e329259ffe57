// Scenario: recovery after a daemon restart. A ManagedConnection with reconnect holds N tracked
// registrations (5 and 100); the daemon is SIGKILLed and restarted on the same socket. Measured:
// from the moment the daemon accepts again (a probe connecting every millisecond gets in) to the first
// event delivered through a re-registered callback, while a second connection keeps causing
// events (suspend/resume). The backoff is 5 → 10 ms, so at most ~10 ms of it is in the figure.
// No libvirt client reconnects by itself, so the C-client side is what a libvirt-python program
// writes for it (bench/c_client.py run_recovery): a close callback, open() again with the same
// backoff, the same registrations made again; timed the same way (CLOCK_MONOTONIC on both sides).

import { statSync } from 'node:fs'
import { createConnection } from 'node:net'
import { connect } from '../../src/connect.js'
import type { Connection } from '../../src/api/objects.js'
import { ManagedConnection } from '../../src/managed/managed-connection.js'
import { DomainEventID, NetworkEventID, NodeDeviceEventID, StoragePoolEventID } from '../../src/generated/constants.gen.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { minMax } from '../lib/stats.js'
import { spawnC } from '../lib/python.js'

const BACKOFF = { initialDelay: 5, maxDelay: 10, jitter: 0 }

/** Registers `n` callbacks on `w`, spread over families and event ids; resolves with the number of distinct daemon registrations. */
async function registerMany(w: ManagedConnection, n: number, onLifecycle: () => void): Promise<number> {
  const dom = await w.domainLookupByName('test')
  const ids = (o: Record<string, number>): number[] => Object.values(o).filter((v) => typeof v === 'number')
  const plan: Array<() => Promise<number>> = [() => w.domainEventRegisterAny(null, DomainEventID.LIFECYCLE, onLifecycle)]
  for (const id of ids(DomainEventID)) if (id !== DomainEventID.LIFECYCLE) plan.push(() => w.domainEventRegisterAny(null, id as never, () => {}))
  for (const id of ids(DomainEventID)) plan.push(() => w.domainEventRegisterAny(dom, id as never, () => {}))
  for (const id of ids(NetworkEventID)) plan.push(() => w.networkEventRegisterAny(null, id as never, () => {}))
  for (const id of ids(StoragePoolEventID)) plan.push(() => w.storagePoolEventRegisterAny(null, id as never, () => {}))
  for (const id of ids(NodeDeviceEventID)) plan.push(() => w.nodeDeviceEventRegisterAny(null, id as never, () => {}))
  // ids newer than the daemon are refused: skipped. Past the distinct keys, more callbacks share a
  // daemon registration (as libvirt's client does).
  let distinct = 0
  for (const register of plan) {
    if (distinct === n) break
    await register().then(() => distinct++, () => {})
  }
  for (let i = distinct; i < n; i++) await w.domainEventRegisterAny(dom, DomainEventID.LIFECYCLE, () => {})
  return distinct
}

/** Keeps causing life-cycle events of domain `test` until `stop()`. */
function keepTriggering(uri: string): { stop(): Promise<void> } {
  let running = true
  const loop = (async () => {
    let conn: Connection | null = null
    while (running) {
      try {
        conn ??= await connect(uri)
        const dom = await conn.domainLookupByName('test')
        await dom.suspend()
        await dom.resume()
      } catch {
        conn = null // the daemon was not back yet
        await new Promise((r) => setTimeout(r, 2))
      }
    }
    await conn?.close()
  })()
  return {
    async stop() {
      running = false
      await loop
    },
  }
}

/**
 * The socket file's identity. A restarted daemon binds a new file at the same path; its inode
 * number is often the old one's again, so the change time tells them apart.
 */
function socketId(path: string): string | null {
  try {
    const s = statSync(path, { bigint: true })
    return `${s.ino}:${s.ctimeNs}`
  } catch {
    return null
  }
}

/**
 * Polls the socket every millisecond; resolves with the time of the first connection the new
 * daemon accepts. Connections to the old socket file do not count: a SIGKILLed daemon's listening
 * socket accepts for a moment after its client connections have already seen EOF (while the
 * kernel tears the process down), and counting that moment as "accepting again" put 50–70 ms of
 * the restart itself into some samples of the faster-noticing side.
 */
async function accepting(path: string, old: string | null): Promise<bigint> {
  for (;;) {
    const id = socketId(path)
    const ok = id !== null && id !== old && await new Promise<boolean>((resolve) => {
      const s = createConnection(path)
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return process.hrtime.bigint()
    await new Promise((r) => setTimeout(r, 1))
  }
}

async function sample(ctx: BenchContext, n: number): Promise<{ ms: number; distinct: number; attempt: number }> {
  const d = ctx.fault
  let armed = false
  let firstEvent = 0n
  let gotFirst!: () => void
  const first = new Promise<void>((r) => (gotFirst = r))
  let lost!: () => void
  const disconnected = new Promise<void>((r) => (lost = r))
  let attempt = 0
  const w = await ManagedConnection.create({
    virt: await connect(d.uri),
    reconnect: BACKOFF,
    onDisconnect: () => lost(),
    onReconnect: (_w, info) => void (attempt = info.attempt),
  })
  try {
    const distinct = await registerMany(w, n, () => {
      if (!armed || firstEvent !== 0n) return
      firstEvent = process.hrtime.bigint()
      gotFirst()
    })
    const t0 = await restartDaemon(ctx, async () => {
      await disconnected
      armed = true
    }, first, 'recovery: no event within 30 s', 30_000)
    return { ms: Math.max(0, Number(firstEvent - t0) / 1e6), distinct, attempt }
  } finally {
    await w.close()
  }
}

/**
 * The restart both samplers time: SIGKILL the fault daemon, wait for `lost` (the client saw it),
 * restart it while a second connection keeps causing events, and wait (bounded) for `first`, the
 * client's first event after its reconnect. Resolves with the moment the daemon accepted again.
 */
async function restartDaemon<T>(ctx: BenchContext, lost: () => Promise<void>, first: Promise<T>, timeoutMessage: string, timeoutMs: number): Promise<bigint> {
  const d = ctx.fault
  const old = socketId(d.socket)
  d.kill()
  await lost()
  const triggers = keepTriggering(d.uri)
  try {
    const restarted = d.restart()
    const t0 = await accepting(d.socket, old)
    await restarted
    await Promise.race([first, new Promise((_, reject) => setTimeout(() => reject(new Error(timeoutMessage)), timeoutMs).unref())])
    return t0
  } finally {
    await triggers.stop()
  }
}

/** The same restart with libvirt's C client: python3-libvirt reconnecting by hand (see the file comment). */
async function sampleC(ctx: BenchContext, n: number): Promise<{ ms: number; distinct: number; attempt: number }> {
  const d = ctx.fault
  const p = spawnC({ scenario: 'recovery', uri: d.uri, n, domain: 'test' })
  try {
    const ready = (await p.next()) as { distinct: number }
    // its next two lines, in order: LOST (its close callback ran), then the first event's time
    const lost = p.next()
    const answer = p.next() as Promise<{ first: number | string; attempt: number }>
    answer.catch(() => {}) // (awaited below; a failure must not surface as unhandled meanwhile)
    const t0 = await restartDaemon(ctx, () => lost, answer, 'recovery (C client): no event within 40 s', 40_000)
    const res = await answer
    const first = BigInt(res.first)
    if (first === 0n) throw new Error('recovery (C client): no event after the reconnect')
    return { ms: Math.max(0, Number(first - t0) / 1e6), distinct: ready.distinct, attempt: res.attempt }
  } finally {
    await p.done.catch(() => {})
  }
}

export async function recoveryScenario(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = []
  for (const n of [5, 100]) {
    ctx.log(`recovery: ${n} registrations`)
    const ms: number[] = []
    const cms: number[] = []
    let note = ''
    for (let i = 0; i < ctx.sizes.closeSamples; i++) {
      // alternate the two clients sample by sample, on the same daemon
      const s = await sample(ctx, n)
      ms.push(s.ms)
      const c = await sampleC(ctx, n)
      cms.push(c.ms)
      note = `${n} registrations (${s.distinct} register calls ours, ${c.distinct} C), succeeded at attempt ${s.attempt} (C ${c.attempt}); backoff ${BACKOFF.initialDelay}→${BACKOFF.maxDelay} ms on both sides`
    }
    rows.push(row({
      id: `recovery.${n}`, group: 'recovery', label: `daemon restart: accepting again → first event through a re-registered callback (${n} registrations)`,
      unit: 'ms', better: 'lower', daemon: 'fault', ours: minMax(ms), c: minMax(cms), cLabel: 'python3-libvirt reconnecting by hand', note,
    }))
  }
  return rows
}
