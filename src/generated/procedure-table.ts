// Layer 1 (generated protocol) support, hand-written: builds a program's procedure table (e.g.
// `REMOTE_PROCEDURES`) at import from the compact rows the generator emits, instead of parsing
// hundreds of object literals. Every descriptor has one class, so reading `desc.encodeArgs` on the
// call path stays monomorphic; a descriptor splits its row on first read, and its codecs are
// looked up and compiled on first read, then kept. Its fields are getters of that class (only
// `program` and `version` are own properties), so `{...desc}` copies just those two.

import type { Decoder, Encoder } from '../xdr/codec.js'
import type { AnyCodecSet } from './lazy-codecs.js'
import type { ProcedureDescriptor, StreamDirection } from './procedure.js'

// Rows: one procedure per line, fields separated by one space; '-' is null (or an empty list).
//   KEY NUMBER C_FUNCTION ARGS_TYPE RET_TYPE PRIORITY(0|1) STREAM SPARSE_FLAG ACL,... GENERATE ARG,... RET,...
const NONE = '-'

const list = (f: string): readonly string[] => (f === NONE ? [] : f.split(','))
const orNull = (f: string): string | null => (f === NONE ? null : f)

class Procedure implements ProcedureDescriptor {
  readonly program: number
  readonly version: number
  readonly #prefix: string
  readonly #codecs: AnyCodecSet | null
  readonly #line: string
  // The row's fields, split on first read of any of them: a process uses a handful of the ~450
  // procedures, and splitting every row at import was most of the tables' build time (1-2 ms of a
  // fresh process's import). Every field read below goes through #fields() once, then is kept.
  #f: string[] | null = null
  #procedure = -1
  #name: string | undefined = undefined
  // undefined: not looked up yet; null: the procedure has no such struct.
  #encodeArgs: Encoder<unknown> | null | undefined = undefined
  #decodeArgs: Decoder<unknown> | null | undefined = undefined
  #encodeRet: Encoder<unknown> | null | undefined = undefined
  #decodeRet: Decoder<unknown> | null | undefined = undefined
  #acl: readonly string[] | undefined = undefined
  #argNames: readonly string[] | undefined = undefined
  #retNames: readonly string[] | undefined = undefined

  constructor(program: number, version: number, prefix: string, codecs: AnyCodecSet | null, line: string) {
    this.program = program
    this.version = version
    this.#prefix = prefix
    this.#codecs = codecs
    this.#line = line
  }

  #fields(): string[] {
    return (this.#f ??= this.#line.split(' '))
  }

  // On the call path (session.call reads it for every call): kept as a number after the first read.
  get procedure(): number {
    const n = this.#procedure
    return n >= 0 ? n : (this.#procedure = Number(this.#fields()[1]))
  }

  get name(): string {
    return (this.#name ??= `${this.#prefix}_PROC_${this.#fields()[0]}`)
  }

  get cFunction(): string | null {
    return orNull(this.#fields()[2]!)
  }

  get priority(): boolean {
    return this.#fields()[5] === '1'
  }

  get stream(): StreamDirection {
    return this.#fields()[6] as StreamDirection
  }

  get sparseFlag(): string | null {
    return orNull(this.#fields()[7]!)
  }

  get generate(): string {
    return this.#fields()[9]!
  }

  // The lists are split on first read, then kept, so each read gives the same array.
  get acl(): readonly string[] {
    return (this.#acl ??= list(this.#fields()[8]!))
  }

  get argNames(): readonly string[] {
    return (this.#argNames ??= list(this.#fields()[10]!))
  }

  get retNames(): readonly string[] {
    return (this.#retNames ??= list(this.#fields()[11]!))
  }

  get encodeArgs(): Encoder<unknown> | null {
    const c = this.#encodeArgs
    return c !== undefined ? c : (this.#encodeArgs = this.#lookup(3, 'encode') as Encoder<unknown> | null)
  }

  get decodeArgs(): Decoder<unknown> | null {
    const c = this.#decodeArgs
    return c !== undefined ? c : (this.#decodeArgs = this.#lookup(3, 'decode') as Decoder<unknown> | null)
  }

  get encodeRet(): Encoder<unknown> | null {
    const c = this.#encodeRet
    return c !== undefined ? c : (this.#encodeRet = this.#lookup(4, 'encode') as Encoder<unknown> | null)
  }

  get decodeRet(): Decoder<unknown> | null {
    const c = this.#decodeRet
    return c !== undefined ? c : (this.#decodeRet = this.#lookup(4, 'decode') as Decoder<unknown> | null)
  }

  /** The codec of the row's args (field 3) or ret (field 4) struct, compiled on first use. */
  #lookup(field: 3 | 4, dir: 'encode' | 'decode'): unknown {
    const type = orNull(this.#fields()[field]!)
    if (type === null) return null
    return (this.#codecs as AnyCodecSet).codec(`${dir}${type}`)
  }
}

/**
 * One program's procedure table from its generated rows: descriptor by key (the name without
 * `<PREFIX>_PROC_`). `T` is the generated type of the table; the rows must match it (the generator
 * writes both from the same model).
 */
export function procedureTable<T>(program: number, version: number, prefix: string, codecs: AnyCodecSet | null, rows: string): T {
  const table: Record<string, ProcedureDescriptor> = {}
  // only each row's key is read here; the descriptor splits its row when first read
  for (let at = 0; at < rows.length; ) {
    let eol = rows.indexOf('\n', at)
    if (eol === -1) eol = rows.length
    if (eol > at) {
      const line = rows.slice(at, eol)
      table[line.slice(0, line.indexOf(' '))] = new Procedure(program, version, prefix, codecs, line)
    }
    at = eol + 1
  }
  return table as T
}
