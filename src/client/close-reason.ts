// Layer 4 (client). Why a connection ended: libvirt's virConnectCloseReason values (ERROR 0,
// EOF 1, KEEPALIVE 2, CLIENT 3) and their names. Constants only; `conn.closed` settles with one.

/** virConnectCloseReason: why the connection to libvirt ended. */
export const CloseReason = {
  /** Misc I/O or protocol error (VIR_CONNECT_CLOSE_REASON_ERROR). */
  ERROR: 0,
  /** The peer ended the connection cleanly (VIR_CONNECT_CLOSE_REASON_EOF). */
  EOF: 1,
  /** Keepalive timer triggered: the daemon stopped answering (VIR_CONNECT_CLOSE_REASON_KEEPALIVE). */
  KEEPALIVE: 2,
  /** This client closed the connection (VIR_CONNECT_CLOSE_REASON_CLIENT). */
  CLIENT: 3,
} as const

export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason]

/** The name of each close reason (`CLOSE_REASON_NAMES[CloseReason.EOF]` → `'EOF'`), for logs. */
export const CLOSE_REASON_NAMES: Readonly<Record<CloseReason, string>> = { 0: 'ERROR', 1: 'EOF', 2: 'KEEPALIVE', 3: 'CLIENT' }
