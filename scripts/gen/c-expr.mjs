// Generator (dev-only). Evaluates the integer constant expressions found in libvirt's public
// headers (`1 << 3`, `(4096 + 1)`, `VIR_A | VIR_B`, hex, `1U`, `-1`, `9007199254740991LL`).
// Returns undefined for anything it cannot evaluate, so callers can skip it.

/**
 * @param {string} text C expression
 * @param {(name: string) => number | undefined} lookup value of a named constant
 * @returns {number | undefined} the value, when it is a safe integer
 */
export function evalCExpr(text, lookup) {
  /** @type {({ v: bigint, op?: undefined } | { op: string, v?: undefined })[]} */
  const toks = []
  const re = /\s*(?:(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*|([A-Za-z_][A-Za-z0-9_]*)|(<<|>>|[-+*/%|&^~()]))/y
  let i = 0
  const src = text.trim()
  while (i < src.length) {
    re.lastIndex = i
    const m = re.exec(src)
    if (!m) return undefined
    i = re.lastIndex
    if (m[1] !== undefined) {
      const t = m[1]
      const v = /^0[xX]/.test(t) ? BigInt(t) : t.length > 1 && t[0] === '0' ? BigInt('0o' + t.slice(1)) : BigInt(t)
      toks.push({ v })
    } else if (m[2] !== undefined) {
      const v = lookup(m[2])
      if (v === undefined) return undefined
      toks.push({ v: BigInt(v) })
    } else toks.push({ op: m[3] })
    while (i < src.length && /\s/.test(src[i])) i++
  }
  if (toks.length === 0) return undefined
  let p = 0
  // Precedence climbing over C's binary operators that appear in constant expressions.
  /** @type {Record<string, number>} */
  const PREC = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 }
  /** @returns {bigint} */
  const unary = () => {
    const t = toks[p++]
    if (!t) throw new Error('end')
    if ('v' in t) return /** @type {bigint} */ (t.v)
    if (t.op === '-') return -unary()
    if (t.op === '+') return unary()
    if (t.op === '~') return ~unary()
    if (t.op === '(') {
      const v = binary(0)
      if (toks[p++]?.op !== ')') throw new Error('paren')
      return v
    }
    throw new Error('unexpected')
  }
  /** @param {number} min @returns {bigint} */
  const binary = (min) => {
    let left = unary()
    for (;;) {
      const t = toks[p]
      const prec = t && t.op ? PREC[t.op] : undefined
      if (prec === undefined || prec < min) break
      p++
      const right = binary(prec + 1)
      switch (t.op) {
        case '|': left |= right; break
        case '^': left ^= right; break
        case '&': left &= right; break
        case '<<': left <<= right; break
        case '>>': left >>= right; break
        case '+': left += right; break
        case '-': left -= right; break
        case '*': left *= right; break
        case '/': if (right === 0n) throw new Error('div0'); left /= right; break
        case '%': if (right === 0n) throw new Error('div0'); left %= right; break
      }
    }
    return left
  }
  try {
    const v = binary(0)
    if (p !== toks.length) return undefined
    const n = Number(v)
    return Number.isSafeInteger(n) ? n : undefined
  } catch {
    return undefined
  }
}
