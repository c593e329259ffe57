// Layer 4 (client). A libvirt URI made safe to print or trace: a password in the user-info part
// (`qemu+ssh://user:secret@host/system`) becomes `user:***@`. Nothing else in a libvirt URI is a
// secret (keys and passphrases live in files named by the URI, never in it).

/**
 * Returns `uri` with any password in its user-info replaced by `***`
 * (`qemu+tcp://admin:s3cret@[::1]/system` → `qemu+tcp://admin:***@[::1]/system`).
 * Anything that is not a URI with an authority is returned unchanged.
 */
export function redactUri(uri: string): string {
  // scheme://userinfo@host…: the user-info ends at the last '@' before the first '/', '?' or '#'.
  const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)/.exec(uri)
  if (!m) return uri
  const authority = m[2]!
  const at = authority.lastIndexOf('@')
  if (at < 0) return uri
  const userInfo = authority.slice(0, at)
  const colon = userInfo.indexOf(':')
  if (colon < 0) return uri
  return `${m[1]}${userInfo.slice(0, colon)}:***${authority.slice(at)}${uri.slice(m[0].length)}`
}
