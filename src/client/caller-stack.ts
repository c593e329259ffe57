// Layer 4 (client). A LibvirtError is made where the reply is read (a socket callback), so its own
// stack names only library frames. This gives a failed call's error the frames of its caller, in
// the mode LibvirtError.callerStack selects:
//   'await' — when the call fails, the stack is taken again along the chain of async functions
//             awaiting it (V8's async stack traces): nothing is done for calls that succeed;
//   'call'  — the stack is captured when each call is made (V8 formats it only if the call
//             fails): also names synchronous callers and promises awaited later, one capture a call;
//   'off'   — the library's frames, as made.

import { LibvirtError } from '../errors.js'

/** What a call remembers of its caller: a stack captured by `Error.captureStackTrace`. */
interface CallSite {
  stack?: string
}

// Errors that already carry some call's frames. The same error object can fail several calls
// (every call pending when the connection dies, every call after): each later one gets a copy.
const adorned = new WeakSet<LibvirtError>()

/**
 * `reply`, whose LibvirtError (if it fails with one) shows the stack of the code that called
 * `entry` (the frames of `entry` and above are left out), per `LibvirtError.callerStack`.
 */
export function withCallerStack<T>(reply: Promise<T>, entry: Function): Promise<T> {
  switch (LibvirtError.callerStack) {
    case 'off':
      return reply
    case 'call': {
      const site: CallSite = {}
      Error.captureStackTrace(site, entry)
      return reply.then(undefined, (err: unknown) => {
        throw err instanceof LibvirtError ? callerError(err, site) : err
      })
    }
    default:
      return reply.then(undefined, retakeCallerStack)
  }
}

/**
 * The 'await' mode's rejection handler: must run in a reaction to the failed reply whose promise
 * chain leads to the caller's `await` — V8 then appends the async functions awaiting it ("at async …").
 */
export function retakeCallerStack(err: unknown): never {
  if (!(err instanceof LibvirtError)) throw err
  const site: CallSite = {}
  Error.captureStackTrace(site, retakeCallerStack)
  throw callerError(err, site)
}

function callerError(err: LibvirtError, site: CallSite): LibvirtError {
  const frames = site.stack ?? ''
  const at = frames.indexOf('\n')
  const target = adorned.has(err) ? copyOf(err) : err
  // The header line as Node prints it (`LibvirtError: message`), then the caller's frames.
  Object.defineProperty(target, 'stack', {
    value: `${target.name}: ${target.message}${at < 0 ? '' : frames.slice(at)}`,
    writable: true,
    configurable: true,
    enumerable: false,
  })
  adorned.add(target)
  return target
}

/** A LibvirtError with the same fields (and prototype) as `err`, so each failed call owns its stack. */
function copyOf(err: LibvirtError): LibvirtError {
  return Object.create(Object.getPrototypeOf(err), Object.getOwnPropertyDescriptors(err)) as LibvirtError
}
