// The history part of psp's benchmark: a generated repository with many commits over many
// documents, and the commands that read its history — `psp history <id>` with the history index
// built from nothing, current, and extended by a few new commits, and `psp task list --at <rev>` —
// each paired with `git log --follow -p -- <file>` on the same document in the same run, the
// command a user would otherwise type.
//
// bench/run.mjs owns the measuring (paired series, peak memory, progress) and hands it in, so
// both parts of the report are measured the same way.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {appendHistoryCommits, generateHistoryRepo} from '../test/helpers/history-repo.mjs'
import {mergeReportSection} from './report-merge.mjs'

export const HISTORY_DEFAULTS = {commits: 10000, documents: 5000}
/** The acceptance thresholds are stated for this many commits. */
const CHECKED_AT = 10000
/** Commits added on top of a current index for the incremental row. */
const NEW_COMMITS = 10
/** How far back `task list --at` looks (less on a repository too short for it). */
const AT_DEPTH = 500
const HISTORY_CACHE = path.join('data', 'cache', 'history')
const LOG_FILE = path.join('data', 'cache', 'logs', 'psp.log')

/** The history rows of the acceptance table: `part` tells run.mjs to look them up here. */
export const HISTORY_CHECKS = [
  {part: 'history', size: CHECKED_AT, text: 'warm `psp history <id>` ≤ 0.8 × `git log --follow -p -- <file>`', key: 'history.warm', max: 0.8, unit: '×'},
  {part: 'history', size: CHECKED_AT, text: 'history index built from nothing (cold `psp history <id>`) ≤ 8 s', key: 'history.cold', max: 8000, unit: 'ms'},
  {part: 'history', size: CHECKED_AT, text: `index extended by ${NEW_COMMITS} new commits (\`psp history <id>\`) < 0.5 s`, key: 'history.incremental', max: 500, below: true, unit: 'ms'},
]

