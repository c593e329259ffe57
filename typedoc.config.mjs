// `npm run docs`: the API reference of the three public entry points with TypeDoc, warnings as
// errors. Dev-only. `libvirt-async/protocol` (src/protocol.ts: the raw procedure tables and ~1300
// wire structs, Remote*Args, Qemu*Ret, …) is left out on purpose: the wire types carry no TSDoc of
// their own (libvirt.org documents the procedures), and the root no longer names any of them.
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
  // No "Defined in" source links: the package names no public repository, so they would point at
  // whatever remote a clone has (and a clone without one made TypeDoc warn, failing the docs test).
  disableSources: true,
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  requiredToBeDocumented: ['Enum', 'Variable', 'Function', 'Class', 'Interface', 'TypeAlias'],
  // internal plumbing reachable from @internal members, and a private `void | Promise` alias
  intentionallyNotExported: ['RpcClient', 'ConnectionCore', 'CallbackResult'],
  externalSymbolLinkMappings: {
    '@types/node': {
      'Stream.Writable.write': 'https://nodejs.org/api/stream.html#writablewritechunk-encoding-callback',
      'Stream.Writable.end': 'https://nodejs.org/api/stream.html#writableendchunk-encoding-callback',
      'Stream.Readable._read': 'https://nodejs.org/api/stream.html#readable_readsize',
    },
  },
}
