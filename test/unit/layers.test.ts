// The layering of docs/architecture.md, enforced: scripts/check-layers.mjs passes on src/, and on a
// synthetic tree it reports each kind of offence (upward import, also multi-line and type-only;
// src/testing beyond the public surface; I/O in a sans-I/O layer; a folder missing from the table).

import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')
const SCRIPT = join(REPO, 'scripts/check-layers.mjs')

function check(srcDir?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...(srcDir ? [srcDir] : [])], { encoding: 'utf8' })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('src/ follows the layers of docs/architecture.md', () => {
  const r = check()
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /modules follow docs\/architecture\.md/)
})

test('each kind of offence is reported; the class chain (events below the API) is not one', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layers-'))
  try {
    const put = (rel: string, text: string): void => {
      mkdirSync(dirname(join(dir, rel)), { recursive: true })
      writeFileSync(join(dir, rel), text)
    }
    put('client/rpc.ts', 'export const x = 1\n')
    put('api/domain.ts', 'export class Domain {}\n')
    put('index.ts', "export { Domain } from './api/domain.js'\n")
    put('core/session.ts', "import {\n  x,\n} from '../client/rpc.js'\n// import { y } from '../managed/z.js' (a comment does not count)\nexport const s = x\n")
    put('events/router.ts', "import type { Domain } from '../api/domain.js'\nexport type D = Domain\n")
    put('events/event-connection.ts', 'export class EventConnection {}\n')
    put('generated/api/connection.gen.ts', "import { EventConnection } from '../../events/event-connection.js'\nexport class G extends EventConnection {}\n")
    put('testing/daemon.ts', "import { Domain } from '../api/domain.js'\nimport { x } from '../index.js'\nexport { Domain, x }\n")
    put('core/clock.ts', "import { setTimeout } from 'node:timers/promises'\nexport { setTimeout }\n")
    put('plugins/extra.ts', 'export {}\n')
    const r = check(dir)
    assert.equal(r.code, 1)
    const lines = r.stderr.trim().split('\n').sort()
    assert.deepEqual(lines, [
      "check-layers: core/clock.ts: sans-I/O layer 'core' imports 'node:timers/promises'",
      "check-layers: core/session.ts: layer 'core' (2) imports 'client/rpc.ts' from the higher layer 'client' (4)",
      "check-layers: events/router.ts: layer 'events' (4.8) imports 'api/domain.ts' from the higher layer 'api' (5)",
      "check-layers: plugins/extra.ts: unit 'plugins' is not in the layer table (scripts/check-layers.mjs, docs/architecture.md)",
      "check-layers: testing/daemon.ts: src/testing may import only the public surface (src/index.ts), not 'api/domain.ts'",
    ])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
