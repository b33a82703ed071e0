import {beforeEach, describe, expect, it} from 'vitest'
import {
  ConflictError,
  DocumentStore,
  doneTask,
  InvalidDocumentError,
  loadSettings,
  moveTask,
  NotFoundError,
  SETTINGS_PATH,
  settingsTemplate,
  tasksInStatus,
  Workspace,
} from '@psp/core'
import {readFile, rejected, snapshotFiles, thrown, useTempDirs, useWorkspaces, writeFile} from './_helpers.js'

const newWorkspace = useWorkspaces()
const tempDir = useTempDirs()

let root: string

beforeEach(async () => {
  root = await newWorkspace()
})

/** Replaces the workflow block of the settings file psp init wrote. */
function setWorkflow(lines: string[]): void {
  const text = readFile(root, SETTINGS_PATH).replace(/^workflow:\n(?: {2}.*\n|\n)*?(?=\S)/m, `workflow:\n${lines.map((l) => `  ${l}\n`).join('')}\n`)
  writeFile(root, SETTINGS_PATH, text)
}

/** A store over the workspace as it is on disk now (settings included). */
function open(): DocumentStore {
  return new DocumentStore(Workspace.open(root))
}

/** Creates `n` tasks with `status`; returns their ids. */
function tasks(n: number, status?: string): string[] {
  const store = open()
  return Array.from({length: n}, (_, i) => store.create({type: 'task', title: `Task ${i}`, fields: status === undefined ? {} : {status}}).record.id)
}

describe('moveTask', () => {
  it('moves a task and rewrites only its status line', async () => {
    const [id] = tasks(1) as [string]
    const store = open()
    const before = readFile(root, store.get(id).path)
    const result = await moveTask(store, id.slice(0, 8), 'in-progress')
    expect(result).toMatchObject({changed: true, from: 'todo', to: 'in-progress', warnings: []})
    expect(result.record.data['status']).toBe('in-progress')
    const after = readFile(root, result.record.path)
    expect(after).toBe(before.replace('status: todo', 'status: in-progress'))
    expect(open().get(id).data['status']).toBe('in-progress')
  })

  it('changes nothing when the task already has the status', async () => {
    const [id] = tasks(1) as [string]
    const files = snapshotFiles(root, ['data/cache'])
    const result = await moveTask(open(), id, 'todo')
    expect(result).toMatchObject({changed: false, from: 'todo', to: 'todo', warnings: []})
    expect(snapshotFiles(root, ['data/cache'])).toEqual(files)
  })

  it('refuses an unknown status with the list of statuses, writing nothing', async () => {
    const [id] = tasks(1) as [string]
    const files = snapshotFiles(root, ['data/cache'])
    const error = await rejected(moveTask(open(), id, 'doing'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('"doing" is not allowed (expected one of: todo, in-progress, review, done)')
    expect(error.location.field).toBe('status')
    expect(snapshotFiles(root, ['data/cache'])).toEqual(files)
  })

  it('reports an unknown id as not found', async () => {
    tasks(1)
    expect(await rejected(moveTask(open(), 'task-nothere', 'done'))).toBeInstanceOf(NotFoundError)
  })

  it('only moves tasks', async () => {
    const project = open().create({type: 'project', title: 'P'}).record
    expect(await rejected(moveTask(open(), project.id, 'done'))).toBeInstanceOf(NotFoundError)
  })
})

describe('doneTask', () => {
  it('moves a task to the first done status', async () => {
    setWorkflow(['statuses: [open, doing, shipped, dropped]', 'default: open', 'done: [shipped, dropped]'])
    const [id] = tasks(1) as [string]
    const result = await doneTask(open(), id)
    expect(result).toMatchObject({changed: true, from: 'open', to: 'shipped'})
    expect(open().get(id).data['status']).toBe('shipped')
    expect((await doneTask(open(), id)).changed).toBe(false)
  })
})

describe('WIP limits', () => {
  it('warns and moves anyway at the limit under the default policy', async () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 3}'])
    tasks(3, 'in-progress')
    const [id] = tasks(1) as [string]
    const result = await moveTask(open(), id, 'in-progress')
    expect(result.warnings).toEqual(['in-progress is at its WIP limit (3/3)'])
    expect(result.changed).toBe(true)
    expect(tasksInStatus(open(), 'in-progress')).toHaveLength(4)
  })

  it('does not warn below the limit', async () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 3}', 'wip_policy: refuse'])
    tasks(2, 'in-progress')
    const [id] = tasks(1) as [string]
    expect((await moveTask(open(), id, 'in-progress')).warnings).toEqual([])
  })

  it('refuses at the limit under wip_policy: refuse, writing nothing', async () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 2}', 'wip_policy: refuse'])
    tasks(2, 'in-progress')
    const [id] = tasks(1) as [string]
    const files = snapshotFiles(root, ['data/cache'])
    const error = await rejected(moveTask(open(), id, 'in-progress'))
    expect(error).toBeInstanceOf(ConflictError)
    expect(error.message).toContain('in-progress is at its WIP limit (2/2)')
    expect(error.data).toEqual({status: 'in-progress', count: 2, limit: 2})
    expect(snapshotFiles(root, ['data/cache'])).toEqual(files)
  })

  it('does not count archived tasks, nor the task itself', async () => {
    setWorkflow(['statuses: [todo, in-progress, review, done]', 'wip: {in-progress: 1}', 'wip_policy: refuse'])
    const [old] = tasks(1, 'in-progress') as [string]
    open().archive(old)
    const [id] = tasks(1) as [string]
    expect((await moveTask(open(), id, 'in-progress')).warnings).toEqual([])
    // Already there: a no-op, not a refusal.
    expect((await moveTask(open(), id, 'in-progress')).changed).toBe(false)
  })

  it('applies to done as well', async () => {
    setWorkflow(['statuses: [todo, done]', 'wip: {done: 1}', 'wip_policy: refuse'])
    tasks(1, 'done')
    const [id] = tasks(1) as [string]
    expect(await rejected(doneTask(open(), id))).toBeInstanceOf(ConflictError)
  })
})

describe('workflow settings', () => {
  const settingsDir = (text: string) => {
    const dir = tempDir()
    writeFile(dir, SETTINGS_PATH, text)
    return dir
  }

  it('defaults to no limits and the warn policy', () => {
    expect(loadSettings(settingsDir(settingsTemplate('x'))).workflow).toMatchObject({wip: {}, wip_policy: 'warn'})
  })

  it('reads limits and the policy', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  wip: {in-progress: 3, review: 2}\n  wip_policy: refuse\n')
    expect(loadSettings(dir).workflow).toMatchObject({wip: {'in-progress': 3, review: 2}, wip_policy: 'refuse'})
  })

  it('refuses a limit on a status that is not in the workflow, with the line', () => {
    const error = thrown(() => loadSettings(settingsDir('schemaVersion: 1\nname: x\nworkflow:\n  wip: {doing: 3}\n')))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toBe('"doing" is not one of workflow.statuses (todo, in-progress, review, done)')
    expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 4, col: 9, field: 'workflow.wip.doing'})
  })

  it.each([['0'], ['-1'], ['2.5'], ['"3"']])('refuses the limit %s', (limit) => {
    const error = thrown(() => loadSettings(settingsDir(`schemaVersion: 1\nworkflow:\n  wip: {review: ${limit}}\n`)))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 3, field: 'workflow.wip.review'})
  })

  it('refuses an unknown policy', () => {
    const error = thrown(() => loadSettings(settingsDir('schemaVersion: 1\nworkflow:\n  wip_policy: block\n')))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({line: 3, field: 'workflow.wip_policy'})
  })
})
