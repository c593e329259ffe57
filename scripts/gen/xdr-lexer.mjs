// Generator (dev-only). Tokenizer for rpcgen's XDR language: identifiers, numbers and
// punctuation, with the comment that precedes each token kept (procedure annotations live
// there). `%` passthrough lines and C-preprocessor lines are dropped, as rpcgen does.

/**
 * @typedef {{ kind: 'id' | 'num' | 'punct' | 'eof', text: string, line: number, comment: string | null }} Token
 */

/** A syntax error in an XDR or header input, with the line it was found on. */
export class GenSyntaxError extends Error {
  /** @param {string} message @param {string} file @param {number} line */
  constructor(message, file, line) {
    super(`${file}:${line}: ${message}`)
    this.name = 'GenSyntaxError'
    this.file = file
    this.line = line
  }
}

const PUNCT = new Set(['{', '}', '[', ']', '<', '>', '(', ')', ';', ',', '=', '*', ':', '-'])

/**
 * Split XDR source text into tokens.
 * @param {string} text
 * @param {string} [file] name used in error messages
 * @returns {Token[]}
 */
export function lexXdr(text, file = '<xdr>') {
  /** @type {Token[]} */
  const out = []
  let i = 0
  let line = 1
  let atLineStart = true
  /** @type {string | null} */
  let comment = null
  const n = text.length
  while (i < n) {
    const c = text[i]
    if (c === '\n') {
      line++
      i++
      atLineStart = true
      continue
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f') {
      i++
      continue
    }
    if (atLineStart && (c === '%' || c === '#')) {
      // rpcgen passthrough (%) and preprocessor (#) lines: not part of the protocol.
      while (i < n && text[i] !== '\n') i++
      continue
    }
    atLineStart = false
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      if (end < 0) throw new GenSyntaxError('unterminated comment', file, line)
      const body = text.slice(i + 2, end)
      for (const ch of body) if (ch === '\n') line++
      comment = body
      i = end + 2
      continue
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < n && text[i] !== '\n') i++
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1
      while (j < n && /[A-Za-z0-9_]/.test(text[j])) j++
      out.push({ kind: 'id', text: text.slice(i, j), line, comment })
      comment = null
      i = j
      continue
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1
      while (j < n && /[0-9A-Za-z]/.test(text[j])) j++
      const t = text.slice(i, j)
      if (!/^(0[xX][0-9a-fA-F]+|[0-9]+)$/.test(t)) throw new GenSyntaxError(`bad number ${JSON.stringify(t)}`, file, line)
      out.push({ kind: 'num', text: t, line, comment })
      comment = null
      i = j
      continue
    }
    if (PUNCT.has(c)) {
      out.push({ kind: 'punct', text: c, line, comment })
      comment = null
      i++
      continue
    }
    throw new GenSyntaxError(`unexpected character ${JSON.stringify(c)}`, file, line)
  }
  out.push({ kind: 'eof', text: '<end of input>', line, comment })
  return out
}
