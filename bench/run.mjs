#!/usr/bin/env node
// psp's benchmark suite: whole-process wall-clock medians and peak memory of the real CLI on
// generated workspaces (bench/generate.mjs), beside floors measured in the same run — `node -e 0`,
// a script that stats every document, one that reads every document — so that ratios, which
// survive a noisy or slower machine far better than milliseconds, decide the acceptance checks.
//
// A second part (bench/history.mjs) measures the commands that read git history on a generated
// repository of many commits, beside `git log --follow -p` on the same file. A third part
// (bench/openspec-bench.mjs) measures `psp openspec validate --all --json` and `psp openspec list
// --json` on a generated openspec/ tree, beside the real openspec CLI on the same tree.
//
// Usage: npm run bench [-- --sizes 1000,10000,50000 --runs 5 --out docs/performance.md
//          --seed <s> --keep --history-commits 10000 --history-documents 5000
//          --no-history | --history-only  --no-openspec | --only openspec]
// Progress goes to stderr, one line per measurement; the report goes to --out. With
// --history-only (or --only openspec) an existing report keeps its other sections: only the
// history (or OpenSpec) ones are replaced.
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {parseArgs} from 'node:util'
import {DEFAULT_SEED, generateWorkspace} from './generate.mjs'
import {HISTORY_CHECKS, HISTORY_DEFAULTS, historySection, historySizeCell, measureHistory, mergeHistory} from './history.mjs'
import {OPENSPEC_CHECKS, measureOpenspec, mergeOpenspec, openspecOffSize, openspecSection, openspecSizeCell} from './openspec-bench.mjs'
import {OPENSPEC_DEFAULTS} from './openspec-generate.mjs'

const BENCH = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(BENCH, '..')
const BIN = path.join(ROOT, 'bin', 'run.js')
const FLOOR = path.join(BENCH, 'floor.mjs')
const RSS_HOOK = path.join(BENCH, 'maxrss-hook.mjs')
const PSP_VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version
/** A run that takes longer than this is a failure, not a measurement. */
const RUN_TIMEOUT_MS = 10 * 60 * 1000

const WHERE = 'status = todo and priority >= high'
const QUERY = 'assignee = ana and not done and due < today+30d'
const SEARCH = 'deploy pipeline'
const NEW_TASK = 'Write up the benchmark results'

// ---------------------------------------------------------------------------------------------
// Options and environment

