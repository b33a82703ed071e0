/**
 * The differential harness: runs one case of test/fixtures/openspec/cases/ with the real openspec
 * CLI and with `psp openspec`, each in its own copy of the case's tree, and reports every way the
 * two disagree — exit status (zero or not), the JSON on stdout (normalised, see below) and, after
 * every command, the whole file tree byte for byte.
 *
 * A case is a folder holding a project tree (`openspec/…`, sometimes more) and a `case.json`:
 *
 *   {
 *     "description": "what the case is about",
 *     "commands": [["validate", "--all", "--json"], {"args": ["show", "x"], "text": true},
 *                  {"args": ["init", "--tools", "none"], "pspArgs": ["init"]}],
 *     "strict": true,            // also run every `validate` again with --strict
 *     "cwd": "src/deep",         // run from this folder of the tree (created if missing)
 *     "crlf": ["openspec/specs/a/spec.md"],   // rewrite these files with CRLF line endings
 *     "crlfLines": {"openspec/specs/b/spec.md": [1, 2, 5]},   // only these lines (1-based) end in CRLF
 *     "bom": ["openspec/specs/a/spec.md"],    // prefix these files with a UTF-8 BOM
 *     "mkdir": ["openspec/changes/empty"],    // empty folders (git cannot hold them)
 *     "sameData": ["openspec/config.yaml"],   // compare these files' YAML data, not their bytes
 *     "expect": [{"exit": 1, "json": {…}, "unchanged": true}, …]   // one per command, see below
 *   }
 *
 * A command is a list of arguments, or an object: `text` compares stdout as text too (for a command
 * without --json), `pspArgs` gives psp's own spelling of a command where psp differs on purpose.
 * CRLF (whole files or single lines) and BOM are applied when the tree is copied, so the fixture files stay plain LF text that
 * no editor or git setting can silently rewrite. `expect` pins what openspec itself does with the
 * case (its exit status, a part of its JSON, whether the tree stayed untouched), so that a case
 * cannot quietly stop testing what it was written for; it is checked against the openspec side only
 * (the psp side must then equal openspec anyway).
 *
 * Normalisations, each because the value depends on the run rather than on the tool:
 * - `durationMs` keys are dropped: timings.
 * - Each side's absolute project folder (as given and as its real path) becomes `<root>`, and the
 *   side's private home folder `<home>`: the two sides run in different temp folders.
 * - `lastModified` values at or after the moment the case started become `<during run>`: a file a
 *   command writes carries the clock time of that command, which differs between the two runs.
 *   Every file of the copied tree gets a fixed, distinct modification time (one minute apart in
 *   path order, from 2024-01-01), so that all other `lastModified` values and the `--sort recent`
 *   order are compared exactly.
 * Nothing else is normalised. Archive folder names hold the local date: both sides of a case run
 * within a second of each other, and a case whose run straddled midnight is run once more.
 *
 * Both tools run with no TTY (stdin from /dev/null), NO_COLOR=1, OPENSPEC_TELEMETRY=0,
 * DO_NOT_TRACK=1, and HOME / XDG_CONFIG_HOME / XDG_DATA_HOME pointing at an empty folder of the
 * side's own: openspec reads a global config and a store registry from there, and a developer's
 * own settings must not change a verdict.
 *
 * Set OPENSPEC_DIFF_REFERENCE_ONLY=1 to run only the openspec side (checking each case's
 * `expect`), e.g. while writing cases or after upgrading openspec; OPENSPEC_DIFF_DUMP=<dir> writes
 * every command's normalised stdout there, one file per case, for reading; and
 * OPENSPEC_DIFF_AGAINST=openspec runs openspec in place of psp, which must make every case pass
 * (it proves the normalisations above are all that two runs of one tool need).
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {isDeepStrictEqual} from 'node:util'
import {parse as parseYaml} from 'yaml'
import {describe, it} from 'vitest'
import {BIN, REPO_ROOT} from './cli.js'

export const CASES_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'openspec', 'cases')
export const OPENSPEC_BIN = path.join(REPO_ROOT, 'node_modules', '@fission-ai', 'openspec', 'bin', 'openspec.js')

/** The fixed modification time of the first file of a copied tree (2024-01-01T00:00:00Z), in ms. */
const MTIME_BASE_MS = Date.UTC(2024, 0, 1)
const MTIME_STEP_MS = 60_000
const COMMAND_TIMEOUT_MS = 60_000
/** The corpus must not shrink below this many cases. */
const MIN_CASES = 45

