// Compiles the ```ts samples of a Markdown file the way a user's project would: each sample is its own
// module, strict NodeNext TypeScript, importing the package by name ('libvirt-async') from its built
// declarations. Shared by the README and docs/*.md sample tests so both use one set of compiler options.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..')

export interface TsSample { line: number; code: string }

/** The ```ts blocks of a Markdown file (path relative to the repository), with the line each starts on. */
export function tsSamples(markdownPath: string): TsSample[] {
  const text = readFileSync(join(REPO, markdownPath), 'utf8')
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({ line: text.slice(0, m.index).split('\n').length, code: m[1]! }))
}

/** Type-checks every sample against the built package; fails naming the file and line of each bad sample. */
export async function assertSamplesCompile(markdownPath: string, samples: TsSample[]): Promise<void> {
  const stem = basename(markdownPath, '.md').toLowerCase()
  const dir = mkdtempSync(join(tmpdir(), `${stem}-samples-`))
  try {
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}')
    mkdirSync(join(dir, 'node_modules/@types'), { recursive: true })
    symlinkSync(REPO, join(dir, 'node_modules/libvirt-async'))
    symlinkSync(join(REPO, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'))
    for (const s of samples) writeFileSync(join(dir, `${stem}-line-${s.line}.ts`), `${s.code}\nexport {}\n`)
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2022', lib: ['ES2023', 'esnext.disposable'], module: 'NodeNext', moduleResolution: 'NodeNext',
        strict: true, noEmit: true, types: ['node'], skipLibCheck: true,
      },
      include: ['*.ts'],
    }))
    await promisify(execFile)(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', dir]).catch((err: { stdout?: string }) => {
      assert.fail(`${markdownPath} samples do not compile (file name = line of the sample):\n${err.stdout ?? String(err)}`)
    })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