function options(argv) {
  const {values} = parseArgs({
    args: argv,
    options: {
      sizes: {type: 'string', default: '1000,10000,50000'},
      runs: {type: 'string', default: '5'},
      out: {type: 'string', default: path.join(ROOT, 'docs', 'performance.md')},
      seed: {type: 'string', default: DEFAULT_SEED},
      keep: {type: 'boolean', default: false},
      'history-commits': {type: 'string', default: String(HISTORY_DEFAULTS.commits)},
      'history-documents': {type: 'string', default: String(HISTORY_DEFAULTS.documents)},
      'no-history': {type: 'boolean', default: false},
      'history-only': {type: 'boolean', default: false},
      'no-openspec': {type: 'boolean', default: false},
      only: {type: 'string'},
    },
  })
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()))
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--sizes must be whole numbers, not "${values.sizes}"`)
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a whole number ≥ 1, not "${values.runs}"`)
  const whole = (name) => {
    const n = Number(values[name])
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a whole number ≥ 1, not "${values[name]}"`)
    return n
  }
  if (values['no-history'] && values['history-only']) throw new Error('--no-history and --history-only contradict each other')
  if (values.only !== undefined && values.only !== 'openspec') throw new Error(`--only takes "openspec", not "${values.only}"`)
  const openspecOnly = values.only === 'openspec'
  if (openspecOnly && (values['history-only'] || values['no-openspec'])) throw new Error(`--only openspec contradicts --${values['history-only'] ? 'history-only' : 'no-openspec'}`)
  return {
    sizes: values['history-only'] || openspecOnly ? [] : sizes,
    runs,
    out: path.resolve(values.out),
    seed: values.seed,
    keep: values.keep,
    history: values['no-history'] || openspecOnly ? undefined : {commits: whole('history-commits'), documents: whole('history-documents')},
    historyOnly: values['history-only'],
    openspec: values['no-openspec'] || values['history-only'] ? undefined : {...OPENSPEC_DEFAULTS},
    openspecOnly,
  }
}

/**
 * The environment every measured process gets: production mode, no colour, nothing that adds
 * logging, and the openspec CLI's telemetry off (it must never phone home).
 */
function benchEnv() {
  const env = {...process.env, NODE_ENV: 'production', NO_COLOR: '1', OPENSPEC_TELEMETRY: '0', DO_NOT_TRACK: '1'}
  for (const key of ['PSP_DEBUG', 'PSP_LOG_LEVEL', 'NODE_OPTIONS', 'DEBUG']) delete env[key]
  return env
}

/**
 * How peak memory is read: GNU time's %M (KiB) when /usr/bin/time is GNU time, else a Node hook
 * that writes process.resourceUsage().maxRSS on exit, else not at all.
 */
function detectRssMethod(env) {
  const probe = spawnSync('/usr/bin/time', ['-f', '%M', '-o', RSS_FILE, process.execPath, '-e', '0'], {env, stdio: 'ignore'})
  if (probe.status === 0 && /^\d+\s*$/.test(readRssFile() ?? '')) {
    return {name: 'GNU time (`/usr/bin/time -f %M`)', wrap: (argv) => ['/usr/bin/time', '-f', '%M', '-o', RSS_FILE, ...argv], env}
  }
  if (process.resourceUsage !== undefined) {
    return {
      name: 'a `NODE_OPTIONS=--import` hook writing `process.resourceUsage().maxRSS` at exit',
      wrap: (argv) => argv,
      env: {...env, NODE_OPTIONS: `--import=${pathToFileURL(RSS_HOOK).href}`, PSP_BENCH_RSS_FILE: RSS_FILE},
    }
  }
  return {name: 'none (peak memory not measured)', wrap: (argv) => argv, env}
}

function readRssFile() {
  try {
    return fs.readFileSync(RSS_FILE, 'utf8')
  } catch {
    return undefined
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** One run: wall time around the whole process, its peak RSS, exit status, stdout kept in a file. */
function runOnce(argv, cwd, rss, env) {
  fs.rmSync(RSS_FILE, {force: true})
  const out = fs.openSync(STDOUT_FILE, 'w')
  const full = rss.wrap(argv)
  const started = process.hrtime.bigint()
  const result = spawnSync(full[0], full.slice(1), {cwd, env: env === undefined ? rss.env : {...rss.env, ...env}, stdio: ['ignore', out, 'pipe'], encoding: 'utf8', timeout: RUN_TIMEOUT_MS})
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  fs.closeSync(out)
  // GNU time writes "Command exited with non-zero status" before the figure: the figure is the last line.
  const lastLine = (readRssFile() ?? '').trim().split('\n').at(-1) ?? ''
  const kib = /^\d+$/.test(lastLine) ? Number(lastLine) : undefined
  const failure =
    result.error ? result.error.message
      : result.status !== 0 ? `exit ${result.status ?? result.signal}: ${firstLine(result.stderr)}`
        : undefined
  return {ms, kib, failure}
}

function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim() !== '')?.trim() ?? '(no message)'
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/**
 * A series of `runs` timed runs of one command: an untimed warm-up first unless `cold`, `before`
 * ahead of every run (cold: the cache deleted), `after` behind every run (told whether it was
 * timed; a message it returns fails the series), `check` applied to the first run's stdout. When
 * the spec names a floor (`vs`), the floor runs just before each run of the command, so the two
 * sides of the ratio share the machine's load of that moment. A failing run ends the series
 * with the error in place of numbers.
 */
function series(spec, ctx) {
  const {argv, cold = false, before, after, check} = spec
  const baseline = spec.vs === undefined ? undefined : ctx.floors[spec.vs]
  const samples = []
  const baseSamples = []
  const rssKib = []
  const attempt = (timed) => {
    if (timed && baseline) {
      const base = runOnce(baseline.argv, ctx.cwd, ctx.rss)
      if (base.failure) return `${baseline.name} failed: ${base.failure}`
      baseSamples.push(base.ms)
    }
    before?.()
    const run = runOnce(argv, ctx.cwd, ctx.rss, spec.env)
    if (run.failure) return run.failure
    const wrong = after?.(timed)
    if (wrong !== undefined) return wrong
    if (!timed) return undefined
    samples.push(run.ms)
    if (run.kib !== undefined) rssKib.push(run.kib)
    if (samples.length === 1 && check) return check(fs.readFileSync(STDOUT_FILE, 'utf8'))
    return undefined
  }
  let error = cold ? undefined : attempt(false)
  for (let i = 0; error === undefined && i < ctx.runs; i++) error = attempt(true)
  if (error !== undefined) return {spec, error}
  const ms = median(samples)
  const baseMs = baseSamples.length === 0 ? undefined : median(baseSamples)
  return {
    spec,
    ms,
    min: Math.min(...samples),
    max: Math.max(...samples),
    runs: samples.length,
    peakMiB: rssKib.length === 0 ? undefined : Math.max(...rssKib) / 1024,
    baseMs,
    ratio: baseMs === undefined ? undefined : ms / baseMs,
  }
}

// ---------------------------------------------------------------------------------------------
// What is measured

/** The shortest prefix (at least 5 characters) of an id's random part that no other id shares. */
function uniquePrefix(id, ids) {
  const part = (x) => x.slice(x.indexOf('-') + 1)
  const own = part(id)
  const others = ids.filter((x) => x !== id).map(part)
  for (let n = 5; n < own.length; n++) {
    const prefix = own.slice(0, n)
    if (!others.some((o) => o.startsWith(prefix))) return prefix
  }
  return own
}

const lines = (text) => text.split('\n').filter((l) => l.trim() !== '').length
const atLeastLines = (n) => (out) => (lines(out) >= n ? undefined : `expected at least ${n} lines of output, got ${lines(out)}`)
const nonEmpty = (out) => (out.trim() !== '' ? undefined : 'printed nothing')
const contains = (text) => (out) => (out.includes(text) ? undefined : `output does not mention ${text}`)
const countIs = (n) => (out) => (Number(out.trim()) >= n ? undefined : `saw ${out.trim()} documents, expected at least ${n}`)

/** True when this build has the command (another part of the tree may not have landed yet). */
function hasCommand(words, ctx) {
  return spawnSync(process.execPath, [BIN, ...words, '--help'], {cwd: ctx.cwd, env: ctx.rss.env, stdio: 'ignore'}).status === 0
}

/**
 * The measurements of one size, in order, and the floors they are compared with. Keys name rows
 * for the acceptance checks; `vs` names a row's floor. Each reading command runs warm (index
 * cache in place, one untimed warm-up) and cold (data/cache deleted before every run). `task add`
 * comes last, so every other command sees exactly the generated documents.
 */
function plan(ws, ctx) {
  const psp = (...args) => [process.execPath, BIN, ...args]
  const dropCache = () => fs.rmSync(path.join(ws.root, 'data', 'cache'), {recursive: true, force: true})
  const shown = ws.tasks[Math.floor(ws.tasks.length / 2)].id
  const floors = {
    node: {name: '`node -e 0`', argv: [process.execPath, '-e', '0']},
    stat: {name: 'stat floor', argv: [process.execPath, FLOOR, 'stat', ws.root]},
    read: {name: 'read floor', argv: [process.execPath, FLOOR, 'read', ws.root]},
    version: {name: '`psp --version`', argv: psp('--version')},
  }
  const reading = [
    {key: 'list', label: '`psp task list`', argv: psp('task', 'list'), check: atLeastLines(ws.tasks.length)},
    {key: 'where', label: `\`psp task list --where '${WHERE}'\``, argv: psp('task', 'list', '--where', WHERE), check: nonEmpty},
    {key: 'query', label: `\`psp query '${QUERY}'\``, argv: psp('query', QUERY)},
    {key: 'search', label: `\`psp search '${SEARCH}'\``, argv: psp('search', SEARCH), check: nonEmpty},
    {key: 'show', label: '`psp task show <prefix>`', argv: psp('task', 'show', uniquePrefix(shown, ws.tasks.map((t) => t.id))), check: contains(shown), vs: 'version'},
    {key: 'validate', label: '`psp validate`', argv: psp('validate')},
    {key: 'board', label: '`psp board`', argv: psp('board'), needs: ['board']},
    {key: 'next', label: '`psp next`', argv: psp('next')},
  ]
  const both = (spec) => [
    {...spec, key: `${spec.key}.warm`, state: 'warm', vs: spec.vs ?? 'stat'},
    {...spec, key: `${spec.key}.cold`, state: 'cold', vs: spec.vs ?? 'stat', cold: true, before: dropCache},
  ]
  const available = (spec) => spec.needs === undefined || hasCommand(spec.needs, ctx)
  const documents = countIs(ws.documents)
  const specs = [
    {key: 'node', label: floors.node.name, argv: floors.node.argv, state: 'floor'},
    {key: 'stat', label: 'stat floor: stat every document', argv: floors.stat.argv, state: 'floor', vs: 'node', check: documents},
    {key: 'read', label: 'read floor: read every document', argv: floors.read.argv, state: 'floor', vs: 'node', check: documents},
    {key: 'version', label: floors.version.name, argv: floors.version.argv, state: '—', vs: 'node'},
    ...reading.flatMap((spec) => (available(spec) ? both(spec) : [{...spec, key: `${spec.key}.warm`, state: '—', missing: true}])),
    ...both({key: 'add', label: `\`psp task add '${NEW_TASK}'\``, argv: psp('task', 'add', NEW_TASK), vs: 'version'}),
  ]
  return {floors, specs}
}

