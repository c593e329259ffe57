// Layer 4 (client). A monotonic clock in milliseconds that costs nothing to start: Node 20 loads
// its perf_hooks module (about 1.4 ms) on a process's first touch of the `performance` global,
// which a connect() in a fresh process would otherwise pay for its timers alone.

/** Milliseconds on a monotonic clock (process.hrtime); only differences mean anything. */
export function monotonicMs(): number {
  const [s, ns] = process.hrtime()
  return s * 1e3 + ns / 1e6
}