function git(args, cwd) {
  const result = spawnSync('git', args, {cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr || result.error?.message}`)
  return result.stdout
}

/** The generator wants a number; the bench's seed is a word. FNV-1a, kept small so ids stay short. */
function numericSeed(seed) {
  let h = 0x811c9dc5
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193)
  return ((h >>> 0) % 1000) + 1
}

/**
 * The document whose history is measured: the median by number of commits that changed it,
 * among those never moved (a move to data/archive/ would make `--follow` guess at renames),
 * ties broken by path so the same seed picks the same one.
 */
function pickDocument(dir, documents) {
  const counts = new Map()
  for (const line of git(['log', '--format=', '--name-only', '--no-renames', '--', 'data/projects'], dir).split('\n')) {
    if (line.includes('/tasks/')) counts.set(line, (counts.get(line) ?? 0) + 1)
  }
  const candidates = documents
    .filter((d) => counts.has(d.path))
    .map((d) => ({...d, changes: counts.get(d.path)}))
    .sort((a, b) => a.changes - b.changes || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  if (candidates.length === 0) throw new Error('the generated repository has no document to measure')
  return {...candidates[Math.floor(candidates.length / 2)], spread: candidates.map((c) => c.changes)}
}

function packBytes(dir) {
  const packs = path.join(dir, '.git', 'objects', 'pack')
  return fs.readdirSync(packs).filter((f) => f.endsWith('.pack')).reduce((sum, f) => sum + fs.statSync(path.join(packs, f)).size, 0)
}

function treeBytes(dir) {
  let files = 0
  let bytes = 0
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, {withFileTypes: true})) {
      const p = path.join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else {
        files++
        bytes += fs.statSync(p).size
      }
    }
  }
  walk(dir)
  return {files, bytes}
}

/**
 * What psp itself says it did to the history index: the "history index updated" lines its log
 * gained since `mark()`. A run that rebuilt when it should have extended, or walked anything when
 * the index was current, measured the wrong thing; this is how the bench notices.
 */
function indexLog(root) {
  const file = path.join(root, LOG_FILE)
  let offset = 0
  const size = () => {
    try {
      return fs.statSync(file).size
    } catch {
      return 0
    }
  }
  return {
    mark() {
      offset = size()
    },
    /** The entries with this message logged since the mark. */
    entries(msg) {
      let text
      try {
        text = fs.readFileSync(file, 'utf8')
      } catch {
        return []
      }
      // The log rotates by size: a file smaller than the mark is a new one.
      const fresh = text.length >= offset ? text.slice(offset) : text
      return fresh.split('\n').flatMap((line) => {
        try {
          const entry = JSON.parse(line)
          return entry.msg === msg ? [entry] : []
        } catch {
          return []
        }
      })
    },
    updates() {
      return this.entries('history index updated')
    },
  }
}

const countCommits = (out) => out.split('\n').filter((l) => /^[0-9a-f]{7,40}\s/.test(l)).length

/**
 * Generates the repository, measures every row, and returns what the report needs. `bench`
 * is run.mjs's machinery: series, describe, progress, rss, bin.
 */
export function measureHistory(opts, bench) {
  const {commits, documents} = opts
  const dir = path.join(os.tmpdir(), `psp-bench-history-${process.pid}`)
  const saved = `${dir}-index`
  fs.rmSync(dir, {recursive: true, force: true})
  fs.rmSync(saved, {recursive: true, force: true})
  const tag = `[history ${commits}]`
  const seed = numericSeed(opts.seed)
  bench.progress(`${tag} generating ${commits} commits over ${documents} documents in ${dir} …`)
  try {
    const repo = generateHistoryRepo({dir, commits, documents, seed})
    const depth = Math.min(AT_DEPTH, Math.floor(repo.commits / 2))
    const at = `HEAD~${depth}`
    const doc = pickDocument(dir, repo.documents)
    const tasksAt = git(['ls-tree', '-r', '--name-only', at, '--', 'data/projects'], dir).split('\n').filter((f) => /\/tasks\/[^/]+\.md$/.test(f)).length
    const summary = {
      commits: repo.commits,
      documents: repo.documents.length,
      projects: git(['ls-files', '--', 'data/projects/*/project.md'], dir).split('\n').filter(Boolean).length,
      packBytes: packBytes(dir),
      generateMs: repo.seconds * 1000,
      doc,
      at,
      tasksAt,
    }
    bench.progress(
      `${tag} generated ${repo.commits} commits, pack ${(summary.packBytes / 1048576).toFixed(1)} MiB, in ${repo.seconds.toFixed(1)} s; ` +
        `measuring ${doc.id} (${doc.changes} commits; documents have ${Math.min(...doc.spread)}–${Math.max(...doc.spread)})`,
    )
    const psp = (...args) => [process.execPath, bench.bin, ...args]
    // The document index is built once and left alone: the history rows measure the history index.
    const warmup = spawnSync(process.execPath, [bench.bin, 'task', 'list'], {cwd: dir, env: bench.rss.env, stdio: 'ignore'})
    if (warmup.status !== 0) throw new Error(`psp task list failed in the generated repository (exit ${warmup.status})`)

    const floors = {
      gitp: {name: '`git log --follow -p`', argv: ['git', 'log', '--follow', '-p', '--', doc.path]},
      archive: {name: `\`git archive ${at}\``, argv: ['git', 'archive', '--format=tar', at, '--', 'data']},
    }
    const ctx = {cwd: dir, runs: opts.runs, rss: bench.rss, floors}
    const log = indexLog(dir)
    const cacheDir = path.join(dir, HISTORY_CACHE)
    // Each psp row says what it expects psp to have done to the index, and collects how long psp
    // itself says the update took, apart from start-up and printing.
    const expecting = (mode, extra = {}) => {
      const updateMs = []
      return {
        updateMs,
        before: () => {
          extra.before?.()
          log.mark()
        },
        after: (timed) => {
          // Which front end ran (src/fast-path/history.ts): the log's command line says.
          const fast = log.entries('command').at(-1)?.fastPath === true
          const which = (wanted) => (wanted ? 'the fast path' : 'oclif')
          if (fast !== (extra.fastPath ?? true)) return `expected ${which(extra.fastPath ?? true)} to run the command, but psp's log says ${which(fast)}`
          const updates = log.updates()
          if (mode === 'current') return updates.length === 0 ? undefined : `expected a current index, but psp's log says ${updates.map((u) => u.mode).join(', ')}`
          const update = updates.at(-1)
          if (update === undefined) return undefined
          if (update.mode !== mode) return `expected the index to be ${mode}, but psp's log says ${update.mode}`
          if (extra.commits !== undefined && update.commits !== extra.commits) return `expected ${extra.commits} commits walked, psp's log says ${update.commits}`
          if (timed) updateMs.push(update.ms)
          return undefined
        },
      }
    }
    const cold = expecting('rebuilt', {before: () => fs.rmSync(cacheDir, {recursive: true, force: true})})
    const warm = expecting('current')
    const warmOclif = expecting('current', {fastPath: false})
    const patch = expecting('current')
    const incremental = expecting('incremental', {
      commits: NEW_COMMITS,
      before: () => {
        fs.rmSync(cacheDir, {recursive: true, force: true})
        fs.cpSync(saved, cacheDir, {recursive: true})
      },
    })
    const watch = (expectation) => ({before: expectation.before, after: expectation.after, index: expectation})
    const sameCount = (out) => {
      const shown = countCommits(out)
      return shown === doc.changes ? undefined : `psp history shows ${shown} commits, git log shows ${doc.changes}`
    }
    const mentions = (text) => (out) => (out.includes(text) ? undefined : `output does not mention ${text}`)
    const atLeastLines = (n) => (out) => {
      const lines = out.split('\n').filter((l) => l.trim() !== '').length
      return lines >= n ? undefined : `expected at least ${n} lines, got ${lines}`
    }
    const specs = [
      {key: 'git.p', label: '`git log --follow -p -- <file>`', argv: floors.gitp.argv, state: 'floor', check: mentions(`diff --git a/${doc.path}`)},
      {key: 'git.oneline', label: '`git log --follow --oneline -- <file>`', argv: ['git', 'log', '--follow', '--oneline', '--', doc.path], state: 'floor', vs: 'gitp'},
      {key: 'git.archive', label: `\`git archive ${at} -- data\`: every file of the revision`, argv: floors.archive.argv, state: 'floor'},
      {key: 'version', label: '`psp --version`: psp\'s start-up', argv: psp('--version'), state: '—', vs: 'gitp'},
      {key: 'history.cold', label: '`psp history <id>`', argv: psp('history', doc.id), state: 'cold', vs: 'gitp', cold: true, ...watch(cold), check: sameCount},
      {key: 'history.warm', label: '`psp history <id>`', argv: psp('history', doc.id), state: 'warm', vs: 'gitp', ...watch(warm), check: sameCount},
      {key: 'history.oclif', label: '`psp history <id>` through oclif (`PSP_FAST_PATH=0`)', argv: psp('history', doc.id), env: {PSP_FAST_PATH: '0'}, state: 'warm', vs: 'gitp', ...watch(warmOclif), check: sameCount},
      {key: 'history.patch', label: '`psp history <id> --patch`', argv: psp('history', doc.id, '--patch'), state: 'warm', vs: 'gitp', ...watch(patch), check: mentions('@@')},
      {key: 'at', label: `\`psp task list --at ${at}\``, argv: psp('task', 'list', '--at', at), state: '—', vs: 'gitp', check: atLeastLines(tasksAt)},
      {key: 'at.archive', label: `\`psp task list --at ${at}\``, argv: psp('task', 'list', '--at', at), state: '—', vs: 'archive', check: atLeastLines(tasksAt)},
    ]
    const results = new Map()
    const run = (spec) => {
      const result = bench.series(spec, ctx)
      results.set(spec.key, result)
      const update = spec.index?.updateMs.length ? `; index update ${Math.round(bench.median(spec.index.updateMs))} ms in-process` : ''
      bench.progress(`${tag} ${bench.describe(result, floors)}${update}`)
    }
    for (const spec of specs) run(spec)

    // The incremental row: the index at the generated HEAD is kept aside (made current first,
    // whatever the rows above left), commits are added once, and before each run that index is
    // put back, so every run extends it by exactly those commits.
    const built = spawnSync(process.execPath, [bench.bin, 'history', doc.id], {cwd: dir, env: bench.rss.env, stdio: 'ignore'})
    if (built.status !== 0) throw new Error(`psp history failed in the generated repository (exit ${built.status})`)
    const index = treeBytes(cacheDir)
    fs.cpSync(cacheDir, saved, {recursive: true})
    appendHistoryCommits({dir, count: NEW_COMMITS, seed: seed + 1})
    run({key: 'history.incremental', label: '`psp history <id>`', argv: psp('history', doc.id), state: `+${NEW_COMMITS} commits`, vs: 'gitp', ...watch(incremental), check: mentions(doc.id)})

    if (opts.keep) bench.progress(`${tag} kept ${dir}`)
    return {repo: {...summary, index}, results, floors, runs: opts.runs, started: opts.started, loadAtStart: opts.loadAtStart, loadAtEnd: os.loadavg()}
  } finally {
    fs.rmSync(saved, {recursive: true, force: true})
    if (!opts.keep) fs.rmSync(dir, {recursive: true, force: true})
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const fmtMiB = (mib) => (mib === undefined ? 'n/a' : mib.toFixed(0))
const thousands = (n) => n.toLocaleString('en-US')
const plural = (n, word) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`
const escapeCell = (text) => text.replace(/\|/g, '\\|')

/** The median of what psp's log says the index update took, for the rows that update it. */
function updateCell(result, median) {
  const ms = result.spec.index?.updateMs
  return ms === undefined || ms.length === 0 ? '' : fmtMs(median(ms))
}

/** The "## History" section of docs/performance.md. */
export function historySection(measured, median) {
  const {repo, results, floors} = measured
  const when = measured.started.toISOString().slice(0, 16).replace('T', ' ')
  const load = (l) => l.map((x) => x.toFixed(2)).join(', ')
  const out = [
    '## History',
    '',
    `Measured ${when} UTC, ${plural(measured.runs, 'timed run')} per row; load average ${load(measured.loadAtStart)} at the start, ` +
      `${load(measured.loadAtEnd)} at the end. To measure just this part: \`npm run bench -- --history-only\`.`,
    '',
    `The repository: ${thousands(repo.commits)} commits over ${thousands(repo.documents)} task documents in ${plural(repo.projects, 'project')}, ` +
      `packed into ${(repo.packBytes / 1048576).toFixed(1)} MiB, generated in ${(repo.generateMs / 1000).toFixed(1)} s. ` +
      `The document measured, \`${repo.doc.id}\` (\`<file>\`: \`${repo.doc.path}\`), was touched by ${repo.doc.changes} commits (its creation included), the median ` +
      `(documents were touched by ${Math.min(...repo.doc.spread)} to ${Math.max(...repo.doc.spread)}). ` +
      `The history index it builds: ${(repo.index.bytes / 1048576).toFixed(1)} MiB in ${thousands(repo.index.files)} files. ` +
      `\`task list --at ${repo.at}\` lists ${thousands(repo.tasksAt)} tasks.`,
    '',
    '| command | index | median ms | min–max ms | peak MiB | compared with | its median ms | × | index update ms (psp\'s log) |',
    '|---|---|--:|--:|--:|---|--:|--:|--:|',
  ]
  for (const result of results.values()) {
    const {spec} = result
    if (result.error) {
      out.push(`| ${spec.label} | ${spec.state} | ${escapeCell(result.error)} | | | | | | |`)
      continue
    }
    const vs = result.ratio === undefined ? '| | |' : `| ${floors[spec.vs].name} | ${fmtMs(result.baseMs)} | ${result.ratio.toFixed(2)}`
    out.push(`| ${spec.label} | ${spec.state} | ${fmtMs(result.ms)} | ${fmtMs(result.min)}–${fmtMs(result.max)} | ${fmtMiB(result.peakMiB)} ${vs} | ${updateCell(result, median)} |`)
  }
  // A command can be no faster than psp's start-up: say how much of the git floor that takes.
  const startUp = results.get('version')
  if (startUp?.ratio !== undefined) {
    out.push(
      '',
      `psp's start-up through oclif alone (\`psp --version\`) takes ${startUp.ratio.toFixed(2)} × \`git log --follow -p\` here. \`psp history\``,
      'on a plain command line takes a fast path without oclif (docs/decisions.md); the row through oclif',
      'shows what the same lookup costs behind oclif\'s start-up.',
    )
  }
  out.push(
    '',
    '- **The repository** is written by `test/helpers/history-repo.mjs` as one `git fast-import` stream:',
    '  about half the commits add documents in batches, the others change one to three documents each',
    '  (a status step, a tag added or removed, a line appended to the body, now and then a move into',
    '  data/archive/), with fixed authors and dates, so the same seed gives the same repository.',
    '- **The floors.** `git log --follow -p -- <file>` is what a user types to see one file\'s changes;',
    '  `--oneline` is the same walk without the patches. `git archive <rev> -- data` reads every file',
    '  of the revision, the least `task list --at` has to do. Each psp row is paired with one of',
    '  them (run just before each of its runs), as in the tables above.',
    '- **cold**: data/cache/history/ is deleted before every run, so each run walks all commits and',
    '  writes the index; the document index under data/cache/ is left in place (built once first).',
    `  **warm**: the index is current (one untimed run first). **+${NEW_COMMITS} commits**: the index for the`,
    `  generated HEAD is set aside once, ${NEW_COMMITS} commits are added (one to three documents each), and`,
    '  before every run that index is put back, so each run extends it by exactly those commits',
    '  (they arrive as one small pack, as after a fetch; commits made locally would be loose objects).',
    '  The times are of the whole `psp history <id>` process; the last column is what psp\'s own log',
    '  says the index update took inside it. psp\'s log also confirms each run did what its row says',
    `  (rebuilt, current, extended by ${NEW_COMMITS}); a run that did anything else fails its row.`,
    '- **The output is checked**: `psp history <id>` must list as many commits as',
    '  `git log --no-renames` finds for the file, `--patch` must print hunks, `task list --at` a line',
    '  per task of the revision.',
    '',
  )
  return out
}

/**
 * Puts a history measurement into an existing report (a `--history-only` run): replaces its
 * "## History" section, or adds one before "## Acceptance", and replaces the history rows of the
 * acceptance table. Undefined when the report does not have the expected shape.
 */
export function mergeHistory(text, section, rows) {
  return mergeReportSection(text, 'History', section, rows, isHistoryRow)
}

/** The first cell of a history row names commits; the task rows name a number of tasks. */
export const historySizeCell = (size) => `${thousands(size)} commits`
const isHistoryRow = (line) => /^\| [\d,]+ commits \|/.test(line)