async function measureSize(size, opts, rss) {
  const dir = path.join(os.tmpdir(), `psp-bench-${size}-${process.pid}`)
  fs.rmSync(dir, {recursive: true, force: true})
  progress(`[${size}] generating ${size} tasks in ${dir} …`)
  const today = new Date().toISOString().slice(0, 10)
  const ws = await generateWorkspace({tasks: size, out: dir, seed: opts.seed, today})
  ws.documents = ws.tasks.length + ws.projects.length + ws.milestones
  progress(`[${size}] generated ${ws.documents} documents, ${(ws.bytes / 1048576).toFixed(1)} MiB, in ${(ws.ms / 1000).toFixed(1)} s${ws.committed ? ' (committed)' : ''}`)
  const ctx = {cwd: ws.root, runs: opts.runs, rss}
  const {floors, specs} = plan(ws, ctx)
  ctx.floors = floors
  const results = new Map()
  for (const spec of specs) {
    const result = spec.missing ? {spec, error: 'not available (the command is not in this build)'} : series(spec, ctx)
    results.set(spec.key, result)
    progress(`[${size}] ${describe(result, floors)}`)
  }
  if (opts.keep) progress(`[${size}] kept ${dir}`)
  else fs.rmSync(dir, {recursive: true, force: true})
  const summary = {documents: ws.documents, bytes: ws.bytes, generateMs: ws.ms, projects: ws.projects.length, milestones: ws.milestones}
  return {size, ws: summary, results, floors}
}