export type Side = 'openspec' | 'psp'

/** What openspec must do with one command of a case (checked on the openspec side only). */
export interface Expectation {
  /** Exact exit code. */
  exit?: number
  /** A part of the normalised stdout JSON: objects match on the keys given, arrays hold each given element somewhere. */
  json?: unknown
  /** Substrings that must appear in stdout or stderr. */
  output?: string[]
  /** True: the command must leave the tree exactly as it found it. */
  unchanged?: boolean
  /** Paths (relative to the project) that must exist after the command; `{date}` stands for today's local date. */
  exists?: string[]
  /** Paths that must not exist after the command. */
  absent?: string[]
}

export interface CommandSpec {
  args: string[]
  /** psp's arguments where psp spells the command differently on purpose (default: `args`). */
  pspArgs?: string[]
  /** Compare stdout as text too (after path normalisation), for commands without --json. */
  text?: boolean
  expect?: Expectation
}

export interface CaseSpec {
  name: string
  dir: string
  description: string
  commands: CommandSpec[]
  cwd?: string
  crlf: string[]
  crlfLines: Record<string, number[]>
  bom: string[]
  mkdir: string[]
  /**
   * Files compared by their YAML data instead of their bytes. For openspec/config.yaml from
   * init: psp writes the same settings with comments of its own (it does not copy openspec's).
   */
  sameData: string[]
}

interface RawCase {
  description?: string
  commands?: unknown[]
  strict?: boolean
  cwd?: string
  crlf?: string[]
  crlfLines?: Record<string, number[]>
  bom?: string[]
  mkdir?: string[]
  sameData?: string[]
  expect?: (Expectation | null)[]
}

/** The names of every case folder, sorted. */
export function listCases(): string[] {
  return fs
    .readdirSync(CASES_DIR, {withFileTypes: true})
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(CASES_DIR, entry.name, 'case.json')))
    .map((entry) => entry.name)
    .sort()
}

/** The cases whose index in the sorted list is `part` modulo `parts`: how the test files share the corpus. */
export function casesForPart(part: number, parts: number): string[] {
  return listCases().filter((_, index) => index % parts === part)
}

/** Reads and checks a case's case.json. */
export function loadCase(name: string): CaseSpec {
  const dir = path.join(CASES_DIR, name)
  const raw = JSON.parse(fs.readFileSync(path.join(dir, 'case.json'), 'utf8')) as RawCase
  if (!Array.isArray(raw.commands) || raw.commands.length === 0) throw new Error(`case ${name}: "commands" must be a non-empty list`)
  if (raw.expect !== undefined && raw.expect.length > raw.commands.length) throw new Error(`case ${name}: more "expect" entries than commands`)
  const commands: CommandSpec[] = []
  raw.commands.forEach((entry, index) => {
    const spec: CommandSpec = Array.isArray(entry) ? {args: entry as string[]} : (entry as CommandSpec)
    const strings = (list: unknown) => Array.isArray(list) && list.every((a) => typeof a === 'string')
    if (!strings(spec.args) || (spec.pspArgs !== undefined && !strings(spec.pspArgs))) throw new Error(`case ${name}: command ${index + 1} is not a list of strings`)
    const expectation = raw.expect?.[index]
    commands.push({...spec, ...(expectation ? {expect: expectation} : {})})
    // "strict": every validate also runs with --strict, right after, so one case covers both modes.
    if (raw.strict && spec.args[0] === 'validate' && !spec.args.includes('--strict')) commands.push({args: [...spec.args, '--strict'], text: spec.text})
  })
  return {
    name,
    dir,
    description: raw.description ?? '',
    commands,
    cwd: raw.cwd,
    crlf: raw.crlf ?? [],
    crlfLines: raw.crlfLines ?? {},
    bom: raw.bom ?? [],
    mkdir: raw.mkdir ?? [],
    sameData: raw.sameData ?? [],
  }
}

