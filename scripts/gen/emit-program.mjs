// Generator (dev-only). Emits one XDR file's constants and TypeScript types, and its straight-line
// encode/decode functions (one pair per type) as source text in a codecs file, compiled on first
// use by src/generated/lazy-codecs.ts. Large programs are split into a types file and a codecs
// file behind one re-exporting module; the others keep constants and types in <module>.gen.ts.

import { Imports, banner, byCode, numLiteral } from './emit-util.mjs'
import { localName, pascalCase } from './naming.mjs'

/**
 * @typedef {import('./model.mjs').Model} Model
 * @typedef {import('./parse-xdr.mjs').Declaration} Declaration
 * @typedef {import('./parse-xdr.mjs').TypeSpec} TypeSpec
 * @typedef {{ path: string, text: string }} OutFile
 */

const U32_MAX = 0xffffffff

/** Files a module's symbols live in. @param {{ module: string, split: boolean }} f */
export function moduleFiles(f) {
  return f.split
    ? { main: `${f.module}.gen.ts`, types: `${f.module}-types.gen.ts`, codecs: `${f.module}-codecs.gen.ts` }
    : { main: `${f.module}.gen.ts`, types: `${f.module}.gen.ts`, codecs: `${f.module}-codecs.gen.ts` }
}

/** @param {string} file */
const spec = (file) => `./${file.replace(/\.ts$/, '.js')}`

/**
 * Emit every XDR module of the model.
 * @param {Model} model
 * @returns {OutFile[]}
 */
export function emitPrograms(model) {
  return model.files.flatMap((f) => emitModule(model, f))
}

/** @param {Model} model @param {import('./model.mjs').ModelFile} file @returns {OutFile[]} */
function emitModule(model, file) {
  // One blank line between blocks, whatever the emitters pushed.
  return emitModuleRaw(model, file).map((f) => ({ path: f.path, text: f.text.replace(/\n{3,}/g, '\n\n') }))
}

/** @param {Model} model @param {import('./model.mjs').ModelFile} file @returns {OutFile[]} */
function emitModuleRaw(model, file) {
  const files = moduleFiles(file)
  const byModule = new Map(model.files.map((f) => [f.module, moduleFiles(f)]))
  const ctx = new Ctx(model, byModule)
  const typeImports = new Imports()

  // ---- constants and types ----
  const typeLines = []
  for (const d of file.definitions) {
    if (d.kind === 'const') {
      typeLines.push(`export const ${d.name} = ${numLiteral(d.value, d.text)}`)
      continue
    }
    typeLines.push('')
    typeLines.push(...ctx.typeDecl(d, typeImports, files.types))
  }

  // ---- codecs: source text per type, compiled on first use (lazy-codecs.ts) ----
  const sources = file.definitions.flatMap((d) => (d.kind === 'const' ? [] : [ctx.codecs(d, files.codecs)]))

  const head = (/** @type {string} */ what) => [
    banner(model.version),
    `// Layer 1 (generated protocol). ${what} of libvirt's ${file.path.split('/').pop()}.`,
  ]
  const typesFile = { path: files.types, text: [...head(file.split ? 'Constants and types' : 'Constants and types (codecs in ' + files.codecs + ')'), '', ...withGap(typeImports.lines()), ...typeLines, ''].join('\n') }
  const out = [typesFile]
  if (sources.length) out.push({ path: files.codecs, text: emitCodecFile(model, file, files, sources, head('Codecs')) })
  if (file.split) {
    out.push({
      path: files.main,
      text: [
        banner(model.version),
        `// Layer 1 (generated protocol). Everything of libvirt's ${file.path.split('/').pop()}: constants, types and codecs.`,
        '',
        `export * from '${spec(files.types)}'`,
        ...(sources.length ? [`export * from '${spec(files.codecs)}'`] : []),
        '',
      ].join('\n'),
    })
  }
  return out
}

/** Where the helpers a codec may use come from: the runtime (lazy-codecs.ts) supplies them all. */
const HELPER_MODULES = new Set(['../xdr/uuid.js', '../xdr/xdr-error.js', './codec-support.js'])

/** Name of a module's codec set (`REMOTE_CODECS`) and of its type map (`RemoteCodecTypes`). @param {string} module */
export function codecSetNames(module) {
  return { set: `${module.toUpperCase().replace(/-/g, '_')}_CODECS`, types: `${pascalCase(module.replace(/-/g, '_'))}CodecTypes` }
}