function progress(line) {
  process.stderr.write(`${line}\n`)
}

// ---------------------------------------------------------------------------------------------
// Reporting

const fmtMs = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1))
const fmtMiB = (mib) => (mib === undefined ? 'n/a' : mib.toFixed(0))

function describe(result, floors) {
  const {spec} = result
  const state = spec.state === 'floor' || spec.state === '—' ? '' : ` (${spec.state})`
  if (result.error) return `${spec.label}${state}: ${result.error}`
  const vs = result.ratio === undefined ? '' : `, ${result.ratio.toFixed(2)}× ${floors[spec.vs].name} (${fmtMs(result.baseMs)} ms alongside)`
  return `${spec.label}${state}: median ${fmtMs(result.ms)} ms (${fmtMs(result.min)}–${fmtMs(result.max)}, ${plural(result.runs, 'run')}), peak ${fmtMiB(result.peakMiB)} MiB${vs}`
}

function sizeTable(measured) {
  const {size, ws, results, floors} = measured
  const out = [
    `### ${size.toLocaleString('en-US')} tasks`,
    '',
    `${ws.documents.toLocaleString('en-US')} documents (${plural(ws.projects, 'project')}, ${plural(ws.milestones, 'milestone')}), ` +
      `${(ws.bytes / 1048576).toFixed(1)} MiB of Markdown, generated and committed in ${(ws.generateMs / 1000).toFixed(1)} s.`,
    '',
    '| command | cache | median ms | min–max ms | peak MiB | compared with | its median ms | × |',
    '|---|---|--:|--:|--:|---|--:|--:|',
  ]
  for (const result of results.values()) {
    const {spec} = result
    if (result.error) {
      out.push(`| ${spec.label} | ${spec.state} | ${escapeCell(result.error)} | | | | | |`)
      continue
    }
    const vs = result.ratio === undefined ? '| | | |' : `| ${floors[spec.vs].name} | ${fmtMs(result.baseMs)} | ${result.ratio.toFixed(2)} |`
    out.push(`| ${spec.label} | ${spec.state} | ${fmtMs(result.ms)} | ${fmtMs(result.min)}–${fmtMs(result.max)} | ${fmtMiB(result.peakMiB)} ${vs}`)
  }
  return out
}