// ---------------------------------------------------------------------------------------------
// Preparing a side

interface SideDirs {
  root: string
  home: string
}

/** Copies the case's tree (all but case.json) into `root`, applies crlf/bom/mkdir, and fixes every mtime. */
function materialise(spec: CaseSpec, root: string): void {
  fs.mkdirSync(root, {recursive: true})
  for (const entry of fs.readdirSync(spec.dir)) {
    if (entry === 'case.json') continue
    fs.cpSync(path.join(spec.dir, entry), path.join(root, entry), {recursive: true})
  }
  for (const rel of spec.mkdir) fs.mkdirSync(path.join(root, rel), {recursive: true})
  for (const rel of spec.crlf) {
    const file = path.join(root, rel)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\r?\n/g, '\r\n'))
  }
  for (const [rel, lines] of Object.entries(spec.crlfLines)) {
    const file = path.join(root, rel)
    const wanted = new Set(lines)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').split('\n').map((line, i, all) => (wanted.has(i + 1) && i < all.length - 1 ? `${line}\r` : line)).join('\n'))
  }
  for (const rel of spec.bom) {
    const file = path.join(root, rel)
    fs.writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(file)]))
  }
  if (spec.cwd) fs.mkdirSync(path.join(root, spec.cwd), {recursive: true})
  const files: string[] = []
  const dirs: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), {withFileTypes: true})) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        dirs.push(child)
        walk(child)
      } else files.push(child)
    }
  }
  walk('')
  let step = 0
  const stamp = (rel: string) => {
    const when = new Date(MTIME_BASE_MS + step++ * MTIME_STEP_MS)
    fs.utimesSync(path.join(root, rel), when, when)
  }
  files.sort().forEach(stamp)
  // Folders last: stamping a file does not touch its folder's mtime, but creating it did.
  dirs.sort().forEach(stamp)
}

/** One entry per file and folder under `root`: a folder as `null`, a file as its bytes. */
export function snapshotTree(root: string): Map<string, Buffer | null> {
  const out = new Map<string, Buffer | null>()
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), {withFileTypes: true})) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        out.set(`${child}/`, null)
        walk(child)
      } else out.set(child, fs.readFileSync(path.join(root, child)))
    }
  }
  walk('')
  return out
}

// ---------------------------------------------------------------------------------------------
// Running

export interface RunOutput {
  code: number
  stdout: string
  stderr: string
}

function sideEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NO_COLOR: '1',
    OPENSPEC_TELEMETRY: '0',
    DO_NOT_TRACK: '1',
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
  }
  for (const key of ['FORCE_COLOR', 'PSP_DEBUG', 'PSP_LOG_LEVEL', 'NODE_OPTIONS', 'OPENSPEC_CONCURRENCY', 'DEBUG']) delete env[key]
  return env
}

/** Runs one command of one side, with no TTY, and collects its output. */
export function runTool(side: Side, args: string[], cwd: string, home: string): Promise<RunOutput> {
  // OPENSPEC_DIFF_AGAINST=openspec puts openspec on both sides: a check of the harness itself
  // (every case must then come out equal, or a normalisation is missing).
  const asOpenspec = side === 'openspec' || process.env['OPENSPEC_DIFF_AGAINST'] === 'openspec'
  const argv = asOpenspec ? [OPENSPEC_BIN, ...args] : [BIN, 'openspec', ...args]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, {cwd, env: sideEnv(home), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), COMMAND_TIMEOUT_MS)
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code: code ?? (signal ? 128 : -1), stdout, stderr: signal === 'SIGKILL' ? `${stderr}\n(killed after ${COMMAND_TIMEOUT_MS} ms)` : stderr})
    })
  })
}

