/**
 * Who the commits of a sync are by, found as git finds it, without a git binary: the
 * environment (GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, and
 * EMAIL for the address), then the repository's config (`author.*` / `committer.*`, then
 * `user.*`), then the user's global config (GIT_CONFIG_GLOBAL, else $XDG_CONFIG_HOME/git/config
 * and ~/.gitconfig), then the system's. A missing name or email is an error that says what to set.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {configFiles, parseGitConfig, type GitConfig} from '../git/config.js'
import type {GitLocation} from '../git/repository.js'
import {GitIdentityError} from './errors.js'

type Env = Readonly<Record<string, string | undefined>>

/** A person and a moment, as a commit records them. */
export interface GitSignature {
  name: string
  email: string
  /** Seconds since the epoch. */
  timestamp: number
  /** Minutes east of UTC (`+0130` is 90). */
  tz: number
}

export interface CommitIdentity {
  author: GitSignature
  committer: GitSignature
}

const MAX_INCLUDE_DEPTH = 10

/** Reads one config file into `into`, following its `include.path` (one per file; `includeIf` is not read). */
function readConfigFile(file: string, into: GitConfig, env: Env, depth = 0): void {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return
  }
  const own = parseGitConfig(text)
  const include = own.get('include.path')
  own.delete('include.path')
  for (const [key, value] of own) into.set(key, value)
  if (include !== undefined && include !== '' && depth < MAX_INCLUDE_DEPTH) {
    const home = env['HOME'] ?? os.homedir()
    const target = include === '~' || include.startsWith('~/') ? path.join(home, include.slice(1)) : path.resolve(path.dirname(file), include)
    readConfigFile(target, into, env, depth + 1)
  }
}

/** The config that applies to a repository (system, global, repository, worktree; the last value wins). */
export function repositoryConfig(location: GitLocation, env: Env = process.env): GitConfig {
  const config: GitConfig = new Map()
  for (const file of configFiles(location, env)) readConfigFile(file, config, env)
  return config
}

/** Parses GIT_AUTHOR_DATE / GIT_COMMITTER_DATE: git's own `<seconds> <+hhmm>` (optionally `@`), or an ISO 8601 date. */
export function parseGitDate(value: string): {timestamp: number; tz?: number} | undefined {
  const raw = /^@?(\d+)(?:\s+([+-])(\d\d)(\d\d))?$/.exec(value.trim())
  if (raw !== null) {
    const timestamp = Number(raw[1])
    if (raw[2] === undefined) return {timestamp}
    const tz = (raw[2] === '-' ? -1 : 1) * (Number(raw[3]) * 60 + Number(raw[4]))
    return {timestamp, tz}
  }
  const ms = Date.parse(value)
  if (Number.isNaN(ms)) return undefined
  const offset = /(?:([+-])(\d\d):?(\d\d)|Z)$/.exec(value.trim())
  const tz = offset === null ? undefined : offset[0] === 'Z' ? 0 : (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
  return {timestamp: Math.floor(ms / 1000), ...(tz === undefined ? {} : {tz})}
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/**
 * The author and committer of a commit made now. Throws GitIdentityError, naming what to set,
 * when a name or an email cannot be found.
 */
export function resolveIdentity(location: GitLocation, env: Env = process.env, now: Date = new Date()): CommitIdentity {
  const config = repositoryConfig(location, env)
  const localTz = -now.getTimezoneOffset()
  const person = (role: 'author' | 'committer'): GitSignature => {
    const upper = role.toUpperCase()
    const name = nonEmpty(env[`GIT_${upper}_NAME`]) ?? nonEmpty(config.get(`${role}.name`)) ?? nonEmpty(config.get('user.name'))
    const email =
      nonEmpty(env[`GIT_${upper}_EMAIL`]) ?? nonEmpty(config.get(`${role}.email`)) ?? nonEmpty(config.get('user.email')) ?? nonEmpty(env['EMAIL'])
    const missing = [name === undefined ? 'name' : undefined, email === undefined ? 'email' : undefined].filter((x) => x !== undefined)
    if (missing.length > 0) {
      const what = missing.join(' and ')
      throw new GitIdentityError(
        `no ${what} for the ${role} of psp sync's commits: set user.name and user.email in your git config, or GIT_${upper}_NAME and GIT_${upper}_EMAIL`,
        {
          data: {role, missing},
          hint: 'git config --global user.name "Your Name" && git config --global user.email you@example.com   (without git: add "[user]" with "name = …" and "email = …" to ~/.gitconfig)',
        },
      )
    }
    const date = nonEmpty(env[`GIT_${upper}_DATE`])
    const parsed = date === undefined ? undefined : parseGitDate(date)
    return {
      name: (name as string).replace(/[<>\n]/g, ''),
      email: (email as string).replace(/[<>\n]/g, ''),
      timestamp: parsed?.timestamp ?? Math.floor(now.getTime() / 1000),
      tz: parsed?.tz ?? localTz,
    }
  }
  return {author: person('author'), committer: person('committer')}
}
