// Test helper. Generates a throw-away PKI with openssl in libvirt's file layout: a CA, a server
// certificate for 127.0.0.1, client identities (good, from a foreign CA, none), each in its own
// directory usable as `pkipath=`. Plus free-port picking for listen daemons.

import { execFileSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export interface TestPki {
  /** Files for libvirtd.conf: `ca_file`, `cert_file`, `key_file`. */
  server: { ca_file: string; cert_file: string; key_file: string }
  /** pkipath with the right CA and a client certificate signed by it. */
  client: string
  /** pkipath whose CA did not sign the server certificate (client certificate is good). */
  foreignCa: string
  /** pkipath with the right CA but no client certificate. */
  noClientCert: string
  /**
   * pkipath wholly of the foreign CA (its CA, a client certificate it signed): passes libvirt's
   * own-certificate sanity check, but the server's certificate is not signed by its CA.
   */
  otherCaClient: string
  /** A `ca_file` for the server trusting both CAs (so clients of either CA are accepted). */
  serverCaBundle: string
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

function makeCa(dir: string, name: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'ca.ext'), 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n')
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'cakey.pem', '-out', 'cacert.pem',
    '-days', '2', '-subj', `/O=libvirt-async test/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir)
}

function issue(caDir: string, outDir: string, base: string, cn: string, ext: string): void {
  mkdirSync(outDir, { recursive: true })
  const extFile = join(outDir, `${base}.ext`)
  writeFileSync(extFile, ext)
  openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(outDir, `${base}key.pem`),
    '-out', join(outDir, `${base}.csr`), '-subj', `/O=libvirt-async test/CN=${cn}`], outDir)
  openssl(['x509', '-req', '-in', join(outDir, `${base}.csr`), '-CA', join(caDir, 'cacert.pem'), '-CAkey', join(caDir, 'cakey.pem'),
    '-CAcreateserial', '-days', '2', '-out', join(outDir, `${base}cert.pem`), '-extfile', extFile], outDir)
}

/** Creates the PKI under `dir`. The server certificate names only IP 127.0.0.1. */
export function makePki(dir: string): TestPki {
  const ca = join(dir, 'ca')
  const other = join(dir, 'other-ca')
  makeCa(ca, 'test CA')
  makeCa(other, 'foreign CA')
  const server = join(dir, 'server')
  issue(ca, server, 'server', '127.0.0.1',
    'basicConstraints=critical,CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1\n')
  copyFileSync(join(ca, 'cacert.pem'), join(server, 'cacert.pem'))
  const clientExt = 'basicConstraints=critical,CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n'
  const client = join(dir, 'client')
  issue(ca, client, 'client', 'client', clientExt)
  copyFileSync(join(ca, 'cacert.pem'), join(client, 'cacert.pem'))
  const foreignCa = join(dir, 'client-foreign-ca')
  mkdirSync(foreignCa, { recursive: true })
  for (const f of ['clientcert.pem', 'clientkey.pem']) copyFileSync(join(client, f), join(foreignCa, f))
  copyFileSync(join(other, 'cacert.pem'), join(foreignCa, 'cacert.pem'))
  const noClientCert = join(dir, 'client-no-cert')
  mkdirSync(noClientCert, { recursive: true })
  copyFileSync(join(ca, 'cacert.pem'), join(noClientCert, 'cacert.pem'))
  const otherCaClient = join(dir, 'client-other-ca')
  issue(other, otherCaClient, 'client', 'other client', clientExt)
  copyFileSync(join(other, 'cacert.pem'), join(otherCaClient, 'cacert.pem'))
  const serverCaBundle = join(server, 'ca-bundle.pem')
  writeFileSync(serverCaBundle, readFileSync(join(ca, 'cacert.pem'), 'utf8') + readFileSync(join(other, 'cacert.pem'), 'utf8'))
  return {
    server: { ca_file: join(server, 'cacert.pem'), cert_file: join(server, 'servercert.pem'), key_file: join(server, 'serverkey.pem') },
    client,
    foreignCa,
    noClientCert,
    otherCaClient,
    serverCaBundle,
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** libvirtd.conf settings for a TLS listener on 127.0.0.1:`port` with this PKI. */
export function tlsDaemonConfig(pki: TestPki, port: number, auth: 'none' | 'sasl' = 'none'): Record<string, string | number> {
  return { listen_tls: 1, listen_tcp: 0, listen_addr: '127.0.0.1', tls_port: String(port), auth_tls: auth, ...pki.server }
}