export function localDate(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`
}

// ---------------------------------------------------------------------------------------------
// Normalising

interface Normaliser {
  replacements: [string, string][]
  startedMs: number
}

function normaliser(dirs: SideDirs, startedMs: number): Normaliser {
  const pairs: [string, string][] = []
  for (const [dir, token] of [
    [dirs.root, '<root>'],
    [dirs.home, '<home>'],
  ] as const) {
    pairs.push([dir, token])
    const real = fs.realpathSync(dir)
    if (real !== dir) pairs.push([real, token])
  }
  // Longest first, so a path that contains another is replaced whole.
  pairs.sort((a, b) => b[0].length - a[0].length)
  return {replacements: pairs, startedMs}
}

function normaliseText(text: string, n: Normaliser): string {
  let out = text
  for (const [from, to] of n.replacements) out = out.split(from).join(to)
  return out
}

function normaliseJson(value: unknown, n: Normaliser, key?: string): unknown {
  if (typeof value === 'string') {
    if (key === 'lastModified') {
      const ms = Date.parse(value)
      if (!Number.isNaN(ms) && ms >= n.startedMs) return '<during run>'
    }
    return normaliseText(value, n)
  }
  if (Array.isArray(value)) return value.map((item) => normaliseJson(item, n))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (k === 'durationMs') continue
      out[k] = normaliseJson(v, n, k)
    }
    return out
  }
  return value
}

/** What a command's stdout became after normalisation: parsed JSON, or text when it does not parse. */
type Stdout = {json: unknown} | {text: string}

function normaliseStdout(stdout: string, n: Normaliser): Stdout {
  const trimmed = stdout.trim()
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return {json: normaliseJson(JSON.parse(trimmed), n)}
    } catch {
      // Not JSON after all: compared as text.
    }
  }
  return {text: normaliseText(stdout, n)}
}

// ---------------------------------------------------------------------------------------------
// Comparing

/** Makes invisible characters visible in a diff line: CR, tabs, a BOM, other control characters. */
function visible(text: string): string {
  return JSON.stringify(text).replace(/\\u([0-9a-f]{4})/gi, (_, hex: string) => `\\u${hex.toUpperCase()}`).replace(/\uFEFF/g, '\\uFEFF')
}

function clip(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : clip(JSON.stringify(value))
}

/** Every place where two JSON values differ, as `$.path: openspec X, psp Y` lines. */
export function jsonDifferences(a: unknown, b: unknown, at = '$', out: string[] = [], limit = 20): string[] {
  if (out.length >= limit) return out
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${at}: openspec has ${a.length} items, psp ${b.length}`)
    for (let i = 0; i < Math.max(a.length, b.length) && out.length < limit; i++) {
      if (i >= a.length) out.push(`${at}[${i}]: only in psp: ${show(b[i])}`)
      else if (i >= b.length) out.push(`${at}[${i}]: only in openspec: ${show(a[i])}`)
      else jsonDifferences(a[i], b[i], `${at}[${i}]`, out, limit)
    }
    return out
  }
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    for (const key of keys) {
      if (out.length >= limit) break
      const where = /^[A-Za-z_$][\w$]*$/.test(key) ? `${at}.${key}` : `${at}[${JSON.stringify(key)}]`
      if (!(key in b)) out.push(`${where}: only in openspec: ${show(a[key])}`)
      else if (!(key in a)) out.push(`${where}: only in psp: ${show(b[key])}`)
      else jsonDifferences(a[key], b[key], where, out, limit)
    }
    return out
  }
  if (a !== b) out.push(`${at}: openspec ${show(a)}, psp ${show(b)}`)
  return out
}

function textDifference(a: string, b: string, label: string): string[] {
  if (a === b) return []
  const la = a.split('\n')
  const lb = b.split('\n')
  let i = 0
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++
  return [
    `${label}: first difference at line ${i + 1} (openspec ${la.length} lines, ${Buffer.byteLength(a)} bytes; psp ${lb.length} lines, ${Buffer.byteLength(b)} bytes)`,
    `    openspec: ${i < la.length ? clip(visible(la[i] as string)) : '(end of text)'}`,
    `    psp:      ${i < lb.length ? clip(visible(lb[i] as string)) : '(end of text)'}`,
  ]
}

