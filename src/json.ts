// Shared by every layer and the CLI: any value this library returns as JSON text. Plain
// JSON.stringify throws on a bigint and dumps a Buffer byte by byte; results hold both.
// No imports, so any layer (and the CLI) may use it.

/**
 * A `JSON.stringify` replacer for this library's results: `bigint` → decimal string,
 * `Buffer`/`Uint8Array` → base64, `Map` → object, `Set` → array, an `Error` → its `name`,
 * `message` and own fields (`code`, `domain`, … of a `LibvirtError`), and a libvirt object
 * (`Domain`, `Network`, …) → the identity it is known by on the wire (name, uuid, …) rather
 * than its connection.
 *
 * @example
 * ```ts
 * JSON.stringify(await conn.getAllDomainStats(), jsonReplacer, 2)
 * ```
 */
export function jsonReplacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString()
  if (value === null || typeof value !== 'object') return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  // Buffer.prototype.toJSON ran before the replacer saw a Buffer property: { type: 'Buffer', data: [...] }
  const o = value as { type?: unknown; data?: unknown; wire?: unknown; connection?: unknown }
  if (o.type === 'Buffer' && Array.isArray(o.data)) return Buffer.from(o.data as number[]).toString('base64')
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  if (value instanceof Error) return Object.assign({ name: value.name, message: value.message }, value)
  // A LibvirtObject (duck-typed: this module sits below the API layer and imports nothing).
  if ('wire' in o && 'connection' in o && o.wire !== null && typeof o.wire === 'object') return o.wire
  return value
}

/**
 * `JSON.stringify(value, jsonReplacer, indent)` for any result of this library (bigints,
 * buffers, libvirt objects, errors included; see {@link jsonReplacer}). `undefined` becomes
 * `"null"`, so the answer is always JSON text.
 */
export function toJson(value: unknown, indent?: number | string): string {
  return JSON.stringify(value === undefined ? null : value, jsonReplacer, indent) ?? 'null'
}
