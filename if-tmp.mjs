import { connect } from 'libvirt-async'
import { readFileSync } from 'node:fs'
const conn = await connect(process.argv[2])
const N = +process.argv[3], K = +process.argv[4], DP = process.argv[5]
const cpu = () => { const f = readFileSync(`/proc/${DP}/stat`, 'utf8').split(') ')[1].split(' '); return (+f[11] + +f[12]) * 10000 }
for (let w = 0; w < 3000; w++) await conn.getLibVersion()
let done = 0
const c0 = cpu(); const m0 = process.cpuUsage()
const t0 = performance.now()
await Promise.all(Array.from({ length: K }, async () => { while (done < N) { done++; await conn.getLibVersion() } }))
const dt = performance.now() - t0; const m = process.cpuUsage(m0)
console.log(`ours K=${K}`.padEnd(10), (N / dt * 1000).toFixed(0).padStart(6), 'calls/s  daemon us/call', ((cpu() - c0) / N).toFixed(1), ' client us/call', ((m.user + m.system) / N).toFixed(1))
await conn.close()
