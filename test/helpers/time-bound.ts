// Test helper: an explicit time bound on a promise. A test of "at once" / "no hang" / "timeout"
// states its bound here, generously (this proves the promise settles, it is not a benchmark).

/** Resolves or rejects like `p`, or rejects with "<what> did not settle within <ms> ms". */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)
  })
  return Promise.race([p, bound]).finally(() => clearTimeout(timer))
}

/** Milliseconds `fn` took, with its result. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now()
  const value = await fn()
  return { ms: performance.now() - t0, value }
}
