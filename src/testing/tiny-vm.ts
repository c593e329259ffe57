// Test harness. The XML of the smallest real QEMU guest worth starting in a test: no disk, no
// network, 64 MiB, TCG-friendly `pc` machine; SeaBIOS prints to the serial console (then finds
// nothing to boot), so a console test sees output within a second. Starts in about half a second.

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

/** Options of {@link tinyQemuDomainXml}. */
export interface TinyQemuDomainOptions {
  /** Fixed UUID (default: libvirt picks one). */
  uuid?: string
  /** Guest memory in MiB (default 64; SeaBIOS needs little). */
  memoryMiB?: number
  /** Virtual CPUs (default 1). */
  vcpus?: number
  /** Add a VNC display listening on 127.0.0.1 (autoport) with a cirrus video card. Default false. */
  graphics?: boolean
  /** Add a virtio serial channel with this target name (a unix socket the daemon binds). */
  channel?: string
}

/**
 * XML of a diskless QEMU guest (x86_64, machine `pc`, `<domain type='qemu'>`: runs under TCG, no
 * KVM needed) whose SeaBIOS talks on the serial console (`<bios useserial='yes'/>`, a `pty`
 * serial and console) — what the CLI's `console` command and demo boot. Start it with
 * `conn.domainCreateXML(tinyQemuDomainXml('vm1'))` on a QEMU connection (`daemon.qemuUri` of a
 * `startTestDaemon({ qemu: true })`, as root); read its console with `dom.openConsole()`.
 *
 * @example
 * ```ts
 * await using daemon = await startTestDaemon({ qemu: true })
 * const conn = await connect(daemon.qemuUri)
 * const dom = await conn.domainCreateXML(tinyQemuDomainXml('vm1'))
 * ```
 */
export function tinyQemuDomainXml(name: string, options: TinyQemuDomainOptions = {}): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('tinyQemuDomainXml: name must be a non-empty string')
  if (options === null || typeof options !== 'object') throw new TypeError('tinyQemuDomainXml: options must be an object')
  const memory = options.memoryMiB ?? 64
  const vcpus = options.vcpus ?? 1
  if (!Number.isSafeInteger(memory) || memory < 16) throw new RangeError(`tinyQemuDomainXml: memoryMiB must be an integer ≥ 16, got ${String(memory)}`)
  if (!Number.isSafeInteger(vcpus) || vcpus < 1) throw new RangeError(`tinyQemuDomainXml: vcpus must be an integer ≥ 1, got ${String(vcpus)}`)
  if (options.channel !== undefined && (typeof options.channel !== 'string' || options.channel === '')) throw new TypeError('tinyQemuDomainXml: channel must be a non-empty string')
  const uuid = options.uuid ? `<uuid>${esc(options.uuid)}</uuid>` : ''
  return (
    `<domain type='qemu'><name>${esc(name)}</name>${uuid}<memory unit='MiB'>${memory}</memory><vcpu>${vcpus}</vcpu>` +
    `<os><type arch='x86_64' machine='pc'>hvm</type><bios useserial='yes'/></os><devices>` +
    `<serial type='pty'/><console type='pty'/>` +
    (options.channel ? `<channel type='unix'><source mode='bind'/><target type='virtio' name='${esc(options.channel)}'/></channel>` : '') +
    (options.graphics ? `<graphics type='vnc' autoport='yes' listen='127.0.0.1'/><video><model type='cirrus'/></video>` : '') +
    `<memballoon model='none'/></devices></domain>`
  )
}
