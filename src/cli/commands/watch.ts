// CLI `watch [URI] [--json]`: subscribes to every event id of every family the daemon supports
// (refusals are reported, not fatal), prints each event as it arrives, and when the connection is
// lost prints the close reason and exits 3. Ctrl-C ends it (130), stopping an embedded daemon.

import { CLOSE_REASON_NAMES, type CloseReason } from '../../client/close-reason.js'
import { DomainState, enumName } from '../../generated/constants.gen.js'
import type { ReconnectInfo } from '../../managed/managed-connection.js'
import { parseCommand } from '../args.js'
import { EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { toJson } from '../format.js'
import { eventJson, eventLine } from '../event-model.js'
import { onInterrupt, openTarget } from '../target.js'
import { printable, printableJson } from '../text.js'
import { countsLine, refusalLines, watchAll } from '../watcher.js'

export const WATCH_HELP = `Usage: libvirt-async watch [URI] [--json] [--qemu] [--reconnect]

Subscribes to every event id of every event family (domain, network, storage pool, node device,
secret) and prints each event as it arrives. Ids or families the daemon refuses (secrets on the
test driver, ids newer than the daemon) are reported on stderr and skipped. When the connection is
lost, prints the close reason (EOF, ERROR, KEEPALIVE) and exits 3 — or, with --reconnect, prints
the disconnect, reconnects (backoff ~100 ms → ~30 s, no limit), registers everything again, and
prints the reconnect with the domains that appeared, disappeared or changed state meanwhile.
Without a URI a private
libvirtd is started (and stopped on exit); its URI is printed on stderr.

Options:
  -c, --connect URI   the daemon to watch (or give the URI as the first argument)
      --json          one JSON object per line (bigints as strings):
                      {"time","family","event","object","args":{…}}; on close {"closed":"EOF","reason":1}
      --qemu          embedded daemon with the QEMU driver (root); watches qemu:///system there
      --reconnect     survive daemon restarts (JSON: {"time","disconnected":"EOF","reason":1} and
                      {"time","reconnected":true,"attempt","downtimeMs","appeared":[…],
                      "disappeared":[…],"changed":[{"name","before","after"}]})
  -h, --help          this help

Progress and refusals go to stderr; events to stdout.

${EXIT_CODES_HELP}`

export async function watchCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' }, reconnect: { type: 'boolean' } })
  if (args.help) {
    process.stdout.write(`${WATCH_HELP}\n`)
    return EXIT.OK
  }
  if (args.positionals.length > 0) throw usage(`watch takes no arguments besides a URI: ${args.positionals.join(' ')}`)
  const target = await openTarget(args.uri, { qemu: args.qemu })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    // event fields come from the daemon: terminal-safe (JSON stays valid JSON)
    const print = args.json ? (e: Parameters<typeof eventJson>[0]) => printableJson(eventJson(e)) : (e: Parameters<typeof eventLine>[0]) => printable(eventLine(e))
    const json = args.json
    const hooks = args.values.reconnect === true ? reconnectPrinter(json) : undefined
    const watcher = await watchAll(target.conn, (e) => process.stdout.write(`${print(e)}\n`), undefined, hooks)
    for (const line of refusalLines(watcher.refused)) process.stderr.write(`libvirt-async: not supported by this daemon: ${line}\n`)
    process.stderr.write(`libvirt-async: watching ${printable(target.uri)} (${watcher.total()} registrations: ${countsLine(watcher.counts())}); Ctrl-C to stop\n`)
    const reason = await watcher.closed
    const name = CLOSE_REASON_NAMES[reason]
    if (args.json) process.stdout.write(`${toJson({ time: new Date().toISOString(), closed: name, reason })}\n`)
    process.stderr.write(`libvirt-async: connection closed: ${name} (${reason})\n`)
    return EXIT.CONNECTION_LOST
  } finally {
    await target.dispose()
    uninstall()
  }
}

const stateName = (s: number): string => enumName(DomainState, s) ?? String(s)

/** What `watch --reconnect` prints for a disconnect and a reconnect (stdout, like the events). */
function reconnectPrinter(json: boolean): { onDisconnect(reason: CloseReason): void; onReconnect(info: ReconnectInfo): void } {
  const time = (): string => new Date().toISOString()
  return {
    onDisconnect(reason) {
      const name = CLOSE_REASON_NAMES[reason]
      if (json) process.stdout.write(`${toJson({ time: time(), disconnected: name, reason })}\n`)
      else process.stdout.write(`-- disconnected: ${name} (${reason}); reconnecting\n`)
    },
    onReconnect(info) {
      const d = info.resync
      const appeared = d?.appeared.map((x) => x.name) ?? []
      const disappeared = d?.disappeared.map((x) => x.name) ?? []
      const changed = d?.changed.map((c) => ({ name: c.name, before: stateName(c.before), after: stateName(c.after) })) ?? []
      if (json) {
        process.stdout.write(`${printableJson(toJson({ time: time(), reconnected: true, attempt: info.attempt, downtimeMs: info.downtimeMs, appeared, disappeared, changed, refused: info.refused.length }))}\n`)
        return
      }
      // names come from the daemon: control characters escaped in text mode
      const list = (names: string[]): string => names.map((n) => printable(n)).join(', ')
      const parts = [`-- reconnected after ${info.downtimeMs} ms (attempt ${info.attempt})`]
      if (appeared.length) parts.push(`appeared: ${list(appeared)}`)
      if (disappeared.length) parts.push(`disappeared: ${list(disappeared)}`)
      if (changed.length) parts.push(`changed: ${changed.map((c) => `${printable(c.name)} ${c.before} → ${c.after}`).join(', ')}`)
      if (!d || (!appeared.length && !disappeared.length && !changed.length)) parts.push('no domain changed during the gap')
      process.stdout.write(`${parts.join('; ')}\n`)
    },
  }
}
