#!/usr/bin/env node
// The committed API report: every public declaration of the package's entry points (the
// `exports` of package.json that have types: `libvirt-async`, `libvirt-async/testing`,
// `libvirt-async/xdr`), as API Extractor reads them from the built .d.ts files, one Markdown file
// per entry point under api-report/. Any change to the public surface shows up as a diff there.
// Dev-only (never shipped). Needs a build first (`npm run api:report` does both).
//
// Usage: node scripts/api-report.mjs           write api-report/*.api.md
//        node scripts/api-report.mjs --check   compare with the committed files; exit 1 (and say
//                                              which command to run) when one is stale or missing
// Options (for tests): --dir DIR reads/writes the reports there; --entry FILE only that report.

import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

// A worktree installed before this dev dependency was added lacks it: say so, not a stack trace.
let Extractor, ExtractorConfig
try {
  ;({ Extractor, ExtractorConfig } = await import('@microsoft/api-extractor'))
} catch (err) {
  console.error(`api-report: the dev dependency @microsoft/api-extractor is not installed (${err.code ?? err.message}): run npm ci`)
  process.exit(2)
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const DEFAULT_DIR = join(ROOT, 'api-report')
export const UPDATE_COMMAND = 'npm run api:report'

/** Entry points from package.json `exports`: [report file name, built .d.ts]. */
export function entryPoints() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const out = []
  for (const [sub, target] of Object.entries(pkg.exports)) {
    if (typeof target !== 'object' || !target.types) continue
    const name = sub === '.' ? pkg.name : `${pkg.name}-${sub.replace(/^\.\//, '').replace(/\//g, '-')}`
    out.push([`${name}.api.md`, join(ROOT, target.types)])
  }
  return out
}

/** Runs API Extractor for one entry point, writing its report into `folder`. */
function extract(reportFileName, dts, folder) {
  if (!existsSync(dts)) throw new Error(`${dts} is missing: run npm run build first`)
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: ROOT,
      mainEntryPointFilePath: dts,
      compiler: { tsconfigFilePath: join(ROOT, 'tsconfig.build.json') },
      apiReport: { enabled: true, reportFileName, reportFolder: folder, reportTempFolder: join(folder, 'temp') },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        // The report is the product; what API Extractor would nag about (release tags, missing
        // docs) stays out of the console. A type used by the surface but not exported is noted
        // in the report itself, where a reviewer sees it.
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: { logLevel: 'none' },
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: join(ROOT, 'api-extractor.json'), // not a file: anchors relative paths
    packageJsonFullPath: join(ROOT, 'package.json'),
  })
  const result = Extractor.invoke(config, { localBuild: true, showVerboseMessages: false, messageCallback: quietInfo })
  if (!result.succeeded) throw new Error(`API Extractor failed on ${dts}: ${result.errorCount} errors`)
}

// Informational lines ("Analysis will use the bundled TypeScript version …") and API Extractor's
// own advice about its report files (this script compares and writes them itself) are not wanted.
function quietInfo(message) {
  if (message.logLevel === 'info' || message.logLevel === 'verbose' || String(message.messageId).startsWith('console-')) message.handled = true
}

function arg(name) {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

function firstDifference(a, b) {
  const x = a.split('\n')
  const y = b.split('\n')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n  committed: ${x[i] ?? '(end of file)'}\n  now:       ${y[i] ?? '(end of file)'}`
  }
  return ''
}

function main() {
  const check = process.argv.includes('--check')
  const dir = resolve(arg('--dir') ?? DEFAULT_DIR)
  const shown = dir === DEFAULT_DIR ? 'api-report' : dir
  const only = arg('--entry')
  const tmp = mkdtempSync(join(tmpdir(), 'api-report-'))
  try {
    const entries = entryPoints().filter(([file]) => !only || file === only)
    if (entries.length === 0) throw new Error(`no entry point report named ${only}`)
    for (const [file, dts] of entries) extract(file, dts, tmp)
    if (!check) {
      mkdirSync(dir, { recursive: true })
      // a report of an entry point that is gone goes too
      if (!only) for (const f of readdirSync(dir)) if (f.endsWith('.api.md') && !entries.some(([e]) => e === f)) rmSync(join(dir, f))
      for (const [file] of entries) writeFileSync(join(dir, file), readFileSync(join(tmp, file)))
      console.log(`api-report: wrote ${entries.map(([f]) => `${shown}/${f}`).join(', ')}`)
      return
    }
    const stale = []
    for (const [file] of entries) {
      const committed = join(dir, file)
      const now = readFileSync(join(tmp, file), 'utf8')
      if (!existsSync(committed)) stale.push(`${shown}/${file} is missing`)
      else if (readFileSync(committed, 'utf8') !== now) stale.push(`${shown}/${file} differs from the public declarations, first at ${firstDifference(readFileSync(committed, 'utf8'), now)}`)
    }
    if (stale.length > 0) {
      console.error(`api-report: the committed API report is stale (the public surface changed):\n${stale.join('\n')}\n` +
        `Run \`${UPDATE_COMMAND}\` and commit api-report/ with the change (its diff is the API change: review it).`)
      process.exitCode = 1
      return
    }
    console.log(`api-report: ${entries.length} reports up to date`)
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
