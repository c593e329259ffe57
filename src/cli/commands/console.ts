// CLI `console [URI] <domain>`: the domain's serial console on this terminal (raw mode), Ctrl+]
// to leave, as with virsh. Without a URI it starts the embedded daemon with the QEMU driver (root)
// and boots a tiny diskless VM whose SeaBIOS talks on the serial console.

import type { Domain } from '../../api/objects.js'
import { DomainConsoleFlags, DomainCreateFlags } from '../../generated/constants.gen.js'
import { runConsoleTty } from '../../streams/console-tty.js'
import { tinyQemuDomainXml } from '../../testing/tiny-vm.js'
import { parseCommand } from '../args.js'
import { EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { LOOKUPS } from '../methods.js'
import { onInterrupt, openTarget } from '../target.js'

export const CONSOLE_HELP = `Usage: libvirt-async console [URI] <domain> [--devname NAME] [--force]
       libvirt-async console            (embedded daemon with a tiny real VM; root)

Connects this terminal to a running domain's console (raw mode; Ctrl+] leaves); stdin must be a
terminal (otherwise exit 2 at once, as virsh refuses too). The domain is
named by name, UUID or id. Without a URI a private libvirtd with the QEMU driver is started (root
only) with a 64 MiB diskless VM "console-vm" whose BIOS prints to the serial console; both are
gone on exit.

Options:
  -c, --connect URI   the daemon (or give the URI as the first argument)
      --devname NAME  a console or serial device alias other than the first console
      --force         take the console over from another client
  -h, --help          this help

${EXIT_CODES_HELP}`

export async function consoleCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { devname: { type: 'string' }, force: { type: 'boolean' } })
  if (args.help) {
    process.stdout.write(`${CONSOLE_HELP}\n`)
    return EXIT.OK
  }
  if (args.positionals.length > 1) throw usage(`console takes one domain: ${args.positionals.join(' ')}`)
  let name = args.positionals[0]
  if (args.uri !== undefined && name === undefined) throw usage('console needs a domain name (see --help)')
  // As virsh: an interactive console needs a terminal (raw mode, Ctrl+] to leave); on a pipe it
  // would wait for an escape byte that never comes.
  if (!process.stdin.isTTY) throw usage('console needs a terminal: stdin is not a TTY (run it in a terminal; from a script, give it one with script -qec)')
  const target = await openTarget(args.uri, { qemu: args.uri === undefined })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    // The embedded VM starts paused and runs once the console is open: QEMU drops serial output
    // while nobody holds the console, and SeaBIOS prints its banner once per boot.
    let booted: Domain | null = null
    if (target.daemon) {
      booted = await target.conn.domainCreateXML(tinyQemuDomainXml('console-vm'), DomainCreateFlags.START_PAUSED)
      name ??= 'console-vm'
      process.stderr.write(`libvirt-async: booted ${name} (QEMU, 64 MiB, no disk) on the private daemon\n`)
    }
    const dom = (await LOOKUPS.Domain!(target.conn, name!)) as Domain
    const flags = args.values.force === true ? DomainConsoleFlags.FORCE : 0
    const devname = typeof args.values.devname === 'string' ? args.values.devname : null
    const stream = await dom.openConsole(devname, flags)
    await booted?.resume()
    process.stderr.write(`Connected to domain ${name}\r\nEscape character is ^] (Ctrl+])\r\n`)
    const why = await runConsoleTty(stream)
    process.stderr.write(`\r\nlibvirt-async: console ${why === 'eof' ? 'ended' : 'left'}\n`)
    return EXIT.OK
  } finally {
    await target.dispose()
    uninstall()
  }
}
