// Generator (dev-only). Reads the documentation comments of libvirt's C sources (src/libvirt-*.c)
// and public headers: per function or callback typedef its `@param:` lines and its `Returns`
// paragraph; per public struct the comment beside each field; per event id the callback typedef
// named beside it. Only facts derived from them (an enum name, "this is a truth value") reach the
// generated code: the prose itself never does.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * @typedef {{ name: string, params: Map<string, string>, returns: string, text: string }} DocBlock
 * @typedef {{ name: string, returnType: string, params: { type: string, name: string }[] }} CallbackTypedef
 * @typedef {{
 *   functions: Map<string, DocBlock>,
 *   structFields: Map<string, Map<string, string>>,
 *   callbacks: Map<string, CallbackTypedef>,
 *   eventCallbacks: Map<string, string>,
 * }} DocModel
 */

/** An empty model: a tree without sources gives no doc-driven types (everything stays number). @returns {DocModel} */
export function emptyDocs() {
  return { functions: new Map(), structFields: new Map(), callbacks: new Map(), eventCallbacks: new Map() }
}

/**
 * Read the doc comments of a libvirt tree: src/libvirt-*.c and include/libvirt/*.h.
 * @param {string} libvirtSrcDir
 * @returns {DocModel}
 */
export function parseDocs(libvirtSrcDir) {
  const texts = []
  const src = join(libvirtSrcDir, 'src')
  if (existsSync(src)) for (const f of readdirSync(src).filter((x) => /^libvirt-.*\.c$/.test(x)).sort()) texts.push(readFileSync(join(src, f), 'utf8'))
  const inc = join(libvirtSrcDir, 'include/libvirt')
  if (existsSync(inc)) for (const f of readdirSync(inc).filter((x) => x.endsWith('.h')).sort()) texts.push(readFileSync(join(inc, f), 'utf8'))
  return parseDocTexts(texts)
}

/** @param {string[]} texts @returns {DocModel} */
export function parseDocTexts(texts) {
  const docs = emptyDocs()
  for (const text of texts) {
    for (const m of text.matchAll(/\/\*\*\n([\s\S]*?)\*\//g)) {
      const b = docBlock(m[1])
      if (b && !docs.functions.has(b.name)) docs.functions.set(b.name, b)
    }
    for (const m of text.matchAll(/struct\s+_(vir\w+)\s*\{([\s\S]*?)\n\};/g)) docs.structFields.set(m[1], structComments(m[2]))
    for (const m of text.matchAll(/typedef\s+(\w+)\s*\(\s*\*\s*(vir\w+Callback)\s*\)\s*\(([^)]*)\)\s*;/g)) {
      const params = m[3].split(',').map((p) => p.trim().replace(/\s+/g, ' ')).map((p) => {
        const pm = /^(.*?)\s*(\w+)$/.exec(p)
        return pm ? { type: pm[1].replace(/\s*\*/g, ' *').trim(), name: pm[2] } : { type: p, name: '' }
      })
      docs.callbacks.set(m[2], { name: m[2], returnType: m[1], params })
    }
    for (const m of text.matchAll(/^\s*(VIR_\w+_EVENT_ID_\w+)\s*=\s*\d+\s*,\s*\/\*\s*(vir\w+Callback)\b/gm)) docs.eventCallbacks.set(m[1], m[2])
  }
  return docs
}

/** One `/** name: … *\/` block, or null when it does not document a named symbol. @param {string} body */
function docBlock(body) {
  const lines = body.split('\n').map((l) => l.replace(/^\s*\*? ?/, ''))
  const head = /^(vir\w+):\s*$/.exec(lines[0]?.trim() ?? '')
  if (!head) return null
  /** @type {Map<string, string>} */
  const params = new Map()
  let current = null
  let returns = ''
  let inReturns = false
  for (const raw of lines.slice(1)) {
    const l = raw.trim()
    const p = /^@(\w+)\s*:\s*(.*)$/.exec(l)
    if (p) {
      current = p[1]
      params.set(current, p[2])
      inReturns = false
      continue
    }
    if (l === '') {
      current = null
      inReturns = false
      continue
    }
    if (/^Returns?\b/.test(l)) {
      inReturns = true
      current = null
      returns += (returns ? ' ' : '') + l
      continue
    }
    if (current) params.set(current, `${params.get(current)} ${l}`)
    else if (inReturns) returns += ` ${l}`
  }
  return { name: head[1], params, returns, text: lines.slice(1).join(' ') }
}

/** Field name → its comment: the one beside it, else a comment alone just above it. @param {string} body */
function structComments(body) {
  /** @type {Map<string, string>} */
  const out = new Map()
  let pending = ''
  for (const m of body.matchAll(/(\/\*[\s\S]*?\*\/)|([^;{}/]*?)\b(\w+)\s*(?:\[[^\]]*\])?\s*;[ \t]*(\/\*[\s\S]*?\*\/)?/g)) {
    if (m[1] !== undefined) {
      pending = clean(m[1])
      continue
    }
    out.set(m[3], m[4] ? clean(m[4]) : pending)
    pending = ''
  }
  return out
}

/** @param {string} c */
function clean(c) {
  return c.replace(/^\/\*+|\*+\/$/g, '').replace(/\s*\n\s*\*?/g, ' ').trim()
}

/** The `vir…` identifiers a doc text names (function names end in `()`: left out). @param {string} text */
export function namedSymbols(text) {
  return [...text.matchAll(/\b(vir[A-Z]\w*)\b(?!\s*\()/g)].map((m) => m[1])
}
