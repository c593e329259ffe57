// Benchmark (micro, layer 1): decode throughput of the generated codecs on large replies —
// CONNECT_LIST_ALL_DOMAINS with 10,000 domains and DOMAIN_GET_XML_DESC with a 1 MiB string —
// plus the encode side. Run: npm run build && node dist/bench/codec.bench.js [--json]

import { XdrReader } from '../src/xdr/xdr-reader.js'
import { XdrWriter } from '../src/xdr/xdr-writer.js'
import { REMOTE_CODECS, type RemoteConnectListAllDomainsRet } from '../src/generated/remote.gen.js'

// The codecs a call uses, through the same lazy path (compiled here, before any timing).
const decodeRemoteConnectListAllDomainsRet = REMOTE_CODECS.decoder('RemoteConnectListAllDomainsRet')
const decodeRemoteDomainGetXmlDescRet = REMOTE_CODECS.decoder('RemoteDomainGetXmlDescRet')
const encodeRemoteConnectListAllDomainsRet = REMOTE_CODECS.encoder('RemoteConnectListAllDomainsRet')
const encodeRemoteDomainGetXmlDescRet = REMOTE_CODECS.encoder('RemoteDomainGetXmlDescRet')

interface Result {
  name: string
  bytes: number
  runs: number
  mbPerSec: number
  msPerOp: number
  tolerancePct: number
}

/** Time `fn` over ~`budgetMs` in 10 samples after a warm-up; MB/s from the median sample. */
function measure(name: string, bytes: number, fn: () => void, budgetMs = 1500): Result {
  const warmEnd = performance.now() + budgetMs / 3
  let per = 0
  while (performance.now() < warmEnd) {
    fn()
    per++
  }
  const runsPerSample = Math.max(1, Math.round(per / 5))
  const samples: number[] = []
  for (let s = 0; s < 10; s++) {
    const t0 = performance.now()
    for (let i = 0; i < runsPerSample; i++) fn()
    samples.push((performance.now() - t0) / runsPerSample)
  }
  samples.sort((a, b) => a - b)
  const median = samples[5]!
  const tolerancePct = ((samples[8]! - samples[1]!) / 2 / median) * 100
  return { name, bytes, runs: runsPerSample * 10, mbPerSec: bytes / 1e6 / (median / 1000), msPerOp: median, tolerancePct }
}

function domains(n: number): RemoteConnectListAllDomainsRet {
  const list = []
  for (let i = 0; i < n; i++) {
    const hex = i.toString(16).padStart(12, '0')
    list.push({ name: `guest-${i.toString().padStart(5, '0')}`, uuid: `6695eb01-f6a4-8304-79aa-${hex}`, id: i % 3 === 0 ? -1 : i })
  }
  return { domains: list, ret: n }
}

const results: Result[] = []
let sink: unknown

{
  const value = domains(10_000)
  const w = new XdrWriter(1 << 20)
  encodeRemoteConnectListAllDomainsRet(w, value)
  const bytes = w.toBuffer()
  results.push(
    measure('decode RemoteConnectListAllDomainsRet (10,000 domains)', bytes.length, () => {
      sink = decodeRemoteConnectListAllDomainsRet(new XdrReader(bytes))
    }),
  )
  const ew = new XdrWriter(bytes.length + 64)
  results.push(
    measure('encode RemoteConnectListAllDomainsRet (10,000 domains)', bytes.length, () => {
      ew.reset()
      encodeRemoteConnectListAllDomainsRet(ew, value)
    }),
  )
}

{
  // 1 MiB of XML-like ASCII; a second case with multi-byte UTF-8 text.
  const line = '  <disk type="file" device="disk"><source file="/var/lib/libvirt/images/a.qcow2"/></disk>\n'
  const xml = line.repeat(Math.ceil((1 << 20) / line.length)).slice(0, 1 << 20)
  for (const [label, text] of [['ASCII', xml], ['UTF-8', `${'é'.repeat(1 << 19)}`]] as const) {
    const w = new XdrWriter(1 << 21)
    encodeRemoteDomainGetXmlDescRet(w, { xml: text })
    const bytes = w.toBuffer()
    results.push(
      measure(`decode RemoteDomainGetXmlDescRet (1 MiB ${label} string)`, bytes.length, () => {
        sink = decodeRemoteDomainGetXmlDescRet(new XdrReader(bytes))
      }),
    )
    results.push(
      measure(`encode RemoteDomainGetXmlDescRet (1 MiB ${label} string)`, bytes.length, () => {
        w.reset()
        encodeRemoteDomainGetXmlDescRet(w, { xml: text })
      }),
    )
  }
}

if (sink === undefined) throw new Error('unreachable: benchmark produced nothing')

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ node: process.version, arch: process.arch, results }, null, 2))
} else {
  console.log(`Node ${process.version} (${process.arch})`)
  for (const r of results) {
    console.log(`${r.name.padEnd(58)} ${r.mbPerSec.toFixed(0).padStart(6)} MB/s  ${r.msPerOp.toFixed(3).padStart(8)} ms/op  ±${r.tolerancePct.toFixed(1)}%  (${(r.bytes / 1e6).toFixed(2)} MB)`)
  }
}
