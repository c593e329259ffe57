// Layer 1 (generated protocol) support, hand-written: builds a program's procedure table (e.g.
// `REMOTE_PROCEDURES`) at import from the compact rows the generator emits, instead of parsing
// hundreds of object literals. Every descriptor has one class, so reading `desc.encodeArgs` on the
// call path stays monomorphic; its codecs are looked up and compiled on first read, then kept.

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
  readonly procedure: number
  readonly name: string
  readonly cFunction: string | null
  readonly priority: boolean
  readonly stream: StreamDirection
  readonly sparseFlag: string | null
  readonly generate: string
  readonly #row: string[]
  readonly #codecs: AnyCodecSet | null
  readonly #args: string | null
  readonly #ret: string | null
  // undefined: not looked up yet; null: the procedure has no such struct.
  #encodeArgs: Encoder<unknown> | null | undefined = undefined
  #decodeArgs: Decoder<unknown> | null | undefined = undefined
  #encodeRet: Encoder<unknown> | null | undefined = undefined
  #decodeRet: Decoder<unknown> | null | undefined = undefined

  constructor(program: number, version: number, prefix: string, codecs: AnyCodecSet | null, f: string[]) {
    this.program = program
    this.version = version
    this.procedure = Number(f[1])
    this.name = `${prefix}_PROC_${f[0]}`
    this.cFunction = orNull(f[2]!)
    this.#args = orNull(f[3]!)
    this.#ret = orNull(f[4]!)
    this.priority = f[5] === '1'
    this.stream = f[6] as StreamDirection
    this.sparseFlag = orNull(f[7]!)
    this.generate = f[9]!
    this.#row = f
    this.#codecs = codecs
  }

  // The lists are metadata nothing on the call path reads: split on first read (a third of the
  // table's build time at import otherwise), then kept, so each read gives the same array.
  #acl: readonly string[] | undefined = undefined
  #argNames: readonly string[] | undefined = undefined
  #retNames: readonly string[] | undefined = undefined

  get acl(): readonly string[] {
    return (this.#acl ??= list(this.#row[8]!))
  }

  get argNames(): readonly string[] {
    return (this.#argNames ??= list(this.#row[10]!))
  }

  get retNames(): readonly string[] {
    return (this.#retNames ??= list(this.#row[11]!))
  }

  get encodeArgs(): Encoder<unknown> | null {
    const c = this.#encodeArgs
    return c !== undefined ? c : (this.#encodeArgs = this.#lookup(this.#args, 'encode') as Encoder<unknown> | null)
  }

  get decodeArgs(): Decoder<unknown> | null {
    const c = this.#decodeArgs
    return c !== undefined ? c : (this.#decodeArgs = this.#lookup(this.#args, 'decode') as Decoder<unknown> | null)
  }

  get encodeRet(): Encoder<unknown> | null {
    const c = this.#encodeRet
    return c !== undefined ? c : (this.#encodeRet = this.#lookup(this.#ret, 'encode') as Encoder<unknown> | null)
  }

  get decodeRet(): Decoder<unknown> | null {
    const c = this.#decodeRet
    return c !== undefined ? c : (this.#decodeRet = this.#lookup(this.#ret, 'decode') as Decoder<unknown> | null)
  }

  #lookup(type: string | null, dir: 'encode' | 'decode'): unknown {
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
  for (const line of rows.split('\n')) {
    if (line === '') continue
    const f = line.split(' ')
    table[f[0]!] = new Procedure(program, version, prefix, codecs, f)
  }
  return table as T
}
