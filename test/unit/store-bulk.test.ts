/**
 * The store at scale: 2,000 records created through the store in one process, then read back
 * and validated. In its own file so that it runs in parallel with the other store tests.
 */
import {describe, expect, it} from 'vitest'
import {DocumentStore, loadSnapshot, validateWorkspace, Workspace} from '@psp/core'
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
