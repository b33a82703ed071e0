/**
 * `psp openspec link` in the core: open items become psp tasks tied to the change, a second run
 * adds only new items, both sides are brought in step (towards done), and every status write of a
 * linked task — move, done, edit, bulk edit, a whole-file replace — keeps its box in step, one
 * bracket at a time. Bad input throws and changes nothing.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {applyEdits, doneTask, DocumentStore, moveTask, planEdits, PspError, Workspace} from '@psp/core'
import {linkChange, type LinkResult} from '@psp/core/openspec'
import {readFile, snapshotFiles, useWorkspaces, writeFile} from '../_helpers.js'

const newWorkspace = useWorkspaces()
let root: string

const TASKS = 'openspec/changes/add-auth/tasks.md'
const LINES = ['## 1. Setup', '- [ ] 1.1 Create the schema', '- [x] 1.2 Write the API', '- [ ] 1.3 Add tests', '', '## 2. Docs', '- [ ] Write the guide']

const store = () => new DocumentStore(Workspace.open(root))
const link = (options = {}) => linkChange(store(), 'add-auth', options)
const linked = () => store().list('task').filter((r) => r.data['openspec_change'] === 'add-auth')
const byKey = (key: string) => linked().find((r) => r.data['openspec_task'] === key)!
const statusOf = (key: string) => byKey(key).data['status']
const tasksMd = () => readFile(root, TASKS)
const summary = (r: LinkResult) => ({
  created: r.created.map((e) => e.key),
  markedDone: r.markedDone.map((e) => e.key),
  ticked: r.ticked.map((e) => e.key),
  orphaned: r.orphaned.map((e) => e.key),
  skipped: r.skipped.map((s) => `${s.line}: ${s.reason}`),
  progress: r.progress,
})

beforeEach(async () => {
  root = await newWorkspace()
  writeFile(root, TASKS, LINES.join('\n') + '\n')
})

/** Runs `fn`, expects a PspError, and checks no file of the workspace changed (the index cache aside). */
async function refused(fn: () => Promise<unknown>): Promise<PspError> {
  const before = snapshotFiles(root, ['data/cache'])
  let error: unknown
  try {
    await fn()
  } catch (error_) {
    error = error_
  }
  expect(error).toBeInstanceOf(PspError)
  expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
  return error as PspError
}