const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
const escapeCell = (text) => text.replace(/\|/g, '\\|')

/** The acceptance thresholds of the performance issue, each a ratio to a floor of the same run. */
const CHECKS = [
  {size: 10000, text: '`psp --version` ≤ 3 × `node -e 0`', key: 'version', max: 3, unit: '×'},
  {size: 10000, text: 'warm `task list` ≤ 3 × stat floor', key: 'list.warm', max: 3, unit: '×'},
  {size: 10000, text: 'warm `task list` peak memory ≤ 120 MiB', key: 'list.warm', max: 120, unit: 'MiB'},
  {size: 10000, text: 'warm `task list --where` ≤ 3 × stat floor', key: 'where.warm', max: 3, unit: '×'},
  {size: 10000, text: 'warm `task list --where` peak memory ≤ 120 MiB', key: 'where.warm', max: 120, unit: 'MiB'},
  {size: 10000, text: 'cold `task list` (cache deleted) ≤ 1.0 s', key: 'list.cold', max: 1000, unit: 'ms'},
  {size: 10000, text: 'warm `search` ≤ 4 × stat floor', key: 'search.warm', max: 4, unit: '×'},
  {size: 10000, text: '`task show <id>` ≤ 1.3 × `psp --version`', key: 'show.warm', max: 1.3, unit: '×'},
  {size: 10000, text: '`task add` ≤ 1.6 × `psp --version`', key: 'add.warm', max: 1.6, unit: '×'},
  {size: 50000, text: 'warm `task list` ≤ 3.5 × stat floor', key: 'list.warm', max: 3.5, unit: '×'},
  {size: 50000, text: 'warm `task list` peak memory ≤ 250 MiB', key: 'list.warm', max: 250, unit: 'MiB'},
  ...HISTORY_CHECKS,
  ...OPENSPEC_CHECKS,
]

const ACCEPTANCE_HEAD = ['| size | threshold | measured | result |', '|--:|---|--:|---|']

/**
 * One row per check. A history check is judged only at the number of commits it is stated for;
 * measured at another size, its value is shown without a verdict.
 */
