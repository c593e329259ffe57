// Layer 5 (typed API). Secret: a secret. The generated methods (src/generated/api/secret.gen.ts) plus
// the accessors libvirt's client answers locally from the handle.

import { GeneratedSecret } from '../generated/api/secret.gen.js'
import { A } from './args.js'

/**
 * A secret on a {@link Connection}. Obtained from the connection's lookup, define,
 * create and list methods; bound to that connection.
 */
export class Secret extends GeneratedSecret {
  /** virSecretGetUUIDString: the UUID, without a call. */
  getUUIDString(): string {
    return this.wire.uuid
  }
}

A.register('Secret', Secret)
