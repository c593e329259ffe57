// Generator (dev-only). The single home of naming rules: XDR names → TypeScript names,
// procedure → C function matching, and libvirt.org documentation anchors.

/**
 * PascalCase of a full XDR name: `remote_domain_get_info_ret` → `RemoteDomainGetInfoRet`,
 * `virNetMessageHeader` → `VirNetMessageHeader`.
 * @param {string} name
 */
export function pascalCase(name) {
  return name
    .split('_')
    .filter((p) => p !== '')
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('')
}

/** Key used to compare procedure and function names: lower case, no underscores. @param {string} s */
export function matchKey(s) {
  return s.replace(/_/g, '').toLowerCase()
}

/**
 * C function name candidates' key for a procedure: `REMOTE_PROC_NODE_GET_CPU_STATS` → `nodegetcpustats`.
 * The qemu and lxc programs' functions carry the program name after `Domain`
 * (`QEMU_PROC_DOMAIN_MONITOR_COMMAND` → `virDomainQemuMonitorCommand`).
 * @param {string} program lower-case program name (remote, qemu, lxc, keepalive)
 * @param {string} key procedure name without the `<PROGRAM>_PROC_` prefix
 */
export function procedureFunctionKey(program, key) {
  const k = matchKey(key)
  if (program === 'remote') return `vir${k}`
  return `vir${k.replace('domain', `domain${program}`)}`
}

/** Documentation page of a public header: libvirt-domain.h → libvirt-libvirt-domain.html. @param {string} header */
export function docPage(header) {
  return `https://libvirt.org/html/libvirt-${header.replace(/\.h$/, '')}.html`
}

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await arguments eval undefined'.split(' '),
)

/** A local variable name for a field that cannot clash with keywords or the codec's own names. @param {string} field */
export function localName(field) {
  if (RESERVED.has(field) || field === 'r' || field === 'w' || field === 'v' || field === 'f' || field === 'i' || field === 'n' || field === 'a') return `${field}_`
  return field
}

/** True when `s` can be written as an unquoted property name. @param {string} s */
export function isIdentifier(s) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(s)
}