describe('linkChange', () => {
  it('turns the open items into tasks tied to the change, and only them', async () => {
    const result = await link()
    expect(summary(result)).toEqual({
      created: ['1.1', '1.3', 'Write the guide'],
      markedDone: [],
      ticked: [],
      orphaned: [],
      skipped: [],
      progress: {psp: {done: 0, total: 3}, checkboxes: {done: 1, total: 4}},
    })
    expect(result.tasksFile).toBe(TASKS)
    expect(result.project).toBeNull()
    const task = byKey('1.1')
    expect(task.title).toBe('Create the schema')
    expect(fs.readFileSync(path.join(root, task.path), 'utf8')).toBe(
      `---\nid: ${task.id}\ntype: task\ntitle: Create the schema\nstatus: todo\nopenspec_change: add-auth\nopenspec_task: "1.1"\n---\n`,
    )
    expect(byKey('Write the guide').title).toBe('Write the guide')
    // tasks.md itself is untouched.
    expect(tasksMd()).toBe(LINES.join('\n') + '\n')
  })

  it('is idempotent: a second run adds tasks only for new open items', async () => {
    await link()
    const second = await link()
    expect(summary(second).created).toEqual([])
    expect(linked()).toHaveLength(3)
    fs.appendFileSync(path.join(root, TASKS), '- [ ] 2.2 Record a demo\n- [x] 2.3 Already done\n')
    const third = await link()
    expect(third.created.map((e) => [e.key, e.title])).toEqual([['2.2', 'Record a demo']])
    expect(linked()).toHaveLength(4)
  })

  it('marks a task done when its box was ticked by hand, and ticks the box of a task done in psp', async () => {
    await link()
    // The box of 1.1 ticked in an editor; 1.3 set done by a hand edit of the task's file.
    writeFile(root, TASKS, tasksMd().replace('- [ ] 1.1', '- [X] 1.1'))
    const file = path.join(root, byKey('1.3').path)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('status: todo', 'status: done'))
    const result = await link()
    expect(summary(result)).toMatchObject({markedDone: ['1.1'], ticked: ['1.3'], created: []})
    expect(statusOf('1.1')).toBe('done')
    expect(tasksMd()).toBe(LINES.join('\n').replace('- [ ] 1.1', '- [X] 1.1').replace('- [ ] 1.3', '- [x] 1.3') + '\n')
    expect(result.progress).toEqual({psp: {done: 2, total: 3}, checkboxes: {done: 3, total: 4}})
    expect(summary(await link())).toMatchObject({markedDone: [], ticked: [], created: []})
  })

  it('--dry-run reports the same plan and writes nothing', async () => {
    await link()
    writeFile(root, TASKS, tasksMd().replace('- [ ] 1.1', '- [x] 1.1') + '- [ ] 3.1 New\n')
    const file = path.join(root, byKey('1.3').path)
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('status: todo', 'status: done'))
    const before = snapshotFiles(root, ['data/cache'])
    const dry = await link({dryRun: true})
    expect(snapshotFiles(root, ['data/cache'])).toEqual(before)
    expect(dry.dryRun).toBe(true)
    expect(dry.created).toEqual([{key: '3.1', title: 'New', line: 8}])
    const real = await link()
    expect(summary(real)).toEqual({...summary(dry), created: ['3.1']})
  })

  it('puts new tasks in the project asked for, else in the project the linked tasks share', async () => {
    const project = store().create({type: 'project', title: 'Web'}).record
    const first = await link({project: project.id.slice(0, 8)})
    expect(first.project).toBe(project.id)
    expect(linked().map((r) => r.data['project'])).toEqual([project.id, project.id, project.id])
    expect(linked()[0]!.path.startsWith(path.posix.dirname(project.path))).toBe(true)
    fs.appendFileSync(path.join(root, TASKS), '- [ ] 4.1 Later\n')
    const second = await link()
    expect(second.project).toBe(project.id)
    expect(byKey('4.1').data['project']).toBe(project.id)
  })

  it('reports tasks whose item is gone, and skips items it cannot tell apart, touching neither', async () => {
    await link()
    writeFile(root, TASKS, tasksMd().replace('- [ ] 1.3 Add tests\n', '') + '- [ ] Same text\n- [ ] Same text\n- [ ]\n')
    const result = await link()
    expect(summary(result)).toMatchObject({
      created: [],
      orphaned: ['1.3'],
      skipped: ['7: "Same text" names 2 items: number them or make their text differ', '8: "Same text" names 2 items: number them or make their text differ', '9: the item has no text'],
    })
    expect(statusOf('1.3')).toBe('todo')
  })

  it('does not bring back a linked task that was archived', async () => {
    await link()
    store().archive(byKey('1.3').id)
    expect((await link()).created).toEqual([])
    expect(linked()).toHaveLength(2)
    expect((await link()).progress.psp).toEqual({done: 0, total: 2})
  })

  it('refuses bad input with one error and changes nothing', async () => {
    expect((await refused(() => linkChange(store(), 'nope'))).message).toBe('no change "nope" in openspec/changes/')
    for (const name of ['../add-auth', 'add-auth/../add-auth', '..', '.hidden', '', 'a\\b', 'x\0y']) {
      expect((await refused(() => linkChange(store(), name))).code, name).toBe('UNSAFE_INPUT')
    }
    expect((await refused(() => linkChange(store(), 'archive'))).code).toBe('USAGE')
    fs.mkdirSync(path.join(root, 'openspec/changes/empty'))
    const noTasks = await refused(() => linkChange(store(), 'empty'))
    expect(noTasks.toLine()).toBe('openspec/changes/empty/tasks.md: change "empty" has no tasks.md')
    expect((await refused(() => link({project: 'zzz'}))).code).toBe('NOT_FOUND')
    writeFile(root, 'openspec/changes/latin1/tasks.md', Buffer.from([0x2d, 0x20, 0x5b, 0x20, 0x5d, 0x20, 0xe9, 0x0a]))
    expect((await refused(() => linkChange(store(), 'latin1'))).code).toBe('INVALID_DOCUMENT')
    fs.rmSync(path.join(root, 'openspec'), {recursive: true})
    expect((await refused(() => link())).message).toBe('no openspec/ folder in the workspace')
  })

  it('refuses a change folder that leads outside the workspace through a symbolic link', async () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(root), 'psp-outside-'))
    try {
      writeFile(outside, 'tasks.md', '- [ ] 1.1 secret\n')
      fs.symlinkSync(outside, path.join(root, 'openspec/changes/escape'))
      const error = await linkChange(store(), 'escape').catch((error_: unknown) => error_)
      expect((error as PspError).code).toBe('UNSAFE_INPUT')
      expect(linked()).toEqual([])
    } finally {
      fs.rmSync(outside, {recursive: true, force: true})
    }
  })
})

