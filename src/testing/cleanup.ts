// Test harness. Makes sure an interrupted or careless test run leaves no daemon behind: every
// live daemon registers a synchronous "kill everything now" function, run on process exit and on
// SIGINT/SIGTERM/SIGHUP (after which the signal's default action is restored and re-raised).

type Killer = () => void

const live = new Set<Killer>()
let installed = false
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']

function runAll(): void {
  for (const k of [...live]) {
    live.delete(k)
    try {
      k()
    } catch {
      // best effort: one failing clean-up must not stop the others
    }
  }
}

function onSignal(signal: NodeJS.Signals): void {
  runAll()
  // If someone else also listens, they decided what this signal means; otherwise behave as if we
  // had never listened: remove ourselves and die of the same signal (exit code 128+n).
  if (process.listenerCount(signal) > 1) return
  uninstall()
  process.kill(process.pid, signal)
}

function install(): void {
  if (installed) return
  installed = true
  process.on('exit', runAll)
  for (const s of SIGNALS) process.on(s, onSignal)
}

function uninstall(): void {
  if (!installed) return
  installed = false
  process.off('exit', runAll)
  for (const s of SIGNALS) process.off(s, onSignal)
}

/** Register a synchronous emergency clean-up; returns its deregistration. */
export function registerCleanup(kill: Killer): () => void {
  live.add(kill)
  install()
  return () => {
    live.delete(kill)
    // no daemon left: do not keep signal handlers that change how this process dies
    if (live.size === 0) uninstall()
  }
}
