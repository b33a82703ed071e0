/**
 * One record's history as `psp history` gets it: found by prefix, path or (when deleted) in
 * history alone; the uncommitted change first; diffs on request; and what happens without git.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {AmbiguousIdError, NotAGitRepositoryError, NotFoundError, recordHistory, recordHistoryFields, Workspace, HistoryIndex} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {git} from '../git/_git.js'
import {commitDocs, historyWorkspace, HOUR, T0, task} from './_history.js'

const tempDir = useTempDirs()
const A = 'task-aaaa000001'
const A2 = 'task-aaab000003'
const B = 'task-bbbb000002'

function setup() {
  const ws = historyWorkspace(tempDir())
  const file = `data/tasks/${A}-a.md`
  const c1 = commitDocs(ws.repo, '', 'Add A', {[file]: task(A, {}, 'Intro.\n')}, {time: T0})
  const c2 = commitDocs(ws.repo, '', 'Start A', {[file]: task(A, {status: 'in-progress'}, 'Intro.\nMore.\n')}, {time: T0 + HOUR})
  commitDocs(ws.repo, '', 'Add B and A2', {[`data/tasks/${B}.md`]: task(B), [`data/tasks/${A2}.md`]: task(A2)}, {time: T0 + 2 * HOUR})
  return {...ws, file, c1, c2}
}

describe('recordHistory', () => {
  it('finds a record by id, unique prefix or path, newest first, with nothing uncommitted', () => {
    const {open, file, c1, c2} = setup()
    for (const query of [A, 'aaaa', 'TASK-AAAA0', file]) {
      const history = recordHistory(open(), query)
      expect(history, query).toMatchObject({id: A, title: `Task ${A}`, path: file, exists: true, committed: true, total: 2})
      expect(history.entries.map((e) => e.commit), query).toEqual([c2, c1])
    }
    expect(() => recordHistory(open(), 'aaa')).toThrow(AmbiguousIdError)
    expect(() => recordHistory(open(), 'zzzz')).toThrow(NotFoundError)
    expect(() => recordHistory(open(), A, {limit: 0})).toThrow(/--limit/)
    expect(recordHistory(open(), A, {limit: 1}).entries.map((e) => e.commit)).toEqual([c2])
  })

  it('puts the uncommitted change first', () => {
    const {root, open, file} = setup()
    fs.writeFileSync(path.join(root, file), task(A, {status: 'review', tags: ['ui']}, 'Intro.\nMore.\nEven more.\n'))
    const [first] = recordHistory(open(), A).entries
    expect(first).toMatchObject({
      commit: null,
      author: null,
      change: 'modified',
      fields: [
        {field: 'status', before: 'in-progress', after: 'review'},
        {field: 'tags', after: ['ui']},
      ],
      body: {added: 1, removed: 0},
    })
    // Moved (not committed): the change is a rename.
    fs.mkdirSync(path.join(root, 'data/archive/tasks'), {recursive: true})
    fs.renameSync(path.join(root, file), path.join(root, 'data/archive/tasks/a.md'))
    expect(recordHistory(open(), A).entries[0]).toMatchObject({commit: null, change: 'renamed', from: file, path: 'data/archive/tasks/a.md'})
    // Deleted (not committed): found in history, the deletion first.
    fs.rmSync(path.join(root, 'data/archive/tasks/a.md'))
    const gone = recordHistory(open(), A)
    expect(gone).toMatchObject({exists: false, committed: true, path: file})
    expect(gone.entries[0]).toMatchObject({commit: null, change: 'deleted'})
  })

  it('says when a record is not committed yet', () => {
    const {root, open} = setup()
    fs.writeFileSync(path.join(root, 'data/tasks/task-cccc000004.md'), task('task-cccc000004'))
    const history = recordHistory(open(), 'cccc')
    expect(history).toMatchObject({id: 'task-cccc000004', exists: true, committed: false, total: 0})
    expect(history.entries.map((e) => [e.commit, e.change])).toEqual([[null, 'added']])
  })

  it('finds a deleted record in history', () => {
    const {repo, open, file, c1, c2} = setup()
    const c3 = commitDocs(repo, '', 'Drop A', {[file]: null}, {time: T0 + 3 * HOUR})
    const history = recordHistory(open(), 'aaaa0')
    expect(history).toMatchObject({id: A, exists: false, title: `Task ${A}`, path: file})
    expect(history.entries.map((e) => [e.commit, e.change])).toEqual([
      [c3, 'deleted'],
      [c2, 'modified'],
      [c1, 'added'],
    ])
  })

  it('adds unified diffs of the whole file with --patch', () => {
    const {root, open, file} = setup()
    fs.writeFileSync(path.join(root, file), task(A, {status: 'done'}, 'Intro.\nMore.\n'))
    const history = recordHistory(open(), A, {patch: true})
    const [work, start, add] = history.entries
    expect(work?.patch).toBe(`--- a/${file}\n+++ b/${file}\n@@ -2,7 +2,7 @@\n id: ${A}\n type: task\n title: Task ${A}\n-status: in-progress\n+status: done\n ---\n \n Intro.\n`)
    expect(start?.patch).toContain('-status: todo\n+status: in-progress\n')
    expect(start?.patch).toContain('+More.\n')
    expect(add?.patch?.startsWith(`--- /dev/null\n+++ b/${file}\n@@ -0,0 +1,8 @@\n+---\n`)).toBe(true)
  })

  it('gives the derived fields of one record', () => {
    const {open} = setup()
    const fields = recordHistoryFields(open(), A, new Date((T0 + 2 * HOUR) * 1000))
    expect(fields).toMatchObject({created_by: 'Ana Lima', changes: 2, time_in: {todo: 0.04, 'in-progress': 0.04}})
    expect(recordHistoryFields(open(), 'task-nothing00')).toBeNull()
  })

  it('has nothing to say outside a git repository', () => {
    const root = tempDir()
    fs.mkdirSync(path.join(root, 'config'))
    fs.writeFileSync(path.join(root, 'config/settings.yaml'), 'schemaVersion: 1\nname: plain\n')
    fs.mkdirSync(path.join(root, 'data/tasks'), {recursive: true})
    fs.writeFileSync(path.join(root, `data/tasks/${A}.md`), task(A))
    const ws = Workspace.open(root)
    // The temporary folder may itself sit inside a repository: only a real "none" counts here.
    if (insideRepository(root)) return
    expect(HistoryIndex.open(ws)).toBeUndefined()
    expect(recordHistoryFields(ws, A)).toBeNull()
    expect(() => recordHistory(ws, A)).toThrow(NotAGitRepositoryError)
  })

  it('reads a history of merges and renames made by git itself', () => {
    const {repo, open, file, c2} = setup()
    git(repo, ['mv', file, 'data/tasks/moved.md'])
    const c3 = commitDocs(repo, '', 'Move A', {}, {time: T0 + 3 * HOUR})
    const history = recordHistory(open(), A)
    expect(history.entries.map((e) => e.commit).slice(0, 2)).toEqual([c3, c2])
    expect(history.path).toBe('data/tasks/moved.md')
  })
})

function insideRepository(dir: string): boolean {
  let current = dir
  for (;;) {
    if (fs.existsSync(path.join(current, '.git'))) return true
    const parent = path.dirname(current)
    if (parent === current) return false
    current = parent
  }
}
