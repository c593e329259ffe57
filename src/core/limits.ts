// Layer 2 (protocol core). Wire limits of libvirt's RPC framing (facts from virnetprotocol:
// VIR_NET_MESSAGE_MAX, VIR_NET_MESSAGE_HEADER_MAX, VIR_NET_MESSAGE_LEN_MAX) and program numbers
// the core itself must know. Everything else comes from the generated tables.

/** Largest frame, length word included (VIR_NET_MESSAGE_MAX). */
export const MESSAGE_MAX = 33554432
/** Size of the length word (VIR_NET_MESSAGE_LEN_MAX). */
export const LEN_SIZE = 4
/** Size of the fixed header (VIR_NET_MESSAGE_HEADER_MAX). */
export const HEADER_SIZE = 24
/** Smallest legal frame: length word + header, no payload. */
export const FRAME_MIN = LEN_SIZE + HEADER_SIZE

/** virNetMessageType */
export const MessageType = {
  CALL: 0,
  REPLY: 1,
  MESSAGE: 2,
  STREAM: 3,
  CALL_WITH_FDS: 4,
  REPLY_WITH_FDS: 5,
  STREAM_HOLE: 6,
} as const

/** virNetMessageStatus */
export const MessageStatus = {
  OK: 0,
  ERROR: 1,
  CONTINUE: 2,
} as const

/** The keepalive program (KEEPALIVE_PROGRAM = 'keep'). */
export const KEEPALIVE_PROGRAM = 0x6b656570
export const KEEPALIVE_VERSION = 1
export const KeepaliveProc = { PING: 1, PONG: 2 } as const
