// CLI. Makes text from a daemon (or from a URI) safe to print on a terminal: control characters
// (C0, DEL, C1) and bidirectional overrides are escaped, so a hostile domain name or error message
// cannot move the cursor, retitle the terminal or reorder a line; a password in any URI is masked.

import { redactUri } from '../client/redact-uri.js'

// C0 except nothing, DEL, C1, and the bidi embedding/override/isolate controls.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

function hex(c: string): string {
  const n = c.charCodeAt(0)
  return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`
}

/** Escapes control characters as `\n`, `\t`, `\x1b`, `\u202e` (other text, backslashes included, stays as is). */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? hex(c))
}

// scheme://user:password@ anywhere in a text (an error message quoting a URI, say).
const URI_WITH_PASSWORD = /\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/?#@]*:[^\s/?#]*@[^\s]*/g

/** Masks the password of every URI in `text` (`user:***@`). */
export function maskPasswords(text: string): string {
  return text.replace(URI_WITH_PASSWORD, (uri) => redactUri(uri))
}

/** What the CLI prints of any text it did not write itself: passwords masked, controls escaped. */
export function printable(text: string): string {
  return escapeControl(maskPasswords(text))
}

// JSON.stringify escapes C0 but leaves DEL, C1 and bidi controls raw; \u escapes keep it valid JSON.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** A JSON text made terminal-safe (still valid JSON, same value) with passwords in URIs masked. */
export function printableJson(json: string): string {
  return maskPasswords(json).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}
