// Test helper: whether libvirt's C client (python3-libvirt in /usr/bin/python3) can run here.
// Only a python3 or python3-libvirt that is really not installed is a reason to skip a test that
// compares with it; any other oracle failure (a timeout, a crash) must fail the test instead.
import { runOracle, TestHarnessError } from '../../src/testing/index.js'

let probe: Promise<string | null> | undefined

/** Why the C client cannot run (the harness's message, with the fix), or null when it can. */
export function cClientMissing(): Promise<string | null> {
  probe ??= runOracle(null, 'result = libvirt.getVersion()', { timeoutMs: 30_000 }).then(
    () => null,
    (e: unknown) => {
      if (e instanceof TestHarnessError && (e.code === 'MISSING_PYTHON_LIBVIRT' || e.code === 'MISSING_PROGRAM')) return e.message
      throw e
    },
  )
  return probe
}
