// CLI. Exit codes of the `libvirt-async` executable and the one error type that carries one, so
// every failure ends as a single line on stderr with a documented code (never a stack trace).

export const EXIT = {
  OK: 0,
  /** libvirt reported an error (or a daemon could not be reached). */
  LIBVIRT: 1,
  /** Bad command line: unknown command or method, bad JSON, missing argument. */
  USAGE: 2,
  /** The connection was lost while watching. */
  CONNECTION_LOST: 3,
  /** The embedded private daemon could not be started. */
  NO_DAEMON: 4,
  /** A local file: an upload source that cannot be read, a download target that exists (no --force). */
  FILE: 5,
  /** Ctrl-C / SIGTERM. */
  INTERRUPTED: 130,
} as const

export type ExitCode = (typeof EXIT)[keyof typeof EXIT]

/** An error the CLI reports as one line and exits with `exitCode`. */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: ExitCode
  constructor(exitCode: ExitCode, message: string) {
    super(message)
    this.exitCode = exitCode
  }
}

export const usage = (message: string): CliError => new CliError(EXIT.USAGE, message)

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    libvirt error (including a daemon that cannot be reached)
  2    usage error (unknown command or method, bad JSON, missing argument)
  3    connection lost (watch)
  4    the embedded private daemon cannot be started (the message says why and what to do)
  5    local file problem (upload source missing, download target exists without --force)
  130  interrupted (Ctrl-C)`
