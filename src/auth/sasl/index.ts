// Layer 4 (auth). The SASL client: importing this module installs it with
// registerSaslAuthenticator(), so `connect()` can answer a daemon that requires SASL.

import { registerSaslAuthenticator } from '../../client/auth.js'
import { saslAuthenticate } from './exchange.js'

export { saslAuthenticate, chooseMechanism, SUPPORTED_MECHANISMS } from './exchange.js'
export { ScramSha256, ScramError } from './scram.js'
export { Plain } from './plain.js'
export { CredType } from './credentials.js'

registerSaslAuthenticator(saslAuthenticate)
