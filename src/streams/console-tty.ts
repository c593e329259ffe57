// Layer 6 (streams). An interactive console: the terminal in raw mode wired to a console stream,
// `Ctrl+]` to leave (as virsh does). For the CLI's `console <domain>` command.

import type { Readable, Writable } from 'node:stream'
import type { Stream } from './stream.js'

/** The escape byte that ends the session: Ctrl+] (0x1d). */
export const CONSOLE_ESCAPE = 0x1d

/** Options of {@link runConsoleTty}: the terminal streams and the escape byte. */
export interface ConsoleTtyOptions {
  /** Input (default `process.stdin`; raw mode is turned on when it is a TTY). */
  input?: Readable & {
    /** True on a terminal: raw mode is then turned on for the session. */
    isTTY?: boolean
    /** Raw mode switch (a `tty.ReadStream`'s). */
    setRawMode?: (raw: boolean) => unknown
  }
  /** Output (default `process.stdout`). */
  output?: Writable
  /** Byte that ends the session (default Ctrl+], 0x1d). */
  escape?: number
}

/**
 * Connects a terminal to a console stream until the user types the escape byte (Ctrl+]) or the
 * console ends. Restores the terminal, ends the console stream (finish) and resolves with why it
 * stopped: `'escape'` or `'eof'`; rejects with the stream's error.
 */
export function runConsoleTty(stream: Stream, options: ConsoleTtyOptions = {}): Promise<'escape' | 'eof'> {
  const input = options.input ?? process.stdin
  const output = options.output ?? process.stdout
  const escape = options.escape ?? CONSOLE_ESCAPE
  const raw = input.isTTY === true && typeof input.setRawMode === 'function'
  return new Promise((resolve, reject) => {
    let done = false
    const finish = (err: Error | null, why: 'escape' | 'eof'): void => {
      if (done) return
      done = true
      input.off('data', onInput)
      stream.off('data', onOutput)
      stream.off('end', onEnd)
      stream.off('error', onError)
      if (raw) input.setRawMode!(false)
      input.pause()
      if (err) {
        reject(err)
        return
      }
      // Leave politely (finish); a failure here is not the user's problem any more.
      stream.once('error', () => {})
      if (!stream.writableEnded) stream.end()
      resolve(why)
    }
    const onInput = (chunk: Buffer | string): void => {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk
      const i = b.indexOf(escape)
      if (i >= 0) {
        if (i > 0) stream.write(b.subarray(0, i))
        finish(null, 'escape')
        return
      }
      stream.write(b)
    }
    const onOutput = (chunk: Buffer): void => {
      output.write(chunk)
    }
    const onEnd = (): void => finish(null, 'eof')
    const onError = (err: Error): void => finish(err, 'eof')
    if (raw) input.setRawMode!(true)
    input.on('data', onInput)
    input.resume()
    stream.on('data', onOutput)
    stream.on('end', onEnd)
    stream.on('error', onError)
  })
}
