// Benchmark child: one fresh process's cold path with libvirt-async — the clock starts here, then
// cold-app.js is imported: like a user's program it imports the package's main entry point
// statically (`import { connect } from 'libvirt-async'`), so loading the package happens inside
// this dynamic import. Prints one JSON line of milestones (ms since before the import).
// Usage: node dist/bench/lib/cold-child.js '<json {uri (null: import only), calls, marks}>'

;(globalThis as { coldT0?: number; coldCpu0?: NodeJS.CpuUsage }).coldCpu0 = process.cpuUsage()
;(globalThis as { coldT0?: number }).coldT0 = performance.now()
await import('./cold-app.js')
