// Layer 5 (typed API). The typed view of virNodeGetCPUStats / virNodeGetMemoryStats: the same
// object the daemon's field list becomes (libvirt's field names as keys, every value a bigint),
// with the fields libvirt defines named and documented. A field a host adds stays reachable
// through the index signature.

/**
 * {@link https://libvirt.org/html/libvirt-libvirt-host.html#virNodeGetCPUStats | virNodeGetCPUStats}:
 * CPU time of one host CPU, or of all of them (`cpuNum` -1), since the host booted. Which
 * fields are present depends on the host; Linux reports `kernel`, `user`, `idle`, `iowait`.
 */
export interface NodeCPUStats {
  /** Time spent in the kernel, nanoseconds. */
  kernel?: bigint
  /** Time spent in user space, nanoseconds. */
  user?: bigint
  /** Time idle, nanoseconds. */
  idle?: bigint
  /** Time waiting for I/O, nanoseconds. */
  iowait?: bigint
  /** Time handling interrupts, nanoseconds. */
  intr?: bigint
  /** CPU usage, percent (hosts that report a utilization instead of times). */
  utilization?: bigint
  [field: string]: bigint | undefined
}

/**
 * {@link https://libvirt.org/html/libvirt-libvirt-host.html#virNodeGetMemoryStats | virNodeGetMemoryStats}:
 * memory of the host, or of one NUMA cell (`cellNum`; -1 for all). Amounts in KiB.
 */
export interface NodeMemoryStats {
  /** Total memory, KiB. */
  total?: bigint
  /** Free memory, KiB. */
  free?: bigint
  /** Memory in buffers, KiB (whole host only). */
  buffers?: bigint
  /** Memory in the page cache, KiB (whole host only). */
  cached?: bigint
  [field: string]: bigint | undefined
}
