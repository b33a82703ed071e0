process.env.TZ = 'UTC'

import {describe, expect, it} from 'vitest'
import {blockedTasks, compileQuery} from '@psp/core'
import {context, task} from './_fixtures.js'

const ids = (list: {record: {id: string}}[]) => list.map((b) => b.record.id)

describe('blockedTasks', () => {
  const archived = task('t-arch', {status: 'todo'}, {archived: true, path: 'data/archive/tasks/t-arch.md'})
  const records = [
    task('t-a'),
    task('t-b', {depends_on: ['t-a']}),
    task('t-c', {depends_on: ['t-done']}),
    task('t-done', {status: 'done'}),
    task('t-d', {depends_on: ['t-arch']}),
    task('t-e', {depends_on: ['t-nope']}),
    task('t-f', {depends_on: ['t-b', 't-a', 't-done', 't-nope'], project: 'p-1'}),
    task('t-g', {status: 'done', depends_on: ['t-a']}),
    task('t-h', {depends_on: 't-a', project: 'p-2'}),
    archived,
  ]
  const ctx = context(records)

  it('returns each blocked task with its unfinished blockers, sorted by id', () => {
    const blocked = blockedTasks([...records].reverse(), ctx)
    expect(ids(blocked)).toEqual(['t-b', 't-f', 't-h'])
    expect(blocked[1]?.blockers.map((r) => r.id)).toEqual(['t-a', 't-b'])
    expect(blocked[2]?.blockers.map((r) => r.id)).toEqual(['t-a'])
  })

  it('agrees with the query language', () => {
    const match = compileQuery('blocked', ctx)
    expect(ids(blockedTasks(records, ctx))).toEqual(records.filter((r) => !r.archived && match(r)).map((r) => r.id).sort())
  })

  it('does not count done, archived or unknown dependencies', () => {
    const blocked = ids(blockedTasks(records, ctx))
    for (const id of ['t-c', 't-d', 't-e', 't-g']) expect(blocked).not.toContain(id)
  })

  it('filters by project; nothing blocked when all are done or there are no tasks', () => {
    expect(ids(blockedTasks(records, ctx, {project: 'p-1'}))).toEqual(['t-f'])
    expect(ids(blockedTasks(records, ctx, {project: 'p-empty'}))).toEqual([])
    const done = [task('x', {status: 'done'}), task('y', {status: 'done', depends_on: ['x']})]
    expect(blockedTasks(done, context(done))).toEqual([])
    expect(blockedTasks([], context([]))).toEqual([])
  })
})
