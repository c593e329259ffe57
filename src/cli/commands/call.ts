// CLI `call [URI] <method> [args…]`: a scriptable virsh. Any typed-API method by its documented
// name (`getLibVersion`) or `Class.method <object>` (`Domain.getInfo test`); arguments are JSON,
// the result is printed as JSON (bigints as strings, objects as their wire identity).

import { parseCommand } from '../args.js'
import { CliError, EXIT, EXIT_CODES_HELP, usage } from '../exit.js'
import { toJson } from '../format.js'
import { callArguments, paramKinds } from '../call-args.js'
import { printable, printableJson } from '../text.js'
import { LOOKUPS, METHOD_NAMES, REF_HELP, closeMatches, isKnownMethod } from '../methods.js'
import { onInterrupt, openTarget } from '../target.js'
import { ADMIN_METHOD_NAMES, callAdmin } from './call-admin.js'

export const CALL_HELP = `Usage: libvirt-async call [URI] <method> [args…]
       libvirt-async call [URI] <Class.method> <object> [args…]
       libvirt-async call --admin [ADMIN-URI] <method | Server.method <server> | Client.method <server>/<id>> [args…]
       libvirt-async call --list

Calls one libvirt API method and prints its result as JSON (bigints as strings, bytes as base64,
libvirt objects as their identity {name, uuid, …}). Method names follow the library's naming rule
(virConnectGetLibVersion → getLibVersion, virDomainLookupByName → domainLookupByName,
virDomainGetInfo → Domain.getInfo). Arguments:
  word      taken as is where the method expects a string (web1, not '"web1"');
            elsewhere read as JSON (0, true, null, {"key":1}), or as is when it is not JSON
  @path     the contents of a file (an XML document, or JSON for other parameters)
  -         the contents of stdin (once)
Put \`--\` before a negative number. Without a URI a private libvirtd (test driver, with its
domain "test") is started and stopped.

Examples:
  libvirt-async call getLibVersion
  libvirt-async call Domain.getInfo test
  libvirt-async call test:///default domainLookupByName test
  libvirt-async call qemu:///system domainDefineXML @web1.xml
  virsh dumpxml web1 | libvirt-async call qemu:///system domainCreateXML - 0
  libvirt-async call qemu:///system Domain.getXMLDesc web1 0
  libvirt-async call --admin libvirtd:///system Server.getThreadPoolParameters libvirtd
  libvirt-async call --admin virtqemud:///system setLoggingFilters '"1:qemu 3:*"'

${REF_HELP}

Options:
  -c, --connect URI   the daemon to call (or give the URI as the first argument)
      --qemu          embedded daemon with the QEMU driver (root); calls go to qemu:///system there
      --admin         call the daemon's admin API (virt-admin's); the URI is an admin URI
                      (libvirtd:///system, virtqemud:///session, …?socket=PATH)
      --list          print every method name and exit (with --admin: the admin methods)
  -h, --help          this help

${EXIT_CODES_HELP}`

/** Libvirt objects → their wire identity; everything else as is (recursively). */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain)
  if (v && typeof v === 'object' && 'wire' in v && 'connection' in v) return (v as { wire: unknown }).wire
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
  }
  return v
}

export async function callCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, { list: { type: 'boolean' }, admin: { type: 'boolean' } })
  if (args.help) {
    process.stdout.write(`${CALL_HELP}\n`)
    return EXIT.OK
  }
  if (args.values.list === true) {
    process.stdout.write(`${(args.values.admin === true ? ADMIN_METHOD_NAMES : METHOD_NAMES).join('\n')}\n`)
    return EXIT.OK
  }
  const [method, ...rest] = args.positionals
  if (method === undefined) throw usage('call needs a method name (see --help, or --list for all of them)')
  if (args.values.admin === true) {
    // admin methods: the same word rules (JSON, a bare word, @path, -), kinds unknown
    const words = callArguments(rest, [])
    return callAdmin(args, method, rest, (_text, i) => words[i])
  }
  if (!isKnownMethod(method)) {
    const near = closeMatches(method)
    throw usage(`unknown method ${JSON.stringify(method)}${near.length ? `; did you mean: ${near.join(', ')}` : ''} (call --list shows all)`)
  }
  const dot = method.indexOf('.')
  const className = dot > 0 ? method.slice(0, dot) : null
  const name = dot > 0 ? method.slice(dot + 1) : method
  let ref: string | undefined
  if (className) {
    ref = rest.shift()
    if (ref === undefined) throw usage(`${method} needs the object first: ${method} <${className} name or UUID> [args…]`)
    if (!LOOKUPS[className]) throw usage(`cannot look up ${className} objects from the command line`)
  }

  const target = await openTarget(args.uri, { qemu: args.qemu, quiet: true })
  const uninstall = onInterrupt(() => target.dispose())
  try {
    const receiver = className ? await LOOKUPS[className]!(target.conn, ref!) : target.conn
    const fn = (receiver as Record<string, unknown>)[name]
    if (typeof fn !== 'function') throw usage(`${method} is not available in this build`)
    const callArgs = callArguments(rest, paramKinds(fn as (...a: never[]) => unknown))
    let result: unknown
    try {
      result = await (fn as (...a: unknown[]) => Promise<unknown>).apply(receiver, callArgs)
    } catch (err) {
      if (err instanceof TypeError || err instanceof RangeError) throw new CliError(EXIT.USAGE, `${method}: ${printable(err.message)}`)
      throw err
    }
    process.stdout.write(`${printableJson(toJson(plain(result), process.stdout.isTTY ? 2 : undefined))}\n`)
    return EXIT.OK
  } finally {
    await target.dispose()
    uninstall()
  }
}
