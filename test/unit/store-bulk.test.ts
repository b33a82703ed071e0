/**
 * The store at scale: 2,000 records created through the store in one process, then read back
 * and validated. In its own file so that it runs in parallel with the other store tests.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {DocumentStore, listDocumentFiles, loadSnapshot, PARALLEL_MIN_FILES, validateWorkspace, Workspace} from '@psp/core'
import {useWorkspaces} from './_helpers.js'

const newWorkspace = useWorkspaces()

describe('bulk', () => {
  it('creates 2,000 tasks that load and validate with no problems', async () => {
    const root = await newWorkspace()
    const store = new DocumentStore(Workspace.open(root))
    const ids = new Set<string>()
    const project = store.create({type: 'project', title: 'Bulk'}).record
    for (let i = 0; i < 2000; i++) {
      const fields = i % 2 === 0 ? {project: project.id, status: 'todo', tags: [`t${i % 7}`]} : {priority: 'high'}
      ids.add(store.create({type: 'task', title: `Task number ${i}`, fields}).record.id)
    }
    expect(ids.size).toBe(2000)
    const ws = Workspace.open(root)
    const snapshot = loadSnapshot(ws)
    expect(snapshot.unreadable).toEqual([])
    expect(snapshot.records.filter((r) => r.type === 'task')).toHaveLength(2000)
    expect(new Set(snapshot.records.map((r) => r.id))).toEqual(new Set([...ids, project.id]))
    expect(validateWorkspace(ws)).toEqual({checked: 2001, problems: []})
  })
})

describe('a cold index build over two threads', () => {
  it('gives exactly the records and problems of parsing file by file, in the same order', async () => {
    const root = await newWorkspace()
    const dir = path.join(root, 'data', 'tasks')
    fs.mkdirSync(dir, {recursive: true})
    // Over PARALLEL_MIN_FILES, so a worker thread parses part of them; a few are malformed.
    const n = PARALLEL_MIN_FILES + 700
    for (let i = 0; i < n; i++) {
      const id = `task-${String(i).padStart(5, '0')}`
      const text =
        i % 401 === 7
          ? `---\nid: ${id}\ntype: task\ntitle: [unclosed\n---\n`
          : `---\nid: ${id}\ntype: task\ntitle: "Task ${i}"\nstatus: todo\ntags: [t${i % 5}]\n---\n\nBody ${i}.\n`
      fs.writeFileSync(path.join(dir, `${id}.md`), text)
    }
    const ws = Workspace.open(root)
    const files = listDocumentFiles(ws)
    const sequential = loadSnapshot(ws, files)
    const parallel = loadSnapshot(ws)
    const key = (r: {path: string; data: unknown}) => JSON.stringify([r.path, r.data])
    expect(parallel.records.map(key).sort()).toEqual(sequential.records.map(key).sort())
    expect(parallel.unreadable.map((p) => JSON.stringify(p)).sort()).toEqual(sequential.unreadable.map((p) => JSON.stringify(p)).sort())
    expect(parallel.unreadable).toHaveLength(Math.floor((n - 8) / 401) + 1)
    // Warm: the same again, from the index.
    expect(loadSnapshot(ws).records.map(key).sort()).toEqual(sequential.records.map(key).sort())
  })
})
