/**
 * The unmerged paths read from git's index without git: the same paths `git ls-files -u` lists,
 * in index versions 2, 3 (extended flags) and 4 (prefix-compressed names).
 */
import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import {discoverRepository, unmergedPaths, type GitLocation} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {commit, git, initRepo} from './_git.js'

const tempDir = useTempDirs()

/** A repository in the middle of a merge with two conflicted files (one with a long, nested name). */
function conflicted(): {dir: string; location: GitLocation} {
  const dir = initRepo(tempDir())
  const long = `deep/${'nested-folder/'.repeat(4)}a-file-with-a-long-name.md`
  commit(dir, 'base', {'a.md': 'base\n', 'b.md': 'same\n', [long]: 'base\n', 'z/clean.md': 'x\n'})
  git(dir, ['checkout', '-qb', 'other'])
  commit(dir, 'theirs', {'a.md': 'theirs\n', [long]: 'theirs\n'})
  git(dir, ['checkout', '-q', 'main'])
  commit(dir, 'ours', {'a.md': 'ours\n', [long]: 'ours\n', 'b.md': 'changed\n'})
  const who = {GIT_AUTHOR_NAME: 'Ana', GIT_AUTHOR_EMAIL: 'ana@example.com', GIT_COMMITTER_NAME: 'Ana', GIT_COMMITTER_EMAIL: 'ana@example.com'}
  const merge = spawnSync('git', ['merge', 'other'], {cwd: dir, encoding: 'utf8', env: {...process.env, ...who, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1'}})
  expect(merge.status, merge.stderr).toBe(1)
  return {dir, location: discoverRepository(dir) as GitLocation}
}

const byGit = (dir: string) => [...new Set(git(dir, ['ls-files', '-u', '-z']).split('\0').filter((l) => l !== '').map((l) => l.slice(l.indexOf('\t') + 1)))].sort()

describe('unmergedPaths', () => {
  it('lists the paths git lists as unmerged, in index versions 2, 3 and 4', () => {
    const {dir, location} = conflicted()
    const expected = byGit(dir)
    expect(expected).toHaveLength(2)
    for (const version of ['2', '3', '4']) {
      git(dir, ['update-index', '--index-version', version])
      if (version === '3') git(dir, ['update-index', '--skip-worktree', 'z/clean.md'])
      expect(unmergedPaths(location), `index version ${version}`).toEqual(expected)
    }
    git(dir, ['add', 'a.md'])
    expect(unmergedPaths(location)).toEqual(expected.filter((p) => p !== 'a.md'))
  })

  it('is empty without an index, outside a merge, or for a file that is not an index', () => {
    const dir = initRepo(tempDir())
    const location = discoverRepository(dir) as GitLocation
    expect(unmergedPaths(location)).toEqual([])
    commit(dir, 'one', {'a.md': 'x\n'})
    expect(unmergedPaths(location)).toEqual([])
    expect(unmergedPaths(location, {GIT_INDEX_FILE: 'a.md'})).toEqual([])
  })
})
