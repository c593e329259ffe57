// Shared by the streams-*.test.ts files: tiny QEMU guests (serial console, optional VNC),
// a transient dir storage pool, and small waiting helpers. Everything goes through our own
// client's raw procedure calls.

import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Connection } from '../../src/index.js'
import { REMOTE_PROCEDURES } from '../../src/protocol.js'
import { tinyQemuDomainXml } from '../../src/testing/index.js'
import type { RemoteNonnullDomain, RemoteNonnullStoragePool, RemoteNonnullStorageVol } from '../../src/generated/remote-types.gen.js'

/** QEMU guests need root and the emulator; the tests skip otherwise. */
export const HAS_QEMU = process.getuid?.() === 0 && existsSync('/usr/bin/qemu-system-x86_64')

/** XML of a 64 MiB diskless guest whose SeaBIOS prints to the serial console (the harness's helper). */
export function vmXml(name: string, opts: { graphics?: boolean; channel?: string } = {}): string {
  return tinyQemuDomainXml(name, opts)
}

/** Starts a transient guest (paused when asked). */
export async function startVm(conn: Connection, name: string, opts: { graphics?: boolean; channel?: string; paused?: boolean } = {}): Promise<RemoteNonnullDomain> {
  const { dom } = await conn.call(REMOTE_PROCEDURES.DOMAIN_CREATE_XML, { xml_desc: vmXml(name, opts), flags: opts.paused ? 1 : 0 })
  return dom
}

export async function destroyVm(conn: Connection, dom: RemoteNonnullDomain): Promise<void> {
  try {
    await conn.call(REMOTE_PROCEDURES.DOMAIN_DESTROY, { dom })
  } catch {
    // already gone
  }
}

/** A transient dir pool under `dir` (built and started). */
export async function startDirPool(conn: Connection, dir: string, name: string): Promise<RemoteNonnullStoragePool> {
  const path = join(dir, name)
  mkdirSync(path, { recursive: true })
  const xml = `<pool type='dir'><name>${name}</name><target><path>${path}</path></target></pool>`
  const { pool } = await conn.call(REMOTE_PROCEDURES.STORAGE_POOL_CREATE_XML, { xml, flags: 1 /* WITH_BUILD */ })
  return pool
}

/** A raw volume of `capacity` bytes with nothing allocated. */
export async function createVolume(conn: Connection, pool: RemoteNonnullStoragePool, name: string, capacity: number): Promise<{ vol: RemoteNonnullStorageVol; path: string }> {
  const xml = `<volume><name>${name}</name><capacity unit='bytes'>${capacity}</capacity><allocation unit='bytes'>0</allocation>` +
    `<target><format type='raw'/></target></volume>`
  const { vol } = await conn.call(REMOTE_PROCEDURES.STORAGE_VOL_CREATE_XML, { pool, xml, flags: 0 })
  const { name: path } = await conn.call(REMOTE_PROCEDURES.STORAGE_VOL_GET_PATH, { vol })
  return { vol, path }
}

/** Resolves after `n` turns of the event loop (lets I/O happen; no clock involved). */
export async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r))
}
