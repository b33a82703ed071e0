process.env.TZ = 'UTC'

import {describe, expect, it} from 'vitest'
import {ConflictError, criticalPath, type CriticalPath} from '@psp/core'
import {context, task} from './_fixtures.js'

const pathIds = (r: CriticalPath) => r.path.map((t) => t.id)
const schedule = (r: CriticalPath) =>
  Object.fromEntries(r.tasks.map((t) => [t.record.id, [t.earliestStart, t.earliestFinish, t.latestStart, t.latestFinish, t.slack]]))

describe('criticalPath', () => {
  it('a diamond: the longer branch is critical, the other has slack', () => {
    const records = [
      task('a', {estimate: 2}),
      task('b', {estimate: 5, depends_on: ['a']}),
      task('c', {estimate: 3, depends_on: ['a']}),
      task('d', {estimate: 1, depends_on: ['b', 'c']}),
    ]
    const result = criticalPath(records, context(records))
    expect(result.duration).toBe(8)
    expect(pathIds(result)).toEqual(['a', 'b', 'd'])
    expect(schedule(result)).toEqual({a: [0, 2, 0, 2, 0], b: [2, 7, 2, 7, 0], c: [2, 5, 4, 7, 2], d: [7, 8, 7, 8, 0]})
    expect(result.tasks.filter((t) => t.critical).map((t) => t.record.id)).toEqual(['a', 'b', 'd'])
    expect(result.missingEstimates).toEqual([])
  })

  it('breaks ties by id: equal branches take the smaller id', () => {
    const records = [task('a', {estimate: 1}), task('c', {estimate: 4, depends_on: ['a']}), task('b', {estimate: 4, depends_on: ['a']}), task('z', {estimate: 5})]
    const result = criticalPath(records, context(records))
    expect(result.duration).toBe(5)
    expect(pathIds(result)).toEqual(['a', 'b'])
    expect(result.tasks.map((t) => t.record.id)).toEqual(['a', 'z', 'b', 'c'])
    expect(result.tasks.map((t) => t.critical)).toEqual([true, true, true, true])
  })

  it('counts a missing estimate as 0 and reports it', () => {
    const records = [task('a', {estimate: 2}), task('b', {depends_on: ['a']}), task('c', {estimate: 'lots', depends_on: ['b']}), task('d', {estimate: '1.5'})]
    const result = criticalPath(records, context(records))
    expect(result.missingEstimates.map((r) => r.id)).toEqual(['b', 'c'])
    expect(result.duration).toBe(2)
    expect(pathIds(result)).toEqual(['a', 'b', 'c'])
    expect(result.tasks.find((t) => t.record.id === 'b')).toMatchObject({estimate: 0, estimateMissing: true})
    expect(result.tasks.find((t) => t.record.id === 'd')).toMatchObject({estimate: 1.5, slack: 0.5})
  })

  it('is empty when all tasks are done, or in an empty project', () => {
    const records = [task('a', {status: 'done', estimate: 3}), task('b', {status: 'done', estimate: 1, depends_on: ['a']})]
    expect(criticalPath(records, context(records))).toEqual({path: [], duration: 0, tasks: [], missingEstimates: []})
    const open = [task('x', {estimate: 1, project: 'p'})]
    expect(criticalPath(open, context(open), {project: 'empty'})).toEqual({path: [], duration: 0, tasks: [], missingEstimates: []})
    expect(criticalPath([], context([]))).toEqual({path: [], duration: 0, tasks: [], missingEstimates: []})
  })

  it('ignores dependencies on done, archived, unknown and out-of-scope tasks', () => {
    const records = [
      task('done', {status: 'done', estimate: 10}),
      task('arch', {estimate: 10}, {archived: true}),
      task('other', {estimate: 10, project: 'q'}),
      task('a', {estimate: 2, project: 'p', depends_on: ['done', 'arch', 'nope', 'other']}),
      task('b', {estimate: 3, project: 'p', milestone: 'm', depends_on: ['a']}),
    ]
    const ctx = context(records)
    const p = criticalPath(records, ctx, {project: 'p'})
    expect(p.duration).toBe(5)
    expect(pathIds(p)).toEqual(['a', 'b'])
    const m = criticalPath(records, ctx, {milestone: 'm'})
    expect(m.duration).toBe(3)
    expect(pathIds(m)).toEqual(['b'])
    const all = criticalPath(records, ctx)
    expect(pathIds(all)).toEqual(['other', 'a', 'b'])
    expect(all.duration).toBe(15)
  })

  it('refuses a hand-made cycle, naming it', () => {
    const records = [task('a', {depends_on: ['c']}), task('b', {depends_on: ['a']}), task('c', {depends_on: ['b']}), task('d')]
    expect(() => criticalPath(records, context(records))).toThrow(ConflictError)
    expect(() => criticalPath(records, context(records))).toThrow("dependency cycle: a → b → c → a")
  })
})
