// Layer 5 (API). The public Connection class. Placeholder until the typed API lands.

import { EventConnection } from '../events/event-connection.js'

export class Connection extends EventConnection {}
