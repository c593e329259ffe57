// CLI `list [URI] [--all] [--json]` and `info [URI] <domain> [--json]`: virsh's `list` table (id,
// name, state by name) and `dominfo` fields. JSON output keeps bigints as strings.

import type { Domain } from '../../api/objects.js'
import { parseCommand } from '../args.js'
import { domainInfo, infoText, listRows, listTable } from '../domain-view.js'
import { EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { toJson } from '../format.js'
import { LOOKUPS } from '../methods.js'
import { onInterrupt, openTarget } from '../target.js'
import { printableJson } from '../text.js'

export const LIST_HELP = `Usage: libvirt-async list [URI] [--all] [--json]

Lists the running domains (with --all the inactive ones too) as virsh list does: id ('-' when
inactive), name and state by name (running, idle, paused, in shutdown, shut off, crashed,
pmsuspended). Without a URI a private libvirtd (test driver, with its running domain "test") is
started and stopped.

Example:
  $ libvirt-async list qemu:///system --all
   Id   Name    State
  -----------------------
   1    web1    running
   -    build   shut off

Options:
  -c, --connect URI   the daemon (or give the URI as the first argument)
  -a, --all           inactive domains too
      --json          a JSON array of {"id","name","uuid","state"}
      --qemu          embedded daemon with the QEMU driver (root)
  -h, --help          this help

${EXIT_CODES_HELP}`

export const INFO_HELP = `Usage: libvirt-async info [URI] <domain> [--json]

Basic facts about one domain (named by name, UUID or id), as virsh dominfo prints them: id,
name, UUID, OS type, state, CPUs, CPU time, memory, persistence, autostart.

Example:
  $ libvirt-async info test:///default test
  Id:             1
  Name:           test
  UUID:           6695eb01-f6a4-8304-79aa-97f2502e193f
  OS Type:        linux
  State:          running
  ...

Options:
  -c, --connect URI   the daemon (or give the URI as the first argument)
      --json          one JSON object (memory in KiB and CPU time in ns, as strings)
      --qemu          embedded daemon with the QEMU driver (root)
  -h, --help          this help

${EXIT_CODES_HELP}`

export async function listCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { all: { type: 'boolean', short: 'a' }, json: { type: 'boolean' } })
  if (args.help) {
    process.stdout.write(`${LIST_HELP}\n`)
    return EXIT.OK
  }
  if (args.positionals.length > 0) throw usage(`list takes no arguments besides a URI: ${args.positionals.join(' ')}`)
  const target = await openTarget(args.uri, { qemu: args.qemu, quiet: true })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    const rows = await listRows(target.conn, args.values.all === true)
    process.stdout.write(args.json ? `${printableJson(toJson(rows))}\n` : `${listTable(rows)}\n`)
    return EXIT.OK
  } finally {
    await target.dispose()
    uninstall()
  }
}

export async function infoCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { json: { type: 'boolean' } })
  if (args.help) {
    process.stdout.write(`${INFO_HELP}\n`)
    return EXIT.OK
  }
  if (args.positionals.length !== 1) throw usage(args.positionals.length === 0 ? 'info needs a domain (name, UUID or id)' : `info takes one domain: ${args.positionals.join(' ')}`)
  const target = await openTarget(args.uri, { qemu: args.qemu, quiet: true })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    const dom = (await LOOKUPS.Domain!(target.conn, args.positionals[0]!)) as Domain
    const info = await domainInfo(dom)
    process.stdout.write(args.json ? `${printableJson(toJson(info, process.stdout.isTTY ? 2 : undefined))}\n` : `${infoText(info)}\n`)
    return EXIT.OK
  } finally {
    await target.dispose()
    uninstall()
  }
}