describe('status writes of a linked task keep its box in step', () => {
  beforeEach(async () => {
    writeFile(root, TASKS, LINES.join('\r\n') + '\r\n')
    await link()
  })
  const crlf = (...edits: Array<[string, string]>) => edits.reduce((t, [a, b]) => t.replace(a, b), LINES.join('\r\n') + '\r\n')

  it('task done ticks the box, task move back clears it, one bracket each, CRLF kept', async () => {
    const s = store()
    const done = await doneTask(s, byKey('1.1').id)
    expect(done.warnings).toEqual([])
    expect(tasksMd()).toBe(crlf(['- [ ] 1.1', '- [x] 1.1']))
    await moveTask(s, byKey('1.1').id, 'in-progress')
    expect(tasksMd()).toBe(crlf())
    // A move that stays out of done leaves the file alone.
    const mtime = fs.statSync(path.join(root, TASKS)).mtimeMs
    await moveTask(s, byKey('1.3').id, 'review')
    expect(fs.statSync(path.join(root, TASKS)).mtimeMs).toBe(mtime)
  })

  it('task edit --set status, a bulk edit and a whole-file replace do the same', async () => {
    const s = store()
    await s.update(byKey('1.1').id, {set: {status: 'done'}}, 'task')
    expect(tasksMd()).toBe(crlf(['- [ ] 1.1', '- [x] 1.1']))
    const plan = planEdits(s, [byKey('1.3'), byKey('Write the guide')], {set: {status: 'done'}})
    await applyEdits(s, plan)
    expect(tasksMd()).toBe(crlf(['- [ ] 1.1', '- [x] 1.1'], ['- [ ] 1.3', '- [x] 1.3'], ['- [ ] Write', '- [x] Write']))
    const guide = byKey('Write the guide')
    const text = fs.readFileSync(path.join(root, guide.path), 'utf8').replace('status: done', 'status: todo')
    await s.replaceText(guide.id, text, 'task')
    expect(tasksMd()).toBe(crlf(['- [ ] 1.1', '- [x] 1.1'], ['- [ ] 1.3', '- [x] 1.3']))
  })

  it('warns, without failing the move, when the item is gone', async () => {
    writeFile(root, TASKS, crlf(['- [ ] 1.1 Create the schema\r\n', '']))
    const result = await doneTask(store(), byKey('1.1').id)
    expect(result.changed).toBe(true)
    expect(result.warnings).toEqual([`${TASKS} has no single item "1.1": its box was not ticked (psp openspec link add-auth shows the drift)`])
    fs.rmSync(path.join(root, 'openspec/changes/add-auth'), {recursive: true})
    const gone = await doneTask(store(), byKey('1.3').id)
    expect(gone.warnings).toEqual(['the box of "1.3" in change add-auth was not ticked: no change "add-auth" in openspec/changes/'])
  })

  it('never loses a tick when tasks of one change are done at the same time', async () => {
    fs.appendFileSync(path.join(root, TASKS), Array.from({length: 12}, (_, i) => `- [ ] 5.${i + 1} Parallel ${i + 1}\r\n`).join(''))
    await link()
    const keys = Array.from({length: 12}, (_, i) => `5.${i + 1}`)
    const ids = keys.map((k) => byKey(k).id)
    await Promise.all(ids.map((id) => doneTask(new DocumentStore(Workspace.open(root)), id)))
    for (const key of keys) expect(tasksMd()).toContain(`- [x] ${key} Parallel`)
  })
})
