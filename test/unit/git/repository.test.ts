/**
 * psp's git reader against repositories the git CLI made: loose objects, packs (after `git gc`,
 * with deep delta chains, with ref deltas, several at once), packed refs, annotated tags, merges,
 * worktrees, `.git` files, alternates. Every object read is compared with what git itself shows.
 */
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {deflateSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {AmbiguousIdError, GitRepository, NotAGitRepositoryError, NotFoundError, UsageError} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {commit, git, initRepo, show, T0} from './_git.js'

const tempDir = useTempDirs()

/** A small history: three commits on main, a file changed, one removed, a nested folder. */
function smallRepo(): {dir: string; commits: string[]} {
  const dir = initRepo(tempDir())
  const c1 = commit(dir, 'First\n\nWith a body.', {'a.txt': 'one\n', 'docs/b.md': '# B\n'}, {time: T0})
  const c2 = commit(dir, 'Second', {'a.txt': 'one\ntwo\n', 'docs/deep/c.md': 'c\n'}, {time: T0 + 60, name: 'Bo Chen', email: 'bo@example.com', tz: '+0130'})
  const c3 = commit(dir, 'Third', {'docs/b.md': null}, {time: T0 + 120})
  return {dir, commits: [c1, c2, c3]}
}

function expectSameAsGit(repo: GitRepository, dir: string, commits: string[]): void {
  for (const oid of commits) {
    const files = repo.listFiles(oid)
    const listed = git(dir, ['ls-tree', '-r', '--format=%(objectname) %(path)', oid]).trim().split('\n').filter(Boolean)
    expect(files.map((f) => `${f.oid} ${f.path}`).sort()).toEqual(listed.sort())
    for (const file of files) expect(repo.fileAt(oid, file.path)?.equals(show(dir, `${oid}:${file.path}`))).toBe(true)
  }
}

describe('GitRepository', () => {
  it('reads commits, trees and blobs from loose objects', () => {
    const {dir, commits} = smallRepo()
    expect(fs.readdirSync(path.join(dir, '.git', 'objects', 'pack'))).toEqual([])
    const repo = GitRepository.open(path.join(dir, 'docs'))
    expect(repo.workTree).toBe(fs.realpathSync(dir))
    expect(repo.head()).toBe(commits[2])
    expect(repo.headBranch()).toBe('refs/heads/main')
    const second = repo.readCommit(commits[1] as string)
    expect(second.parents).toEqual([commits[0]])
    expect(second.author).toEqual({name: 'Bo Chen', email: 'bo@example.com', time: T0 + 60, tz: 90})
    expect(repo.readCommit(commits[0] as string).message).toBe('First\n\nWith a body.\n')
    expect(repo.readTree(second.tree).map((e) => [e.name, e.type])).toEqual([['a.txt', 'blob'], ['docs', 'tree']])
    expect(repo.fileAt(commits[1] as string, 'a.txt')?.toString()).toBe('one\ntwo\n')
    expect(repo.fileAt(commits[2] as string, 'docs/b.md')).toBeUndefined()
    expect(repo.fileAt(commits[1] as string, 'docs')).toBeUndefined()
    expect(repo.entryAt(commits[1] as string, 'docs')?.type).toBe('tree')
    expect(repo.fileAt(commits[1] as string, '../a.txt')).toBeUndefined()
    expect(repo.listFiles(commits[1] as string, 'docs').map((f) => f.path)).toEqual(['docs/b.md', 'docs/deep/c.md'])
    expectSameAsGit(repo, dir, commits)
  })

  it('reads the same after git gc: one pack, packed refs', () => {
    const {dir, commits} = smallRepo()
    git(dir, ['tag', 'light', commits[0] as string])
    git(dir, ['tag', '-a', 'v1', '-m', 'Release 1', commits[1] as string])
    git(dir, ['gc', '-q'])
    expect(fs.readdirSync(path.join(dir, '.git', 'objects', 'pack')).filter((n) => n.endsWith('.pack'))).toHaveLength(1)
    expect(fs.readFileSync(path.join(dir, '.git', 'packed-refs'), 'utf8')).toMatch(/\^[0-9a-f]{40}/)
    const repo = GitRepository.open(dir)
    expect(repo.head()).toBe(commits[2])
    expectSameAsGit(repo, dir, commits)
    expect(repo.resolveRevision('v1')).toBe(commits[1])
    expect(repo.resolveRevision('refs/tags/v1')).toBe(commits[1])
    expect(repo.resolveRevision('light')).toBe(commits[0])
    expect(repo.readTag(git(dir, ['rev-parse', 'v1']).trim()).message).toBe('Release 1\n')
    expect(repo.listRefs('refs/tags/').map((r) => [r.name, r.peeled])).toEqual([
      ['refs/tags/light', undefined],
      ['refs/tags/v1', commits[1]],
    ])
  })

  it('follows deep delta chains (git repack --depth=50) and ref deltas', () => {
    const dir = initRepo(tempDir())
    const commits: string[] = []
    // Each version changes one line of the one before, so each is the best delta base of the next.
    const lines = Array.from({length: 300}, (_, i) => `line ${i} ${'-'.repeat(40)}`)
    for (let i = 0; i < 70; i++) {
      lines[(i * 37) % 300] = `edited in version ${i}`
      commits.push(commit(dir, `Edit ${i}`, {'log.md': `${lines.join('\n')}\n`, 'other.md': `${i % 3}\n`}, {time: T0 + i}))
    }
    git(dir, ['repack', '-a', '-d', '-f', '-q', '--depth=50', '--window=250'])
    const depths = git(dir, ['verify-pack', '-v', ...fs.readdirSync(path.join(dir, '.git/objects/pack')).filter((n) => n.endsWith('.idx')).map((n) => `.git/objects/pack/${n}`)])
    expect(Math.max(...[...depths.matchAll(/^[0-9a-f]{40} \w+ +\d+ \d+ \d+ (\d+) /gm)].map((m) => Number(m[1])))).toBeGreaterThan(20)
    let repo = GitRepository.open(dir)
    for (const [i, oid] of commits.entries()) expect(repo.fileAt(oid, 'log.md')?.toString(), `version ${i}`).toBe(show(dir, `${oid}:log.md`).toString())
    // Without offset deltas, git writes REF_DELTA entries (bases named by id).
    git(dir, ['-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-f', '-q', '--depth=50'])
    const [idx] = fs.readdirSync(path.join(dir, '.git/objects/pack')).filter((n) => n.endsWith('.idx'))
    const pack = fs.readFileSync(path.join(dir, '.git/objects/pack', (idx as string).replace(/\.idx$/, '.pack')))
    const listing = git(dir, ['verify-pack', '-v', `.git/objects/pack/${idx}`])
    const deltaOffsets = [...listing.matchAll(/^[0-9a-f]{40} \w+ +\d+ \d+ (\d+) \d+ [0-9a-f]{40}$/gm)].map((m) => Number(m[1]))
    expect(deltaOffsets.length).toBeGreaterThan(10)
    // Type 7 in an entry's header: a delta whose base is named by id.
    expect(deltaOffsets.every((offset) => (((pack[offset] as number) >> 4) & 7) === 7)).toBe(true)
    repo = GitRepository.open(dir)
    for (const oid of commits) expect(repo.fileAt(oid, 'log.md')?.equals(show(dir, `${oid}:log.md`))).toBe(true)
  })

  it('looks objects up in a large pack index by reading only their part, then whole; versions 1 and 2', () => {
    const dir = initRepo(tempDir())
    // 3,000 files in one commit, through fast-import: an index of ~85 KB, more than psp reads at once.
    const contents = Array.from({length: 3000}, (_, i) => `file ${i}\n`)
    const stream = [
      'commit refs/heads/main',
      `committer Test <test@example.com> ${T0} +0000`,
      'data 5',
      'Many',
      // Each text ends with its newline; the one join adds after it is fast-import's optional LF.
      ...contents.flatMap((text, i) => [`M 100644 inline f/${i}.txt`, `data ${Buffer.byteLength(text)}`, text]),
      '',
    ].join('\n')
    git(dir, ['fast-import', '--quiet'], undefined, stream)
    const blobId = (text: string) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex')
    const ids = contents.map(blobId)
    const missing = 'ab'.repeat(20)
    for (const version of [2, 1]) {
      git(dir, ['-c', `pack.indexVersion=${version}`, 'repack', '-a', '-d', '-f', '-q'])
      const [idx] = fs.readdirSync(path.join(dir, '.git/objects/pack')).filter((n) => n.endsWith('.idx'))
      const bytes = fs.readFileSync(path.join(dir, '.git/objects/pack', idx as string))
      expect(bytes.length).toBeGreaterThan(64 * 1024)
      expect(bytes.readUInt32BE(0) === 0xff744f63 ? 2 : 1).toBe(version)
      // A few lookups (each reads one slice of the index), spread over the id range.
      let repo = GitRepository.open(dir)
      for (let i = 0; i < 3000; i += 97) expect(repo.readObject(ids[i] as string).data.toString(), `v${version} #${i}`).toBe(contents[i])
      expect(() => repo.readObject(missing)).toThrow()
      // Every object: past the first lookups the index is read whole.
      repo = GitRepository.open(dir)
      ids.forEach((id, i) => expect(repo.readObject(id).data.toString()).toBe(contents[i]))
      expect(() => repo.readObject(missing)).toThrow()
      expect(repo.listFiles(git(dir, ['rev-parse', 'HEAD']).trim())).toHaveLength(3000)
    }
  })

  it('reads from several packs and loose objects at once', () => {
    const dir = initRepo(tempDir())
    const commits = [commit(dir, 'One', {'a.md': 'a1\n'}, {time: T0})]
    git(dir, ['repack', '-d', '-q'])
    commits.push(commit(dir, 'Two', {'a.md': 'a2\n', 'b.md': 'b\n'}, {time: T0 + 1}))
    git(dir, ['repack', '-d', '-q'])
    commits.push(commit(dir, 'Three', {'a.md': 'a3\n'}, {time: T0 + 2}))
    expect(fs.readdirSync(path.join(dir, '.git/objects/pack')).filter((n) => n.endsWith('.pack'))).toHaveLength(2)
    expectSameAsGit(GitRepository.open(dir), dir, commits)
  })

  it('resolves revisions: ~N, ^, ^N, combined, abbreviated ids, detached HEAD', () => {
    const dir = initRepo(tempDir())
    const base = commit(dir, 'Base', {'a.md': 'a\n'}, {time: T0})
    git(dir, ['checkout', '-q', '-b', 'side'])
    const side1 = commit(dir, 'Side 1', {'s.md': '1\n'}, {time: T0 + 10})
    const side2 = commit(dir, 'Side 2', {'s.md': '2\n'}, {time: T0 + 20})
    git(dir, ['checkout', '-q', 'main'])
    const main1 = commit(dir, 'Main 1', {'m.md': '1\n'}, {time: T0 + 30})
    git(dir, ['merge', '-q', '--no-ff', '-m', 'Merge side', 'side'], {time: T0 + 40})
    const merge = git(dir, ['rev-parse', 'HEAD']).trim()
    const after = commit(dir, 'After', {'m.md': '2\n'}, {time: T0 + 50})
    const repo = GitRepository.open(dir)
    const cases: Array<[string, string]> = [
      ['HEAD', after],
      ['@', after],
      ['main', after],
      ['refs/heads/main', after],
      ['heads/main', after],
      ['HEAD~1', merge],
      ['HEAD^', merge],
      ['main~2', main1],
      ['main~1^2', side2],
      ['main^^2~1', side1],
      ['HEAD~3', base],
      ['main~1^1', main1],
      ['main~1^0', merge],
      ['side^{}', side2],
      [after.slice(0, 7), after],
      [`${side2.slice(0, 8).toUpperCase()}~1`, side1],
      [after, after],
    ]
    for (const [rev, expected] of cases) {
      expect(repo.resolveRevision(rev), rev).toBe(expected)
      expect(git(dir, ['rev-parse', `${rev}^{commit}`]).trim(), `git agrees on ${rev}`).toBe(expected)
    }
    git(dir, ['checkout', '-q', '--detach', side1])
    const detached = GitRepository.open(dir)
    expect(detached.head()).toBe(side1)
    expect(detached.headBranch()).toBeUndefined()
  })

  it('says which revision is unknown, and refuses what is not a commit', () => {
    const {dir, commits} = smallRepo()
    const repo = GitRepository.open(dir)
    for (const rev of ['nope', 'main~9', 'HEAD^2', 'main~x', '../../etc/passwd', 'refs/heads/../../../x', 'ffffffffff']) {
      const error = capture(() => repo.resolveRevision(rev))
      expect(error, rev).toBeInstanceOf(NotFoundError)
      expect(error.message, rev).toContain(`"${rev}"`)
    }
    const tree = repo.readCommit(commits[0] as string).tree
    expect(capture(() => repo.resolveRevision(tree))).toBeInstanceOf(UsageError)
  })

  it('reports an abbreviation several objects share as ambiguous, listing them', () => {
    const dir = initRepo(tempDir())
    commit(dir, 'One', {'a.md': 'a\n'}, {time: T0})
    // Loose blobs until two ids share their first four digits (a few hundred suffice).
    const seen = new Map<string, string>()
    let pair: [string, string] | undefined
    for (let i = 0; pair === undefined; i++) {
      const body = Buffer.from(`blob ${i}\n`)
      const raw = Buffer.concat([Buffer.from(`blob ${body.length}\0`), body])
      const hash = createHash('sha1').update(raw).digest('hex')
      const folder = path.join(dir, '.git/objects', hash.slice(0, 2))
      fs.mkdirSync(folder, {recursive: true})
      fs.writeFileSync(path.join(folder, hash.slice(2)), deflateSync(raw))
      const other = seen.get(hash.slice(0, 4))
      if (other !== undefined) pair = [other, hash]
      seen.set(hash.slice(0, 4), hash)
    }
    const repo = GitRepository.open(dir)
    const error = capture(() => repo.resolveRevision(pair[0].slice(0, 4)))
    expect(error).toBeInstanceOf(AmbiguousIdError)
    expect(error.data['candidates']).toEqual(expect.arrayContaining(pair))
    expect(repo.readBlob(pair[1]).toString()).toMatch(/^blob \d+\n$/)
  })

  it('finds linked worktrees, .git files and alternates', () => {
    const {dir, commits} = smallRepo()
    const wt = path.join(tempDir(), 'wt')
    git(dir, ['worktree', 'add', '-q', '-b', 'wt-branch', wt, commits[0] as string])
    const inWorktree = GitRepository.open(wt)
    expect(inWorktree.head()).toBe(commits[0])
    expect(inWorktree.headBranch()).toBe('refs/heads/wt-branch')
    expect(inWorktree.resolveRevision('main')).toBe(commits[2])
    // A repository whose git folder is elsewhere (`.git` is a file, as in submodules).
    const separate = tempDir()
    const work = path.join(tempDir(), 'work')
    fs.mkdirSync(work)
    git(work, ['init', '-q', '-b', 'main', `--separate-git-dir=${separate}`])
    const c = commit(work, 'One', {'x.md': 'x\n'}, {time: T0})
    expect(fs.statSync(path.join(work, '.git')).isFile()).toBe(true)
    expect(GitRepository.open(work).head()).toBe(c)
    // A clone that borrows its objects (objects/info/alternates).
    const shared = path.join(tempDir(), 'shared')
    git(tempDir(), ['clone', '-q', '--shared', dir, shared])
    expect(fs.existsSync(path.join(shared, '.git/objects/info/alternates'))).toBe(true)
    expectSameAsGit(GitRepository.open(shared), shared, commits)
  })

  it('says clearly when there is no repository', () => {
    const dir = tempDir()
    expect(GitRepository.find(dir, {env: {}})).toBeUndefined()
    const error = capture(() => GitRepository.open(dir, {env: {}}))
    expect(error).toBeInstanceOf(NotAGitRepositoryError)
    expect(error.code).toBe('NO_GIT_REPOSITORY')
    expect(error.exitCode).toBe(4)
    expect(error.message).toContain('not a git repository')
  })

  it('refuses what it cannot read yet with a clear error: SHA-256 ids, reftable refs', () => {
    const dir = tempDir()
    git(dir, ['init', '-q', '--object-format=sha256'])
    expect(() => GitRepository.open(dir)).toThrow(/SHA-256 object ids/)
    const other = initRepo(tempDir())
    fs.mkdirSync(path.join(other, '.git/reftable'))
    expect(() => GitRepository.open(other)).toThrow(/reftable/)
  })

  it('uses GIT_DIR when it is set', () => {
    const {dir, commits} = smallRepo()
    const elsewhere = tempDir()
    const repo = GitRepository.open(elsewhere, {env: {GIT_DIR: path.join(dir, '.git'), GIT_WORK_TREE: dir}})
    expect(repo.head()).toBe(commits[2])
    expect(repo.workTree).toBe(dir)
  })
})

function capture(fn: () => unknown): Error & {code: string; exitCode: number; data: Record<string, unknown>} {
  try {
    fn()
  } catch (error) {
    return error as Error & {code: string; exitCode: number; data: Record<string, unknown>}
  }
  throw new Error('expected an error')
}
