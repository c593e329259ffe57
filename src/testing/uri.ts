// Test harness. Builds `driver+unix://PATH?socket=SOCK` URIs for the private daemon, escaping
// what libvirt's URI parser would otherwise misread (spaces, '?', '&', '#', '%').

function escape(s: string): string {
  return s.replace(/[^A-Za-z0-9/._~-]/g, (c) => encodeURIComponent(c))
}

/** `socketUri('test', '/default', '/tmp/x/run/libvirt-sock')` → `test+unix:///default?socket=/tmp/x/run/libvirt-sock`. */
export function socketUri(driver: string, path: string, socket: string): string {
  return `${driver}+unix://${escape(path)}?socket=${escape(socket)}`
}
