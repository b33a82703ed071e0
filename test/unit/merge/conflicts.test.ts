/**
 * A workspace's open conflicts: found in merge_conflicts entries, body marker blocks and files a
 * text merge left unreadable; reported by validate as problems (file, line, field); settled one
 * at a time by resolveFileConflict, checked like an edit, with every other byte kept.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  AmbiguousIdError,
  findConflicts,
  InvalidDocumentError,
  mergeRecordText,
  NotFoundError,
  parseTake,
  resolveFileConflict,
  UnsafeInputError,
  UsageError,
  validateWorkspace,
  Workspace,
} from '@psp/core'
import {doc, readFile, rejected, snapshotFiles, useWorkspaces, writeFile} from '../_helpers.js'

const workspace = useWorkspaces()

const TASK = 'data/tasks/task-aaaaaa1111.md'
const OTHER = 'data/tasks/task-bbbbbb2222.md'
const base = doc(['id: task-aaaaaa1111', 'type: task', 'title: Ship it', 'status: todo', 'priority: low'], '\nFirst line.\n')

/** A workspace holding the merge of `ours` and `theirs` (from `base`) as the task's file. */
async function merged(ours: string, theirs: string): Promise<{root: string; ws: Workspace; text: string}> {
  const root = await workspace()
  const text = mergeRecordText({base, ours, theirs}).text
  writeFile(root, TASK, text)
  writeFile(root, OTHER, doc(['id: task-bbbbbb2222', 'type: task', 'title: Other', 'status: todo']))
  return {root, ws: Workspace.open(root), text}
}

const twoConflicts = () =>
  merged(base.replace('status: todo', 'status: review').replace('priority: low', 'priority: high').replace('First line.', 'Ours.'), base.replace('status: todo', 'status: done').replace('priority: low', 'priority: medium').replace('First line.', 'Theirs.'))

describe('findConflicts', () => {
  it('lists field conflicts at their fields’ lines and body blocks at theirs', async () => {
    const {ws} = await twoConflicts()
    const report = findConflicts(ws)
    expect(report.count).toBe(3)
    expect(report.unmerged).toEqual([])
    expect(report.files).toEqual([
      {
        path: TASK,
        id: 'task-aaaaaa1111',
        type: 'task',
        title: 'Ship it',
        conflicts: [
          {kind: 'field', field: 'status', line: 5, base: 'todo', ours: 'review', theirs: 'done'},
          {kind: 'field', field: 'priority', line: 6, base: 'low', ours: 'high', theirs: 'medium'},
          {kind: 'body', line: 18, endLine: 24, base: ['First line.'], ours: ['Ours.'], theirs: ['Theirs.']},
        ],
      },
    ])
  })

  it('finds markers in a file a text merge left unreadable', async () => {
    const root = await workspace()
    const text = '---\nid: task-aaaaaa1111\ntype: task\ntitle: T\n<<<<<<< ours\nstatus: a\n=======\nstatus: b\n>>>>>>> theirs\n---\n'
    writeFile(root, TASK, text)
    const report = findConflicts(Workspace.open(root))
    expect(report.files).toEqual([{path: TASK, conflicts: [{kind: 'text', line: 5, endLine: 9, base: [], ours: ['status: a'], theirs: ['status: b']}]}])
  })
})

describe('validate reports open conflicts', () => {
  it('one problem per conflict, with file, line and field, and the command that settles it', async () => {
    const {ws} = await twoConflicts()
    const problems = validateWorkspace(ws).problems.filter((p) => p.code === 'MERGE_CONFLICT')
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [5, 'status'],
      [6, 'priority'],
      [18, 'body'],
    ])
    expect(problems[0]?.message).toBe('merge conflict: ours "review", theirs "done" (base "todo"); settle it with psp resolve task-aaaaaa1111 --field status --take ours|theirs|<value>')
    expect(validateWorkspace(ws).problems.every((p) => p.code === 'MERGE_CONFLICT')).toBe(true)
  })

  it('finds body markers through a warm index, which notes which files hold them', async () => {
    const {root, ws} = await twoConflicts()
    // Old enough that the index's entries are trusted: validate then reads no file to decide.
    const past = new Date(Date.now() - 60_000)
    for (const rel of [TASK, OTHER]) fs.utimesSync(path.join(root, rel), past, past)
    const codes = () => validateWorkspace(ws).problems.map((p) => `${p.path}:${p.field}`)
    const expected = [`${TASK}:status`, `${TASK}:priority`, `${TASK}:body`]
    expect(codes()).toEqual(expected)
    expect(codes()).toEqual(expected)
    // Markers typed into the other file by hand are seen by the next run, index or not.
    writeFile(root, OTHER, doc(['id: task-bbbbbb2222', 'type: task', 'title: Other', 'status: todo'], '\n<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n'))
    fs.utimesSync(path.join(root, OTHER), past, new Date(Date.now() - 30_000))
    expect(codes()).toEqual([...expected, `${OTHER}:body`])
  })

  it('names the markers in an unreadable file beside its parse error', async () => {
    const root = await workspace()
    writeFile(root, TASK, '---\nid: task-aaaaaa1111\ntype: task\ntitle: T\n<<<<<<< ours\nstatus: a\n=======\nstatus: b\n>>>>>>> theirs\n---\n')
    const problems = validateWorkspace(Workspace.open(root)).problems
    expect(problems.map((p) => p.code).sort()).toEqual(['INVALID_DOCUMENT', 'MERGE_CONFLICT'])
    expect(problems.find((p) => p.code === 'MERGE_CONFLICT')).toMatchObject({line: 5, message: expect.stringContaining(`psp resolve ${TASK} --take ours|theirs`)})
  })

  it('accepts merge_conflicts under a workspace schema that allows no other keys', async () => {
    const {root} = await merged(base.replace('status: todo', 'status: review'), base.replace('status: todo', 'status: done'))
    writeFile(root, 'config/schemas/task.yaml', 'type: object\nadditionalProperties: false\nproperties:\n  id: {}\n  type: {}\n  title: {}\n  status: {}\n  priority: {}\n')
    const problems = validateWorkspace(Workspace.open(root)).problems
    expect(problems.map((p) => p.code)).toEqual(['MERGE_CONFLICT'])
  })
})

