// Layer 6 (events). Placeholder link in the Connection chain; the events work fills it in with
// registration of all event families and the close callback.

import { ConnectionBase } from '../client/connection-base.js'

export class EventConnection extends ConnectionBase {}
