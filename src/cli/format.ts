// CLI. Turns results and events into text: JSON with bigints as strings and buffers as base64,
// compact human-readable `key=value` lines for a terminal, and one-line error messages.

import { LibvirtError } from '../errors.js'
import { toJson } from '../json.js'
import { printable } from './text.js'

// The JSON helper is public (src/json.ts); the CLI re-exports it for its own modules.
export { jsonReplacer, toJson } from '../json.js'

/** `a=1 b="x y" c={…}`: a short readable rendering of an event's fields. */
export function keyValues(fields: Record<string, unknown>): string {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /^[\w./:@-]+$/.test(v) ? v : toJson(v)}`)
    .join(' ')
}

/**
 * One line describing any error, for stderr: libvirt's whole message (a daemon's message may span
 * lines: they are escaped, not cut), control characters escaped, passwords in URIs masked.
 */
export function errorLine(err: unknown): string {
  if (err instanceof LibvirtError) return `libvirt error: ${printable(err.message)} (${err.codeName})`
  if (err instanceof Error) return printable(err.message.split('\n')[0] ?? String(err))
  return printable(String(err))
}
