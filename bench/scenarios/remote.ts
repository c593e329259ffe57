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
import { runC } from '../lib/python.js'
import { percentiles } from '../lib/stats.js'

const WARMUP = 2

async function measureOurs(uri: string, reps: number): Promise<number[]> {
  const ms: number[] = []
  for (let i = 0; i < reps + WARMUP; i++) {
    const t0 = performance.now()
    const conn = await connect(uri)
    await Promise.all(Array.from({ length: 10 }, () => conn.getLibVersion()))
    for (let k = 0; k < 10; k++) await conn.getLibVersion()
    await conn.close()
    if (i >= WARMUP) ms.push(performance.now() - t0)
  }
  return ms
}

async function remoteRow(ctx: BenchContext, id: string, label: string, uri: string, reps: number, note: string): Promise<Row> {
  ctx.log(`remote: ${id}`)
  const ours = await measureOurs(uri, reps)
  const c = await runC({ scenario: 'remote', uri, reps, warmup: WARMUP })
  return row({
    id: `remote.${id}`, group: 'remote', label, unit: 'ms', better: 'lower', daemon: 'stock',
    ours: percentiles(ours), c: percentiles(c.values), cLabel: 'libvirt.open() + 10 threads + 10 sequential + close', note,
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
