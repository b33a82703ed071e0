/**
 * Revisions at a point in time: the newest commit on a first-parent line whose committer date is
 * at or before a date (YYYY-MM-DD meaning the end of that local day) or a date-time.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {GitRepository, NotFoundError, parseRevisionDate, resolveRevisionAt, UsageError} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {commit, git, initRepo} from './_git.js'

const tempDir = useTempDirs()
const DAY = 86_400
/** 2026-01-01T10:00:00Z. */
const JAN1 = 1_767_261_600
const zone = process.env['TZ']

beforeAll(() => {
  // Local time matters here: Berlin is UTC+1 in January.
  process.env['TZ'] = 'Europe/Berlin'
})
afterAll(() => {
  if (zone === undefined) delete process.env['TZ']
  else process.env['TZ'] = zone
})

describe('resolveRevisionAt', () => {
  it('finds the newest first-parent commit at or before a date', () => {
    const dir = initRepo(tempDir())
    const c1 = commit(dir, 'Jan 1', {'a.md': '1\n'}, {time: JAN1})
    git(dir, ['checkout', '-q', '-b', 'side'])
    const side = commit(dir, 'Side, Jan 2 noon UTC', {'s.md': 's\n'}, {time: JAN1 + DAY + 2 * 3600})
    git(dir, ['checkout', '-q', 'main'])
    const c2 = commit(dir, 'Jan 2', {'a.md': '2\n'}, {time: JAN1 + DAY})
    const c3 = commit(dir, 'Jan 3', {'a.md': '3\n'}, {time: JAN1 + 2 * DAY})
    git(dir, ['merge', '-q', '--no-ff', '-m', 'Merge side on Jan 4', 'side'], {time: JAN1 + 3 * DAY})
    const merge = git(dir, ['rev-parse', 'HEAD']).trim()
    const repo = GitRepository.open(dir)
    const cases: Array<[string, string]> = [
      ['2026-01-01', c1],
      ['2026-01-02', c2],
      ['2026-01-03', c3],
      ['2026-01-09', merge],
      // 10:59 in Berlin is 09:59 UTC: before the Jan 2 commit.
      ['2026-01-02T10:59', c1],
      ['2026-01-02T11:00', c2],
      ['2026-01-02 11:00:00', c2],
      ['2026-01-02T10:00:00Z', c2],
      ['2026-01-02T09:59:59+00:00', c1],
      // The side branch's commit is older than the merge but not on main's first-parent line.
      ['2026-01-02T14:00', c2],
      ['side@{2026-01-02}', side],
      ['main@{2026-01-01}', c1],
      ['@{2026-01-03}', c3],
      ['main~1', c3],
    ]
    for (const [spec, expected] of cases) expect(resolveRevisionAt(repo, spec), spec).toBe(expected)
  })

  it('says when there is no commit that early, and what is not a date', () => {
    const dir = initRepo(tempDir())
    commit(dir, 'Jan 1', {'a.md': '1\n'}, {time: JAN1})
    const repo = GitRepository.open(dir)
    expect(() => resolveRevisionAt(repo, '2025-12-31')).toThrow(NotFoundError)
    expect(() => resolveRevisionAt(repo, '2025-12-31')).toThrow(/no commit at or before .* oldest commit is from 2026-01-01/)
    expect(() => resolveRevisionAt(repo, 'main@{soon}')).toThrow(UsageError)
    expect(() => resolveRevisionAt(repo, '2026-13-01')).toThrow(/unknown revision "2026-13-01"/)
  })

  it('prefers a ref named like a date to the date', () => {
    const dir = initRepo(tempDir())
    const c1 = commit(dir, 'Jan 1', {'a.md': '1\n'}, {time: JAN1})
    commit(dir, 'Jan 2', {'a.md': '2\n'}, {time: JAN1 + DAY})
    git(dir, ['tag', '2026-01-05', c1])
    expect(resolveRevisionAt(GitRepository.open(dir), '2026-01-05')).toBe(c1)
  })

  it('reads dates as the local calendar says', () => {
    expect(parseRevisionDate('2026-01-02')?.toISOString()).toBe('2026-01-02T22:59:59.999Z')
    expect(parseRevisionDate('2026-02-30')).toBeUndefined()
    expect(parseRevisionDate('2026-01-02T08:00')?.toISOString()).toBe('2026-01-02T07:00:00.000Z')
    expect(parseRevisionDate('2026-01-02T08:00+0200')?.toISOString()).toBe('2026-01-02T06:00:00.000Z')
    expect(parseRevisionDate('HEAD~2')).toBeUndefined()
  })
})
