// Shared by the events integration tests: collecting events from our client and waiting for them
// without timing assertions (a generous deadline only turns a hang into a readable failure).

export async function waitFor(pred: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** `name` of a raw or wrapped event object. */
export function nameOf(o: unknown): string {
  const x = o as { name?: unknown; raw?: { name?: unknown }; wire?: { name?: unknown } }
  if (typeof x.name === 'string') return x.name
  if (x.wire && typeof x.wire.name === 'string') return x.wire.name
  if (x.raw && typeof x.raw.name === 'string') return x.raw.name
  const f = (o as { name?: () => string }).name
  return typeof f === 'function' ? f.call(o) : String(o)
}
