// The OpenSpec part of psp's benchmark: a generated `openspec/` tree (bench/openspec-generate.mjs:
// 300 specs of 10 requirements and 100 changes by default) and `psp openspec validate --all --json`
// and `psp openspec list --json` on it, each paired with the same command of the real openspec
// CLI (the dev dependency @fission-ai/openspec) run just before it, so the ratio compares the two
// tools under the same load.
//
// bench/run.mjs owns the measuring (paired series, peak memory, progress) and hands it in, so
// every part of the report is measured the same way.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {OPENSPEC_DEFAULTS, generateOpenspecTree} from './openspec-generate.mjs'
import {mergeReportSection} from './report-merge.mjs'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OPENSPEC_BIN = path.join(ROOT, 'node_modules', '@fission-ai', 'openspec', 'bin', 'openspec.js')
const OPENSPEC_VERSION = (() => {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@fission-ai', 'openspec', 'package.json'), 'utf8')).version
  } catch {
    return undefined
  }
})()

/** psp must be at least 3× faster than openspec: its median at most a third of openspec's. */
const TARGET = 1 / 3

/** The OpenSpec rows of the acceptance table: `part` tells run.mjs to look them up here. */
export const OPENSPEC_CHECKS = [
  {part: 'openspec', size: OPENSPEC_DEFAULTS, text: '`psp openspec validate --all --json` ≤ ⅓ × `openspec validate --all --json` (3× faster)', key: 'openspec.validate', max: TARGET, unit: '×', digits: 3},
  {part: 'openspec', size: OPENSPEC_DEFAULTS, text: '`psp openspec list --json` ≤ ⅓ × `openspec list --json` (3× faster)', key: 'openspec.list', max: TARGET, unit: '×', digits: 3},
]

/** The first cell of an OpenSpec row of the acceptance table. */
export const openspecSizeCell = (size) => `${thousands(size.specs)} specs, ${thousands(size.changes)} changes`
const isOpenspecRow = (line) => /^\| [\d,]+ specs, [\d,]+ changes \|/.test(line)

/** True when the tree measured is not the one a check is stated for. */
export const openspecOffSize = (measured) =>
  measured.tree.specs !== OPENSPEC_DEFAULTS.specs || measured.tree.changes !== OPENSPEC_DEFAULTS.changes || measured.tree.requirementsPerSpec !== OPENSPEC_DEFAULTS.requirements

const thousands = (n) => n.toLocaleString('en-US')
const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const fmtMiB = (mib) => (mib === undefined ? 'n/a' : mib.toFixed(0))
const escapeCell = (text) => text.replace(/\|/g, '\\|')

/** The checks a run's stdout must pass: the JSON parses and covers the whole tree. */
function covers(key, expected) {
  return (out) => {
    let parsed
    try {
      parsed = JSON.parse(out)
    } catch {
      return `stdout is not JSON: ${out.slice(0, 120)}`
    }
    const count = key === 'items' ? parsed?.summary?.totals?.items : parsed?.changes?.length
    if (count !== expected) return `expected ${expected} ${key === 'items' ? 'items validated' : 'changes listed'}, saw ${count}`
    if (key === 'items' && parsed.summary.totals.failed !== 0) return `${parsed.summary.totals.failed} items failed validation`
    return undefined
  }
}

/**
 * Generates the tree and measures both commands against openspec. `opts`: {specs, requirements,
 * changes, runs, seed, keep}; `bench`: {series, describe, progress, rss, bin} from run.mjs.
 */
