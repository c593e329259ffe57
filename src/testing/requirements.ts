// Test harness. Finds the programs a private daemon needs (libvirtd, unshare, tini, QEMU) and
// explains, as a TestHarnessError with a fix, why a requested daemon cannot run here.
// Looks only at the file system; never installs anything.

import { accessSync, constants, readdirSync } from 'node:fs'
import { TestHarnessError } from './errors.js'

const SYSTEM_DIRS = ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin']

/** Absolute path of an executable named `name`, searched in system dirs then $PATH. */
export function findProgram(name: string): string | undefined {
  const dirs = [...SYSTEM_DIRS, ...(process.env.PATH ?? '').split(':').filter(Boolean)]
  for (const d of dirs) {
    const p = `${d}/${name}`
    try {
      accessSync(p, constants.X_OK)
      return p
    } catch {
      // not here; try the next dir
    }
  }
  return undefined
}

/** True when libvirt's loadable QEMU driver is installed (Debian: libvirt-daemon-driver-qemu). */
export function hasQemuDriverModule(): boolean {
  for (const base of ['/usr/lib', '/usr/lib64']) {
    let subdirs: string[]
    try {
      subdirs = ['', ...readdirSync(base).map((d) => `/${d}`)]
    } catch {
      continue
    }
    for (const sub of subdirs) {
      try {
        accessSync(`${base}${sub}/libvirt/connection-driver/libvirt_driver_qemu.so`, constants.R_OK)
        return true
      } catch {
        // not in this multiarch dir
      }
    }
  }
  return false
}

/** True when this process runs as root (a privileged daemon and namespaces are possible). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0
}

/** Programs a daemon start will use; `undefined` means "not available, go without". */
export interface DaemonPrograms {
  libvirtd: string
  unshare: string | undefined
  tini: string | undefined
  setpriv: string | undefined
}

/**
 * Check what a daemon with these options needs and throw a TestHarnessError that says what is
 * missing and how to fix it.
 */
export function checkRequirements(opts: { qemu: boolean }): DaemonPrograms {
  if (process.platform !== 'linux') {
    throw new TestHarnessError('MISSING_PROGRAM', `a private libvirtd needs Linux, this is ${process.platform}`)
  }
  const libvirtd = findProgram('libvirtd')
  if (!libvirtd) {
    throw new TestHarnessError('MISSING_PROGRAM', 'libvirtd was not found', {
      hint: 'on Debian: apt-get install libvirt-daemon (or run scripts/setup.sh as root)',
    })
  }
  const root = isRoot()
  const unshare = root ? findProgram('unshare') : undefined
  if (opts.qemu) {
    if (!root) {
      throw new TestHarnessError('NOT_ROOT', 'startTestDaemon({ qemu: true }) needs root: the QEMU driver runs only in a privileged libvirtd, isolated in its own mount namespace', {
        hint: 'run the tests as root, or use the test driver only (qemu: false), which runs unprivileged',
      })
    }
    if (!unshare) {
      throw new TestHarnessError('MISSING_PROGRAM', 'unshare was not found; a QEMU-enabled daemon must run in its own mount namespace', {
        hint: 'on Debian: apt-get install util-linux',
      })
    }
    if (!hasQemuDriverModule()) {
      throw new TestHarnessError('MISSING_PROGRAM', "libvirt's QEMU driver module (libvirt_driver_qemu.so) was not found", {
        hint: 'on Debian: apt-get install libvirt-daemon-driver-qemu',
      })
    }
    if (!findProgram('qemu-system-x86_64')) {
      throw new TestHarnessError('MISSING_PROGRAM', 'qemu-system-x86_64 was not found', {
        hint: 'on Debian: apt-get install qemu-system-x86 libvirt-daemon-driver-qemu',
      })
    }
  }
  return { libvirtd, unshare, tini: findProgram('tini'), setpriv: findProgram('setpriv') }
}