function acceptanceRow(check, measuredBySize, history, openspec) {
  const measured = check.part === 'history' ? history : check.part === 'openspec' ? openspec : measuredBySize.get(check.size)
  const result = measured?.results.get(check.key)
  let value
  let shown
  if (!measured) shown = 'not measured'
  else if (!result || result.error) shown = result?.error ?? 'not measured'
  else if (check.unit === 'MiB') value = result.peakMiB
  else if (check.unit === 'ms') value = result.ms
  else value = result.ratio
  if (shown === undefined) shown = value === undefined ? 'n/a' : check.unit === '×' ? `${value.toFixed(check.digits ?? 2)} ×` : `${value.toFixed(0)} ${check.unit}`
  const offSize =
    measured !== undefined && ((check.part === 'history' && measured.repo.commits !== check.size) || (check.part === 'openspec' && openspecOffSize(measured)))
  const measuredAt = () => (check.part === 'history' ? historySizeCell(measured.repo.commits) : openspecSizeCell(measured.tree))
  const pass = (v) => (check.below ? v < check.max : v <= check.max)
  const verdict = value === undefined ? '—' : offSize ? `— (measured at ${measuredAt()})` : pass(value) ? 'PASS' : '**FAIL**'
  const size = check.part === 'history' ? historySizeCell(check.size) : check.part === 'openspec' ? openspecSizeCell(check.size) : check.size.toLocaleString('en-US')
  return `| ${size} | ${check.text} | ${escapeCell(shown)} | ${verdict} |`
}

function acceptance(measuredBySize, history, openspec) {
  return [...ACCEPTANCE_HEAD, ...CHECKS.map((check) => acceptanceRow(check, measuredBySize, history, openspec))]
}

const FS_TYPES = {0xef53: 'ext4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs', 0x6969: 'nfs', 0x65735546: 'fuse'}

function osName() {
  try {
    const release = fs.readFileSync('/etc/os-release', 'utf8')
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(release)?.[1]
    if (pretty) return `${pretty} (${os.type()} ${os.release()})`
  } catch {
    // Not Linux, or no os-release: the kernel's name is enough.
  }
  return `${os.type()} ${os.release()}`
}

function fsType(dir) {
  try {
    const type = fs.statfsSync(dir).type
    return FS_TYPES[type] ?? `type 0x${type.toString(16)}`
  } catch {
    return 'unknown'
  }
}

/** The commit of psp that was measured, and whether the working tree had changes on top of it. */
function revision() {
  const run = (...args) => spawnSync('git', args, {cwd: ROOT, encoding: 'utf8'})
  const head = run('rev-parse', '--short', 'HEAD')
  if (head.status !== 0) return 'not a git checkout'
  const dirty = run('status', '--porcelain', '--untracked-files=no').stdout.trim() !== ''
  return `commit ${head.stdout.trim()}${dirty ? ' with uncommitted changes' : ''}`
}