export function measureOpenspec(opts, bench) {
  const {series, describe, progress, rss, bin} = bench
  if (!fs.existsSync(OPENSPEC_BIN)) throw new Error(`the openspec CLI is not installed (${OPENSPEC_BIN}): run npm install`)
  const started = new Date()
  const loadAtStart = os.loadavg()
  const dir = path.join(os.tmpdir(), `psp-bench-openspec-${process.pid}`)
  fs.rmSync(dir, {recursive: true, force: true})
  progress(`[openspec] generating ${opts.specs} specs × ${opts.requirements} requirements and ${opts.changes} changes in ${dir} …`)
  const tree = generateOpenspecTree({out: dir, seed: opts.seed, specs: opts.specs, requirements: opts.requirements, changes: opts.changes})
  tree.requirementsPerSpec = opts.requirements
  progress(`[openspec] generated ${tree.files} files (${tree.scenarios} scenarios), ${(tree.bytes / 1048576).toFixed(1)} MiB, in ${(tree.ms / 1000).toFixed(1)} s`)
  const openspec = (...args) => [process.execPath, OPENSPEC_BIN, ...args]
  const psp = (...args) => [process.execPath, bin, 'openspec', ...args]
  const floors = {
    validate: {name: '`openspec validate --all --json`', argv: openspec('validate', '--all', '--json')},
    list: {name: '`openspec list --json`', argv: openspec('list', '--json')},
  }
  const specs = [
    {key: 'openspec.validate', label: '`psp openspec validate --all --json`', argv: psp('validate', '--all', '--json'), state: '—', vs: 'validate', check: covers('items', opts.specs + opts.changes)},
    {key: 'openspec.list', label: '`psp openspec list --json`', argv: psp('list', '--json'), state: '—', vs: 'list', check: covers('changes', opts.changes)},
  ]
  const ctx = {cwd: tree.root, runs: opts.runs, rss, floors}
  const results = new Map()
  for (const spec of specs) {
    const result = series(spec, ctx)
    results.set(spec.key, result)
    progress(`[openspec] ${describe(result, floors)}`)
  }
  if (opts.keep) progress(`[openspec] kept ${dir}`)
  else fs.rmSync(dir, {recursive: true, force: true})
  return {tree, results, floors, runs: opts.runs, seed: opts.seed, started, loadAtStart, loadAtEnd: os.loadavg()}
}

/** The report's "## OpenSpec" section. */
export function openspecSection(measured) {
  const {tree, results, floors} = measured
  const when = measured.started.toISOString().slice(0, 16).replace('T', ' ')
  const load = (l) => l.map((x) => x.toFixed(2)).join(', ')
  const out = [
    '## OpenSpec',
    '',
    `Measured ${when} UTC, ${measured.runs} timed run${measured.runs === 1 ? '' : 's'} per row (seed \`${measured.seed}\`); load average ${load(measured.loadAtStart)} at the start, ` +
      `${load(measured.loadAtEnd)} at the end. To measure just this part: \`npm run bench -- --only openspec\`.`,
    '',
    `The tree: ${thousands(tree.specs)} main specs of ${tree.requirementsPerSpec} requirements (${thousands(tree.requirements)} requirements, ` +
      `${thousands(tree.scenarios)} scenarios) and ${thousands(tree.changes)} changes, ${thousands(tree.files)} files, ` +
      `${(tree.bytes / 1048576).toFixed(1)} MiB, generated by \`bench/openspec-generate.mjs\` in ${(tree.ms / 1000).toFixed(1)} s. ` +
      `Compared with openspec ${OPENSPEC_VERSION ?? '(version unknown)'}, the dev dependency.`,
    '',
    '| command | median ms | min–max ms | peak MiB | compared with | its median ms | × |',
    '|---|--:|--:|--:|---|--:|--:|',
  ]
  for (const result of results.values()) {
    const {spec} = result
    if (result.error) {
      out.push(`| ${spec.label} | ${escapeCell(result.error)} | | | | | |`)
      continue
    }
    const vs = result.ratio === undefined ? '| | |' : `| ${floors[spec.vs].name} | ${fmtMs(result.baseMs)} | ${result.ratio.toFixed(3)}`
    out.push(`| ${spec.label} | ${fmtMs(result.ms)} | ${fmtMs(result.min)}–${fmtMs(result.max)} | ${fmtMiB(result.peakMiB)} ${vs} |`)
  }
  out.push(
    '',
    '- **The tree.** Capability names come from a pool of areas and subjects, about one in six at a',
    '  nested path (`openspec/specs/<area>/<subject>/spec.md`). Each requirement has a SHALL/MUST',
    '  statement (a few do not: a warning, as in real specs) and one to three scenarios. Each change',
    '  touches one to three capabilities with ADDED, MODIFIED (every scenario kept, sometimes one',
    '  added), REMOVED and RENAMED requirements in mixed combinations, now and then a new capability;',
    '  most have a tasks.md part done, half an `.openspec.yaml`. Every item validates, so both tools',
    '  walk the whole path, the archive dry run of each change included.',
    '- **Pairs.** Before each timed psp run the openspec command runs once on the same tree, with',
    '  `OPENSPEC_TELEMETRY=0` and `DO_NOT_TRACK=1`; "×" is psp\'s median over openspec\'s median within',
    '  the pairs, and the target is ≤ ⅓ (psp at least 3× faster). Both print the same JSON (the',
    '  differential tests under test/integration/ hold psp to that).',
    '',
  )
  return out
}

/**
 * Puts a fresh OpenSpec section and its acceptance rows into an existing report (for `--only
 * openspec`), leaving every other part as it was. Undefined when the text is not such a report.
 */
export function mergeOpenspec(text, section, rows) {
  return mergeReportSection(text, 'OpenSpec', section, rows, isOpenspecRow)
}
