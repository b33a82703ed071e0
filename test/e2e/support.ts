/**
 * Assertions shared by the end-to-end tests: what a failed command must look like (invariant 6:
 * one `Error:` line, a documented exit code, no stack trace, nothing touched) and small shortcuts
 * for making workspaces and records through the real CLI.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, expect} from 'vitest'
import {changedPaths, cleanup, json, makeWorkspace, psp, snapshotFiles, tempDir, type RunResult} from '../helpers/cli.js'

/** A record as `--json` prints it. */
export interface Rec {
  id: string
  path: string
  type: string
  title: string
  archived?: boolean
  body?: string
  changed?: boolean
  deleted?: boolean
  [field: string]: unknown
}

/** A compact description of a run for assertion messages. */
export function show(result: RunResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`
}

/** Asserts a command succeeded (exit 0) and returns its result. */
export function ok(result: RunResult): RunResult {
  expect(result.code, show(result)).toBe(0)
  return result
}

/**
 * Asserts a human-mode failure: the exit code, nothing on stdout, and on stderr one `Error: …`
 * line (optionally followed by one `Hint: …` line), never a stack trace.
 */
export function expectError(result: RunResult, exitCode: number, message?: RegExp): string {
  expect(result.code, show(result)).toBe(exitCode)
  expect(result.stdout, show(result)).toBe('')
  const lines = result.stderr.split('\n').filter((l) => l !== '')
  expect(lines[0], show(result)).toMatch(/^Error: \S/)
  expect(lines.length, show(result)).toBeLessThanOrEqual(2)
  if (lines.length === 2) expect(lines[1], show(result)).toMatch(/^Hint: \S/)
  expect(result.stderr, show(result)).not.toMatch(/^\s+at .*[(:]\d+/m)
  expect(result.stderr, show(result)).not.toMatch(/This is a bug/)
  if (message) expect(lines[0], show(result)).toMatch(message)
  return lines[0] as string
}

/** Asserts a `--json` failure: the exit code, nothing on stdout, `{"error": {code, message}}` on stderr. */
export function expectJsonError(result: RunResult, exitCode: number, code: string): Record<string, unknown> {
  expect(result.code, show(result)).toBe(exitCode)
  expect(result.stdout, show(result)).toBe('')
  const lines = result.stderr.split('\n').filter((l) => l !== '')
  expect(lines, show(result)).toHaveLength(1)
  const parsed = JSON.parse(lines[0] as string) as {error: Record<string, unknown>}
  expect(parsed.error, show(result)).toMatchObject({code, message: expect.any(String)})
  return parsed.error
}

/** Runs `fn` and asserts that no file of the workspace (outside .git and data/cache) changed. */
export function unchanged<T>(dir: string, fn: () => T): T {
  const before = snapshotFiles(dir)
  const value = fn()
  expect(changedPaths(before, snapshotFiles(dir)), 'files changed by a command that should change nothing').toEqual([])
  return value
}

/** `psp <type> add <title> [flags] --json` in `cwd`, asserting success; returns the new record. */
export function add(cwd: string, type: string, title: string, flags: string[] = []): Rec {
  return json<Rec>(ok(psp([type, 'add', title, ...flags, '--json'], {cwd})))
}

/** `psp <args> --json`, asserting success; returns the parsed output. */
export function pspJson<T = Rec>(cwd: string, args: string[], env?: Record<string, string | undefined>): T {
  return json<T>(ok(psp([...args, '--json'], {cwd, env})))
}

/**
 * Returns a function that makes a workspace (committed when asked) in a temporary folder; every
 * folder it made is removed after the calling file's tests.
 */
export function useWorkspaces(): (commit?: boolean) => string {
  const dirs: string[] = []
  afterAll(() => dirs.forEach(cleanup))
  return (commit = false) => {
    const dir = makeWorkspace({commit})
    dirs.push(dir)
    return dir
  }
}

/** A workspace file's text. */
export const read = (dir: string, rel: string): string => fs.readFileSync(path.join(dir, rel), 'utf8')

/** Sets workflow keys (wip, wip_policy) in a workspace's config/settings.yaml, as an editor would. */
export function setWorkflow(dir: string, lines: string[]): void {
  const file = path.join(dir, 'config', 'settings.yaml')
  const text = fs
    .readFileSync(file, 'utf8')
    .replace(/^ {2}wip(?:_policy)?: .*\n/gm, '')
    .replace(/^( {2}done: .*\n)/m, `$1${lines.map((l) => `  ${l}\n`).join('')}`)
  expect(text).toContain(lines[0])
  fs.writeFileSync(file, text)
}


/**
 * Keeps the machine's own git config (a global core.hooksPath, merge.conflictStyle, commit
 * signing) out of this test file's git runs, and gives them a fixed identity. Hooks, merge
 * drivers and the psp they run inherit the environment from git.
 */
export function useIsolatedGitConfig(prefix: string): void {
  let configHome: string
  beforeAll(() => {
    configHome = tempDir(prefix)
    fs.writeFileSync(path.join(configHome, 'gitconfig'), '')
    Object.assign(process.env, {
      GIT_CONFIG_GLOBAL: path.join(configHome, 'gitconfig'),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    })
  })
  afterAll(() => cleanup(configHome))
}
