// Example (interim demo): looks at a libvirt daemon and prints what a client finds there —
// versions, host, domains, networks, storage pools. Without a URI it starts a private test daemon
// of its own (libvirt-async/testing) and stops it afterwards. Replaced by the CLI's `demo` later.

import { runOracle, startTestDaemon, type TestDaemon } from '../src/testing/index.js'

interface Found {
  uri: string
  libVersion: number
  hvType: string
  hvVersion: number
  hostname: string
  node: [string, number, number, number, number, number, number, number]
  domains: Array<[string, number, boolean]>
  networks: Array<[string, boolean]>
  pools: Array<[string, boolean]>
}

// Until our own client is wired in, libvirt's C client (python3-libvirt) does the looking.
const LOOK = `
result = {
  'uri': conn.getURI(), 'libVersion': conn.getLibVersion(), 'hvType': conn.getType(),
  'hvVersion': conn.getVersion(), 'hostname': conn.getHostname(), 'node': conn.getInfo(),
  'domains': [[d.name(), d.state()[0], d.isActive() == 1] for d in conn.listAllDomains()],
  'networks': [[n.name(), n.isActive() == 1] for n in conn.listAllNetworks()],
  'pools': [[p.name(), p.isActive() == 1] for p in conn.listAllStoragePools()],
}`

const STATES = ['no state', 'running', 'blocked', 'paused', 'shutting down', 'shut off', 'crashed', 'suspended']

function version(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`
}

function report(f: Found): string {
  const lines = [
    `connected to ${f.uri}`,
    `  libvirt ${version(f.libVersion)}, hypervisor ${f.hvType} ${version(f.hvVersion)}, host ${f.hostname}`,
    `  node: ${f.node[0]}, ${f.node[2]} CPUs at ${f.node[3]} MHz, ${f.node[1]} MiB memory`,
    `  domains (${f.domains.length}):`,
    ...f.domains.map(([n, s]) => `    ${n.padEnd(24)} ${STATES[s] ?? `state ${s}`}`),
    `  networks (${f.networks.length}):`,
    ...f.networks.map(([n, a]) => `    ${n.padEnd(24)} ${a ? 'active' : 'inactive'}`),
    `  storage pools (${f.pools.length}):`,
    ...f.pools.map(([n, a]) => `    ${n.padEnd(24)} ${a ? 'active' : 'inactive'}`),
  ]
  return lines.join('\n')
}

async function main(): Promise<number> {
  const uri = process.argv[2]
  if (uri === '-h' || uri === '--help') {
    console.log('usage: discover [URI]   (no URI: start a private test daemon and look there)')
    return 0
  }
  let daemon: TestDaemon | undefined
  try {
    if (!uri) {
      daemon = await startTestDaemon()
      console.log(`started a private libvirtd (pid ${daemon.pid}, test driver) at ${daemon.socket}`)
    }
    const found = await runOracle<Found>(uri ?? daemon!.uri, LOOK)
    console.log(report(found))
    return 0
  } catch (err) {
    console.error(`discover: ${(err as Error).message}`)
    return 1
  } finally {
    await daemon?.stop()
  }
}

process.exitCode = await main()
