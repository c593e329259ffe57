// Example (interim demo): connects to a libvirt daemon with our own client and prints what it
// finds there — versions, host, domains, networks, storage pools. Without a URI it starts a private
// test daemon of its own (libvirt-async/testing) and stops it afterwards. The CLI's `demo` replaces it.

import { connect, type Connection } from '../src/index.js'
import { REMOTE_PROCEDURES as P } from '../src/protocol.js'
import { startTestDaemon, type TestDaemon } from '../src/testing/index.js'

interface Found {
  target: string
  uri: string
  libVersion: number
  hvType: string
  hvVersion: number
  hostname: string
  node: { model: string; memoryKiB: bigint; cpus: number; mhz: number }
  domains: Array<[string, number]>
  networks: Array<[string, boolean]>
  pools: Array<[string, boolean]>
}

// Interim: raw procedure calls by generated descriptor, until the typed API lands.
async function look(conn: Connection, target: string): Promise<Found> {
  const [lib, ver, type, host, uri, node] = await Promise.all([
    conn.call(P.CONNECT_GET_LIB_VERSION, undefined),
    conn.call(P.CONNECT_GET_VERSION, undefined),
    conn.call(P.CONNECT_GET_TYPE, undefined),
    conn.call(P.CONNECT_GET_HOSTNAME, undefined),
    conn.call(P.CONNECT_GET_URI, undefined),
    conn.call(P.NODE_GET_INFO, undefined),
  ])
  const { domains } = await conn.call(P.CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })
  const { nets } = await conn.call(P.CONNECT_LIST_ALL_NETWORKS, { need_results: 1, flags: 0 })
  const { pools } = await conn.call(P.CONNECT_LIST_ALL_STORAGE_POOLS, { need_results: 1, flags: 0 })
  // all in flight at once: one socket, many calls
  const states = await Promise.all(domains.map((dom) => conn.call(P.DOMAIN_GET_STATE, { dom, flags: 0 })))
  const netActive = await Promise.all(nets.map((net) => conn.call(P.NETWORK_IS_ACTIVE, { net })))
  const poolActive = await Promise.all(pools.map((pool) => conn.call(P.STORAGE_POOL_IS_ACTIVE, { pool })))
  const end = node.model.indexOf(0)
  return {
    target,
    uri: uri.uri,
    libVersion: Number(lib.lib_ver),
    hvType: type.type,
    hvVersion: Number(ver.hv_ver),
    hostname: host.hostname,
    node: { model: String.fromCharCode(...node.model.slice(0, end < 0 ? undefined : end)), memoryKiB: node.memory, cpus: node.cpus, mhz: node.mhz },
    domains: domains.map((d, i) => [d.name, states[i]!.state]),
    networks: nets.map((n, i) => [n.name, netActive[i]!.active === 1]),
    pools: pools.map((p, i) => [p.name, poolActive[i]!.active === 1]),
  }
}

const STATES = ['no state', 'running', 'blocked', 'paused', 'shutting down', 'shut off', 'crashed', 'suspended']

function version(v: number): string {
  return `${Math.floor(v / 1_000_000)}.${Math.floor(v / 1000) % 1000}.${v % 1000}`
}

function report(f: Found): string {
  const lines = [
    `connected to ${f.target} (the daemon calls it ${f.uri})`,
    `  libvirt ${version(f.libVersion)}, hypervisor ${f.hvType} ${version(f.hvVersion)}, host ${f.hostname}`,
    `  node: ${f.node.model}, ${f.node.cpus} CPUs at ${f.node.mhz} MHz, ${f.node.memoryKiB / 1024n} MiB memory`,
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
    const target = uri ?? daemon!.uri
    const conn = await connect(target)
    try {
      console.log(report(await look(conn, target)))
    } finally {
      await conn.close()
    }
    return 0
  } catch (err) {
    console.error(`discover: ${(err as Error).message}`)
    return 1
  } finally {
    await daemon?.stop()
  }
}

process.exitCode = await main()
