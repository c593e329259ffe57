// libvirt-async/protocol: the raw procedure tables, the escape hatch for `conn.call()`. Kept out of
// the package root so the typed API never shows a wire type (Remote*Args, Qemu*Ret, …).
/**
 * The raw protocol tables of libvirt's RPC programs, for calling a procedure the typed API does
 * not wrap (or wraps differently): pass a descriptor to `conn.call()` with the wire arguments and
 * get the wire reply back. Wire types here follow libvirt's protocol definitions and change with
 * them; prefer the typed methods of `Connection` and its objects when they exist.
 *
 * @example
 * ```ts
 * import { REMOTE_PROCEDURES } from 'libvirt-async/protocol'
 * const { lib_ver } = await conn.call(REMOTE_PROCEDURES.CONNECT_GET_LIB_VERSION, undefined)
 * ```
 * @module libvirt-async/protocol
 */
export type { ProcedureDescriptor, StreamDirection as ProcedureStreamDirection } from './generated/procedure.js'
export { REMOTE_PROCEDURES, QEMU_PROCEDURES, LXC_PROCEDURES } from './generated/procedures.gen.js'
export { ADMIN_PROCEDURES } from './generated/admin-procedures.gen.js'
export type * from './generated/remote-types.gen.js'
export type * from './generated/qemu.gen.js'
export type * from './generated/lxc.gen.js'
export type * from './generated/admin.gen.js'