/**
 * The codecs file of one module: the type map (type-only), and one CodecSet holding every
 * encoder and decoder as source text with the names it uses. Nothing here is compiled at import.
 * @param {Model} model @param {import('./model.mjs').ModelFile} file @param {{ types: string, codecs: string }} files
 * @param {ReturnType<Ctx['codecs']>[]} sources @param {string[]} head
 */
function emitCodecFile(model, file, files, sources, head) {
  const names = codecSetNames(file.module)
  const imp = new Imports()
  imp.add('./lazy-codecs.js', 'CodecSet', false)
  /** @type {Set<string>} */
  const env = new Set()
  /** @type {Set<string>} */
  const usesSets = new Set()
  const ownSpec = spec(files.codecs)
  for (const s of sources) {
    for (const [name, from] of [...s.encDeps.map, ...s.decDeps.map]) {
      if (HELPER_MODULES.has(from)) continue
      if (/^(en|de)code[A-Z]/.test(name)) {
        if (from === ownSpec) continue
        const other = model.files.find((f) => spec(moduleFiles(f).codecs) === from)
        if (!other) throw new Error(`${name}: no module has codecs in ${from}`)
        const otherSet = codecSetNames(other.module).set
        imp.add(from, otherSet, false)
        usesSets.add(otherSet)
        continue
      }
      env.add(name)
      imp.add(from, name, false)
    }
  }
  /** @type {string[]} */
  const text = []
  const uses = (/** @type {Map<string, string>} */ m) => ['uses', ...[...m.keys()].sort(byCode)].join(' ')
  for (const s of sources) {
    const code = [...s.enc.split('\n'), ...s.dec.split('\n')]
    // The runtime finds blocks and parts by lines starting '@@ ' and 'uses': code never does, not
    // even once packCodecText has taken the indentation (which also refuses a line starting '#').
    const odd = code.find((l) => !/^(function |\}|  )/.test(l) || /^\s*(uses\b|@@ )/.test(l))
    if (odd !== undefined) throw new Error(`${s.T}: codec line ${JSON.stringify(odd)} could be read as a marker`)
    text.push(`@@ ${s.T}`, uses(s.encDeps.map), ...s.enc.split('\n'), uses(s.decDeps.map), ...s.dec.split('\n'))
  }
  const envList = [...env].sort(byCode)
  const xfile = file.path.split('/').pop()
  const packed = packCodecText(text)
  return [
    ...head,
    '// Each encoder and decoder is kept as the source text of a straight-line JavaScript function, in one',
    '// string, and compiled on first use (lazy-codecs.ts): scanning one string literal costs a fraction',
    '// of parsing ~2,000 functions at import, and once compiled a codec is the same code as before.',
    '// The text: per type, `@@ Type`, then for the encoder and then the decoder a `uses` line (the names',
    '// its source refers to) and its source. Every decoder enforces the declared maxima before',
    '// allocating; every encoder checks values and throws TypeError/RangeError naming the field.',
    '// Packed (packCodecText in scripts/gen/emit-program.mjs): lines end in `~`, not a newline escape,',
    '// lose their indentation, and a line that occurs three times or more is `#n` (base 36), the n-th',
    '// line of the dictionary after the text: V8 scans the string at import, and this is ~6 M fewer',
    '// instructions for remote_protocol.x.',
    '',
    `import type * as T from '${spec(files.types)}'`,
    ...imp.lines(),
    '',
    `/** The value type of each XDR type of ${xfile}, by name: what \`${names.set}.encoder(name)\` writes and \`.decoder(name)\` reads. */`,
    `export interface ${names.types} {`,
    ...sources.map((s) => `  ${s.T}: T.${s.T}`),
    '}',
    '',
    `/** Encoder and decoder of every XDR type of ${xfile}, compiled on first use. */`,
    `export const ${names.set} = /* @__PURE__ */ new CodecSet<${names.types}>(`,
    `  '${xfile}',`,
    ...(envList.length === 0 ? ['  {},'] : envList.length <= 3 ? [`  { ${envList.join(', ')} },`] : ['  {', ...envList.map((n) => `    ${n},`), '  },']),
    `  [${[...usesSets].sort(byCode).join(', ')}],`,
    ...(packed.dict.length === 0
      ? packedString(packed.text)
      : [...packedString(packed.text).slice(0, -1), '",', ...packedString(packed.dict)]),
    ')',
    '',
  ].join('\n')
}

