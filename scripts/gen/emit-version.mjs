// Generator (dev-only). Emits libvirt-version.gen.ts: the libvirt release the generated
// protocol was taken from, so it is known at run time.

import { banner } from './emit-util.mjs'

/** @param {import('./model.mjs').Model} model @returns {{ path: string, text: string }[]} */
export function emitVersion(model) {
  return [
    {
      path: 'libvirt-version.gen.ts',
      text: [
        banner(model.version),
        '// Layer 1 (generated protocol). The libvirt release whose protocol files these modules were generated from.',
        '',
        '/** libvirt release the generated protocol code was taken from. */',
        `export const LIBVIRT_PROTOCOL_VERSION = '${model.version}'`,
        '',
      ].join('\n'),
    },
  ]
}
