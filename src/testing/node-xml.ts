// Test harness. Small XML builders for the test driver: a minimal domain, and a whole `<node>`
// document for a `test+unix:///abs/path.xml` URI (private state per connection).

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;')
}

/** The smallest domain the test driver accepts, with an optional fixed UUID. */
export function testDomainXml(name: string, options: { uuid?: string; memoryMiB?: number } = {}): string {
  if (typeof name !== 'string' || name === '') throw new TypeError('testDomainXml: name must be a non-empty string')
  const uuid = options.uuid ? `<uuid>${esc(options.uuid)}</uuid>` : ''
  const mem = options.memoryMiB ?? 64
  return `<domain type='test'><name>${esc(name)}</name>${uuid}<memory unit='MiB'>${mem}</memory><os><type>hvm</type></os></domain>`
}

/**
 * A test-driver node document: host facts plus the given child elements (domains, networks,
 * pools, …), ready for `TestDaemon.writeTestNode()`.
 */
export function testNodeXml(children: readonly string[] = []): string {
  return [
    '<node>',
    '  <cpu><mhz>2400</mhz><model>i686</model><active>2</active><nodes>1</nodes><sockets>1</sockets><cores>2</cores><threads>1</threads></cpu>',
    '  <memory>4194304</memory>',
    ...children.map((c) => `  ${c}`),
    '</node>',
    '',
  ].join('\n')
}
