/**
 * Whether isomorphic-git can work with a repository's index (`.git/index`, the staging area).
 * It reads index versions 2 and 3 only, and verifies the index's trailing checksum, so an index
 * git wrote as version 4 or without a checksum (`index.skipHash`, git ≥ 2.40; both are part of
 * `feature.manyFiles`) makes it fail with an obscure error. psp's own reader never reads the
 * index; commands that hand the repository to isomorphic-git (status, commit, merge) check first
 * and say how to fix it.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotAGitRepositoryError, UnsupportedGitIndexError} from './errors.js'
import {configBoolean, readGitConfig} from './config.js'
import {discoverRepository, type GitLocation, type GitOpenOptions} from './repository.js'

/** Something about a repository's index that isomorphic-git cannot handle. */
export interface GitIndexIssue {
  /** `INDEX_VERSION` (the file or the config says version 4) or `INDEX_SKIP_HASH` (no checksum). */
  code: 'INDEX_VERSION' | 'INDEX_SKIP_HASH'
  /** Where it comes from: `.git/index`, or the config key that will make git write it so. */
  source: string
  message: string
}

/** The command that puts a repository's index back into a format isomorphic-git reads (verified with git 2.39). */
export const GIT_INDEX_FIX = 'git config index.version 2 && git config index.skipHash false && git update-index --index-version 2 --force-write-index'

/** The issues of the repository at `location` (none: isomorphic-git can use its index). */
export function gitIndexIssues(location: GitLocation, env?: Readonly<Record<string, string | undefined>>): GitIndexIssue[] {
  const issues: GitIndexIssue[] = []
  const file = path.join(location.gitDir, 'index')
  let fd: number | undefined
  try {
    fd = fs.openSync(file, 'r')
    const header = Buffer.alloc(12)
    const size = fs.fstatSync(fd).size
    if (fs.readSync(fd, header, 0, 12, 0) === 12 && header.toString('latin1', 0, 4) === 'DIRC') {
      const version = header.readUInt32BE(4)
      if (version !== 2 && version !== 3) {
        issues.push({code: 'INDEX_VERSION', source: '.git/index', message: `the git index is in version ${version}; isomorphic-git reads versions 2 and 3`})
      }
      const trailer = Buffer.alloc(20)
      // An all-zero trailer is how git marks an index written with index.skipHash.
      if (size >= 32 && fs.readSync(fd, trailer, 0, 20, size - 20) === 20 && trailer.every((b) => b === 0)) {
        issues.push({code: 'INDEX_SKIP_HASH', source: '.git/index', message: 'the git index has no checksum (index.skipHash); isomorphic-git rejects it'})
      }
    }
  } catch {
    // No index yet (a fresh repository): nothing to read, nothing wrong.
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
  const config = readGitConfig(location, env)
  const manyFiles = configBoolean(config, 'feature.manyfiles') === true
  const version = config.get('index.version')
  if (!issues.some((i) => i.code === 'INDEX_VERSION')) {
    if (version !== undefined && version !== '2' && version !== '3') {
      issues.push({code: 'INDEX_VERSION', source: 'index.version', message: `git config index.version is ${version}: git will write an index isomorphic-git cannot read`})
    } else if (version === undefined && manyFiles) {
      issues.push({code: 'INDEX_VERSION', source: 'feature.manyFiles', message: 'git config feature.manyFiles is on: git will write index version 4, which isomorphic-git cannot read'})
    }
  }
  if (!issues.some((i) => i.code === 'INDEX_SKIP_HASH')) {
    const skipHash = configBoolean(config, 'index.skiphash')
    if (skipHash === true || (skipHash === undefined && manyFiles)) {
      issues.push({
        code: 'INDEX_SKIP_HASH',
        source: skipHash === true ? 'index.skipHash' : 'feature.manyFiles',
        message: `git config ${skipHash === true ? 'index.skipHash' : 'feature.manyFiles'} is on: git ≥ 2.40 will write an index without the checksum isomorphic-git requires`,
      })
    }
  }
  return issues
}

/**
 * Throws UnsupportedGitIndexError (exit 9, with the fix as its hint) when isomorphic-git could not use
 * the index of the repository around `from`; NotAGitRepositoryError when there is no repository.
 */
export function assertGitIndexSupported(from: string, options: GitOpenOptions = {}): void {
  const location = discoverRepository(from, options)
  if (location === undefined) throw new NotAGitRepositoryError(`not a git repository: no .git in ${path.resolve(from)} or any parent folder`)
  const issues = gitIndexIssues(location, options.env)
  const first = issues[0]
  if (first === undefined) return
  throw new UnsupportedGitIndexError(`${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`, {
    data: {issues, fix: GIT_INDEX_FIX},
    hint: `run: ${GIT_INDEX_FIX}`,
  })
}
