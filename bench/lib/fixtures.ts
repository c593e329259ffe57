// Benchmark helpers: test-driver node documents for the large-reply scenarios — N small
// domains plus one domain whose <description> makes its XML at least `xmlBytes` long.

import { testDomainXml, testNodeXml } from '../../src/testing/node-xml.js'

export const BIG_DOMAIN = 'bench-big-xml'

export function largeNodeXml(domains: number, xmlBytes: number): string {
  const children: string[] = []
  for (let i = 0; i < domains; i++) children.push(testDomainXml(`bench-${String(i).padStart(5, '0')}`))
  const text = 'libvirt-async benchmark description. '.repeat(Math.ceil(xmlBytes / 37))
  children.push(
    `<domain type='test'><name>${BIG_DOMAIN}</name><description>${text}</description>` +
      `<memory unit='MiB'>64</memory><os><type>hvm</type></os></domain>`,
  )
  return testNodeXml(children)
}
