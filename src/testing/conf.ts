// Test harness. Renders libvirt's config-file syntax (`key = value` lines) for the private
// daemon's libvirtd.conf and qemu.conf. Pure functions; values are quoted and escaped so a
// path or a user-supplied string cannot break the file.

/** A value libvirt's config parser accepts: string, integer, or list of strings. */
export type ConfValue = string | number | boolean | readonly string[]

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/

function quote(s: string): string {
  if (/[\n\r\0]/.test(s)) throw new RangeError(`config value must be one line: ${JSON.stringify(s)}`)
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function renderValue(key: string, v: ConfValue): string {
  if (typeof v === 'string') return quote(v)
  if (typeof v === 'boolean') return v ? '1' : '0'
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new RangeError(`config value for ${key} must be an integer, got ${v}`)
    return String(v)
  }
  if (Array.isArray(v)) return `[ ${v.map((x) => quote(String(x))).join(', ')} ]`
  throw new TypeError(`config value for ${key} must be a string, number, boolean or string[]`)
}

/** Render settings as config-file text; later keys override earlier ones (one line per key). */
export function renderConf(...layers: ReadonlyArray<Readonly<Record<string, ConfValue>> | undefined>): string {
  const merged = new Map<string, ConfValue>()
  for (const layer of layers) {
    if (!layer) continue
    for (const [k, v] of Object.entries(layer)) {
      if (!KEY.test(k)) throw new RangeError(`invalid config key: ${JSON.stringify(k)}`)
      merged.set(k, v)
    }
  }
  let out = '# written by libvirt-async/testing\n'
  for (const [k, v] of merged) out += `${k} = ${renderValue(k, v)}\n`
  return out
}

/** The private daemon's own libvirtd.conf settings, before the caller's overrides. */
export function daemonConfDefaults(dir: string): Record<string, ConfValue> {
  return {
    unix_sock_dir: `${dir}/run`,
    // no socket is world-writable (connecting needs write permission); root and its group may
    unix_sock_ro_perms: '0770',
    unix_sock_rw_perms: '0770',
    unix_sock_admin_perms: '0700',
    // root's compiled-in default is polkit, which needs a system bus we do not have
    auth_unix_ro: 'none',
    auth_unix_rw: 'none',
    listen_tls: 0,
    listen_tcp: 0,
    log_outputs: `3:file:${dir}/libvirtd.log`,
    max_clients: 5000,
  }
}

/** qemu.conf for a root daemon without systemd, virtlogd or a libvirt-qemu account in use. */
export function qemuConfDefaults(): Record<string, ConfValue> {
  return {
    // QEMU as root: /dev/kvm is root-only here, and a non-root QEMU re-probes capabilities on every start
    user: 'root',
    group: 'root',
    // no virtlogd is running; QEMU's stdout goes to a plain file
    stdio_handler: 'file',
    // leave the host's cgroup tree alone (costs the cpu_shares TUNABLE event)
    cgroup_controllers: [],
    // keep QEMU in the daemon's mount namespace, so stop() can find and end every QEMU it started
    namespaces: [],
  }
}
