// Layer 3 (transports). Drivers that live in libvirt's client library (libvirt.so) and never in a
// daemon: libvirt's own client opens them in-process (ESX/vCenter/GSX over VMware's SOAP API,
// Hyper-V over WS-Management, VMware Workstation/Player/Fusion and OpenVZ by running local
// tools). A protocol-only client has nothing to send such a URI to, so it is refused at once, as
// libvirt refuses a URI no driver takes (VIR_ERR_NO_CONNECT), saying why and what to use instead.

import { ErrorCode, ErrorDomain, LibvirtError } from '../errors.js'
import type { LibvirtUri } from './libvirt-uri.js'

const CLIENT_SIDE: Readonly<Record<string, string>> = {
  esx: 'VMware ESX, over its SOAP API',
  vpx: 'VMware vCenter, over its SOAP API',
  gsx: 'VMware GSX, over its SOAP API',
  hyperv: 'Microsoft Hyper-V, over WS-Management',
  vmwareplayer: 'VMware Player, with the local vmrun',
  vmwarews: 'VMware Workstation, with the local vmrun',
  vmwarefusion: 'VMware Fusion, with the local vmrun',
  openvz: 'OpenVZ, with the local vzctl',
}

/**
 * Throws `VIR_ERR_NO_CONNECT` for a URI whose driver only exists inside libvirt's C library.
 * With an explicit transport (`esx+tls://…`) the URI is the remote daemon's business, as in libvirt.
 */
export function refuseClientSideDriver(uri: LibvirtUri | null, shown: string): void {
  if (!uri || uri.explicitTransport) return
  const what = CLIENT_SIDE[uri.driver.toLowerCase()]
  if (!what) return
  throw LibvirtError.local(
    ErrorCode.NO_CONNECT,
    ErrorDomain.NONE,
    `no connection driver available for ${shown}: the ${uri.driver} driver (${what}) runs inside libvirt's C library, ` +
      `not in a libvirt daemon, and libvirt-async speaks only the daemons' RPC protocol; ` +
      `use a client built on libvirt.so for it (virsh -c ${shown}, python3-libvirt, Sys::Virt)`,
  )
}
