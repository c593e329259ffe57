// Test harness. The oracle: runs a short Python script with libvirt's own C client
// (python3-libvirt under /usr/bin/python3) against a URI and returns what it computed, so tests
// can compare our client with libvirt's. Results cross as JSON, with 64-bit integers and bytes kept exact.

import { spawn } from 'node:child_process'
import { TestHarnessError } from './errors.js'

/** Always this interpreter: python3-libvirt is a Debian package, and another python3 may be first on PATH. */
export const ORACLE_PYTHON = '/usr/bin/python3'

const MARKER = '\x1eLIBVIRT_ASYNC_ORACLE '
const NO_MODULE = 'LIBVIRT_ASYNC_ORACLE_NO_LIBVIRT'

// The fixed part. It reads {script, uri, args, events, readOnly} as JSON on stdin, opens `conn`,
// runs the script (which sets `result`) and prints one marker line with the outcome.
const PRELUDE = String.raw`
import sys, json, base64, time, threading, traceback
try:
    import libvirt
except ImportError:
    sys.stderr.write('${NO_MODULE}\n')
    sys.exit(3)
_req = json.loads(sys.stdin.read())
args = _req.get('args')
URI = _req.get('uri')
SAFE = 2**53 - 1

def _enc(v):
    if v is None or isinstance(v, (bool, float, str)):
        return v
    if isinstance(v, int):
        return v if -SAFE <= v <= SAFE else {'$bigint': str(v)}
    if isinstance(v, (bytes, bytearray)):
        return {'$bytes': base64.b64encode(bytes(v)).decode()}
    if isinstance(v, dict):
        return {str(k): _enc(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_enc(x) for x in v]
    return repr(v)

def wait_until(pred, timeout=10.0, step=0.01):
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise TimeoutError('wait_until timed out')
        time.sleep(step)

if _req.get('events'):
    libvirt.virEventRegisterDefaultImpl()
    def _loop():
        while True:
            libvirt.virEventRunDefaultImpl()
    threading.Thread(target=_loop, daemon=True).start()

result = None
conn = None
try:
    if URI is not None:
        conn = libvirt.openReadOnly(URI) if _req.get('readOnly') else libvirt.open(URI)
    exec(compile(_req['script'], '<oracle script>', 'exec'), globals())
    _out = {'ok': _enc(result)}
except libvirt.libvirtError as e:
    _out = {'libvirtError': {
        'code': e.get_error_code(), 'domain': e.get_error_domain(), 'level': e.get_error_level(),
        'message': e.get_error_message(), 'str1': e.get_str1(), 'str2': e.get_str2(), 'str3': e.get_str3(),
        'int1': e.get_int1(), 'int2': e.get_int2()}}
except BaseException:
    _out = {'exception': traceback.format_exc()}
sys.stdout.write('${MARKER}' + json.dumps(_out) + '\n')
sys.stdout.flush()
`

/** libvirt's error, as libvirt's C client reported it inside the oracle script. */
export class OracleLibvirtError extends Error {
  override name = 'OracleLibvirtError'
  /** `VIR_ERR_*` number. */
  readonly code: number
  /** `VIR_FROM_*` number. */
  readonly domain: number
  readonly level: number
  readonly str1: string | null
  readonly str2: string | null
  readonly str3: string | null
  readonly int1: number
  readonly int2: number

  constructor(e: { code: number; domain: number; level: number; message: string; str1: string | null; str2: string | null; str3: string | null; int1: number; int2: number }) {
    super(e.message)
    this.code = e.code
    this.domain = e.domain
    this.level = e.level
    this.str1 = e.str1
    this.str2 = e.str2
    this.str3 = e.str3
    this.int1 = e.int1
    this.int2 = e.int2
  }
}

/** Options of {@link runOracle}. */
export interface OracleOptions {
  /** JSON-serialisable value the script sees as `args`. */
  args?: unknown
  /** Open with `libvirt.openReadOnly`. */
  readOnly?: boolean
  /** Register libvirt's default event loop (in a thread) before opening, for event scripts. */
  events?: boolean
  /** Kill the script after this long. Default 60000 ms. */
  timeoutMs?: number
}