function machine(loadAtStart, rss, measured) {
  const cpus = os.cpus()
  const git = spawnSync('git', ['--version'], {encoding: 'utf8'})
  return [
    `- psp ${PSP_VERSION}, ${measured} (the build in dist/ at the time of the run)`,
    `- CPU: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} logical cores`,
    `- RAM: ${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    `- OS: ${osName()}`,
    `- Node ${process.version}; ${git.status === 0 ? git.stdout.trim() : 'no git binary'}`,
    `- Workspaces in ${os.tmpdir()} (${fsType(os.tmpdir())})`,
    `- Load average at start: ${loadAtStart.map((x) => x.toFixed(2)).join(', ')} (1, 5, 15 min); at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(', ')}`,
    `- Peak memory read with ${rss.name}`,
    ...(busy(loadAtStart) ? ['', `**The machine was busy** (load average above its ${cpus.length} cores): read the milliseconds as rough; the paired ratios hold up better.`] : []),
  ]
}

/** True when other work competed for the cores during the run. */
function busy(loadAtStart) {
  const cores = os.cpus().length
  return Math.max(loadAtStart[0], os.loadavg()[0]) > cores
}

function report(opts, measured, history, openspec, loadAtStart, rss, started, measuredRevision) {
  const bySize = new Map(measured.map((m) => [m.size, m]))
  return [
    '# Performance',
    '',
    'Measured by `npm run bench` (bench/run.mjs), which builds psp, generates workspaces with',
    'bench/generate.mjs and a repository with a long history with test/helpers/history-repo.mjs,',
    'and times the built CLI as a user runs it. To reproduce:',
    '',
    '```sh',
    'npm run bench                                   # 1,000, 10,000 and 50,000 tasks, then 10,000 commits; 5 runs each',
    'npm run bench -- --sizes 1000,10000 --runs 7    # a quicker or a steadier run',
    'npm run bench -- --history-only                 # just the history part (10,000 commits)',
    'npm run bench -- --only openspec                # just the OpenSpec part (300 specs, 100 changes)',
    'npm run bench:generate -- --tasks 10000 --out /tmp/ws   # just the workspace, to explore',
    '```',
    '',
    `Last run: ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${opts.runs} timed runs per row, seed \`${opts.seed}\`, ` +
      `${elapsed(started)} in all.`,
    '',
    '## Machine',
    '',
    ...machine(loadAtStart, rss, measuredRevision),
    '',
    '## Results',
    '',
    'Medians of whole-process wall-clock time (Node start-up included); peak memory is the largest',
    'peak resident set size of any timed run. "warm": the index cache under data/cache/ is in place',
    '(after one untimed run); "cold": data/cache/ is deleted before every run. "compared with": the',
    'floor run just before each run of the command (paired runs); "its median ms" is that floor\'s',
    'median within the pairs, and "×" the command\'s median divided by it.',
    '',
    ...measured.flatMap((m) => [...sizeTable(m), '']),
    ...(history === undefined ? [] : historySection(history, median)),
    ...(openspec === undefined ? [] : openspecSection(openspec)),
    '## Acceptance',
    '',
    'The thresholds of the performance work, on a 2-core machine, most of them a ratio to a floor',
    'measured in the same run (so they hold on a slower or busier machine too):',
    '',
    ...acceptance(bySize, history, openspec),
    '',
    '## Method',
    '',
    '- **Workspaces.** `bench/generate.mjs` writes what `psp init` writes, then one project per 500',
    '  tasks (project sizes vary), 3–6 milestones each, and tasks in `data/projects/<id>-<slug>/tasks/`',
    '  as psp\'s store places them: status from the default workflow (about half done), priority,',
    '  assignee, tags from a pool of 40, due dates from four months back to six ahead, estimates,',
    '  milestones, 0–3 `depends_on` on earlier tasks of the same project (a DAG), and 1–3 KB Markdown',
    '  bodies (headings, paragraphs, checklists, code fences, links, `[[wikilinks]]`). Every document',
    '  is valid. The seed fixes every byte except the dates, which count from the day of the run.',
    '  The workspace is committed (fixed author and date), so `git status` is clean.',
    '- **Floors.** `node -e 0` is Node\'s own start-up. The stat and read floors (`bench/floor.mjs`)',
    '  walk data/ the way psp does and `statSync` or `readFileSync` every document: what any tool',
    '  has to spend to notice a changed file, or to look at every byte, without a cache. Reading',
    '  commands are compared with the stat floor (a warm index is validated by one stat per file);',
    '  `task show` and `task add`, which touch one file, with `psp --version`, the CLI\'s own start-up.',
    '- **Pairs.** Before each timed run of a command its floor runs once, and the ratio divides the',
    '  two medians of those pairs: both sides see the same moment\'s load, which on a shared machine',
    '  moves far more than the ratio does.',
    '- **Runs.** Each row is a fresh process, with `NODE_ENV=production` and `NO_COLOR=1`, stdout to',
    '  a file (not a terminal), the operating system\'s file cache warm. Warm rows have one untimed',
    '  run first. A command that exits non-zero shows its error instead of numbers. `psp task add`',
    '  runs last (each run adds a task), so every other row sees exactly the generated documents.',
    '- **Noise.** On a shared machine a single row can be off by 10–20 % (the min–max column shows',
    '  the spread, the load average above how busy the machine was). Compare runs by ratio, and',
    '  machines never by milliseconds.',
    '',
  ]
}

