// `npm run docs`: the API reference of the three public entry points with TypeDoc, warnings as
// errors. Dev-only. The generated protocol tables' wire structs (Remote*Args, Qemu*Ret, …) are
// internal on purpose (the typed API never shows wire types): they are listed here, read from the
// generated sources, rather than exported.
import { readdirSync, readFileSync } from 'node:fs'

const GENERATED = new URL('./src/generated/', import.meta.url)
const wireTypes = readdirSync(GENERATED)
  .filter((f) => /^(remote|remote-types|qemu|lxc|keepalive|virnet)\.gen\.ts$/.test(f))
  .flatMap((f) => [...readFileSync(new URL(f, GENERATED), 'utf8').matchAll(/^export (?:interface|type) ((?:Remote|Qemu|Lxc|Keepalive|Virnet)\w*(?:Args|Ret|Msg))\b/gm)].map((m) => m[1]))

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: ['src/index.ts', 'src/testing/index.ts', 'src/xdr/index.ts'],
  tsconfig: 'tsconfig.build.json',
  out: 'dist/docs',
  name: 'libvirt-async',
  readme: 'none',
  excludeInternal: true,
  excludePrivate: true,
  treatWarningsAsErrors: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias'],
  // internal plumbing reachable from @internal members, and a private `void | Promise` alias
  intentionallyNotExported: [...new Set(wireTypes), 'RpcClient', 'ConnectionCore', 'CallbackResult'],
  externalSymbolLinkMappings: {
    '@types/node': {
      'Stream.Writable.write': 'https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback',
      'Stream.Writable.end': 'https://nodejs.org/api/stream.html#writableendchunk-encoding-callback',
      'Stream.Readable._read': 'https://nodejs.org/api/stream.html#readable_readsize',
    },
  },
}
