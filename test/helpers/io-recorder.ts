// Test helper, loaded with `node --import <this>` before anything else: wraps every public way
// to do file, network or process I/O (fs, fs/promises, net, tls, dns, dgram, http(s),
// child_process, worker_threads, fetch) so each call is recorded, then prints the records as one
// JSON line on exit. Node's module loader uses its internal bindings, not these, so loading
// modules is not recorded (the test still tolerates reads of the package's own files).
import childProcess from 'node:child_process'
import dgram from 'node:dgram'
import dns from 'node:dns'
import fs from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { syncBuiltinESMExports } from 'node:module'
import net from 'node:net'
import tls from 'node:tls'
import workerThreads from 'node:worker_threads'

export interface IoRecord {
  api: string
  arg: string
  /**
   * Set on a call made on a file descriptor that no recorded call opened (and not stdin, stdout
   * or stderr): a descriptor of Node's own. Newer Node's module loader opens a module's file
   * through its internal bindings and then reads and closes it through the public `fs.readSync`
   * and `fs.closeSync` (Node 24), which are wrapped here. Code outside Node can only get a
   * descriptor from a call that is recorded (the open itself, by path).
   */
  nodeOwnFd?: true
  /** On a call made on a descriptor a recorded call opened: the path it was opened with. */
  fdPath?: string
}

const records: IoRecord[] = []
const writeSync = fs.writeSync
let recording = true
// descriptors that recorded calls returned (fs.openSync) and not yet closed, with the path each
// was opened with (a closed number may come back from one of Node's own opens); the asynchronous
// opens are recorded by path, which is what a test looks at
const openedFds = new Map<number, string>()

function describe(a: unknown): string {
  if (typeof a === 'string') return a
  if (a instanceof URL) return a.href
  if (typeof a === 'number') return `fd ${a}`
  if (a && typeof a === 'object') {
    try {
      return JSON.stringify(a).slice(0, 200)
    } catch {
      return Object.prototype.toString.call(a)
    }
  }
  return String(a)
}

function wrap(owner: Record<string, unknown>, name: string, api: string): void {
  const orig = owner[name]
  if (typeof orig !== 'function') return
  // classes (fs.Stats, net.Socket …) stay as they are; their I/O methods are wrapped separately
  if (/^[A-Z]/.test(name)) return
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const first = args[0]
    if (recording) {
      const record: IoRecord = { api, arg: describe(first) }
      if (api.startsWith('fs.') && typeof first === 'number' && first > 2) {
        const fdPath = openedFds.get(first)
        if (fdPath === undefined) record.nodeOwnFd = true
        else record.fdPath = fdPath
      }
      records.push(record)
    }
    const result = (orig as (...a: unknown[]) => unknown).apply(this, args)
    if (api === 'fs.openSync' && typeof result === 'number') openedFds.set(result, describe(first))
    else if (api === 'fs.closeSync' && typeof first === 'number') openedFds.delete(first)
    return result
  }
  Object.defineProperties(wrapped, Object.getOwnPropertyDescriptors(orig))
  try {
    owner[name] = wrapped
  } catch {
    // a read-only property: nothing a library could reach through it either
  }
}

function wrapAll(owner: object, prefix: string, skip: readonly string[] = []): void {
  for (const name of Object.keys(owner)) {
    if (skip.includes(name)) continue
    wrap(owner as Record<string, unknown>, name, `${prefix}.${name}`)
  }
}

// fs: everything but pure helpers that touch nothing
wrapAll(fs, 'fs', ['promises', 'constants'])
wrapAll(fs.promises, 'fs.promises', ['constants'])
wrapAll(net, 'net', ['isIP', 'isIPv4', 'isIPv6', 'getDefaultAutoSelectFamily', 'getDefaultAutoSelectFamilyAttemptTimeout'])
wrap(net.Socket.prototype as unknown as Record<string, unknown>, 'connect', 'net.Socket#connect')
wrap(net.Server.prototype as unknown as Record<string, unknown>, 'listen', 'net.Server#listen')
wrapAll(tls, 'tls', ['checkServerIdentity', 'getCiphers'])
wrapAll(dns, 'dns', ['getServers', 'getDefaultResultOrder', 'setDefaultResultOrder'])
wrapAll(dns.promises, 'dns.promises', ['getServers', 'getDefaultResultOrder', 'setDefaultResultOrder'])
wrapAll(dgram, 'dgram')
wrapAll(http, 'http')
wrapAll(https, 'https')
wrapAll(childProcess, 'child_process')
const OrigWorker = workerThreads.Worker
;(workerThreads as { Worker: unknown }).Worker = class extends OrigWorker {
  constructor(...args: ConstructorParameters<typeof OrigWorker>) {
    if (recording) records.push({ api: 'worker_threads.Worker', arg: describe(args[0]) })
    super(...args)
  }
}
wrap(globalThis as unknown as Record<string, unknown>, 'fetch', 'fetch')
// `import { readFileSync } from 'node:fs'` sees the wrapped functions too
syncBuiltinESMExports()

process.on('exit', () => {
  recording = false
  writeSync(1, `IO-RECORDS ${JSON.stringify(records)}\n`)
})
