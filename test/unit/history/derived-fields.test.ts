/**
 * The history fields in the query language: `created`, `updated`, `created_by`, `updated_by`,
 * `status_changed`, `changes`, `time_in.<status>`, and `age` from history.
 */
import {describe, expect, it} from 'vitest'
import {compileQuery, DocumentStore, fieldSelector, historyLookup, makeQueryContext, runQuery, type DocumentRecord} from '@psp/core'
import {useTempDirs} from '../_helpers.js'
import {commitDocs, DAY, historyWorkspace, T0, task} from './_history.js'

const tempDir = useTempDirs()

function setup() {
  const ws = historyWorkspace(tempDir())
  commitDocs(ws.repo, '', 'Add old', {'data/tasks/task-old0000001.md': task('task-old0000001')}, {time: T0, name: 'Ana Lima'})
  commitDocs(ws.repo, '', 'Add new', {'data/tasks/task-new0000002.md': task('task-new0000002')}, {time: T0 + 5 * DAY, name: 'Bo Chen'})
  commitDocs(ws.repo, '', 'Start old', {'data/tasks/task-old0000001.md': task('task-old0000001', {status: 'in-progress'})}, {time: T0 + 6 * DAY, name: 'Cai Ortiz'})
  const workspace = ws.open()
  const records = new DocumentStore(workspace).list()
  const now = () => new Date((T0 + 10 * DAY) * 1000)
  return {workspace, records, now}
}

const ids = (records: DocumentRecord[]) => records.map((r) => r.id)

describe('history fields in queries', () => {
  it('filters and sorts by them', () => {
    const {workspace, records, now} = setup()
    const context = makeQueryContext(workspace.settings, records, {now, historyOf: historyLookup(workspace, {build: true})})
    const match = (q: string) => ids(records.filter(compileQuery(q, context)))
    expect(match('changes >= 2')).toEqual(['task-old0000001'])
    expect(match('created_by = "Bo Chen"')).toEqual(['task-new0000002'])
    expect(match('updated < today-4d')).toEqual(['task-new0000002'])
    expect(match('status_changed > 2026-01-06')).toEqual(['task-old0000001'])
    expect(match('time_in.todo > 5.5')).toEqual(['task-old0000001'])
    expect(match('time_in.in-progress >= 4')).toEqual(['task-old0000001'])
    expect(match('age = 10')).toEqual(['task-old0000001'])
    expect(ids(runQuery(records, {sort: 'updated:desc'}, context).records)).toEqual(['task-old0000001', 'task-new0000002'])
    expect(records.map(fieldSelector(['id', 'changes', 'updated_by'], context))).toEqual([
      {id: 'task-new0000002', changes: 1, updated_by: 'Bo Chen'},
      {id: 'task-old0000001', changes: 2, updated_by: 'Cai Ortiz'},
    ])
  })

  it('are missing without history', () => {
    const {workspace, records, now} = setup()
    const context = makeQueryContext(workspace.settings, records, {now})
    expect(records.filter(compileQuery('has updated or has time_in.todo or changes > 0', context))).toEqual([])
  })
})
