// Layer 5 (typed API). Loads every object class once so each registers itself with the argument
// helpers (returned handles become instances of these classes). Imported by connection.ts.

export { Domain } from './domain.js'
export { Network } from './network.js'
export { NetworkPort } from './network-port.js'
export { StoragePool } from './storage-pool.js'
export { StorageVol } from './storage-vol.js'
export { NodeDevice } from './node-device.js'
export { Secret } from './secret.js'
export { Interface } from './interface.js'
export { NWFilter } from './nw-filter.js'
export { NWFilterBinding } from './nw-filter-binding.js'
export { DomainSnapshot } from './domain-snapshot.js'
export { DomainCheckpoint } from './domain-checkpoint.js'
