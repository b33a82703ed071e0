/**
 * Runs the built CLI (bin/run.js) as a subprocess, the way a user or a script would, and makes
 * throw-away workspaces in temporary folders.
 */
import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = path.join(REPO_ROOT, 'bin', 'run.js')

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd: string
  env?: Record<string, string | undefined>
  input?: string
  timeoutMs?: number
}

/** Environment for spawned CLIs: production mode (oclif reads dist/), no colour, no update checks. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  // Nothing of the developer's own psp set-up leaks in: no PSP_* variable, no user settings file
  // or user templates (XDG_CONFIG_HOME points at a folder that does not exist).
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PSP_')))
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    NODE_ENV: 'production',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: path.join(os.tmpdir(), 'psp-tests-no-user-config'),
    ...extra,
  }
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
  return env
}

/** Runs `psp <args>` synchronously. */
export function psp(args: string[], options: RunOptions): RunResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: cliEnv(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024,
  })
  if (result.error) throw result.error
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

/** Runs `psp <args>` without blocking (for concurrency tests). */
export function pspAsync(args: string[], options: RunOptions): Promise<RunResult> {
  return spawnAsync(process.execPath, [BIN, ...args], options)
}

/** Runs any program without blocking, in psp's test environment (cliEnv), stdin given or empty. */
export function spawnAsync(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {cwd: options.cwd, env: cliEnv(options.env)})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? -1, stdout, stderr}))
    child.stdin.end(options.input ?? '')
  })
}

/** A new empty temporary folder (removed by `cleanup`). */
export function tempDir(prefix = 'psp-test-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
}

export function cleanup(dir: string): void {
  fs.rmSync(dir, {recursive: true, force: true})
}

/** Runs the real git CLI in `cwd` and returns its stdout (throws on failure). */
export function git(args: string[], cwd: string): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.com'},
  })
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** A temp folder made into a workspace by `psp init` (and its first commit, when `commit`). */
export function makeWorkspace(options: {commit?: boolean} = {}): string {
  const dir = tempDir()
  const result = psp(['init'], {cwd: dir})
  if (result.code !== 0) throw new Error(`psp init failed: ${result.stderr}`)
  if (options.commit) {
    git(['add', '-A'], dir)
    git(['commit', '-qm', 'init'], dir)
  }
  return dir
}

/** Parses the stdout of a `--json` run. */
export function json<T = unknown>(result: RunResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.stdout}\nstderr: ${result.stderr}`)
  }
}

/** Every file under `dir` (except .git and data/cache) with its bytes, to prove nothing changed. */
export function snapshotFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      if (child === '.git' || child === 'data/cache') continue
      if (entry.isDirectory()) walk(child)
      else out.set(child, fs.readFileSync(path.join(dir, child)).toString('base64'))
    }
  }
  walk('')
  return out
}

/** Runs the real git CLI in `cwd` without throwing (for commands whose exit code is the answer, such as `git check-ignore`). */
export function gitResult(args: string[], cwd: string): RunResult {
  const result = spawnSync('git', args, {cwd, encoding: 'utf8'})
  if (result.error) throw result.error
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

/** The paths whose bytes differ between two snapshots (added, removed or changed), sorted. */
export function changedPaths(before: Map<string, string>, after: Map<string, string>): string[] {
  const out = new Set<string>()
  for (const [file, bytes] of before) if (after.get(file) !== bytes) out.add(file)
  for (const file of after.keys()) if (!before.has(file)) out.add(file)
  return [...out].sort()
}

function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`
  if (typeof value !== 'string') return String(value)
  const plain = /^[A-Za-z0-9][A-Za-z0-9 ._/-]*$/.test(value) && !/^(true|false|null|~|[-+]?(\d[\d_]*)?\.?\d*(e[-+]?\d+)?)$/i.test(value)
  return plain && !value.endsWith(' ') ? value : JSON.stringify(value)
}

/**
 * The text of a psp document as a person would type it: `key: value` frontmatter lines (lists in
 * flow style, strings quoted only when YAML needs it), then the body.
 */
export function documentText(data: Record<string, unknown>, body = ''): string {
  const lines = Object.entries(data).map(([key, value]) => `${key}: ${yamlValue(value)}\n`)
  return `---\n${lines.join('')}---\n${body === '' ? '' : `\n${body}`}`
}

/** Writes a document by hand, the way a user in an editor would (folders are created as needed). */
export function writeDocument(root: string, rel: string, data: Record<string, unknown>, body = ''): void {
  const file = path.join(root, ...rel.split('/'))
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, documentText(data, body))
}