function revive(_key: string, v: unknown): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>
    const keys = Object.keys(o)
    if (keys.length === 1 && typeof o.$bigint === 'string') return BigInt(o.$bigint)
    if (keys.length === 1 && typeof o.$bytes === 'string') return Buffer.from(o.$bytes, 'base64')
  }
  return v
}

/**
 * Run `script` in `/usr/bin/python3` with python3-libvirt. The script finds `conn` (opened on `uri`;
 * pass `null` to open nothing), `args`, `libvirt`, `json`, `time`, `wait_until(pred, timeout)`,
 * and sets `result`, which comes back as the resolved value (integers beyond 2^53 as bigint,
 * bytes as Buffer, tuples as arrays).
 *
 * @example
 * ```ts
 * const names = await runOracle<string[]>(daemon.uri, 'result = [d.name() for d in conn.listAllDomains()]')
 * ```
 * @throws OracleLibvirtError when libvirt raised an error in the script (code, domain, message, …);
 *   TestHarnessError `MISSING_PROGRAM` / `MISSING_PYTHON_LIBVIRT` (with the fix), `ORACLE_FAILED`
 *   (any other Python exception, with its traceback), `ORACLE_TIMEOUT`.
 */
export function runOracle<T = unknown>(uri: string | null, script: string, options: OracleOptions = {}): Promise<T> {
  if (uri !== null && typeof uri !== 'string') return Promise.reject(new TypeError('runOracle: uri must be a string or null'))
  if (typeof script !== 'string') return Promise.reject(new TypeError('runOracle: script must be a string'))
  let input: string
  try {
    input = JSON.stringify({ script, uri, args: options.args ?? null, events: options.events === true, readOnly: options.readOnly === true })
  } catch (err) {
    return Promise.reject(new TypeError('runOracle: args must be JSON-serialisable', { cause: err }))
  }
  const timeoutMs = options.timeoutMs ?? 60_000
  return new Promise<T>((resolvePromise, reject) => {
    const child = spawn(ORACLE_PYTHON, ['-c', PRELUDE], { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
    // a script that exits before reading stdin must not crash us with EPIPE
    child.stdin.on('error', () => {})
    child.stdin.end(input)
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(
        err.code === 'ENOENT'
          ? new TestHarnessError('MISSING_PROGRAM', `${ORACLE_PYTHON} was not found`, { hint: 'on Debian: apt-get install python3 python3-libvirt', cause: err })
          : new TestHarnessError('ORACLE_FAILED', `could not run ${ORACLE_PYTHON}: ${err.message}`, { cause: err }),
      )
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      if (timedOut) return reject(new TestHarnessError('ORACLE_TIMEOUT', `oracle script still running after ${timeoutMs} ms; killed`))
      if (stderr.includes(NO_MODULE)) {
        return reject(new TestHarnessError('MISSING_PYTHON_LIBVIRT', `${ORACLE_PYTHON} cannot import libvirt`, { hint: 'on Debian: apt-get install python3-libvirt' }))
      }
      const at = stdout.lastIndexOf(MARKER)
      if (at < 0) {
        return reject(new TestHarnessError('ORACLE_FAILED', `oracle script ended without a result (${signal ? `signal ${signal}` : `exit code ${code}`})\n${stderr}`))
      }
      const line = stdout.slice(at + MARKER.length).split('\n', 1)[0] ?? ''
      let out: { ok?: unknown; libvirtError?: ConstructorParameters<typeof OracleLibvirtError>[0]; exception?: string }
      try {
        out = JSON.parse(line, revive) as typeof out
      } catch (err) {
        return reject(new TestHarnessError('ORACLE_FAILED', 'oracle output is not JSON', { cause: err }))
      }
      if (out.libvirtError) return reject(new OracleLibvirtError(out.libvirtError))
      if (out.exception !== undefined) return reject(new TestHarnessError('ORACLE_FAILED', `oracle script raised:\n${out.exception}`))
      resolvePromise(out.ok as T)
    })
  })
}

/** Resolve true when `/usr/bin/python3` can import python3-libvirt. */
export async function oracleAvailable(): Promise<boolean> {
  try {
    await runOracle(null, 'result = libvirt.getVersion()', { timeoutMs: 20_000 })
    return true
  } catch {
    return false
  }
}