function elapsed(started) {
  const minutes = Math.round((Date.now() - started.getTime()) / 60000)
  return minutes < 1 ? 'under a minute' : minutes === 1 ? '1 minute' : `${minutes} minutes`
}

// ---------------------------------------------------------------------------------------------

async function main(opts) {
  const started = new Date()
  const loadAtStart = os.loadavg()
  // Taken before anything runs: the report itself, written after each part, changes the tree.
  const measuredRevision = revision()
  const rss = detectRssMethod(benchEnv())
  const parts = [
    ...(opts.sizes.length === 0 ? [] : [`sizes ${opts.sizes.join(', ')}`]),
    ...(opts.history === undefined ? [] : [`history at ${opts.history.commits} commits`]),
    ...(opts.openspec === undefined ? [] : [`OpenSpec at ${opts.openspec.specs} specs and ${opts.openspec.changes} changes`]),
  ]
  progress(`psp bench: ${parts.join('; ')}, ${opts.runs} runs each; peak memory via ${rss.name}`)
  const measured = []
  fs.mkdirSync(path.dirname(opts.out), {recursive: true})
  const write = (history, openspec) => {
    fs.writeFileSync(opts.out, report(opts, measured, history, openspec, loadAtStart, rss, started, measuredRevision).join('\n'))
    progress(`wrote ${opts.out}`)
  }
  /** Replaces one part of an existing report (the other parts stay); false when there is none to merge into. */
  const mergeInto = (label, merge) => {
    if (!fs.existsSync(opts.out)) return false
    const merged = merge(fs.readFileSync(opts.out, 'utf8'))
    if (merged === undefined) {
      progress(`${opts.out} does not look like a report of this bench: writing a new one`)
      return false
    }
    fs.writeFileSync(opts.out, merged)
    progress(`merged the ${label} part into ${opts.out}`)
    return true
  }
  for (const size of opts.sizes) {
    measured.push(await measureSize(size, opts, rss))
    // Written after every size, so a failure at a large size still leaves the smaller ones.
    write(undefined, undefined)
  }
  const bench = {series, describe, progress, median, rss, bin: BIN}
  let history
  if (opts.history !== undefined) {
    history = measureHistory({...opts.history, runs: opts.runs, seed: opts.seed, keep: opts.keep, started: new Date(), loadAtStart: os.loadavg()}, bench)
    if (opts.historyOnly) {
      const rows = CHECKS.filter((c) => c.part === 'history').map((c) => acceptanceRow(c, new Map(), history, undefined))
      if (!mergeInto('history', (text) => mergeHistory(text, historySection(history, median), rows))) write(history, undefined)
      return
    }
    write(history, undefined)
  }
  if (opts.openspec === undefined) return
  const openspec = measureOpenspec({...opts.openspec, runs: opts.runs, seed: opts.seed, keep: opts.keep}, bench)
  if (opts.openspecOnly) {
    const rows = CHECKS.filter((c) => c.part === 'openspec').map((c) => acceptanceRow(c, new Map(), undefined, openspec))
    if (!mergeInto('OpenSpec', (text) => mergeOpenspec(text, openspecSection(openspec), rows))) write(undefined, openspec)
    return
  }
  write(history, openspec)
}

// Options are checked before anything is created, so a typo leaves nothing behind.
let opts
try {
  opts = options(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`Error: ${error.message}\n`)
  process.exit(2)
}
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'psp-bench-scratch-'))
const STDOUT_FILE = path.join(scratch, 'stdout')
const RSS_FILE = path.join(scratch, 'rss')
main(opts)
  .catch((error) => {
    process.stderr.write(`Error: ${error.message}\n`)
    process.exitCode = 1
  })
  .finally(() => fs.rmSync(scratch, {recursive: true, force: true}))
