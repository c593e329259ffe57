// CLI. Turns results and events into text: JSON with bigints as strings and buffers as base64,
// compact human-readable `key=value` lines for a terminal, and one-line error messages.

import { LibvirtError } from '../errors.js'

/** JSON.stringify replacer: bigint → decimal string, Buffer/Uint8Array → base64, Map → object. */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString('base64')
  }
  if (value instanceof Map) return Object.fromEntries(value)
  return value
}

export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value === undefined ? null : value, jsonReplacer, indent) ?? 'null'
}

/** `a=1 b="x y" c={…}`: a short readable rendering of an event's fields. */
export function keyValues(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[\w./:@-]+$/.test(v) ? v : toJson(v)}`)
    .join(' ')
}

/** One line describing any error, for stderr. */
export function errorLine(err: unknown): string {
  if (err instanceof LibvirtError) return `libvirt error: ${err.message} (${err.codeName})`
  if (err instanceof Error) return err.message.split('\n')[0] ?? String(err)
  return String(err)
}
