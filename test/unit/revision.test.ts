// A workspace read at a past revision: everything comes from the revision's files (here an
// in-memory tree; the git-backed one is tested with real repositories), and nothing is written.
import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {DocumentStore, UsageError, validateWorkspace, Workspace, WorkspaceNotFoundError, type RevisionTree} from '@psp/core'
import {doc, snapshotFiles, thrown, useWorkspaces} from './_helpers.js'

const newWorkspace = useWorkspaces()
let root: string

beforeEach(async () => {
  root = await newWorkspace()
})

function tree(files: Record<string, string>, spec = 'v1'): RevisionTree {
  const paths = Object.keys(files).sort()
  return {
    spec,
    commit: 'a'.repeat(40),
    files: (folder) => paths.filter((p) => p.startsWith(`${folder}/`)),
    read: (rel) => (rel in files ? Buffer.from(files[rel] as string) : undefined),
  }
}

const settings = 'schemaVersion: 1\nworkflow:\n  statuses: [open, closed]\n  default: open\n  done: [closed]\n'

describe('Workspace.atRevision', () => {
  it('reads settings, schemas and documents from the revision, not the working tree', () => {
    const ws = Workspace.atRevision(
      root,
      tree({
        'config/settings.yaml': settings,
        'config/schemas/task.yaml': 'properties:\n  ticket: {type: integer}\n',
        'data/tasks/task-a1-old.md': doc(['id: task-a1', 'type: task', 'title: Then', 'status: open', 'ticket: 7'], '\nBody then.\n'),
        'data/cache/index/x.md': doc(['id: task-zz', 'type: task', 'title: Not a document']),
        'README.md': '# not data\n',
      }),
    )
    expect(ws.settings.workflow.statuses).toEqual(['open', 'closed'])
    expect(ws.schemas.get('task').source).toBe('extended')
    const store = new DocumentStore(ws)
    expect(store.list().map((r) => r.id)).toEqual(['task-a1'])
    const record = store.get('a1')
    expect(record.title).toBe('Then')
    expect(record.body).toBe('\nBody then.\n')
    expect(validateWorkspace(ws).problems).toEqual([])
  })

  it('validates the revision with its own settings and schemas', () => {
    const ws = Workspace.atRevision(
      root,
      tree({
        'config/settings.yaml': settings,
        'config/schemas/task.yaml': 'properties:\n  ticket: {type: integer}\n',
        'data/tasks/task-b2.md': doc(['id: task-b2', 'type: task', 'title: T', 'status: todo', 'ticket: x']),
      }),
    )
    const problems = validateWorkspace(ws).problems.map((p) => `${p.field}: ${p.message}`)
    expect(problems).toEqual(['status: "todo" is not allowed (expected one of: open, closed)', 'ticket: must be integer, got string'])
  })

  it('refuses every write and leaves the working tree alone', async () => {
    const ws = Workspace.atRevision(root, tree({'config/settings.yaml': settings, 'data/tasks/task-c3.md': doc(['id: task-c3', 'type: task', 'title: T'])}, 'HEAD~2'))
    const before = snapshotFiles(root)
    const store = new DocumentStore(ws)
    expect(thrown(() => store.create({type: 'task', title: 'New'}))).toBeInstanceOf(UsageError)
    await expect(store.update('c3', {set: {title: 'X'}})).rejects.toThrow(/read-only: --at HEAD~2/)
    expect(thrown(() => store.archive('c3'))).toBeInstanceOf(UsageError)
    expect(thrown(() => store.delete('c3'))).toBeInstanceOf(UsageError)
    expect(snapshotFiles(root)).toEqual(before)
    expect(fs.existsSync(path.join(root, 'data', 'cache', 'index'))).toBe(false)
  })

  it('says when the revision was not a workspace yet', () => {
    expect(thrown(() => Workspace.atRevision(root, tree({'README.md': 'x'}, 'HEAD~9')))).toBeInstanceOf(WorkspaceNotFoundError)
  })
})
