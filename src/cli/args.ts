// CLI. Command-line parsing on node:util parseArgs: the options every command shares
// (-c/--connect, --qemu, -h/--help), per-command extras, and the rule that a first positional
// containing ':' is a URI (virsh-style `-c URI` works too).

import { parseArgs, type ParseArgsConfig } from 'node:util'
import { usage } from './exit.js'
import { printable } from './text.js'

export interface CommonArgs {
  /** Explicit URI (positional or -c), or undefined: start the embedded daemon. */
  uri: string | undefined
  qemu: boolean
  help: boolean
  json: boolean
  positionals: string[]
  /** Every option's value, the command's own extras included. */
  values: Readonly<Record<string, string | boolean | undefined>>
}

type Options = NonNullable<ParseArgsConfig['options']>

const COMMON: Options = {
  connect: { type: 'string', short: 'c' },
  qemu: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

/** True when a command-line word is a libvirt URI rather than a name (`test:///default`, `qemu+ssh://h/system`). */
export function looksLikeUri(word: string): boolean {
  return word.includes(':')
}

/** Parses one command's arguments; `extra` adds options such as `--json`. */
export function parseCommand(argv: string[], extra: Options = {}): CommonArgs {
  let parsed
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON, ...extra }, allowPositionals: true, strict: true })
  } catch (err) {
    throw usage(`${(err as Error).message.split('\n')[0]} (see --help)`)
  }
  const v = parsed.values as Record<string, string | boolean | undefined>
  const positionals = [...parsed.positionals]
  let uri = typeof v.connect === 'string' ? v.connect : undefined
  if (uri === '') throw usage('--connect needs a URI')
  if (positionals.length > 0 && looksLikeUri(positionals[0]!)) {
    const first = positionals.shift()!
    if (uri !== undefined && uri !== first) throw usage(`two URIs given: ${printable(uri)} and ${printable(first)}`)
    uri = first
  }
  if (uri !== undefined && v.qemu === true) throw usage('--qemu starts an embedded daemon; it cannot be combined with a URI')
  return { uri, qemu: v.qemu === true, help: v.help === true, json: v.json === true, positionals, values: v }
}
