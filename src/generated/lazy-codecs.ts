// Layer 1 (generated protocol) support, hand-written: compiles the generated codecs on first use.
// The generator emits each encoder and decoder as the source text of a straight-line function
// plus the names it uses, all of one XDR file in one string. Parsing ~2,000 functions at import was
// the largest cost of loading the package; scanning one string literal is far cheaper. A codec is compiled with
// `new Function(...names, 'return ' + source)(...values)` when first asked for, after its
// dependencies (recursively, cached), so it closes over direct references to them: the same
// straight-line code, at the same speed, as the functions the generator used to emit as modules.

import type { Decoder, Encoder } from '../xdr/codec.js'
import { readUuid, writeUuid } from '../xdr/uuid.js'
import { XdrError } from '../xdr/xdr-error.js'
import { badDiscriminant, expectArray, expectObject, fieldError } from './codec-support.js'

/** Helpers any generated codec may use, by the name its source calls them. */
const HELPERS: Readonly<Record<string, unknown>> = { XdrError, readUuid, writeUuid, badDiscriminant, expectArray, expectObject, fieldError }

// Both codec shapes: an encoder takes (w, v), a decoder (r).
type AnyCodec = (a: never, b: never) => unknown

/** A codec set of any types (the type map only types encoder() and decoder(); the rest is untyped). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyCodecSet = CodecSet<any>

/** Types looked up by a search each before the whole text is indexed once ({@link CodecSet}). */
const SEARCHES_BEFORE_INDEX = 64

const CODEC_NAME = /^(encode|decode)([A-Z]\w*)$/

/**
 * Thrown on the first use of a codec when the process forbids compiling code from strings
 * (`node --disallow-code-generation-from-strings`): the protocol codecs are compiled at run time,
 * so no libvirt call can be encoded or decoded in such a process.
 */
export class CodecCompileError extends Error {
  /** Stable code for programmatic checks. */
  readonly code = 'ERR_LIBVIRT_CODEGEN_DISALLOWED'
  constructor(codec: string, options: { cause: unknown }) {
    super(
      `libvirt-async compiles its protocol codecs at run time (new Function) and this process forbids it ` +
        `(--disallow-code-generation-from-strings or an embedder's code-generation policy): cannot compile ${codec}`,
      options,
    )
    this.name = 'CodecCompileError'
  }
}

/**
 * The encoders and decoders of one XDR file's types (`REMOTE_CODECS`, `QEMU_CODECS`, ...), compiled
 * on first request and cached. `M` maps each type name (`RemoteNonnullDomain`) to its value type.
 */
export class CodecSet<M> {
  /** The XDR file the codecs come from (for messages). */
  readonly file: string
  readonly #env: Readonly<Record<string, unknown>>
  readonly #uses: readonly AnyCodecSet[]
  readonly #text: string
  readonly #dictText: string
  #dict: string[] | null = null
  // Type name -> offset of its block's first `uses` line in #text: all of them once indexed (see
  // #find), before that the types searched for so far.
  #blocks: Map<string, number> | null = null
  #found = new Map<string, number>()
  readonly #compiled = new Map<string, AnyCodec>()

  /**
   * @param file the XDR file (`remote_protocol.x`)
   * @param env the XDR constants the sources use, by name
   * @param uses the sets whose codecs these sources call (a type of another file)
   * @param text every type's codecs, each line ended by `~`: per type a line `@@ Type`, then for
   *   the encoder and then the decoder a line `uses NAME...` (the names its source refers to) and
   *   the function's source; a line `#n` stands for line n (base 36) of `dict`
   * @param dict the lines `#n` refers to, each ended by `~` (the generator's packCodecText)
   */
  constructor(file: string, env: Readonly<Record<string, unknown>>, uses: readonly AnyCodecSet[], text: string, dict = '') {
    this.file = file
    this.#env = env
    this.#uses = uses
    this.#text = text
    this.#dictText = dict
  }

  /** The encoder of type `type` (compiled now if it is the first request). */
  encoder<K extends keyof M & string>(type: K): Encoder<M[K]> {
    return this.codec(`encode${type}`) as unknown as Encoder<M[K]>
  }

  /** The decoder of type `type` (compiled now if it is the first request). */
  decoder<K extends keyof M & string>(type: K): Decoder<M[K]> {
    return this.codec(`decode${type}`) as unknown as Decoder<M[K]>
  }

