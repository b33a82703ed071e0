/**
 * Where a repository's hooks live, found without the git binary: `core.hooksPath` from the
 * config files git reads, else `hooks` in the folder all worktrees share.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {readGitConfig} from '../git/config.js'
import {NotAGitRepositoryError} from '../git/errors.js'
import {discoverRepository, type GitLocation} from '../git/repository.js'

/** The repository whose working tree holds `from`; NotAGitRepositoryError when there is none. */
export function hooksRepository(from: string, env: NodeJS.ProcessEnv = process.env): GitLocation {
  const location = discoverRepository(from, {env})
  if (location === undefined) {
    throw new NotAGitRepositoryError(`not a git repository: no .git in ${path.resolve(from)} or any parent folder`, {
      hint: 'git hooks need a repository: run `git init` (or `psp init`) first',
    })
  }
  return location
}

/** core.hooksPath as git would read it for this repository, when it is set. */
export function configuredHooksPath(location: GitLocation, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = readGitConfig(location, env).get('core.hookspath')
  return value === undefined || value === '' ? undefined : value
}

/**
 * The folder git runs this repository's hooks from: `core.hooksPath` when set (`~/` expanded; a
 * relative path is relative to the working tree's top, where hooks run), else `hooks` in the
 * common git folder.
 */
export function hooksDirectory(location: GitLocation, env: NodeJS.ProcessEnv = process.env): string {
  const configured = configuredHooksPath(location, env)
  if (configured === undefined) return path.join(location.commonDir, 'hooks')
  if (configured === '~' || configured.startsWith('~/')) return path.join(env['HOME'] ?? os.homedir(), configured.slice(1))
  return path.resolve(location.workTree, configured)
}

/** True while a rebase replays commits in this working tree. */
export function rebaseInProgress(location: GitLocation): boolean {
  return fs.existsSync(path.join(location.gitDir, 'rebase-merge')) || fs.existsSync(path.join(location.gitDir, 'rebase-apply'))
}