function stdoutDifferences(a: Stdout, b: Stdout, compareText: boolean): string[] {
  if ('json' in a && 'json' in b) return jsonDifferences(a.json, b.json).map((line) => `stdout ${line}`)
  if ('json' in a) return [`stdout: openspec printed JSON, psp printed ${'text' in b && b.text.trim() === '' ? 'nothing' : `text: ${clip(visible((b as {text: string}).text))}`}`]
  if ('json' in b) return [`stdout: psp printed JSON, openspec printed text: ${clip(visible(a.text))}`]
  return compareText ? textDifference(a.text, b.text, 'stdout') : []
}

/** One entry per path that differs between the two trees, each a few lines of description. */
function treeDifferences(a: Map<string, Buffer | null>, b: Map<string, Buffer | null>, sameData: readonly string[]): string[][] {
  const out: string[][] = []
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort()
  for (const rel of paths) {
    const x = a.get(rel)
    const y = b.get(rel)
    if (!b.has(rel)) out.push([`tree ${rel}: only in openspec's tree`])
    else if (!a.has(rel)) out.push([`tree ${rel}: only in psp's tree`])
    else if ((x === null) !== (y === null)) out.push([`tree ${rel}: a folder on one side, a file on the other`])
    else if (x && y && sameData.includes(rel)) {
      if (!isDeepStrictEqual(parseYaml(x.toString('utf8')), parseYaml(y.toString('utf8')))) out.push([`tree ${rel}: the YAML data differs`, ...textDifference(x.toString('utf8'), y.toString('utf8'), `tree ${rel}`)])
    } else if (x && y && !x.equals(y)) out.push(textDifference(x.toString('utf8'), y.toString('utf8'), `tree ${rel}`))
  }
  return out
}

/** Paths that differ between two snapshots of one side (added, removed or changed). */
function changedPaths(before: Map<string, Buffer | null>, after: Map<string, Buffer | null>): string[] {
  const out = new Set<string>()
  for (const [rel, bytes] of before) {
    const now = after.get(rel)
    if (!after.has(rel) || (bytes === null) !== (now === null) || (bytes && now && !bytes.equals(now))) out.add(rel)
  }
  for (const rel of after.keys()) if (!before.has(rel)) out.add(rel)
  return [...out].sort()
}

/** True when `actual` holds everything `expected` names (see Expectation.json). */
export function jsonIncludes(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.every((item) => actual.some((candidate) => jsonIncludes(candidate, item)))
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false
    return Object.entries(expected).every(([key, value]) => key in actual && jsonIncludes((actual as Record<string, unknown>)[key], value))
  }
  return actual === expected
}

function expectationFailures(expectation: Expectation, run: RunOutput, out: Stdout, before: Map<string, Buffer | null>, after: Map<string, Buffer | null>, today: string): string[] {
  const failures: string[] = []
  if (expectation.exit !== undefined && run.code !== expectation.exit) failures.push(`exit ${run.code}, expected ${expectation.exit}`)
  if (expectation.json !== undefined) {
    if (!('json' in out)) failures.push(`stdout is not JSON: ${clip(visible((out as {text: string}).text))}`)
    else if (!jsonIncludes(out.json, expectation.json)) failures.push(`stdout JSON does not include ${clip(JSON.stringify(expectation.json), 600)}; it is ${clip(JSON.stringify(out.json), 1500)}`)
  }
  for (const text of expectation.output ?? []) {
    if (!run.stdout.includes(text) && !run.stderr.includes(text)) failures.push(`output does not mention ${JSON.stringify(text)}`)
  }
  if (expectation.unchanged) {
    const changed = changedPaths(before, after)
    if (changed.length > 0) failures.push(`the tree changed: ${changed.join(', ')}`)
  }
  for (const rel of expectation.exists ?? []) {
    const p = rel.replace('{date}', today)
    if (!after.has(p) && !after.has(`${p}/`)) failures.push(`${p} does not exist`)
  }
  for (const rel of expectation.absent ?? []) {
    const p = rel.replace('{date}', today)
    if (after.has(p) || after.has(`${p}/`)) failures.push(`${p} exists`)
  }
  return failures
}

