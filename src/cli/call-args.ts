// CLI. How `call` turns command-line words into method arguments: a bare word where the method
// takes a string (`domainLookupByName web1`), JSON elsewhere (`0`, `true`, `{"a":1}`), `@path` for
// an argument read from a file and `-` for one read from stdin (an XML document, say).

import { readFileSync } from 'node:fs'
import { CliError, EXIT, usage } from './exit.js'
import { printable } from './text.js'

/** What a parameter takes, as far as the method's own argument check tells. */
export type ParamKind = 'string' | 'other' | 'unknown'

/**
 * For each parameter of `fn`, what it takes. Read from the method's own argument checks
 * (`A.str(name, 'name')`, `A.uint(flags, 'flags')` … in the generated bodies): `'string'` for the
 * string checks, `'other'` for any other check, `'unknown'` when there is none to read.
 */
export function paramKinds(fn: (...a: never[]) => unknown): ParamKind[] {
  const src = Function.prototype.toString.call(fn)
  const m = /^[^(]*\(([^)]*)\)/.exec(src)
  if (!m) return []
  const names = m[1]!.split(',').map((p) => p.split('=')[0]!.trim()).filter((n) => /^[A-Za-z_$][\w$]*$/.test(n))
  return names.map((n) => {
    const check = new RegExp(`\\b(\\w+)\\(\\s*${n.replace(/\$/g, '\\$')}\\s*,\\s*['"]`).exec(src)
    if (!check) return 'unknown'
    return /^(str|optStr|string|optString)$/.test(check[1]!) ? 'string' : 'other'
  })
}

/** Reads `@path` (or stdin for `-`); a file that cannot be read is one line and exit 5. */
function readArgument(word: string, index: number, readStdin: () => string): string {
  if (word === '-') return readStdin()
  const path = word.slice(1)
  if (path === '') throw usage(`argument ${index + 1}: '@' needs a file name (@path), or use - for stdin`)
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message
    throw new CliError(EXIT.FILE, `argument ${index + 1}: cannot read ${printable(path)}: ${printable(why)}`)
  }
}

function isJsonString(word: string): boolean {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"')
}

/**
 * The arguments for a method whose parameters are described by `kinds` (see {@link paramKinds}). `readStdin` is
 * called at most once (a second `-` is a usage error).
 */
export function callArguments(words: readonly string[], kinds: readonly ParamKind[], readStdin: () => string = () => readFileSync(0, 'utf8')): unknown[] {
  let stdinUsed = false
  const stdinOnce = (): string => {
    if (stdinUsed) throw usage('only one argument can be read from stdin (-)')
    stdinUsed = true
    return readStdin()
  }
  return words.map((word, i) => {
    const kind = kinds[i] ?? 'unknown'
    const isString = kind === 'string'
    const fromFile = word === '-' || word.startsWith('@')
    const text = fromFile ? readArgument(word, i, stdinOnce) : word
    if (isString) {
      if (!fromFile && isJsonString(word)) {
        try {
          return JSON.parse(word) as string
        } catch {
          return word
        }
      }
      return text
    }
    try {
      return JSON.parse(text) as unknown
    } catch {
      if (fromFile || kind === 'other') throw usage(`argument ${i + 1} is not JSON: ${printable(word)} (this parameter does not take a string)`)
      return text
    }
  })
}
