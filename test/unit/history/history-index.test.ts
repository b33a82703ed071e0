/**
 * The history index on repositories built by real commits: exactly the commits that touched a
 * record, with correct field diffs, across renames and moves, through malformed versions and
 * merges; extended incrementally and rebuilt when history is rewritten.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {HISTORY_CACHE_DIR, HistoryIndex, historyFields, recordHistory, type HistoryEntry} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {git, show} from '../git/_git.js'
import {commitDocs, DAY, historyWorkspace, HOUR, T0, task} from './_history.js'

const tempDir = useTempDirs()

const A = 'task-aaaa000001'
const B = 'task-bbbb000002'

/** Commits of a record as `git log --follow` lists them (newest first). */
function gitFollow(repo: string, file: string): string[] {
  return git(repo, ['log', '--follow', '--format=%H', '--', file]).trim().split('\n').filter(Boolean)
}

function commits(entries: readonly HistoryEntry[]): string[] {
  return entries.map((e) => e.commit)
}

describe('the history index', () => {
  it('records exactly the commits that changed a record, with field and body changes, across moves', () => {
    const {repo, open} = historyWorkspace(tempDir())
    const c1 = commitDocs(repo, '', 'Add A', {[`data/tasks/${A}-a.md`]: task(A, {tags: ['backend']}, 'Line 1\n')}, {time: T0})
    const c2 = commitDocs(repo, '', 'Start A', {[`data/tasks/${A}-a.md`]: task(A, {status: 'in-progress', tags: ['ui']}, 'Line 1\nLine 2\nLine 3\n')}, {time: T0 + HOUR, name: 'Bo Chen', email: 'bo@example.com'})
    commitDocs(repo, '', 'Add B', {[`data/tasks/${B}-b.md`]: task(B)}, {time: T0 + 2 * HOUR})
    // Moved into the archive and finished in one commit, then renamed without a change.
    fs.mkdirSync(path.join(repo, 'data/archive/tasks'), {recursive: true})
    git(repo, ['mv', `data/tasks/${A}-a.md`, `data/archive/tasks/${A}-a.md`])
    const c4 = commitDocs(repo, '', 'Finish and archive A', {[`data/archive/tasks/${A}-a.md`]: task(A, {status: 'done', tags: ['ui']}, 'Line 1\nLine 2\nLine 3\n')}, {time: T0 + 3 * HOUR})
    git(repo, ['mv', `data/archive/tasks/${A}-a.md`, 'data/archive/tasks/renamed.md'])
    const c5 = commitDocs(repo, '', 'Rename A', {}, {time: T0 + 4 * HOUR})
    const index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.stats.mode).toBe('rebuilt')
    const entries = index.entries(A)
    expect(commits(entries)).toEqual([c5, c4, c2, c1])
    expect(commits(entries)).toEqual(gitFollow(repo, 'data/archive/tasks/renamed.md'))
    const [rename, archive, start, add] = entries as [HistoryEntry, HistoryEntry, HistoryEntry, HistoryEntry]
    expect(rename).toMatchObject({change: 'renamed', from: `data/archive/tasks/${A}-a.md`, path: 'data/archive/tasks/renamed.md', fields: [], body: {added: 0, removed: 0}})
    expect(archive).toMatchObject({change: 'renamed', from: `data/tasks/${A}-a.md`, path: `data/archive/tasks/${A}-a.md`, fields: [{field: 'status', before: 'in-progress', after: 'done'}]})
    expect(start).toMatchObject({
      change: 'modified',
      subject: 'Start A',
      author: {name: 'Bo Chen', email: 'bo@example.com', time: T0 + HOUR, tz: 0},
      fields: [
        {field: 'status', before: 'todo', after: 'in-progress'},
        {field: 'tags', before: ['backend'], after: ['ui'], added: ['ui'], removed: ['backend']},
      ],
      body: {added: 2, removed: 0},
    })
    expect(add.change).toBe('added')
    expect(add.fields.map((f) => [f.field, f.after])).toEqual([
      ['id', A],
      ['type', 'task'],
      ['title', `Task ${A}`],
      ['status', 'todo'],
      ['tags', ['backend']],
    ])
    expect(commits(index.entries(B))).toHaveLength(1)
  })

  it('keeps walking through malformed versions and files their changes under the id', () => {
    const {repo, open} = historyWorkspace(tempDir())
    const file = `data/tasks/${A}.md`
    const c1 = commitDocs(repo, '', 'Add', {[file]: task(A)}, {time: T0})
    const broken = `---\nid: ${A}\ntype: task\nstatus: [unclosed\n---\n`
    const c2 = commitDocs(repo, '', 'Break', {[file]: broken}, {time: T0 + HOUR})
    const c3 = commitDocs(repo, '', 'Still broken', {[file]: `${broken}More\n`}, {time: T0 + 2 * HOUR})
    const c4 = commitDocs(repo, '', 'Fix', {[file]: task(A, {status: 'review'})}, {time: T0 + 3 * HOUR})
    const c5 = commitDocs(repo, '', 'Add a broken one', {'data/tasks/bad.md': 'no frontmatter here\n'}, {time: T0 + 4 * HOUR})
    const index = HistoryIndex.open(open()) as HistoryIndex
    expect(commits(index.entries(A))).toEqual([c4, c3, c2, c1])
    expect(index.entries(A).map((e) => e.unparseable ?? null)).toEqual(['before', 'both', 'after', null])
    // Whole-file lines: the title and status lines went, the broken status line came.
    expect(index.entries(A)[2]).toMatchObject({fields: [], body: {added: 1, removed: 2}})
    expect(commits(index.entries('path:data/tasks/bad.md'))).toEqual([c5])
    expect(recordHistory(open(), 'data/tasks/bad.md')).toMatchObject({id: null, committed: true, total: 1})
  })

  it('shows changes made on a merged branch, and a merge that resolved something', () => {
    const {repo, open} = historyWorkspace(tempDir())
    const file = `data/tasks/${A}.md`
    const filler = Array.from({length: 12}, (_, i) => `Paragraph ${i}.`).join('\n\n')
    const c1 = commitDocs(repo, '', 'Add', {[file]: task(A, {}, `${filler}\n`)}, {time: T0})
    git(repo, ['checkout', '-q', '-b', 'side'])
    const side = commitDocs(repo, '', 'Side: add a line', {[file]: task(A, {}, `${filler}\n\nFrom the side.\n`)}, {time: T0 + HOUR})
    git(repo, ['checkout', '-q', 'main'])
    const main = commitDocs(repo, '', 'Main: start it', {[file]: task(A, {status: 'in-progress'}, `${filler}\n`)}, {time: T0 + 2 * HOUR})
    git(repo, ['merge', '-q', '--no-ff', '-m', 'Merge side', 'side'], {time: T0 + 3 * HOUR})
    const merge = git(repo, ['rev-parse', 'HEAD']).trim()
    // A merge that took one side as it was records nothing of its own.
    git(repo, ['checkout', '-q', '-b', 'other', c1])
    commitDocs(repo, '', 'Other: unrelated', {[`data/tasks/${B}.md`]: task(B)}, {time: T0 + 4 * HOUR})
    git(repo, ['checkout', '-q', 'main'])
    git(repo, ['merge', '-q', '--no-ff', '-m', 'Merge other', 'other'], {time: T0 + 5 * HOUR})
    const index = HistoryIndex.open(open()) as HistoryIndex
    const entries = index.entries(A)
    expect(commits(entries)).toEqual([merge, main, side, c1])
    expect(entries[0]).toMatchObject({merge: true, fields: [], body: {added: 2, removed: 0}})
    expect(entries[2]).toMatchObject({subject: 'Side: add a line', body: {added: 2, removed: 0}})
    expect(commits(entries)).toEqual(git(repo, ['log', '--format=%H', '--', file]).trim().split('\n'))
    expect(commits(index.entries(B))).toHaveLength(1)
  })

  it('is extended from the last indexed commit, and rebuilt when history was rewritten', () => {
    const {repo, open} = historyWorkspace(tempDir())
    const file = `data/tasks/${A}.md`
    const c1 = commitDocs(repo, '', 'Add', {[file]: task(A)}, {time: T0})
    expect(HistoryIndex.open(open())?.stats.mode).toBe('rebuilt')
    expect(HistoryIndex.open(open())?.stats.mode).toBe('current')
    const c2 = commitDocs(repo, '', 'Start', {[file]: task(A, {status: 'in-progress'})}, {time: T0 + HOUR})
    const c3 = commitDocs(repo, '', 'Add B', {[`data/tasks/${B}.md`]: task(B)}, {time: T0 + 2 * HOUR})
    let index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.stats).toMatchObject({mode: 'incremental', commits: 2, records: 2})
    expect(commits(index.entries(A))).toEqual([c2, c1])
    expect(commits(index.entries(B))).toEqual([c3])
    expect(index.summaries().get(A)?.changes).toBe(2)
    // An amend replaces the last commit: the old head is gone, so the index is rebuilt.
    git(repo, ['commit', '-q', '--amend', '-m', 'Add B (amended)'], {time: T0 + 2 * HOUR})
    index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.stats.mode).toBe('rebuilt')
    expect(index.entries(B)[0]?.subject).toBe('Add B (amended)')
    git(repo, ['reset', '-q', '--hard', c1])
    index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.stats.mode).toBe('rebuilt')
    expect(commits(index.entries(A))).toEqual([c1])
    expect(index.entries(B)).toEqual([])
    // Without an index, `if-built` does not walk history.
    fs.rmSync(path.join(repo, HISTORY_CACHE_DIR), {recursive: true})
    expect(HistoryIndex.open(open(), {build: 'if-built'})).toBeUndefined()
    expect(HistoryIndex.open(open())?.stats.mode).toBe('rebuilt')
  })

  it('stores what the head has at each record\'s path, as git reads it, through merges that kept an older side, moves and rewrites', () => {
    const {repo, root, open} = historyWorkspace(tempDir(), 'plans')
    const C = 'task-cccc000003'
    const doc = (id: string) => `data/tasks/${id}.md`
    /** Every record's stored head, from the shards on disk (what a later run reads). */
    const storedHeads = () => {
      const dir = path.join(root, HISTORY_CACHE_DIR)
      const heads: Record<string, {path: string; oid: string}> = {}
      for (const name of fs.readdirSync(dir).filter((n) => /^records-..\.json$/.test(n))) {
        Object.assign(heads, (JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as {heads: typeof heads}).heads)
      }
      return heads
    }
    /** The index against git: a record whose file is at the head has its blob stored, by the path of its newest change. */
    const check = (mode: string) => {
      const index = HistoryIndex.open(open()) as HistoryIndex
      expect(index.stats.mode).toBe(mode)
      const heads = storedHeads()
      const files = new Map(
        git(repo, ['ls-tree', '-r', 'HEAD', '--', 'plans/data'])
          .trim()
          .split('\n')
          .map((line) => line.split(/\s+/))
          .map(([, , oid, file]) => [(file as string).slice('plans/'.length), oid as string]),
      )
      for (const key of [A, B, C]) {
        const latest = index.entries(key)[0] as HistoryEntry
        const atHead = latest.change === 'deleted' ? undefined : files.get(latest.path)
        expect(heads[key], `${key} after ${mode}`).toEqual(atHead === undefined ? undefined : {path: latest.path, oid: atHead})
        // With a clean working tree, no record has an uncommitted change.
        if (atHead !== undefined) expect(recordHistory(open(), key).entries[0]?.commit, key).not.toBeNull()
      }
    }
    const c1 = commitDocs(repo, 'plans', 'Add', {[doc(A)]: task(A), [doc(B)]: task(B), [doc(C)]: task(C)}, {time: T0})
    check('rebuilt')
    git(repo, ['checkout', '-q', '-b', 'side'])
    commitDocs(repo, 'plans', 'Side: retitle A', {[doc(A)]: task(A, {title: 'From the side'})}, {time: T0 + HOUR})
    git(repo, ['checkout', '-q', 'main'])
    commitDocs(repo, 'plans', 'Main: start A, drop C', {[doc(A)]: task(A, {status: 'in-progress'}), [doc(C)]: null}, {time: T0 + 2 * HOUR})
    git(repo, ['mv', `plans/${doc(B)}`, `plans/data/tasks/${B}-moved.md`])
    commitDocs(repo, 'plans', 'Move B', {}, {time: T0 + 2 * HOUR + 60})
    check('incremental')
    // The merge keeps the side's A: the newest change to A (main's) is not what the head has.
    const merging = spawnSync('git', ['merge', '-q', 'side'], {cwd: repo, encoding: 'utf8'})
    expect(merging.status).not.toBe(0)
    git(repo, ['checkout', '--theirs', '--', `plans/${doc(A)}`])
    git(repo, ['add', '-A'])
    git(repo, ['commit', '-q', '--no-edit'], {time: T0 + 3 * HOUR})
    expect(show(repo, `HEAD:plans/${doc(A)}`).toString()).toContain('From the side')
    const index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.entries(A)[0]).toMatchObject({subject: 'Main: start A, drop C'})
    check('current')
    commitDocs(repo, 'plans', 'Finish B', {[`data/tasks/${B}-moved.md`]: task(B, {status: 'done'})}, {time: T0 + 4 * HOUR})
    check('incremental')
    git(repo, ['commit', '-q', '--amend', '-m', 'Finish B (amended)'], {time: T0 + 4 * HOUR})
    check('rebuilt')
    git(repo, ['reset', '-q', '--hard', c1])
    check('rebuilt')
  })

  it('answers from memory when its cache cannot be written', () => {
    const {repo, root, open} = historyWorkspace(tempDir())
    const c1 = commitDocs(repo, '', 'Add', {[`data/tasks/${A}.md`]: task(A)}, {time: T0})
    // A file where the cache folder should be: nothing can be written under it.
    fs.mkdirSync(path.join(root, 'data/cache'), {recursive: true})
    fs.writeFileSync(path.join(root, HISTORY_CACHE_DIR), 'not a folder')
    const index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.stats.mode).toBe('rebuilt')
    expect(commits(index.entries(A))).toEqual([c1])
    expect(index.summaries().get(A)?.changes).toBe(1)
    expect(recordHistory(open(), A).total).toBe(1)
  })

  it('works for a workspace in a folder of the repository', () => {
    const {repo, open} = historyWorkspace(tempDir(), 'team/plans')
    const c1 = commitDocs(repo, 'team/plans', 'Add', {[`data/tasks/${A}.md`]: task(A)}, {time: T0})
    commitDocs(repo, '', 'Outside the workspace', {[`data/tasks/${B}.md`]: task(B)}, {time: T0 + HOUR})
    const index = HistoryIndex.open(open()) as HistoryIndex
    expect(index.prefix).toBe('team/plans/')
    expect(index.entries(A).map((e) => [e.commit, e.path])).toEqual([[c1, `data/tasks/${A}.md`]])
    expect(index.entries(B)).toEqual([])
  })

  it('sums up what the derived fields need', () => {
    const {repo, open} = historyWorkspace(tempDir())
    const file = `data/tasks/${A}.md`
    commitDocs(repo, '', 'Add', {[file]: task(A)}, {time: T0, name: 'Ana Lima'})
    commitDocs(repo, '', 'Start', {[file]: task(A, {status: 'in-progress'})}, {time: T0 + 2 * DAY, name: 'Bo Chen'})
    commitDocs(repo, '', 'Retitle', {[file]: task(A, {status: 'in-progress', title: 'New title'})}, {time: T0 + 3 * DAY, name: 'Cai Ortiz'})
    const index = HistoryIndex.open(open()) as HistoryIndex
    const summary = index.summary(A)
    expect(summary).toMatchObject({id: A, changes: 3, deleted: false, created: {time: T0, author: 'Ana Lima'}, updated: {time: T0 + 3 * DAY, author: 'Cai Ortiz'}, statusChanged: {time: T0 + 2 * DAY, author: 'Bo Chen'}})
    expect(index.summaries().get(A)).toEqual(summary)
    const fields = historyFields(summary as NonNullable<typeof summary>, new Date((T0 + 4 * DAY + DAY / 2) * 1000))
    expect(fields).toMatchObject({created_by: 'Ana Lima', updated_by: 'Cai Ortiz', changes: 3, time_in: {todo: 2, 'in-progress': 2.5}})
    expect(Date.parse(fields.created)).toBe(T0 * 1000)
    // As of a past moment (for --at): only the commits up to it.
    expect(index.summaryAsOf(A, T0 + 2 * DAY)).toMatchObject({changes: 2, updated: {author: 'Bo Chen'}})
    expect(index.summariesAsOf(T0 + DAY).get(A)).toMatchObject({changes: 1, statuses: [[T0, 'todo']]})
    expect(index.summaryAsOf(A, T0 - 1)).toBeUndefined()
    expect(Date.parse(fields.status_changed as string)).toBe((T0 + 2 * DAY) * 1000)
  })
})
