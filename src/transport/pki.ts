// Layer 3 (transports). Where libvirt's TLS client finds its PKI files: `pkipath=` from the URI,
// else (non-root) the per-user ~/.pki/libvirt files with a per-file fallback to the system
// locations (/etc/pki/CA, /etc/pki/libvirt), else the system locations. Reads them with errors that name the path.

import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'

/** Paths of the PKI files a TLS client uses. */
export interface PkiPaths {
  cacert: string
  cacrl: string
  cert: string
  key: string
}

/** PEM contents; `cert`/`key` are absent when the client has no identity (libvirt allows that). */
export interface PkiMaterial {
  paths: PkiPaths
  ca: Buffer
  crl?: Buffer
  cert?: Buffer
  key?: Buffer
}

export const SYSTEM_CA_DIR = '/etc/pki/CA'
export const SYSTEM_CERT_DIR = '/etc/pki/libvirt'
export const SYSTEM_KEY_DIR = '/etc/pki/libvirt/private'

/** The client's PKI paths by libvirt's rules (virNetTLSContextLocateCredentials). */
export function locatePki(pkipath: string | undefined, opts: { root?: boolean; home?: string } = {}): PkiPaths {
  if (pkipath) {
    return { cacert: join(pkipath, 'cacert.pem'), cacrl: join(pkipath, 'cacrl.pem'), cert: join(pkipath, 'clientcert.pem'), key: join(pkipath, 'clientkey.pem') }
  }
  const system: PkiPaths = {
    cacert: join(SYSTEM_CA_DIR, 'cacert.pem'),
    cacrl: join(SYSTEM_CA_DIR, 'cacrl.pem'),
    cert: join(SYSTEM_CERT_DIR, 'clientcert.pem'),
    key: join(SYSTEM_KEY_DIR, 'clientkey.pem'),
  }
  const root = opts.root ?? process.geteuid?.() === 0
  if (root) return system
  const user = join(opts.home ?? homedir(), '.pki', 'libvirt')
  const out = { ...system }
  if (existsSync(join(user, 'cacert.pem'))) out.cacert = join(user, 'cacert.pem')
  if (existsSync(join(user, 'cacrl.pem'))) out.cacrl = join(user, 'cacrl.pem')
  // cert and key go together
  if (existsSync(join(user, 'clientcert.pem')) && existsSync(join(user, 'clientkey.pem'))) {
    out.cert = join(user, 'clientcert.pem')
    out.key = join(user, 'clientkey.pem')
  }
  return out
}

/** Reads the files; the CA is required, the CRL optional, cert and key optional as a pair. */
export function loadPki(paths: PkiPaths): PkiMaterial {
  const ca = readRequired('CA certificate', paths.cacert)
  const crl = existsSync(paths.cacrl) ? readRequired('CA revocation list', paths.cacrl) : undefined
  let cert: Buffer | undefined
  let key: Buffer | undefined
  if (existsSync(paths.cert)) {
    cert = readRequired('certificate', paths.cert)
    key = readRequired('private key', paths.key)
  }
  return { paths, ca, crl, cert, key }
}

function readRequired(what: string, path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    const err = e as NodeJS.ErrnoException
    const why = err.code === 'ENOENT' ? 'No such file or directory' : err.code === 'EACCES' ? 'Permission denied' : err.message
    throw LibvirtError.local(ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, `Cannot read ${what} '${path}': ${why}`, err)
  }
}
