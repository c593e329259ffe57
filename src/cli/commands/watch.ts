// CLI `watch [URI] [--json]`: subscribes to every event id of every family the daemon supports
// (refusals are reported, not fatal), prints each event as it arrives, and when the connection is
// lost prints the close reason and exits 3. Ctrl-C ends it (130), stopping an embedded daemon.

import { CLOSE_REASON_NAMES } from '../../client/close-reason.js'
import { parseCommand } from '../args.js'
import { EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { toJson } from '../format.js'
import { eventJson, eventLine } from '../event-model.js'
import { onInterrupt, openTarget } from '../target.js'
import { printable } from '../text.js'
import { countsLine, refusalLines, watchAll } from '../watcher.js'

export const WATCH_HELP = `Usage: libvirt-async watch [URI] [--json] [--qemu]

Subscribes to every event id of every event family (domain, network, storage pool, node device,
secret) and prints each event as it arrives. Ids or families the daemon refuses (secrets on the
test driver, ids newer than the daemon) are reported on stderr and skipped. When the connection is
lost, prints the close reason (EOF, ERROR, KEEPALIVE) and exits 3. Without a URI a private
libvirtd is started (and stopped on exit); its URI is printed on stderr.

Options:
  -c, --connect URI   the daemon to watch (or give the URI as the first argument)
      --json          one JSON object per line (bigints as strings):
                      {"time","family","event","object","args":{…}}; on close {"closed":"EOF","reason":1}
      --qemu          embedded daemon with the QEMU driver (root); watches qemu:///system there
  -h, --help          this help

Progress and refusals go to stderr; events to stdout.

${EXIT_CODES_HELP}`

export async function watchCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } })
  if (args.help) {
    process.stdout.write(`${WATCH_HELP}\n`)
    return EXIT.OK
  }
  if (args.positionals.length > 0) throw usage(`watch takes no arguments besides a URI: ${args.positionals.join(' ')}`)
  const target = await openTarget(args.uri, { qemu: args.qemu })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    const print = args.json ? eventJson : eventLine
    const watcher = await watchAll(target.conn, (e) => process.stdout.write(`${print(e)}\n`))
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