// ---------------------------------------------------------------------------------------------
// A whole case

export interface CommandOutcome {
  args: string[]
  openspec: RunOutput
  psp?: RunOutput
  /** Where psp differs from openspec. */
  differences: string[]
  /** Where openspec does not do what the case says it should. */
  unmet: string[]
  openspecStdout: Stdout
  /** What the command changed in openspec's tree: path, and the new bytes of a file (null for a folder or a removal). */
  openspecChanged: [string, Buffer | null][]
}

export interface CaseOutcome {
  name: string
  commands: CommandOutcome[]
}

/** The command as a reader would type it. */
function commandLine(args: string[]): string {
  return args.map((a) => (/^[\w./:@=-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')
}

async function runCaseOnce(spec: CaseSpec, sides: Side[]): Promise<{outcome: CaseOutcome; datesDiffer: boolean}> {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psp-osdiff-')))
  try {
    const startedMs = Date.now()
    const dayBefore = localDate()
    const dirs = Object.fromEntries(
      sides.map((side) => {
        // Never a folder named "openspec" on the way up: it would be taken for a root.
        const sideDir = path.join(base, side === 'openspec' ? 'ref' : 'psp')
        const d: SideDirs = {root: path.join(sideDir, 'project'), home: path.join(sideDir, 'home')}
        fs.mkdirSync(d.home, {recursive: true})
        materialise(spec, d.root)
        return [side, d]
      }),
    ) as Record<Side, SideDirs>
    const norms = Object.fromEntries(sides.map((side) => [side, normaliser(dirs[side], startedMs)])) as Record<Side, Normaliser>
    const trees = Object.fromEntries(sides.map((side) => [side, snapshotTree(dirs[side].root)])) as Record<Side, Map<string, Buffer | null>>
    const commands: CommandOutcome[] = []
    // A tree difference stays until a command removes it: it is reported at the first command that shows it.
    const reportedTree = new Set<string>()
    for (const command of spec.commands) {
      const argsFor = (side: Side) => (side === 'psp' && command.pspArgs && process.env['OPENSPEC_DIFF_AGAINST'] !== 'openspec' ? command.pspArgs : command.args)
      const runs = await Promise.all(sides.map((side) => runTool(side, argsFor(side), path.join(dirs[side].root, spec.cwd ?? ''), dirs[side].home)))
      const byside = Object.fromEntries(sides.map((side, i) => [side, runs[i] as RunOutput])) as Record<Side, RunOutput>
      const after = Object.fromEntries(sides.map((side) => [side, snapshotTree(dirs[side].root)])) as Record<Side, Map<string, Buffer | null>>
      const outs = Object.fromEntries(sides.map((side) => [side, normaliseStdout(byside[side].stdout, norms[side])])) as Record<Side, Stdout>
      const differences: string[] = []
      if (byside.psp) {
        const a = byside.openspec.code === 0
        const b = byside.psp.code === 0
        if (a !== b) differences.push(`exit: openspec ${byside.openspec.code}, psp ${byside.psp.code}`)
        differences.push(...stdoutDifferences(outs.openspec, outs.psp, command.text === true))
        for (const lines of treeDifferences(after.openspec, after.psp, spec.sameData)) {
          const key = lines.join('\n')
          if (!reportedTree.has(key)) differences.push(...lines)
          reportedTree.add(key)
        }
        if (differences.length > 0) {
          differences.push(`    (openspec stderr: ${clip(visible(normaliseText(byside.openspec.stderr, norms.openspec)), 400)})`)
          differences.push(`    (psp stderr: ${clip(visible(normaliseText(byside.psp.stderr, norms.psp)), 400)})`)
        }
      }
      const unmet = command.expect ? expectationFailures(command.expect, byside.openspec, outs.openspec, trees.openspec, after.openspec, dayBefore) : []
      const openspecChanged = changedPaths(trees.openspec, after.openspec).map((rel): [string, Buffer | null] => [rel, after.openspec.get(rel) ?? null])
      commands.push({args: command.args, openspec: byside.openspec, psp: byside.psp, differences, unmet, openspecStdout: outs.openspec, openspecChanged})
      for (const side of sides) trees[side] = after[side]
    }
    return {outcome: {name: spec.name, commands}, datesDiffer: localDate() !== dayBefore}
  } finally {
    fs.rmSync(base, {recursive: true, force: true})
  }
}

/**
 * Runs a case on both sides (or only openspec's, with OPENSPEC_DIFF_REFERENCE_ONLY=1), once more
 * when the run straddled midnight, and returns what happened per command.
 */
export async function runCase(name: string, sides: Side[] = referenceOnly() ? ['openspec'] : ['openspec', 'psp']): Promise<CaseOutcome> {
  const spec = loadCase(name)
  let {outcome, datesDiffer} = await runCaseOnce(spec, sides)
  if (datesDiffer) ({outcome, datesDiffer} = await runCaseOnce(spec, sides))
  dump(outcome)
  return outcome
}

export function referenceOnly(): boolean {
  return process.env['OPENSPEC_DIFF_REFERENCE_ONLY'] === '1'
}

function dump(outcome: CaseOutcome): void {
  const dir = process.env['OPENSPEC_DIFF_DUMP']
  if (!dir) return
  fs.mkdirSync(dir, {recursive: true})
  const text = outcome.commands
    .map((c) => {
      const out = 'json' in c.openspecStdout ? JSON.stringify(c.openspecStdout.json, null, 2) : c.openspecStdout.text
      const changed = c.openspecChanged.map(([rel, bytes]) => (bytes ? `+++ ${rel}\n${bytes.toString('utf8').replace(/\r/g, '␍').replace(/\uFEFF/g, '<BOM>')}` : `+++ ${rel} (folder, or removed)`))
      return `$ openspec ${commandLine(c.args)}   # exit ${c.openspec.code}\n${out}\n--- stderr\n${c.openspec.stderr}${changed.length > 0 ? `\n--- tree\n${changed.join('\n')}` : ''}`
    })
    .join('\n\n')
  fs.writeFileSync(path.join(dir, `${outcome.name}.txt`), `${text}\n`)
}

/** A readable report of everything that went wrong in a case, or '' when nothing did. */
export function describeFailures(outcome: CaseOutcome): string {
  const lines: string[] = []
  outcome.commands.forEach((c, index) => {
    if (c.unmet.length === 0 && c.differences.length === 0) return
    lines.push(`case ${outcome.name}, command ${index + 1}: openspec ${commandLine(c.args)}`)
    for (const u of c.unmet) lines.push(`  openspec does not do what the case expects: ${u}`)
    for (const d of c.differences) lines.push(`  ${d}`)
  })
  return lines.join('\n')
}

// ---------------------------------------------------------------------------------------------
// Test registration

/**
 * Registers one vitest test per case of this part of the corpus (the cases whose sorted index is
 * `part` modulo `parts`), so that the test files split the corpus between vitest's workers.
 * Cases of one file run one after another; the two sides of a command run side by side.
 */
export function differentialTests(part: number, parts: number): void {
  const names = casesForPart(part, parts)
  describe(`openspec differential (part ${part + 1} of ${parts}${referenceOnly() ? ', openspec side only' : ''})`, () => {
    if (part === 0) {
      it(`the corpus holds at least ${MIN_CASES} cases`, () => {
        const count = listCases().length
        if (count < MIN_CASES) throw new Error(`only ${count} cases in ${CASES_DIR}`)
      })
    }
    for (const name of names) {
      it(name, async () => {
        const report = describeFailures(await runCase(name))
        if (report !== '') throw new Error(`\n${report}`)
      })
    }
  })
}
