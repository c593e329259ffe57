// The CLI as a tool, spawned as a user runs it: --version, list / info against the library's own
// view of the same daemon, call with bare words, @file and stdin, help for every command, shell
// completion, and bad input (unknown command or option, bad @path, console without a terminal,
// a daemon error with control characters, a URI with a password): one line, the documented code.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from '../../src/index.js'
import { startTestDaemon, testDomainXml, type TestDaemon } from '../../src/testing/index.js'
import { CLI, isOneLine, run, start } from './cli-run.js'

let daemon: TestDaemon
before(async () => {
  daemon = await startTestDaemon()
})
after(async () => {
  await daemon?.stop()
})

/** Runs the CLI with `input` on stdin. */
function runWithStdin(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LIBVIRT_ASYNC_DEBUG: '' } })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  child.stdin.end(input)
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr })))
}

test('--version prints the package version', async () => {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
  const r = await run(['--version'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `libvirt-async ${pkg.version}\n`)
})

for (const cmd of ['list', 'info', 'upload', 'download', 'call', 'console', 'watch', 'demo']) {
  test(`${cmd} --help: usage, options, exit codes`, async () => {
    const r = await run([cmd, '--help'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^Usage: libvirt-async ${cmd}`))
    assert.match(r.stdout, /-c, --connect URI/)
    assert.match(r.stdout, /Exit codes/)
  })
}

test('list and list --all: virsh-like table of id, name and state by name; --json the same rows', async () => {
  const conn = await connect(daemon.uri)
  try {
    await conn.domainDefineXML(testDomainXml('cli-off'))
    const active = await run(['list', daemon.uri])
    assert.equal(active.code, 0, active.stderr)
    const lines = active.stdout.trimEnd().split('\n')
    assert.match(lines[0]!, /^ Id\s+Name\s+State$/)
    assert.match(lines[1]!, /^-+$/)
    assert.match(lines[2]!, /^ 1\s+test\s+running$/)
    assert.equal(lines.length, 3, 'inactive domains only with --all')
    const all = await run(['list', daemon.uri, '--all'])
    assert.match(all.stdout, /^ -\s+cli-off\s+shut off$/m)
    const json = await run(['list', '-c', daemon.uri, '--all', '--json'])
    assert.equal(json.code, 0, json.stderr)
    const rows = JSON.parse(json.stdout) as { id: number; name: string; uuid: string; state: string }[]
    const doms = await conn.listAllDomains()
    assert.deepEqual(rows.map((r) => r.name).sort(), doms.map((d) => d.name).sort())
    assert.deepEqual(rows.find((r) => r.name === 'cli-off'), { id: -1, name: 'cli-off', uuid: (await conn.domainLookupByName('cli-off')).uuid, state: 'shut off' })
  } finally {
    await (await conn.domainLookupByName('cli-off')).undefine().catch(() => {})
    await conn.close()
  }
})

test('info <domain>: dominfo fields from the daemon; --json', async () => {
  const conn = await connect(daemon.uri)
  const dom = await conn.domainLookupByName('test')
  const info = await dom.getInfo()
  await conn.close()
  const r = await run(['info', daemon.uri, 'test'])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^Name:\s+test$/m)
  assert.match(r.stdout, new RegExp(`^UUID:\\s+${dom.uuid}$`, 'm'))
  assert.match(r.stdout, /^State:\s+running$/m)
  assert.match(r.stdout, new RegExp(`^CPU\\(s\\):\\s+${info.nrVirtCpu}$`, 'm'))
  assert.match(r.stdout, new RegExp(`^Max memory:\\s+${info.maxMem} KiB$`, 'm'))
  const j = JSON.parse((await run(['info', daemon.uri, '--json', dom.uuid])).stdout)
  assert.equal(j.name, 'test')
  assert.equal(j.maxMemory, String(info.maxMem))
  const missing = await run(['info', daemon.uri, 'no-such-dom'])
  assert.equal(missing.code, 1)
  assert.ok(isOneLine(missing.stderr), missing.stderr)
  assert.match(missing.stderr, /VIR_ERR_NO_DOMAIN/)
})

test('call: a bare word where the method takes a string; JSON still accepted', async () => {
  const bare = await run(['call', daemon.uri, 'domainLookupByName', 'test'])
  assert.equal(bare.code, 0, bare.stderr)
  assert.equal(JSON.parse(bare.stdout).name, 'test')
  const quoted = await run(['call', daemon.uri, 'domainLookupByName', '"test"'])
  assert.equal(JSON.parse(quoted.stdout).name, 'test')
  // a name that looks like a number is still a name where a string is expected
  const numeric = await run(['call', daemon.uri, 'domainLookupByName', '123'])
  assert.equal(numeric.code, 1, numeric.stderr)
  assert.match(numeric.stderr, /VIR_ERR_NO_DOMAIN/)
  const xml = await run(['call', daemon.uri, 'Domain.getXMLDesc', 'test', '0'])
  assert.match(JSON.parse(xml.stdout), /<name>test<\/name>/)
})

test('call: @path reads an argument from a file, - from stdin; a bad @path is one line, exit 5', async () => {
  // the test driver's default state lives while a connection is open: hold one across the runs
  const conn = await connect(daemon.uri)
  const file = join(daemon.dir, 'cli-file.xml')
  writeFileSync(file, testDomainXml('cli-from-file'))
  const fromFile = await run(['call', daemon.uri, 'domainDefineXML', `@${file}`])
  assert.equal(fromFile.code, 0, fromFile.stderr)
  assert.equal(JSON.parse(fromFile.stdout).name, 'cli-from-file')
  const fromStdin = await runWithStdin(['call', daemon.uri, 'domainCreateXML', '-', '0'], testDomainXml('cli-from-stdin'))
  assert.equal(fromStdin.code, 0, fromStdin.stderr)
  assert.equal(JSON.parse(fromStdin.stdout).name, 'cli-from-stdin')
  assert.ok((await conn.domainLookupByName('cli-from-stdin')).id > 0, 'created and running')
  await (await conn.domainLookupByName('cli-from-stdin')).destroy()
  await (await conn.domainLookupByName('cli-from-file')).undefine()
  await conn.close()

  const bad = await run(['call', daemon.uri, 'domainDefineXML', `@${join(daemon.dir, 'nope.xml')}`])
  assert.equal(bad.code, 5)
  assert.ok(isOneLine(bad.stderr), bad.stderr)
  assert.match(bad.stderr, /argument 1: cannot read .*nope\.xml: no such file/)
  const dir = await run(['call', daemon.uri, 'domainDefineXML', `@${daemon.dir}`])
  assert.equal(dir.code, 5)
  assert.match(dir.stderr, /is a directory/)
})

test('a daemon error prints libvirt\'s whole message with control characters escaped', async () => {
  // libvirt's XML error quotes the document on a second line and points at the error on a third
  const xml = "<domain type='test'><name>a\u202eb</name><memory>x\x1b]0;pwned\x07</memory></domain>"
  const conn = await connect(daemon.uri)
  const expected = await conn.domainDefineXML(xml).then(() => assert.fail('accepted'), (e: Error) => e.message)
  await conn.close()
  assert.ok(expected.includes('\n') && expected.includes('\x1b'), 'the daemon message has lines and control characters')
  const r = await run(['call', daemon.uri, 'domainDefineXML', xml])
  assert.equal(r.code, 1)
  assert.ok(isOneLine(r.stderr), r.stderr)
  assert.ok(!/[\x00-\x09\x0b-\x1f\x7f\u202e]/.test(r.stderr), `no raw control character: ${JSON.stringify(r.stderr)}`)
  const escaped = expected.replace(/\n/g, '\\n').replace(/\x1b/g, '\\x1b').replace(/\x07/g, '\\x07').replace(/\u202e/g, '\\u202e')
  assert.equal(r.stderr, `libvirt-async: libvirt error: ${escaped} (VIR_ERR_XML_DETAIL)\n`, 'the whole message, escaped')
})

test('a password in a URI is never printed (user:***@)', async () => {
  const uri = `test+unix://admin:hunter2@/default?socket=${daemon.dir}/no-such-sock`
  for (const args of [['list', uri], ['call', uri, 'getLibVersion'], ['info', uri, 'test']]) {
    const r = await run(args)
    assert.equal(r.code, 1, r.stderr)
    assert.ok(isOneLine(r.stderr), r.stderr)
    assert.ok(!r.stderr.includes('hunter2'), r.stderr)
    assert.match(r.stderr, /admin:\*\*\*@/)
  }
})

test('unknown command, unknown option, missing arguments → exit 2, one line', async () => {
  for (const args of [['frobnicate'], ['--frob'], ['list', '--frob'], ['info'], ['upload', 'a', 'b'], ['download', 'a'], ['completion', 'fish'], ['completion']]) {
    const r = await run(args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.ok(isOneLine(r.stderr), r.stderr)
  }
})

test('console refuses a stdin that is not a terminal: one line, exit 2, at once', { timeout: 30_000 }, async () => {
  const r = await runWithStdin(['console', daemon.uri, 'test'], '')
  assert.equal(r.code, 2)
  assert.ok(isOneLine(r.stderr), r.stderr)
  assert.match(r.stderr, /console needs a terminal: stdin is not a TTY/)
})

test('upload of a missing file: one line, exit 5, before connecting; download over an existing file without --force: exit 5, file untouched', async () => {
  const up = await run(['upload', 'test:///nowhere-at-all', 'pool', 'vol', join(daemon.dir, 'missing.img')])
  assert.equal(up.code, 5)
  assert.ok(isOneLine(up.stderr), up.stderr)
  assert.match(up.stderr, /cannot upload .*missing\.img: no such file/)
  const existing = join(daemon.dir, 'existing.img')
  writeFileSync(existing, 'keep me')
  const down = await run(['download', 'test:///nowhere-at-all', 'pool', 'vol', existing])
  assert.equal(down.code, 5)
  assert.ok(isOneLine(down.stderr), down.stderr)
  assert.match(down.stderr, /exists; pass --force to replace it/)
  assert.equal(readFileSync(existing, 'utf8'), 'keep me')
})

test('completion bash: a valid script completing commands, options and call methods; zsh prints its script', async () => {
  const bash = await run(['completion', 'bash'])
  assert.equal(bash.code, 0, bash.stderr)
  const file = join(daemon.dir, 'completion.bash')
  writeFileSync(file, bash.stdout)
  const complete = (words: string[]): string[] => {
    const script = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _libvirt_async; printf '%s\\n' "\${COMPREPLY[@]}"`
    return execFileSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, PATH: `${join(daemon.dir, 'bin')}:${process.env.PATH}` } }).split('\n').filter(Boolean)
  }
  assert.deepEqual(complete(['libvirt-async', 'li']).sort(), ['list'])
  assert.deepEqual(complete(['libvirt-async', 'download', '--f']), ['--force'])
  assert.deepEqual(complete(['libvirt-async', 'list', '--a']), ['--all'])
  assert.deepEqual(complete(['libvirt-async', 'completion', '']).sort(), ['bash', 'zsh'])
  // method names come from the executable itself
  const bin = join(daemon.dir, 'bin')
  execFileSync('mkdir', ['-p', bin])
  writeFileSync(join(bin, 'libvirt-async'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} "$@"\n`, { mode: 0o755 })
  assert.ok(complete(['libvirt-async', 'call', 'domainLookupByN']).includes('domainLookupByName'))
  const zsh = await run(['completion', 'zsh'])
  assert.equal(zsh.code, 0, zsh.stderr)
  assert.match(zsh.stdout, /^#compdef libvirt-async/)
  assert.match(zsh.stdout, /'upload:a local file into a storage volume, with progress'/)
  assert.match(zsh.stdout, /compdef _libvirt_async libvirt-async/)
})

test('watch prints daemon-supplied names terminal-safe: no raw DEL or bidi override, JSON still valid', { timeout: 60_000 }, async () => {
  const name = 'evil\u202eeman\x7f'
  const conn = await connect(daemon.uri)
  try {
    for (const json of [false, true]) {
      const w = start(['watch', daemon.uri, ...(json ? ['--json'] : [])])
      try {
        await w.waitFor('stderr', /watching /)
        const dom = await conn.domainDefineXML(testDomainXml(name))
        await w.waitFor('stdout', /evil/)
        await dom.undefine()
        const line = w.stdout().split('\n').find((l) => l.includes('evil'))!
        assert.ok(!/[\x7f\u202e]/.test(line), `raw control character printed: ${JSON.stringify(line)}`)
        if (json) assert.ok(JSON.stringify(JSON.parse(line)).includes(JSON.stringify(name).slice(1, -1)), 'the JSON still carries the exact name')
        else assert.ok(line.includes('evil\\u202eeman\\x7f'), line)
      } finally {
        w.child.kill('SIGINT')
        await w.exit
      }
    }
  } finally {
    await conn.close()
  }
})