/**
 * The codec text as the runtime reads it (lazy-codecs.ts, CodecSet): what V8 scans of it at import
 * is what the package pays for it, so lines are separated by `~` (a newline is an escape sequence
 * to scan, `~` is one plain character), lose their indentation (a codec is compiled from its text,
 * where indentation only moves stack-frame columns), and every line that occurs three times or
 * more becomes `#` and its index in base 36 into a dictionary of such lines, most frequent first.
 * @param {string[]} lines @returns {{ text: string[], dict: string[] }}
 */
export function packCodecText(lines) {
  const trimmed = lines.map((l) => {
    if (l.includes('~')) throw new Error(`codec line ${JSON.stringify(l)} holds the packed text's line separator`)
    if (/^\s*#/.test(l)) throw new Error(`codec line ${JSON.stringify(l)} could be read as a dictionary reference`)
    // a template literal spanning lines would lose the indentation inside it
    if ((l.match(/`/g) ?? []).length % 2 !== 0) throw new Error(`codec line ${JSON.stringify(l)} opens a multi-line template`)
    return l.replace(/^ +/, '')
  })
  /** @type {Map<string, number>} */
  const count = new Map()
  for (const l of trimmed) if (l.length >= 4 && !l.startsWith('@@ ')) count.set(l, (count.get(l) ?? 0) + 1)
  const dict = [...count].filter(([, n]) => n >= 3).sort((a, b) => b[1] - a[1] || byCode(a[0], b[0])).map(([l]) => l)
  const code = new Map(dict.map((l, i) => [l, `#${i.toString(36)}`]))
  return { text: trimmed.map((l) => code.get(l) ?? l), dict }
}

/** A string literal of `~`-terminated lines, one per source line (see packCodecText). @param {string[]} lines */
function packedString(lines) {
  return ['"\\', ...lines.map((l) => {
    if (/[\r\n\u2028\u2029]/.test(l)) throw new Error(`line terminator inside ${JSON.stringify(l)}`)
    return `${l.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}~\\`
  }), '"']
}

class Ctx {
  /** @param {Model} model @param {Map<string, { main: string, types: string, codecs: string }>} byModule */
  constructor(model, byModule) {
    this.model = model
    this.byModule = byModule
    /** @type {Map<string, number>} */
    this.minCache = new Map()
    this.tmp = 0
  }

  /** @param {string} name */
  entry(name) {
    const e = this.model.types.get(name)
    if (!e) throw new Error(`unknown type ${name}`)
    return e
  }

  /** Make `name` (type or codec) of XDR type `xdrName` usable in `here`. @param {Imports} imp @param {string} here @param {string} xdrName @param {'type' | 'codec'} kind @param {string} name */
  use(imp, here, xdrName, kind, name) {
    const files = /** @type {{ types: string, codecs: string }} */ (this.byModule.get(this.entry(xdrName).module))
    const file = kind === 'type' ? files.types : files.codecs
    if (file !== here || imp instanceof Deps) imp.add(spec(file), name, kind === 'type')
  }

  /** Name to use for a size: the XDR constant when there is one (imported), else the number. @param {Declaration & { size: number | null, sizeName: string | null }} d @param {Imports} imp @param {string} here */
  sizeExpr(d, imp, here) {
    if (d.size === null) return String(U32_MAX)
    const c = d.sizeName ? this.model.xdrConstants.get(d.sizeName) : undefined
    if (c && d.sizeName) {
      const file = /** @type {{ types: string }} */ (this.byModule.get(c.module)).types
      if (file !== here || imp instanceof Deps) imp.add(spec(file), d.sizeName, false)
      return d.sizeName
    }
    return String(d.size)
  }

  // ------------------------------------------------------------------ types

  /** TypeScript type of a base type. @param {TypeSpec} t @param {Imports} imp @param {string} here */
  baseTs(t, imp, here) {
    if (t.kind === 'ref') {
      const n = pascalCase(t.name)
      this.use(imp, here, t.name, 'type', n)
      return n
    }
    switch (t.name) {
      case 'int':
      case 'uint':
      case 'float':
      case 'double':
        return 'number'
      case 'hyper':
      case 'uhyper':
        return 'bigint'
      case 'bool':
        return 'boolean'
      case 'string':
        return 'string'
      case 'opaque':
        return 'Buffer'
    }
    throw new Error(`no TS type for ${JSON.stringify(t)}`)
  }

  /** @param {Declaration} d @param {Imports} imp @param {string} here */
  declTs(d, imp, here) {
    if ('void' in d) throw new Error('void has no type')
    const base = this.baseTs(d.type, imp, here)
    const bytes = d.type.kind === 'prim' && (d.type.name === 'string' || d.type.name === 'opaque')
    if (d.shape === 'plain' || bytes) return base
    if (d.shape === 'optional') return `${base} | null`
    return `${base}[]`
  }

  /** @param {Exclude<import('./parse-xdr.mjs').Definition, { kind: 'const' }>} d @param {Imports} imp @param {string} here @returns {string[]} */
  typeDecl(d, imp, here) {
    const name = pascalCase(d.name)
    switch (d.kind) {
      case 'enum': {
        const out = [`/** XDR enum \`${d.name}\`. */`, `export type ${name} = number`]
        for (const m of d.members) out.push(`export const ${m.name} = ${m.value}`)
        return out
      }
      case 'typedef': {
        if (this.model.uuidTypedefs.has(d.name)) return [`/** XDR \`${d.name}\`: a UUID, as its canonical lower-case string. */`, `export type ${name} = string`]
        return [`/** XDR typedef \`${d.name}\`. */`, `export type ${name} = ${this.declTs(d.decl, imp, here)}`]
      }
      case 'struct': {
        const out = [`/** XDR struct \`${d.name}\`. */`, `export interface ${name} {`]
        for (const f of d.fields) {
          if ('void' in f) continue
          out.push(`  ${f.name}: ${this.declTs(f, imp, here)}`)
        }
        out.push('}')
        if (d.fields.length === 0) return [`/** XDR struct \`${d.name}\` (no fields). */`, `export type ${name} = Record<string, never>`]
        return out
      }
      case 'union': {
        const out = [`/** XDR union \`${d.name}\`. */`, `export type ${name} =`]
        for (const m of this.unionMembers(d, imp, here)) out.push(`  | ${m.text}`)
        return out
      }
    }
  }

  /** Object type of each union arm. @param {Extract<import('./parse-xdr.mjs').Definition, { kind: 'union' }>} d @param {Imports} imp @param {string} here */
  unionMembers(d, imp, here) {
    const disc = /** @type {{ name: string }} */ (d.discriminant).name
    const arm = (/** @type {string} */ discTs, /** @type {Declaration} */ decl) =>
      'void' in decl ? `{ ${disc}: ${discTs} }` : `{ ${disc}: ${discTs}; ${decl.name}: ${this.declTs(decl, imp, here)} }`
    const out = d.arms.map((a) => ({ values: a.values, decl: a.decl, discTs: a.values.join(' | '), text: arm(a.values.join(' | '), a.decl) }))
    if (d.defaultArm) out.push({ values: [], decl: d.defaultArm, discTs: 'number', text: arm('number', d.defaultArm) })
    return out
  }

  // ------------------------------------------------------------------ sizes

  /** Fewest wire bytes a value of this XDR type can take (guards array allocations). @param {string} name */
  minSizeOf(name) {
    const cached = this.minCache.get(name)
    if (cached !== undefined) return cached
    this.minCache.set(name, 4) // breaks self-recursion through optional pointers
    const { def } = this.entry(name)
    let n = 4
    if (def.kind === 'struct') n = def.fields.reduce((s, f) => s + this.minSizeDecl(f), 0)
    else if (def.kind === 'typedef') n = this.minSizeDecl(def.decl)
    else if (def.kind === 'union') {
      const arms = d2arms(def).map((a) => this.minSizeDecl(a))
      n = 4 + (arms.length ? Math.min(...arms) : 0)
    }
    this.minCache.set(name, n)
    return n
  }

  /** @param {Declaration} d */
  minSizeDecl(d) {
    if ('void' in d) return 0
    if (d.shape === 'optional' || d.shape === 'var') return 4
    const one = this.minSizeType(d.type)
    if (d.shape === 'fixed') return d.type.kind === 'prim' && d.type.name === 'opaque' ? ((/** @type {number} */ (d.size) + 3) & ~3) : one * /** @type {number} */ (d.size)
    return one
  }

  /** @param {TypeSpec} t */
  minSizeType(t) {
    if (t.kind === 'ref') return this.minSizeOf(t.name)
    return t.name === 'hyper' || t.name === 'uhyper' || t.name === 'double' ? 8 : 4
  }

  // ------------------------------------------------------------------ decode

  /** Expression decoding one value of a base type. @param {TypeSpec} t @param {Imports} imp @param {string} here @returns {string} */
  decBase(t, imp, here) {
    if (t.kind === 'prim') {
      switch (t.name) {
        case 'int': return 'r.i32()'
        case 'uint': return 'r.u32()'
        case 'hyper': return 'r.i64()'
        case 'uhyper': return 'r.u64()'
        case 'float': return 'r.f32()'
        case 'double': return 'r.f64()'
        case 'bool': return 'r.bool()'
      }
      throw new Error(`${t.name} needs a size`)
    }
    const { def } = this.entry(t.name)
    if (def.kind === 'enum') return 'r.i32()'
    if (def.kind === 'typedef') {
      if (this.model.uuidTypedefs.has(def.name)) {
        imp.add('../xdr/uuid.js', 'readUuid', false)
        return 'readUuid(r)'
      }
      const inline = this.decExpr(def.decl, imp, here)
      if (inline !== null) return inline
    }
    const fn = `decode${pascalCase(t.name)}`
    this.use(imp, here, t.name, 'codec', fn)
    return `${fn}(r)`
  }

  /** Single-expression decode of a declaration, or null when it needs a loop. @param {Declaration} d @param {Imports} imp @param {string} here @returns {string | null} */
  decExpr(d, imp, here) {
    if ('void' in d) return null
    if (d.type.kind === 'prim' && d.type.name === 'string') return `r.string(${this.sizeExpr(d, imp, here)})`
    if (d.type.kind === 'prim' && d.type.name === 'opaque') return d.shape === 'fixed' ? `r.fixedOpaque(${this.sizeExpr(d, imp, here)})` : `r.opaque(${this.sizeExpr(d, imp, here)})`
    if (d.shape === 'plain') return this.decBase(d.type, imp, here)
    if (d.shape === 'optional') return `r.present() ? ${this.decBase(d.type, imp, here)} : null`
    return null
  }

  /** Statements that leave the decoded value in `const target`. @param {Declaration} d @param {string} target @param {Imports} imp @param {string} here @param {string} ind @returns {string[]} */
  decInto(d, target, imp, here, ind) {
    const e = this.decExpr(d, imp, here)
    if (e !== null) return [`${ind}const ${target} = ${e}`]
    if ('void' in d) throw new Error('void')
    const elem = this.decBase(d.type, imp, here)
    const i = `i${this.tmp++}`
    if (d.shape === 'fixed') {
      return [`${ind}const ${target} = []`, `${ind}for (let ${i} = 0; ${i} < ${this.sizeExpr(d, imp, here)}; ${i}++) ${target}.push(${elem})`]
    }
    const n = `n${this.tmp++}`
    return [
      `${ind}const ${n} = r.length(${this.sizeExpr(d, imp, here)}, ${this.minSizeType(d.type)})`,
      `${ind}const ${target} = []`,
      `${ind}for (let ${i} = 0; ${i} < ${n}; ${i}++) ${target}.push(${elem})`,
    ]
  }

  // ------------------------------------------------------------------ encode

  /** Statements encoding value expression `x` of a base type. @param {TypeSpec} t @param {string} x @param {Imports} imp @param {string} here @param {string} ind @returns {string[]} */
  encBase(t, x, imp, here, ind) {
    if (t.kind === 'prim') {
      const m = { int: 'i32', uint: 'u32', hyper: 'i64', uhyper: 'u64', float: 'f32', double: 'f64', bool: 'bool' }[/** @type {string} */ (t.name)]
      if (!m) throw new Error(`${t.name} needs a size`)
      return [`${ind}w.${m}(${x})`]
    }
    const { def } = this.entry(t.name)
    if (def.kind === 'enum') return [`${ind}w.i32(${x})`]
    if (def.kind === 'typedef') {
      if (this.model.uuidTypedefs.has(def.name)) {
        imp.add('../xdr/uuid.js', 'writeUuid', false)
        return [`${ind}writeUuid(w, ${x})`]
      }
      if (this.decExpr(def.decl, new Imports(), here) !== null) return this.encDecl(def.decl, x, imp, here, ind)
    }
    const fn = `encode${pascalCase(t.name)}`
    this.use(imp, here, t.name, 'codec', fn)
    return [`${ind}${fn}(w, ${x})`]
  }

  /** @param {Declaration} d @param {string} x @param {Imports} imp @param {string} here @param {string} ind @returns {string[]} */
  encDecl(d, x, imp, here, ind) {
    if ('void' in d) return []
    if (d.type.kind === 'prim' && d.type.name === 'string') return [`${ind}w.string(${x}, ${this.sizeExpr(d, imp, here)})`]
    if (d.type.kind === 'prim' && d.type.name === 'opaque')
      return [d.shape === 'fixed' ? `${ind}w.fixedOpaque(${x}, ${this.sizeExpr(d, imp, here)})` : `${ind}w.opaque(${x}, ${this.sizeExpr(d, imp, here)})`]
    if (d.shape === 'plain') return this.encBase(d.type, x, imp, here, ind)
    if (d.shape === 'optional') {
      const o = `o${this.tmp++}`
      return [
        `${ind}const ${o} = ${x}`,
        `${ind}if (${o} === null || ${o} === undefined) w.bool(false)`,
        `${ind}else {`,
        `${ind}  w.bool(true)`,
        ...this.encBase(d.type, o, imp, here, `${ind}  `),
        `${ind}}`,
      ]
    }
    imp.add('./codec-support.js', 'expectArray', false)
    const a = `a${this.tmp++}`
    const i = `i${this.tmp++}`
    const size = this.sizeExpr(d, imp, here)
    const body = this.encBase(d.type, `${a}[${i}]`, imp, here, `${ind}  `)
    return [
      `${ind}const ${a} = ${x}`,
      `${ind}expectArray(${a}${d.shape === 'fixed' ? `, ${size}` : ''})`,
      ...(d.shape === 'var' ? [`${ind}w.length(${a}.length, ${size})`] : []),
      `${ind}for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {`,
      ...body,
      `${ind}}`,
    ]
  }

  // ------------------------------------------------------------------ codecs per type

  /**
   * JavaScript source of the encoder and of the decoder of one type, each with the names it uses
   * (other codecs, XDR constants, helpers): the runtime (lazy-codecs.ts) compiles a codec from
   * this on first use. Plain JS, no type annotations: it is compiled as written.
   * @param {Exclude<import('./parse-xdr.mjs').Definition, { kind: 'const' }>} d @param {string} here
   * @returns {{ T: string, enc: string, encDeps: Deps, dec: string, decDeps: Deps }}
   */
  codecs(d, here) {
    this.tmp = 0
    const T = pascalCase(d.name)
    const ei = new Deps()
    const di = new Deps()
    const enc = [`function encode${T}(w, v) {`]
    const dec = [`function decode${T}(r) {`]
    switch (d.kind) {
      case 'enum':
        enc.push('  w.i32(v)')
        dec.push('  return r.i32()')
        break
      case 'typedef': {
        if (this.model.uuidTypedefs.has(d.name)) {
          ei.add('../xdr/uuid.js', 'writeUuid', false)
          di.add('../xdr/uuid.js', 'readUuid', false)
          enc.push('  writeUuid(w, v)')
          dec.push('  return readUuid(r)')
          break
        }
        enc.push(...this.encDecl(d.decl, 'v', ei, here, '  '))
        const e = this.decExpr(d.decl, di, here)
        if (e !== null) dec.push(`  return ${e}`)
        else dec.push(...this.decInto(d.decl, 'x', di, here, '  '), '  return x')
        break
      }
      case 'struct': {
        ei.add('./codec-support.js', 'expectObject', false)
        const fields = /** @type {Exclude<Declaration, { void: true }>[]} */ (d.fields.filter((f) => !('void' in f)))
        enc.push(`  expectObject(v, '${d.name}')`)
        if (fields.length > 0) {
          ei.add('./codec-support.js', 'fieldError', false)
          const single = fields.length === 1
          if (!single) enc.push(`  let f = '${fields[0].name}'`)
          enc.push('  try {')
          fields.forEach((f, k) => {
            if (!single && k > 0) enc.push(`    f = '${f.name}'`)
            enc.push(...this.encDecl(f, `v.${f.name}`, ei, here, '    '))
          })
          enc.push('  } catch (e) {', `    throw fieldError(e, ${single ? `'${fields[0].name}'` : 'f'})`, '  }')
        }
        const locals = fields.map((f) => localName(f.name))
        fields.forEach((f, k) => dec.push(...this.decInto(f, locals[k], di, here, '  ')))
        dec.push(`  return { ${fields.map((f, k) => (f.name === locals[k] ? f.name : `${f.name}: ${locals[k]}`)).join(', ')} }`)
        break
      }
      case 'union': {
        ei.add('./codec-support.js', 'expectObject', false)
        const disc = /** @type {Exclude<Declaration, { void: true }>} */ (d.discriminant)
        const discDec = this.decBase(disc.type, di, here)
        if (!/^r\.(i32|u32)\(\)$/.test(discDec)) throw new Error(`${d.name}: only int, unsigned int and enum discriminants are supported`)
        const members = this.unionMembers(d, new Imports(), here)
        enc.push(`  expectObject(v, '${d.name}')`, `  const $tag = v.${disc.name}`, '  switch ($tag) {')
        dec.push(`  const $tag = ${discDec}`, '  switch ($tag) {')
        const names = new Map(d.arms.flatMap((a) => a.values.map((x, k) => [x, a.labels[k]])))
        for (const m of members) {
          const named = m.values.filter((x) => names.get(x) !== String(x)).map((x) => names.get(x))
          const labels = (m.values.length ? m.values.map((x) => `case ${x}:`).join(' ') : 'default:') + (named.length ? ` // ${named.join(', ')}` : '')
          const discVal = m.values.length === 1 ? String(m.values[0]) : '$tag'
          enc.push(`    ${labels}`, '    {', ...this.encBase(disc.type, '$tag', ei, here, '      '))
          if (!('void' in m.decl)) {
            ei.add('./codec-support.js', 'fieldError', false)
            enc.push('      try {', ...this.encDecl(m.decl, `v.${m.decl.name}`, ei, here, '        '), '      } catch (e) {', `        throw fieldError(e, '${m.decl.name}')`, '      }')
            const local = localName(m.decl.name)
            dec.push(`    ${labels}`, '    {', ...this.decInto(m.decl, local, di, here, '      '), `      return { ${disc.name}: ${discVal}, ${m.decl.name}${local === m.decl.name ? '' : `: ${local}`} }`, '    }')
          } else {
            dec.push(`    ${labels}`, `      return { ${disc.name}: ${discVal} }`)
          }
          enc.push('      return', '    }')
        }
        if (!d.defaultArm) {
          ei.add('./codec-support.js', 'badDiscriminant', false)
          di.add('../xdr/xdr-error.js', 'XdrError', false)
          enc.push('    default:', `      throw badDiscriminant('${d.name}', '${disc.name}', $tag)`)
          dec.push('    default:', `      throw new XdrError(\`invalid discriminant \${$tag} for union ${d.name}\`)`)
        }
        enc.push('  }')
        dec.push('  }')
        break
      }
    }
    enc.push('}')
    dec.push('}')
    // A codec calling itself (a recursive type) does so by its own function name, not as a dependency.
    ei.map.delete(`encode${T}`)
    di.map.delete(`decode${T}`)
    return { T, enc: enc.join('\n'), encDeps: ei, dec: dec.join('\n'), decDeps: di }
  }
}

/**
 * The value names one codec's source uses, with the module each comes from. It stands in for
 * an Imports collector (same add()), so the emitters above record a codec's dependencies the
 * same way they record a file's imports; type-only names are ignored (the source has no types).
 */
class Deps {
  constructor() {
    /** @type {Map<string, string>} name → module specifier */
    this.map = new Map()
  }

  /** @param {string} from @param {string} name @param {boolean} typeOnly */
  add(from, name, typeOnly) {
    if (!typeOnly) this.map.set(name, from)
  }
}

/** Import lines followed by a blank line, or nothing. @param {string[]} lines */
function withGap(lines) {
  return lines.length ? [...lines, ''] : []
}

/** Arms of a union (including default). @param {Extract<import('./parse-xdr.mjs').Definition, { kind: 'union' }>} u */
function d2arms(u) {
  return [...u.arms.map((a) => a.decl), ...(u.defaultArm ? [u.defaultArm] : [])]
}

