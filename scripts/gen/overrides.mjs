// Generator (dev-only). The only hand-edited knobs of the generator: facts the protocol files
// get wrong or leave out. Each entry says why.

/**
 * Stream direction per procedure (full enum name), replacing what `@readstream`/`@writestream`
 * say. Keys are `<PROGRAM>_PROC_<NAME>`.
 * @type {Readonly<Record<string, 'none' | 'read' | 'write' | 'both'>>}
 */
export const STREAM_OVERRIDES = {
  // A console carries keystrokes to the guest and output back: data flows both ways,
  // although the protocol file annotates it as a read stream.
  REMOTE_PROC_DOMAIN_OPEN_CONSOLE: 'both',
  // A channel (e.g. the guest agent's virtio-serial port) is likewise bidirectional.
  REMOTE_PROC_DOMAIN_OPEN_CHANNEL: 'both',
  // The tunnelled-migration prepare procedures with typed parameters open the same incoming
  // (write) stream as PREPARE_TUNNEL/PREPARE_TUNNEL3 but carry no annotation.
  REMOTE_PROC_DOMAIN_MIGRATE_PREPARE_TUNNEL3_PARAMS: 'write',
}

/**
 * Typedefs of `opaque[VIR_UUID_BUFLEN]` that users see as canonical UUID strings.
 * @type {ReadonlySet<string>}
 */
export const UUID_TYPEDEFS = new Set(['remote_uuid', 'virNetMessageUUID'])

/**
 * The XDR files parsed, in dependency order, with the module each becomes.
 * @type {ReadonlyArray<{ module: string, path: string, split: boolean }>}
 */
export const XDR_FILES = [
  { module: 'virnet', path: 'src/rpc/virnetprotocol.x', split: false },
  { module: 'keepalive', path: 'src/rpc/virkeepaliveprotocol.x', split: false },
  { module: 'remote', path: 'src/remote/remote_protocol.x', split: true },
  { module: 'qemu', path: 'src/remote/qemu_protocol.x', split: false },
  { module: 'lxc', path: 'src/remote/lxc_protocol.x', split: false },
]
