/**
 * The check for git index formats isomorphic-git cannot read (version 4, no checksum), and the
 * fix it suggests, run for real with the git CLI.
 */
import fs from 'node:fs'
import path from 'node:path'
import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {assertGitIndexSupported, discoverRepository, GIT_INDEX_FIX, gitIndexIssues, NotAGitRepositoryError, UnsupportedGitIndexError, type GitLocation} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {commit, git, initRepo} from './_git.js'

const tempDir = useTempDirs()
/** No system or global git config: only the repository's own counts. */
const env = {GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null'}

function location(dir: string): GitLocation {
  return discoverRepository(dir, {env}) as GitLocation
}

function indexVersion(dir: string): number {
  return fs.readFileSync(path.join(dir, '.git/index')).readUInt32BE(4)
}

describe('gitIndexIssues', () => {
  it('finds nothing wrong with a plain repository', () => {
    const dir = initRepo(tempDir())
    expect(gitIndexIssues(location(dir), env)).toEqual([])
    commit(dir, 'One', {'a.md': 'a\n'})
    expect(gitIndexIssues(location(dir), env)).toEqual([])
    expect(() => assertGitIndexSupported(dir, {env})).not.toThrow()
  })

  it('finds index version 4, and the suggested fix repairs it', () => {
    const dir = initRepo(tempDir())
    commit(dir, 'One', {'a.md': 'a\n'})
    git(dir, ['update-index', '--index-version', '4'])
    expect(indexVersion(dir)).toBe(4)
    expect(gitIndexIssues(location(dir), env).map((i) => [i.code, i.source])).toEqual([['INDEX_VERSION', '.git/index']])
    let error: unknown
    try {
      assertGitIndexSupported(dir, {env})
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UnsupportedGitIndexError)
    expect((error as UnsupportedGitIndexError).exitCode).toBe(9)
    expect((error as UnsupportedGitIndexError).hint).toBe(`run: ${GIT_INDEX_FIX}`)
    const fixed = spawnSync('sh', ['-c', GIT_INDEX_FIX], {cwd: dir, env: {...process.env, ...env}})
    expect(fixed.status, fixed.stderr.toString()).toBe(0)
    expect(indexVersion(dir)).toBe(2)
    expect(gitIndexIssues(location(dir), env)).toEqual([])
  })

  it('finds an index without a checksum (index.skipHash)', () => {
    const dir = initRepo(tempDir())
    commit(dir, 'One', {'a.md': 'a\n'})
    // git 2.40+ writes twenty zero bytes instead of the checksum; write them as it would.
    const file = path.join(dir, '.git/index')
    const bytes = fs.readFileSync(file)
    bytes.fill(0, bytes.length - 20)
    fs.writeFileSync(file, bytes)
    expect(gitIndexIssues(location(dir), env).map((i) => i.code)).toEqual(['INDEX_SKIP_HASH'])
  })

  it('warns about settings that will make git write such an index', () => {
    const dir = initRepo(tempDir())
    git(dir, ['config', 'feature.manyFiles', 'true'])
    expect(gitIndexIssues(location(dir), env).map((i) => [i.code, i.source])).toEqual([
      ['INDEX_VERSION', 'feature.manyFiles'],
      ['INDEX_SKIP_HASH', 'feature.manyFiles'],
    ])
    git(dir, ['config', 'index.version', '2'])
    git(dir, ['config', 'index.skipHash', 'false'])
    expect(gitIndexIssues(location(dir), env)).toEqual([])
    git(dir, ['config', 'index.version', '4'])
    expect(gitIndexIssues(location(dir), env).map((i) => i.source)).toEqual(['index.version'])
  })

  it('says when there is no repository at all', () => {
    expect(() => assertGitIndexSupported(tempDir(), {env})).toThrow(NotAGitRepositoryError)
  })
})
