// Example: the seed's notifier in TypeScript. Wraps a connection in a ManagedConnection, prints
// domain life-cycle changes from a queue, watches networks with an async iterable, and reports
// the close. Without a URI it starts a private test daemon (libvirt-async/testing).

import { AsyncQueue, CLOSE_REASON_NAMES, ManagedConnection, connect, type DomainChangeItem } from '../src/index.js'
import { startTestDaemon } from '../src/testing/index.js'

const daemon = process.argv[2] ? null : await startTestDaemon()
const uri = process.argv[2] ?? daemon!.uri

const changes = new AsyncQueue<DomainChangeItem>({ maxLength: 1000 })
const wrapper = await ManagedConnection.create({
  virt: await connect(uri),
  onDomainChange: changes,
  onClose: (_w, reason) => console.log(`connection closed: ${CLOSE_REASON_NAMES[reason]}`),
})

// Consumers run on their own; both loops end when the connection closes.
const domainsDone = (async () => {
  for await (const [, dom, event, detail] of changes) console.log(`domain ${dom.name}: event ${event} detail ${detail}`)
})()
const networks = wrapper.networkEvents(0)
const networksDone = (async () => {
  for await (const [net, event] of networks) console.log(`network ${net.name}: event ${event}`)
})()
await networks.ready

// Make some changes through the wrapper: it is a Connection like any other.
const dom = (await wrapper.listAllDomains(0))[0]
if (dom) {
  await dom.suspend()
  await dom.resume()
}
const net = (await wrapper.listAllNetworks(0))[0]
if (net && (await net.isActive())) {
  await net.destroy()
  await net.create()
}

// Let the events arrive, then close: registrations are dropped, queues finish (onClose is for a loss).
await new Promise((r) => setTimeout(r, 200))
await wrapper.close()
await Promise.all([domainsDone, networksDone])
await daemon?.stop()
