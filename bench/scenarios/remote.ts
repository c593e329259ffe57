// Scenario: remote transports. One repetition = connect + 10 concurrent + 10 sequential
// getLibVersion + close, in ms, over TLS (a private `libvirtd --listen` with a PKI made here) and
// over SSH (a private sshd, netcat to the daemon's socket); both clients on the same listener.
// This is the row that shows a transport stall (a 10 s TLS stall once passed every functional test).

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from '../../src/connect.js'
import { startTestDaemon } from '../../src/testing/daemon.js'
import { freePort, makePki, tlsDaemonConfig } from '../../test/helpers/pki.js'
import { sshdAvailable, startSshd } from '../../test/helpers/sshd.js'
import type { BenchContext } from '../lib/context.js'
import { type Row, row } from '../lib/model.js'
import { spawnC } from '../lib/python.js'
import { percentiles } from '../lib/stats.js'

const WARMUP = 2

/** One repetition of ours, in ms. */
async function oneRep(uri: string): Promise<number> {
  const t0 = performance.now()
  const conn = await connect(uri)
  await Promise.all(Array.from({ length: 10 }, () => conn.getLibVersion()))
  for (let k = 0; k < 10; k++) await conn.getLibVersion()
  await conn.close()
  return performance.now() - t0
}

// Ours and the C client alternate one repetition at a time (a long-lived python helper times its
// own rep and answers per `rep` line): run in blocks, the two sides saw different machine load.
async function remoteRow(ctx: BenchContext, id: string, label: string, uri: string, reps: number, note: string): Promise<Row> {
  ctx.log(`remote: ${id}`)
  const py = spawnC({ scenario: 'remote', uri })
  const ours: number[] = []
  const c: number[] = []
  try {
    await py.next() // READY
    for (let i = 0; i < reps + WARMUP; i++) {
      // who goes first swaps each rep, so neither side always follows the other's teardown
      let o: number
      let k: number
      if (i % 2 === 0) {
        o = await oneRep(uri)
        py.send('rep')
        k = (await py.next()).ms
      } else {
        py.send('rep')
        k = (await py.next()).ms
        o = await oneRep(uri)
      }
      if (i >= WARMUP) {
        ours.push(o)
        c.push(k)
      }
    }
  } finally {
    py.child.stdin!.end()
  }
  await py.done
  // lower is better: per-rep advantage = C / ours
  const paired = percentiles(c.map((k, i) => k / ours[i]!)).median
  return row({
    id: `remote.${id}`, group: 'remote', label, unit: 'ms', better: 'lower', daemon: 'stock',
    ours: percentiles(ours), c: percentiles(c), cLabel: 'libvirt.open() + 10 threads + 10 sequential + close',
    pairedAdvantage: paired, note: `${note}; reps alternate ours/C, median of per-rep C/ours ${paired.toFixed(2)}×`,
  })
}

export async function remoteScenario(ctx: BenchContext): Promise<Row[]> {
  const reps = ctx.quick ? 3 : 20
  const rows: Row[] = []
  const dir = mkdtempSync(join(tmpdir(), 'bench-remote-'))
  try {
    const pki = makePki(dir)
    const port = await freePort()
    await using daemon = await startTestDaemon({ listen: true, config: tlsDaemonConfig(pki, port) })
    rows.push(await remoteRow(ctx, 'tls', 'TLS: connect + 10 concurrent + 10 sequential calls + close', `test+tls://127.0.0.1:${port}/default?pkipath=${pki.client}`, reps, 'libvirtd --listen, TLS on 127.0.0.1'))
    const missing = sshdAvailable()
    if (missing) {
      ctx.log(`remote: ssh row skipped: ${missing}`)
    } else {
      const sshd = await startSshd()
      try {
        const q = new URLSearchParams({ socket: daemon.socket, proxy: 'netcat', keyfile: sshd.keyfile, command: sshd.ssh, no_tty: '1' })
        rows.push(await remoteRow(ctx, 'ssh', 'SSH: connect + 10 concurrent + 10 sequential calls + close', `test+ssh://root@127.0.0.1:${sshd.port}/default?${q}`, reps, 'private sshd on 127.0.0.1, netcat to the unix socket'))
      } finally {
        await sshd.stop()
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return rows
}
