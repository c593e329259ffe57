// Benchmark helpers: the libvirt-async side's measuring loops — per-call latency of one
// sequential caller, and calls/s with `depth` calls kept in flight on one connection.

export async function latencies(fn: () => Promise<unknown>, seconds: number): Promise<number[]> {
  for (let i = 0; i < 50; i++) await fn()
  const out: number[] = []
  const end = performance.now() + seconds * 1000
  for (;;) {
    const t0 = performance.now()
    await fn()
    const t1 = performance.now()
    out.push((t1 - t0) * 1000)
    if (t1 > end) return out
  }
}

/**
 * Keeps `depth` calls in flight; returns calls/s for each of `samples` windows of `seconds`.
 * `counter.calls`, when given, receives every call made (warm-up and tail included).
 */
export async function rates(fn: () => Promise<unknown>, depth: number, seconds: number, samples: number, counter?: { calls: number }): Promise<number[]> {
  let done = 0
  let stop = false
  const worker = async (): Promise<void> => {
    while (!stop) {
      await fn()
      done++
    }
  }
  const workers = Array.from({ length: depth }, worker)
  await sleep(200)
  const out: number[] = []
  for (let s = 0; s < samples; s++) {
    const c0 = done
    const t0 = performance.now()
    await sleep(seconds * 1000)
    out.push(((done - c0) * 1000) / (performance.now() - t0))
  }
  stop = true
  await Promise.all(workers)
  if (counter) counter.calls = done
  return out
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}