describe('parseTake', () => {
  it('reads sides, values as YAML, and value: for values that read like sides', () => {
    expect(parseTake('ours')).toBe('ours')
    expect(parseTake('theirs')).toBe('theirs')
    expect(parseTake('done')).toEqual({value: 'done'})
    expect(parseTake('3')).toEqual({value: 3})
    expect(parseTake('[a, b]')).toEqual({value: ['a', 'b']})
    expect(parseTake('value:ours')).toEqual({value: 'ours'})
    expect(parseTake('value:"3"')).toEqual({value: '3'})
  })
})

describe('resolveFileConflict', () => {
  it('settles one field, rewriting only its lines and the entry, and says what is left', async () => {
    const {root, ws, text} = await twoConflicts()
    const report = await resolveFileConflict(ws, 'task-aaa', {field: 'status', take: 'theirs'})
    expect(report).toMatchObject({id: 'task-aaaaaa1111', path: TASK, field: 'status', took: 'theirs', value: 'done', changed: true})
    expect(report.remaining.map((c) => (c.kind === 'field' ? c.field : c.kind))).toEqual(['priority', 'body'])
    expect(readFile(root, TASK)).toBe(text.replace('status: review', 'status: done').replace(/ {2}status:\n {4}base: todo\n {4}ours: review\n {4}theirs: done\n/, ''))
    await resolveFileConflict(ws, 'task-aaaaaa1111', {field: 'priority', take: {value: 'medium'}})
    const last = await resolveFileConflict(ws, 'task-aaaaaa1111', {take: 'ours'})
    expect(last).toMatchObject({field: 'body', took: 'ours', remaining: []})
    expect(readFile(root, TASK)).toBe(base.replace('status: todo', 'status: done').replace('priority: low', 'priority: medium').replace('First line.', 'Ours.'))
  })

  it('needs --field when several are open, and names them; a field without a conflict is not found', async () => {
    const {root, ws} = await twoConflicts()
    const before = snapshotFiles(root, ['data/cache'])
    expect(await rejected(resolveFileConflict(ws, 'task-aaaaaa1111', {take: 'ours'}))).toMatchObject({
      constructor: UsageError,
      message: 'task-aaaaaa1111 has 3 open conflicts (status, priority, body): name one with --field',
    })
    expect(await rejected(resolveFileConflict(ws, 'task-aaaaaa1111', {field: 'title', take: 'ours'}))).toBeInstanceOf(NotFoundError)
    expect(await rejected(resolveFileConflict(ws, 'task-bbbbbb2222', {take: 'ours'}))).toMatchObject({constructor: NotFoundError, message: 'task-bbbbbb2222 has no open conflict'})
    expect(await rejected(resolveFileConflict(ws, 'task-zzz', {take: 'ours'}))).toBeInstanceOf(NotFoundError)
    expect(await rejected(resolveFileConflict(ws, 'task', {take: 'ours'}))).toBeInstanceOf(AmbiguousIdError)
    expect(await rejected(resolveFileConflict(ws, 'task-aaaaaa1111', {field: 'body', take: {value: 'x'}}))).toBeInstanceOf(UsageError)
    expect(await rejected(resolveFileConflict(ws, '../outside.md', {take: 'ours'}))).toBeInstanceOf(UnsafeInputError)
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  })

  it('checks the settled document like an edit: an invalid value is refused and nothing is written', async () => {
    const {root, ws} = await twoConflicts()
    const before = readFile(root, TASK)
    expect(await rejected(resolveFileConflict(ws, 'task-aaaaaa1111', {field: 'status', take: {value: 'bogus'}}))).toMatchObject({
      constructor: InvalidDocumentError,
      location: {path: TASK, field: 'status'},
    })
    expect(readFile(root, TASK)).toBe(before)
  })

  it('settles a file a text merge left unreadable by taking one side, given by path', async () => {
    const root = await workspace()
    const text = '---\nid: task-aaaaaa1111\ntype: task\ntitle: T\n<<<<<<< ours\nstatus: review\n=======\nstatus: done\n>>>>>>> theirs\n---\n'
    writeFile(root, TASK, text)
    const ws = Workspace.open(root)
    expect(await rejected(resolveFileConflict(ws, TASK, {take: {value: 'x'}, cwd: root}))).toBeInstanceOf(UsageError)
    expect(await rejected(resolveFileConflict(ws, TASK, {field: 'status', take: 'ours', cwd: root}))).toBeInstanceOf(UsageError)
    const report = await resolveFileConflict(ws, TASK, {take: 'theirs', cwd: root})
    expect(report).toMatchObject({id: 'task-aaaaaa1111', field: 'text', took: 'theirs', remaining: []})
    expect(readFile(root, TASK)).toBe('---\nid: task-aaaaaa1111\ntype: task\ntitle: T\nstatus: done\n---\n')
    fs.writeFileSync(path.join(root, 'data', 'tasks', 'broken.md'), '---\nid: [\n---\n')
    expect(await rejected(resolveFileConflict(ws, 'data/tasks/broken.md', {take: 'ours', cwd: root}))).toBeInstanceOf(InvalidDocumentError)
  })
})
