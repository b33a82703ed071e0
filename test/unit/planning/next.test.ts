process.env.TZ = 'UTC'

import {describe, expect, it} from 'vitest'
import {compileQuery, rankNext, unblockCounts} from '@psp/core'
import {context, task} from './_fixtures.js'

const ids = (list: {record: {id: string}}[]) => list.map((t) => t.record.id)

describe('rankNext', () => {
  it('ranks by priority, ties broken by id', () => {
    const records = [task('t-c', {priority: 'low'}), task('t-b', {priority: 'high'}), task('t-a', {priority: 'low'}), task('t-d')]
    const ranked = rankNext(records, context(records))
    expect(ids(ranked)).toEqual(['t-b', 't-a', 't-c', 't-d'])
    expect(ranked.map((t) => t.score)).toEqual([12, 4, 4, 0])
  })

  it('scores due dates: sooner first, overdue first of all, capped', () => {
    const records = [
      task('t-far', {due: '2026-05-01'}),
      task('t-week', {due: '2026-03-17'}),
      task('t-today', {due: '2026-03-10'}),
      task('t-late', {due: '2026-03-07'}),
      task('t-very-late', {due: '2025-01-01'}),
      task('t-none'),
    ]
    const ranked = rankNext(records, context(records))
    expect(ids(ranked)).toEqual(['t-very-late', 't-late', 't-today', 't-week', 't-far', 't-none'])
    expect(ranked.map((t) => t.score)).toEqual([21, 17, 14, 7, 0, 0])
    expect(ranked[1]?.explain[1]).toEqual({factor: 'due', value: '2026-03-07', points: 17, detail: 'overdue by 3 days'})
    expect(ranked[2]?.dueIn).toBe(0)
  })

  it('counts the tasks each one unblocks, transitively, in a diamond', () => {
    const records = [
      task('a', {estimate: 1}),
      task('b', {depends_on: ['a']}),
      task('c', {depends_on: ['a']}),
      task('d', {depends_on: ['b', 'c']}),
      task('e', {depends_on: ['d', 'a']}),
      task('z'),
    ]
    const ctx = context(records)
    expect(Object.fromEntries(unblockCounts(ctx))).toEqual({a: 4, b: 2, c: 2, d: 1, e: 0, z: 0})
    const ranked = rankNext(records, ctx)
    expect(ids(ranked)).toEqual(['a', 'z'])
    expect(ranked[0]?.unblocks).toBe(4)
    expect(ranked[0]?.score).toBe(8)
  })

  it('caps unblocks at 10 points and age at 3', () => {
    const records = [task('hub'), ...Array.from({length: 7}, (_, i) => task(`w-${i}`, {depends_on: ['hub']})), task('old')]
    const ranked = rankNext(records, context(records, {old: '2025-01-01', hub: '2026-03-05'}))
    expect(ranked.find((t) => t.record.id === 'hub')?.explain.map((e) => e.points)).toEqual([0, 0, 10, 0.5])
    expect(ranked.find((t) => t.record.id === 'old')?.explain[3]).toMatchObject({factor: 'age', points: 3})
  })

  it('breaks equal scores by age (older first) through the age points', () => {
    const records = [task('t-a', {priority: 'medium'}), task('t-b', {priority: 'medium'})]
    const ranked = rankNext(records, context(records, {'t-a': '2026-03-09', 't-b': '2026-02-20'}))
    expect(ids(ranked)).toEqual(['t-b', 't-a'])
    expect(ranked.map((t) => t.age)).toEqual([18, 1])
  })

  it('explains every factor, in order', () => {
    const records = [task('t-a', {priority: 'critical', due: '2026-03-12'}), task('t-b', {depends_on: ['t-a']})]
    const [top] = rankNext(records, context(records, {'t-a': '2026-03-01'}))
    expect(top?.explain).toEqual([
      {factor: 'priority', value: 'critical', points: 16, detail: 'priority critical'},
      {factor: 'due', value: '2026-03-12', points: 12, detail: 'due in 2 days'},
      {factor: 'unblocks', value: 1, points: 2, detail: 'unblocks 1 task'},
      {factor: 'age', value: 9, points: 0.9, detail: '9 days old'},
    ])
    expect(top?.score).toBe(30.9)
    const [plain] = rankNext([task('x', {priority: 'urgent'})], context([task('x', {priority: 'urgent'})]))
    expect(plain?.explain.map((e) => e.detail)).toEqual(['unknown priority urgent', 'no due date', 'unblocks nothing', 'age unknown'])
  })

  it('leaves out what is not ready, agreeing with the query language', () => {
    const arch = task('t-arch', {}, {archived: true})
    const records = [
      task('t-a'),
      task('t-b', {depends_on: ['t-a']}),
      task('t-c', {depends_on: ['t-arch', 't-unknown', 't-done']}),
      task('t-done', {status: 'done'}),
      task('t-odd', {status: 'someday'}),
      arch,
    ]
    const ctx = context(records)
    const ready = compileQuery('ready', ctx)
    expect(ids(rankNext(records, ctx)).sort()).toEqual(records.filter((r) => !r.archived && ready(r)).map((r) => r.id).sort())
    expect(ids(rankNext(records, ctx)).sort()).toEqual(['t-a', 't-c'])
    // Work a task unblocks counts only open tasks: the done one and the archived one do not.
    expect(unblockCounts(ctx).get('t-a')).toBe(1)
  })

  it('filters by project, assignee and limit; empty when all done or nothing there', () => {
    const records = [
      task('t-a', {project: 'p', assignee: 'ana', priority: 'low'}),
      task('t-b', {project: 'p', assignee: 'bo', priority: 'high'}),
      task('t-c', {project: 'q', assignee: 'ana'}),
    ]
    const ctx = context(records)
    expect(ids(rankNext(records, ctx, {project: 'p'}))).toEqual(['t-b', 't-a'])
    expect(ids(rankNext(records, ctx, {assignee: 'ana'}))).toEqual(['t-a', 't-c'])
    expect(ids(rankNext(records, ctx, {project: 'p', assignee: 'ana'}))).toEqual(['t-a'])
    expect(ids(rankNext(records, ctx, {limit: 1}))).toEqual(['t-b'])
    expect(rankNext(records, ctx, {project: 'empty'})).toEqual([])
    const done = [task('x', {status: 'done'})]
    expect(rankNext(done, context(done))).toEqual([])
    expect(rankNext([], context([]))).toEqual([])
  })
})