  /** Every type name with codecs in this set (not those of the sets it uses). */
  types(): string[] {
    return [...this.#index().keys()]
  }

  /** Whether codec `name` (`encodeRemoteNonnullDomain`) of this set has been compiled yet. */
  isCompiled(name: string): boolean {
    return this.#compiled.has(name)
  }

  /**
   * A codec by its function name (`encodeRemoteNonnullDomain`, `decodeQemuDomainMonitorCommandRet`),
   * of this set or of a set it uses. Throws a TypeError for a name no set has.
   */
  codec(name: string): AnyCodec {
    return this.#compiled.get(name) ?? this.#resolve(name, new Map())
  }

  /** The set holding type `type`: this one or one it uses (depth first). */
  #owner(type: string): AnyCodecSet | null {
    if (this.#find(type) !== -1) return this
    for (const u of this.#uses) {
      const o = u.#owner(type)
      if (o !== null) return o
    }
    return null
  }

  /**
   * Where the block of `type` starts (just past its `@@ type` line), -1 if this file has none. One
   * search of the text per type asked, kept: a process asks for a few dozen types, and indexing all
   * ~1,100 blocks of remote_protocol.x up front cost more than a fresh process's first connect
   * needed (the whole index is built only when every type is listed, `types()`).
   */
  #find(type: string): number {
    // past a few dozen types, one pass over the text for all of them beats a search per type
    if (this.#blocks !== null || this.#found.size >= SEARCHES_BEFORE_INDEX) return this.#index().get(type) ?? -1
    let at = this.#found.get(type)
    if (at === undefined) {
      const t = this.#text
      const head = `@@ ${type}~`
      const i = t.startsWith(head) ? 0 : t.indexOf(`~${head}`)
      at = i === -1 ? -1 : i === 0 ? head.length : i + 1 + head.length
      this.#found.set(type, at)
    }
    return at
  }

  #index(): Map<string, number> {
    let blocks = this.#blocks
    if (blocks !== null) return blocks
    blocks = this.#blocks = new Map()
    const t = this.#text
    for (let at = t.startsWith('@@ ') ? 0 : -1; at !== -1; ) {
      const eol = t.indexOf('~', at)
      blocks.set(t.slice(at + 3, eol), eol + 1)
      at = t.indexOf('~@@ ', eol)
      if (at !== -1) at++
    }
    return blocks
  }

  /** The names codec `at` (0: encoder, 1: decoder) of `type` uses, and its source. */
  #source(type: string, at: 0 | 1): [string[], string] {
    const t = this.#text
    const start = this.#find(type)
    const next = t.indexOf('~@@ ', start)
    const lines = t.slice(start, next === -1 ? t.length : next).split('~')
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!
      if (l.charCodeAt(0) === 35 /* # */) lines[i] = this.#line(l)
    }
    const mid = lines.findIndex((l, i) => i > 0 && (l === 'uses' || l.startsWith('uses ')))
    const part = at === 0 ? lines.slice(0, mid) : lines.slice(mid)
    const names = part[0]!.split(' ')
    names.shift() // 'uses'
    return [names, part.slice(1).join('\n')]
  }

  /** The dictionary line a `#n` line stands for. */
  #line(ref: string): string {
    const dict = (this.#dict ??= this.#dictText.split('~'))
    const line = dict[parseInt(ref.slice(1), 36)]
    if (line === undefined) throw new TypeError(`${this.file}: codec text refers to ${ref}, which its dictionary lacks`)
    return line
  }

  /** `pending` holds the codecs being compiled up the stack, with a forwarder each for cycles. */
  #resolve(name: string, pending: Map<string, AnyCodec>): AnyCodec {
    const m = CODEC_NAME.exec(name)
    const owner = m ? this.#owner(m[2]!) : null
    if (!m || owner === null) throw new TypeError(`no codec ${name} in ${this.file} or the files it uses`)
    return owner.#compile(name, m[1] === 'encode' ? 0 : 1, m[2]!, pending)
  }

  #compile(name: string, at: 0 | 1, type: string, pending: Map<string, AnyCodec>): AnyCodec {
    const done = this.#compiled.get(name)
    if (done !== undefined) return done
    // A type reached again while its own dependencies compile (mutually recursive types) gets a
    // forwarder to the finished codec; self-recursion needs none (the function calls its own name).
    const cyclic = pending.get(name)
    if (cyclic !== undefined) return cyclic
    const [names, src] = this.#source(type, at)
    pending.set(name, ((a: never, b: never) => (this.#compiled.get(name) as AnyCodec)(a, b)) as AnyCodec)
    const values = names.map((n) => {
      if (CODEC_NAME.test(n)) return this.#compiled.get(n) ?? this.#resolve(n, pending)
      if (Object.hasOwn(this.#env, n)) return this.#env[n]
      if (Object.hasOwn(HELPERS, n)) return HELPERS[n]
      throw new TypeError(`codec ${name} of ${this.file} uses ${n}, which nothing provides`)
    })
    let fn: AnyCodec
    try {
      // sourceURL: stack frames name the codec (`libvirt-async:codecs/remote_protocol.x/decodeRemoteError:3:12`)
      // rather than an anonymous eval inside the bundle.
      fn = new Function(...names, `return ${src}\n//# sourceURL=libvirt-async:codecs/${this.file}/${name}`)(...values) as AnyCodec
    } catch (e) {
      if (e instanceof EvalError) throw new CodecCompileError(name, { cause: e })
      throw e
    } finally {
      pending.delete(name)
    }
    this.#compiled.set(name, fn)
    return fn
  }
}
