// Layer 5 (typed API). The object classes, all generated (src/generated/api/*.gen.ts) on top of
// the hand-written additions in this folder; one place to import them from.

export { Connection } from '../generated/api/connection.gen.js'
export { Domain } from '../generated/api/domain.gen.js'
export { Network } from '../generated/api/network.gen.js'
export { NetworkPort } from '../generated/api/network-port.gen.js'
export { StoragePool } from '../generated/api/storage-pool.gen.js'
export { StorageVol } from '../generated/api/storage-vol.gen.js'
export { NodeDevice } from '../generated/api/node-device.gen.js'
export { Secret } from '../generated/api/secret.gen.js'
export { Interface } from '../generated/api/interface.gen.js'
export { NWFilter } from '../generated/api/nw-filter.gen.js'
export { NWFilterBinding } from '../generated/api/nw-filter-binding.gen.js'
export { DomainSnapshot } from '../generated/api/domain-snapshot.gen.js'
export { DomainCheckpoint } from '../generated/api/domain-checkpoint.gen.js'
