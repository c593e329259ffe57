// Benchmark child: one fresh process's cold path with libvirt-async — import of the package's
// main entry point, connect, then `calls` sequential getLibVersion calls; prints one JSON line of
// milestones (ms since before the import). No static import of the package: its clock starts first.
// Usage: node dist/bench/lib/cold-child.js '<json {uri (null: import only), calls, marks}>'

const t0 = performance.now()
const ENTRY = new URL('../../src/index.js', import.meta.url).href
const { uri, calls, marks } = JSON.parse(process.argv[2]!) as { uri: string | null; calls: number; marks: number[] }

const lib = (await import(ENTRY)) as typeof import('../../src/index.js')
const imported = performance.now() - t0
if (uri === null) {
  // import only
  process.stdout.write(`${JSON.stringify({ imported, connected: 0, first: 0, at: {} })}\n`)
  process.exit(0)
}
const conn = await lib.connect(uri)
const connected = performance.now() - t0
const at: Record<number, number> = {}
let first = 0
for (let i = 1; i <= calls; i++) {
  await conn.getLibVersion()
  if (i === 1) first = performance.now() - t0
  if (marks.includes(i)) at[i] = performance.now() - t0
}
await conn.close()
process.stdout.write(`${JSON.stringify({ imported, connected, first, at })}\n`)
