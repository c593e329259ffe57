// Layer 3 (transports). `+ext`: runs the program named by `command=` (no arguments, as libvirt
// does) and speaks the protocol over its stdin/stdout. Not marked secure: we cannot know what
// the program does with the bytes.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import { spawnChildTransport } from './child-transport.js'
import { registerTransport } from './select.js'
import type { Transport, TransportRequest } from './transport.js'

/** Transport factory for `driver+ext:///path?command=/path/to/program`. */
export async function connectExtTransport(req: TransportRequest): Promise<Transport> {
  const command = req.uri?.param('command')
  if (!command) throw LibvirtError.local(ErrorCode.INVALID_ARG, ErrorDomain.REMOTE, "remote_open: for 'ext' transport, command is required")
  return spawnChildTransport({ command, args: [], description: `ext:${command}`, secure: false, signal: req.signal })
}

registerTransport('ext', connectExtTransport)
