#!/usr/bin/env node
// CLI entry point of the `libvirt-async` executable: picks the command, runs it, and turns every
// failure into one line on stderr and a documented exit code (see exit.ts). No stack traces
// unless LIBVIRT_ASYNC_DEBUG is set.

import '../transport/all.js'
import { createRequire } from 'node:module'
import { CliError, EXIT, EXIT_CODES_HELP } from './exit.js'
import { errorLine } from './format.js'

type Command = (argv: string[]) => Promise<number>

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  demo: { summary: 'the whole system in under a minute (private daemon, events, close)', load: async () => (await import('./commands/demo.js')).demoCommand },
  watch: { summary: 'print every event of every family as it arrives', load: async () => (await import('./commands/watch.js')).watchCommand },
  console: { summary: "a domain's serial console on this terminal (Ctrl+] leaves)", load: async () => (await import('./commands/console.js')).consoleCommand },
  call: { summary: 'call any API method; plain or JSON arguments, @file, JSON result', load: async () => (await import('./commands/call.js')).callCommand },
  list: { summary: 'the domains as a table, like virsh list (--all, --json)', load: async () => (await import('./commands/list.js')).listCommand },
  info: { summary: 'basic facts about one domain, like virsh dominfo', load: async () => (await import('./commands/list.js')).infoCommand },
  upload: { summary: 'a local file into a storage volume, with progress', load: async () => (await import('./commands/transfer.js')).uploadCommand },
  download: { summary: 'a storage volume into a local file, with progress', load: async () => (await import('./commands/transfer.js')).downloadCommand },
  completion: {
    summary: 'print a bash or zsh completion script',
    load: async () => (await import('./commands/completion.js')).completionCommand(Object.keys(COMMANDS), Object.fromEntries(Object.entries(COMMANDS).map(([n, c]) => [n, c.summary]))),
  },
}

/**
 * The package's version, from its own package.json found by name ("exports" lists it): this file
 * runs both as tsc's dist/src/cli/main.js and bundled as dist/bundle/cli.js, at different depths.
 */
function version(): string {
  return (createRequire(import.meta.url)('libvirt-async/package.json') as { version: string }).version
}

export const MAIN_HELP = `Usage: libvirt-async <command> [URI] [options] [arguments]
       libvirt-async --version

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`)
  .join('\n')}

Without a URI a command starts a private throwaway libvirtd (test driver; --qemu adds the QEMU
driver, root only) and stops it on exit, Ctrl-C included. A first argument containing ':' is the
URI; -c/--connect URI works too, as with virsh. \`libvirt-async <command> --help\` for details.

${EXIT_CODES_HELP}`

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--version' || name === '-V') {
    process.stdout.write(`libvirt-async ${version()}\n`)
    return EXIT.OK
  }
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    if (name === 'help' && rest[0] && COMMANDS[rest[0]]) return (await COMMANDS[rest[0]]!.load())(['--help'])
    process.stdout.write(`${MAIN_HELP}\n`)
    return name === undefined ? EXIT.USAGE : EXIT.OK
  }
  const cmd = COMMANDS[name]
  if (!cmd) {
    const what = name.startsWith('-') ? 'option' : 'command'
    throw new CliError(EXIT.USAGE, `unknown ${what} ${JSON.stringify(name)}; commands: ${Object.keys(COMMANDS).join(', ')} (see --help)`)
  }
  return (await cmd.load())(rest)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const code = err instanceof CliError ? err.exitCode : EXIT.LIBVIRT
    process.stderr.write(`libvirt-async: ${errorLine(err)}\n`)
    if (process.env.LIBVIRT_ASYNC_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`)
    process.exit(code)
  },
)
