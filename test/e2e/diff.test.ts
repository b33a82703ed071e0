/**
 * `psp diff <from> [<to>]`: records added, removed and changed between two revisions, or a
 * revision and the working tree, field by field — with real commits made by the git CLI.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {git, psp, snapshotFiles} from '../helpers/cli.js'
import {add, expectError, ok, pspJson, useWorkspaces} from './support.js'

const workspace = useWorkspaces()

interface Diff {
  from: {revision: string | null; commit: string | null}
  to: {revision: string | null; commit: string | null}
  summary: {added: number; removed: number; changed: number}
  records: Array<{change: string; id: string; title: string; path: string; from?: string; archived?: boolean; fields: Array<{field: string; before?: unknown; after?: unknown; added?: unknown[]; removed?: unknown[]}>; body: {added: number; removed: number}}>
}

let ws: string
const ids: Record<string, string> = {}

function commit(message: string): void {
  git(['add', '-A'], ws)
  git(['commit', '-q', '-m', message], ws)
}

beforeAll(() => {
  ws = workspace()
  ids['plan'] = add(ws, 'task', 'Write the plan', ['--tag', 'docs', '--tag', 'backend']).id
  ids['ship'] = add(ws, 'task', 'Ship it').id
  ids['old'] = add(ws, 'task', 'Old idea').id
  ids['gone'] = add(ws, 'task', 'Dropped').id
  ids['note'] = add(ws, 'milestone', 'Beta').id
  commit('sprint start')
  git(['tag', 'sprint-12'], ws)
  ok(psp(['task', 'edit', ids['plan'] as string, '--set', 'status=in-progress', '--add', 'tags=ui', '--remove', 'tags=backend'], {cwd: ws}))
  const ship = path.join(ws, pspJson<{path: string}>(ws, ['task', 'show', ids['ship'] as string]).path)
  fs.appendFileSync(ship, '\nA new paragraph.\n')
  ok(psp(['task', 'rm', ids['old'] as string], {cwd: ws}))
  ok(psp(['task', 'rm', ids['gone'] as string, '--force'], {cwd: ws}))
  ids['new'] = add(ws, 'task', 'Celebrate').id
  commit('sprint end')
})

describe('psp diff', () => {
  it('lists what changed since a tag, field by field, against the working tree', () => {
    const milestone = path.join(ws, pspJson<{path: string}>(ws, ['milestone', 'show', ids['note'] as string]).path)
    const committed = fs.readFileSync(milestone, 'utf8')
    fs.appendFileSync(milestone, 'Uncommitted line.\n')
    const before = snapshotFiles(ws)
    const diff = pspJson<Diff>(ws, ['diff', 'sprint-12'])
    expect(snapshotFiles(ws)).toEqual(before)
    expect(diff.from).toEqual({revision: 'sprint-12', commit: git(['rev-parse', 'sprint-12'], ws).trim()})
    expect(diff.to).toEqual({revision: null, commit: null})
    expect(diff.summary).toEqual({added: 1, removed: 1, changed: 4})
    const by = Object.fromEntries(diff.records.map((r) => [r.id, r]))
    expect(by[ids['new'] as string]?.change).toBe('added')
    expect(by[ids['gone'] as string]?.change).toBe('removed')
    expect(by[ids['plan'] as string]?.fields).toEqual([
      {field: 'status', before: 'todo', after: 'in-progress'},
      {field: 'tags', before: ['docs', 'backend'], after: ['docs', 'ui'], added: ['ui'], removed: ['backend']},
    ])
    expect(by[ids['ship'] as string]).toMatchObject({change: 'changed', fields: [], body: {added: 2, removed: 0}})
    expect(by[ids['old'] as string]).toMatchObject({change: 'changed', archived: true, from: expect.stringMatching(/^data\/tasks\//), path: expect.stringMatching(/^data\/archive\//)})
    expect(by[ids['note'] as string]).toMatchObject({change: 'changed', body: {added: 1, removed: 0}})
    fs.writeFileSync(milestone, committed)
  })

  it('compares two revisions, and reads them the other way round too', () => {
    const forward = pspJson<Diff>(ws, ['diff', 'sprint-12', 'HEAD'])
    const backward = pspJson<Diff>(ws, ['diff', 'HEAD', 'sprint-12'])
    expect(forward.summary).toEqual({added: 1, removed: 1, changed: 3})
    expect(backward.summary).toEqual({added: 1, removed: 1, changed: 3})
    expect(backward.records.find((r) => r.change === 'added')?.id).toBe(ids['gone'])
    expect(pspJson<Diff>(ws, ['diff', 'HEAD', 'HEAD']).records).toEqual([])
  })

  it('prints text with a summary on stderr, and Markdown', () => {
    const text = ok(psp(['diff', 'sprint-12', 'HEAD', '--type', 'task'], {cwd: ws}))
    expect(text.stderr).toMatch(/^From sprint-12 \([0-9a-f]{7}\) to HEAD \([0-9a-f]{7}\): 1 added, 1 removed, 3 changed\n$/)
    expect(text.stdout).toContain(`changed  ${ids['plan']}  Write the plan\n`)
    expect(text.stdout).toMatch(/status: todo → in-progress\n/)
    expect(text.stdout).toMatch(/tags: \+ui -backend\n/)
    expect(text.stdout).toMatch(/archived: data\/tasks\/.* → data\/archive\/tasks\//)
    const md = ok(psp(['diff', 'sprint-12', 'HEAD', '--format', 'md'], {cwd: ws})).stdout
    expect(md).toMatch(/^# Changes from `sprint-12` to `HEAD`\n\n## Added \(1\)\n\n- `task-/)
    expect(md).toContain('  - status: todo → in-progress')
  })

  it('names an unreadable document in a warning and still compares the rest', () => {
    const bad = path.join(ws, 'data', 'tasks', 'broken.md')
    fs.writeFileSync(bad, '---\nid: task-broken\ntitle: [x\n---\n')
    try {
      const result = ok(psp(['diff', 'HEAD', '--json'], {cwd: ws}))
      expect(result.stderr).toMatch(/^Warning: 1 document could not be read \(run psp validate\): data\/tasks\/broken\.md$/m)
      expect(JSON.parse(result.stdout).records).toEqual([])
    } finally {
      fs.rmSync(bad)
    }
  })

  it('filters by type', () => {
    const notes = pspJson<Diff>(ws, ['diff', 'sprint-12', 'HEAD', '--type', 'milestone'])
    expect(notes.records).toEqual([])
  })

  it('refuses unknown revisions and types, bad flags, and works only in a git repository', () => {
    const before = snapshotFiles(ws)
    expectError(psp(['diff', 'no-such-tag'], {cwd: ws}), 4, /no-such-tag/)
    expectError(psp(['diff', '../../etc/passwd'], {cwd: ws}), 4)
    expectError(psp(['diff', 'HEAD', '--type', 'nope'], {cwd: ws}), 4, /unknown document type/)
    expectError(psp(['diff', 'HEAD', '--format', 'xml'], {cwd: ws}), 2)
    expectError(psp(['diff'], {cwd: ws}), 2)
    expect(snapshotFiles(ws)).toEqual(before)
    const plain = workspace()
    fs.rmSync(path.join(plain, '.git'), {recursive: true, force: true})
    expectError(psp(['diff', 'HEAD'], {cwd: plain}), 4, /not a git repository/)
  })
})
