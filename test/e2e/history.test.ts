/**
 * `psp history`, the history section of `show` and the history fields in queries, through the
 * built CLI, on workspaces whose history is made by real commits: psp writes, git commits.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, git, json, makeWorkspace, psp} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, pspJson, type Rec} from './support.js'

interface HistoryJson {
  id: string | null
  title: string
  path: string
  exists: boolean
  committed: boolean
  total: number
  entries: Array<{
    commit: string | null
    author: {name: string; email: string} | null
    date: string | null
    subject: string | null
    change: string
    path: string
    from?: string
    fields: Array<Record<string, unknown>>
    body: {added: number; removed: number}
    patch?: string
  }>
}

function commitAll(ws: string, message: string): string {
  git(['add', '-A'], ws)
  git(['commit', '-qm', message], ws)
  return git(['rev-parse', 'HEAD'], ws).trim()
}

describe('psp history', () => {
  let ws: string
  let task: Rec
  const commits: string[] = []

  beforeAll(() => {
    ws = makeWorkspace({commit: true})
    task = add(ws, 'task', 'Write docs', ['--tag', 'backend', '--body', 'First line.\n'])
    commits.unshift(commitAll(ws, 'Add the docs task'))
    add(ws, 'task', 'Something else')
    commits.unshift(commitAll(ws, 'Add another task'))
    ok(psp(['task', 'edit', task.id, '--set', 'status=in-progress', '--add', 'tags=ui', '--remove', 'tags=backend'], {cwd: ws}))
    fs.appendFileSync(path.join(ws, task.path), 'Second line.\nThird line.\n')
    commits.unshift(commitAll(ws, 'Start the docs'))
    // `rm` archives: the file moves to data/archive/ — history follows it by id.
    ok(psp(['task', 'rm', task.id], {cwd: ws}))
    commits.unshift(commitAll(ws, 'Archive the docs task'))
  })
  afterAll(() => cleanup(ws))

  it('shows exactly the commits that touched the record, newest first, across the move', () => {
    const shown = pspJson<HistoryJson>(ws, ['history', task.id.slice(5, 10)])
    const archived = shown.path
    expect(archived.startsWith('data/archive/')).toBe(true)
    const follow = git(['log', '--follow', '--format=%H', '--', archived], ws).trim().split('\n')
    expect(shown.entries.map((e) => e.commit)).toEqual(follow)
    expect(shown.entries.map((e) => e.commit)).toEqual([commits[0], commits[1], commits[3]])
    expect(shown).toMatchObject({id: task.id, title: 'Write docs', exists: true, committed: true, total: 3})
    const [move, start, created] = shown.entries
    expect(move).toMatchObject({change: 'renamed', from: task.path, path: archived, fields: [], subject: 'Archive the docs task'})
    expect(start).toMatchObject({
      change: 'modified',
      author: {name: 'Test', email: 'test@example.com'},
      fields: [
        {field: 'status', before: 'todo', after: 'in-progress'},
        {field: 'tags', before: ['backend'], after: ['ui'], added: ['ui'], removed: ['backend']},
      ],
      body: {added: 2, removed: 0},
    })
    expect(start?.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/)
    expect(created).toMatchObject({change: 'added', path: task.path})
  })

  it('prints field diffs for people', () => {
    const {stdout} = ok(psp(['history', task.id], {cwd: ws}))
    const lines = stdout.split('\n')
    expect(lines[0]).toBe(`${task.id}  Write docs`)
    expect(lines).toContain(`    moved: ${task.path} → data/archive/${task.path.slice('data/'.length)}`)
    expect(lines).toContain('    status: todo → in-progress')
    expect(lines).toContain('    tags: +ui -backend')
    expect(lines).toContain('    body: +2 -0 lines')
    expect(lines).toContain('    created')
    expect(lines).toContain('    status: todo')
    const heads = lines.filter((l) => /^[0-9a-f]{7} {2}/.test(l))
    expect(heads.map((l) => l.slice(0, 7))).toEqual([commits[0], commits[1], commits[3]].map((c) => c?.slice(0, 7)))
    expect(heads[1]).toMatch(/^[0-9a-f]{7} {2}\d{4}-\d\d-\d\d \d\d:\d\d {2}Test {2}Start the docs$/)
  })

  it('adds unified diffs with --patch, and stops at --limit', () => {
    const patched = pspJson<HistoryJson>(ws, ['history', task.id, '--patch'])
    expect(patched.entries[1]?.patch).toContain('\n-status: todo\n')
    expect(patched.entries[1]?.patch).toContain('\n+status: in-progress\n')
    expect(patched.entries[1]?.patch).toContain('+Second line.\n')
    const human = ok(psp(['history', task.id, '--patch', '--limit', '2'], {cwd: ws})).stdout
    expect(human).toContain('@@ ')
    expect(human).toContain('… 3 commits in all (--limit)')
    expect(pspJson<HistoryJson>(ws, ['history', task.id, '--limit', '1']).entries).toHaveLength(1)
    expectError(psp(['history', task.id, '--limit', '0'], {cwd: ws}), 2, /--limit/)
  })

  it('shows an uncommitted change first, and says when a record was never committed', () => {
    const moved = pspJson<HistoryJson>(ws, ['history', task.id]).path
    fs.writeFileSync(path.join(ws, moved), fs.readFileSync(path.join(ws, moved), 'utf8').replace('status: in-progress', 'status: review'))
    const shown = pspJson<HistoryJson>(ws, ['history', task.id])
    expect(shown.entries[0]).toMatchObject({commit: null, author: null, date: null, change: 'modified', fields: [{field: 'status', before: 'in-progress', after: 'review'}]})
    expect(ok(psp(['history', task.id], {cwd: ws})).stdout).toContain('\n(working tree)  not committed yet\n    status: in-progress → review\n')
    git(['checkout', '--', moved], ws)
    const fresh = add(ws, 'task', 'Not committed')
    const result = ok(psp(['history', fresh.id], {cwd: ws}))
    expect(result.stderr).toBe(`${fresh.id} has no committed history yet: it exists only in the working tree.\n`)
    expect(result.stdout).toContain('(working tree)  not committed yet\n    created\n')
    fs.rmSync(path.join(ws, fresh.path))
  })

  it('show never builds the history index from nothing (seconds in a large repository); history and queries do', () => {
    fs.rmSync(path.join(ws, 'data', 'cache', 'history'), {recursive: true, force: true})
    expect(pspJson<Rec & {history: unknown}>(ws, ['task', 'show', task.id]).history).toBeNull()
    expect(fs.existsSync(path.join(ws, 'data', 'cache', 'history'))).toBe(false)
    ok(psp(['history', task.id], {cwd: ws}))
    expect(pspJson<Rec & {history: {changes: number}}>(ws, ['task', 'show', task.id]).history.changes).toBe(3)
  })

  it('shows a history section in show and answers history fields in queries', () => {
    const shown = pspJson<Rec & {history: Record<string, unknown>}>(ws, ['task', 'show', task.id])
    expect(shown.history).toMatchObject({created_by: 'Test', updated_by: 'Test', changes: 3, time_in: {'in-progress': expect.any(Number)}})
    expect(Object.keys(shown.history)).toEqual(['created', 'updated', 'created_by', 'updated_by', 'status_changed', 'changes', 'time_in'])
    const human = ok(psp(['task', 'show', task.id], {cwd: ws})).stdout
    expect(human).toMatch(/\nhistory:\n {2}created: \d{4}-\d\d-\d\d \d\d:\d\d by Test\n {2}updated: .* by Test\n {2}status changed: .*\n {2}changes: 3\n {2}time in status: todo \d+(\.\d+)? d, in-progress \d+(\.\d+)? d\n$/)
    const rows = pspJson<Array<Record<string, unknown>>>(ws, ['query', 'changes >= 1 and updated <= today', '--fields', 'id,changes,created_by', '--sort', 'changes:desc'])
    expect(rows).toHaveLength(1)
    expect(rows.map((r) => r['id'])).not.toContain(task.id)
    expect(rows.every((r) => r['created_by'] === 'Test')).toBe(true)
    const archived = pspJson<Array<Record<string, unknown>>>(ws, ['task', 'list', '--archived', '--where', 'changes >= 3', '--fields', 'id,changes'])
    expect(archived).toEqual([{id: task.id, changes: 3}])
    expectError(psp(['query', 'ready', '--sort', 'updatd'], {cwd: ws}), 2, /unknown field "updatd"/)
  })

  it('finds records by file path, and deleted ones in history', () => {
    const moved = pspJson<HistoryJson>(ws, ['history', task.id]).path
    expect(pspJson<HistoryJson>(ws, ['history', moved]).id).toBe(task.id)
    expect(pspJson<HistoryJson>(ws, ['history', `./${moved}`]).id).toBe(task.id)
    ok(psp(['task', 'rm', task.id, '--force'], {cwd: ws}))
    const deleted = commitAll(ws, 'Delete the docs task')
    const shown = pspJson<HistoryJson>(ws, ['history', task.id.slice(0, 9)])
    expect(shown).toMatchObject({id: task.id, exists: false, title: 'Write docs'})
    expect(shown.entries[0]).toMatchObject({commit: deleted, change: 'deleted'})
    git(['revert', '--no-edit', 'HEAD'], ws)
  })

  it('fails with one line for an unknown id', () => {
    expectError(psp(['history', 'zzzzzz'], {cwd: ws}), 4, /no record matches "zzzzzz"/)
    expectJsonError(psp(['history', 'zzzzzz', '--json'], {cwd: ws}), 4, 'NOT_FOUND')
    expectError(psp(['history'], {cwd: ws}), 2, /Missing 1 required arg/)
  })

})

describe('without git', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
    fs.rmSync(path.join(ws, '.git'), {recursive: true, force: true})
  })
  afterAll(() => cleanup(ws))

  it('history fields are missing, and psp history says why', () => {
    const task = add(ws, 'task', 'No git here')
    expect(pspJson<Rec & {history: unknown}>(ws, ['task', 'show', task.id]).history).toBeNull()
    expect(ok(psp(['task', 'show', task.id], {cwd: ws})).stdout).not.toContain('history:')
    expect(pspJson<unknown[]>(ws, ['query', 'has updated or changes > 0'])).toEqual([])
    expect(json<unknown[]>(ok(psp(['task', 'list', '--sort', 'updated', '--json'], {cwd: ws})))).toHaveLength(1)
    expectError(psp(['history', task.id], {cwd: ws}), 4, /is not in a git repository/)
  })
})

describe('repositories git wrote in formats isomorphic-git cannot read', () => {
  it('are still readable by psp history (its reader does not use the index)', () => {
    const ws = makeWorkspace({commit: true})
    try {
      git(['update-index', '--index-version', '4'], ws)
      const task = add(ws, 'task', 'Indexed')
      commitAll(ws, 'Add')
      expect(pspJson<HistoryJson>(ws, ['history', task.id]).total).toBe(1)
    } finally {
      cleanup(ws)
    }
  })
})
