// Test harness (libvirt-async/testing). The one error type the harness throws: it says what
// went wrong and, in `hint`, what fixes it, so a failing test run explains itself.

/** Why a test daemon or an oracle could not do its job. */
export type TestHarnessErrorCode =
  | 'NOT_ROOT'
  | 'MISSING_PROGRAM'
  | 'MISSING_PYTHON_LIBVIRT'
  | 'BAD_OPTION'
  | 'START_FAILED'
  | 'START_TIMEOUT'
  | 'STOPPED'
  | 'ORACLE_FAILED'
  | 'ORACLE_TIMEOUT'

/**
 * Thrown (or rejected with) by `startTestDaemon()` and the oracle helpers.
 * `code` is stable; `hint`, when present, names the fix (a package to install, a privilege to get).
 */
export class TestHarnessError extends Error {
  override name = 'TestHarnessError'
  readonly code: TestHarnessErrorCode
  readonly hint: string | undefined

  constructor(code: TestHarnessErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(options?.hint ? `${message} (${options.hint})` : message, { cause: options?.cause })
    this.code = code
    this.hint = options?.hint
  }
}
