// Layer 2 (protocol core). Wire limits of libvirt's RPC framing and the message types, statuses and
// keepalive program the core itself must know, under the core's own names; every value comes from
// the generated protocol modules (virnetprotocol, virkeepaliveprotocol).

import {
  VIR_NET_CALL, VIR_NET_CALL_WITH_FDS, VIR_NET_CONTINUE, VIR_NET_ERROR, VIR_NET_MESSAGE, VIR_NET_MESSAGE_HEADER_MAX, VIR_NET_MESSAGE_LEN_MAX,
  VIR_NET_MESSAGE_MAX, VIR_NET_OK, VIR_NET_REPLY, VIR_NET_REPLY_WITH_FDS, VIR_NET_STREAM, VIR_NET_STREAM_HOLE,
} from '../generated/virnet.gen.js'
import { KEEPALIVE_PROC_PING, KEEPALIVE_PROC_PONG, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION } from '../generated/keepalive.gen.js'

/** Largest frame, length word included (VIR_NET_MESSAGE_MAX). */
export const MESSAGE_MAX = VIR_NET_MESSAGE_MAX
/** Size of the length word (VIR_NET_MESSAGE_LEN_MAX). */
export const LEN_SIZE = VIR_NET_MESSAGE_LEN_MAX
/** Size of the fixed header (VIR_NET_MESSAGE_HEADER_MAX). */
export const HEADER_SIZE = VIR_NET_MESSAGE_HEADER_MAX
/** Smallest legal frame: length word + header, no payload. */
export const FRAME_MIN = LEN_SIZE + HEADER_SIZE

/** virNetMessageType */
export const MessageType = {
  CALL: VIR_NET_CALL,
  REPLY: VIR_NET_REPLY,
  MESSAGE: VIR_NET_MESSAGE,
  STREAM: VIR_NET_STREAM,
  CALL_WITH_FDS: VIR_NET_CALL_WITH_FDS,
  REPLY_WITH_FDS: VIR_NET_REPLY_WITH_FDS,
  STREAM_HOLE: VIR_NET_STREAM_HOLE,
} as const

/** virNetMessageStatus */
export const MessageStatus = {
  OK: VIR_NET_OK,
  ERROR: VIR_NET_ERROR,
  CONTINUE: VIR_NET_CONTINUE,
} as const

/** The keepalive program (KEEPALIVE_PROGRAM = 'keep'). */
export { KEEPALIVE_PROGRAM }
export const KEEPALIVE_VERSION = KEEPALIVE_PROTOCOL_VERSION
export const KeepaliveProc = { PING: KEEPALIVE_PROC_PING, PONG: KEEPALIVE_PROC_PONG } as const
