/**
 * Real repositories for the git reader's tests, made by the git CLI: commits with fixed authors
 * and dates (so ids and orders are the same on every run), and `git show` to compare with.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

/** Seconds since the epoch of the first fake commit: 2026-01-01T10:00:00Z. */
export const T0 = 1_767_261_600

export interface Committer {
  name?: string
  email?: string
  /** Seconds since the epoch. */
  time?: number
  /** `+0100` and the like. */
  tz?: string
}

function env(who: Committer = {}): NodeJS.ProcessEnv {
  const date = `${who.time ?? T0} ${who.tz ?? '+0000'}`
  return {
    ...process.env,
    GIT_AUTHOR_NAME: who.name ?? 'Ana Lima',
    GIT_AUTHOR_EMAIL: who.email ?? 'ana@example.com',
    GIT_COMMITTER_NAME: who.name ?? 'Ana Lima',
    GIT_COMMITTER_EMAIL: who.email ?? 'ana@example.com',
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
  }
}

/** Runs git in `cwd` and returns its stdout (throws on failure). */
export function git(cwd: string, args: string[], who?: Committer, input?: string): string {
  const result = spawnSync('git', ['-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', '-c', 'gc.auto=0', ...args], {cwd, env: env(who), encoding: 'utf8', input, maxBuffer: 64 * 1024 * 1024})
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** `git show <rev>:<path>` as bytes. */
export function show(cwd: string, spec: string): Buffer {
  const result = spawnSync('git', ['show', spec], {cwd, env: env()})
  if (result.status !== 0) throw new Error(`git show ${spec} failed: ${result.stderr.toString()}`)
  return result.stdout
}

/** A new repository on branch main. */
export function initRepo(dir: string): string {
  fs.mkdirSync(dir, {recursive: true})
  git(dir, ['init', '-q', '-b', 'main'])
  return dir
}

/** Writes files (path → content; null deletes) and commits them all. Returns the new commit id. */
export function commit(dir: string, message: string, files: Record<string, string | null>, who?: Committer): string {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'))
    if (content === null) fs.rmSync(file, {force: true})
    else {
      fs.mkdirSync(path.dirname(file), {recursive: true})
      fs.writeFileSync(file, content)
    }
  }
  git(dir, ['add', '-A'])
  git(dir, ['commit', '-q', '--allow-empty', '-m', message], who)
  return git(dir, ['rev-parse', 'HEAD']).trim()
}
