process.env.TZ = 'UTC'

import {describe, expect, it} from 'vitest'
import {rollUp} from '@psp/core'
import {context, task} from './_fixtures.js'

// NOW is 2026-03-10.
describe('rollUp', () => {
  const records = [
    task('a', {project: 'p', milestone: 'm', estimate: 4}),
    task('b', {project: 'p', milestone: 'm', estimate: 8, depends_on: ['a']}),
    task('c', {project: 'p', status: 'done', estimate: 5}),
    task('d', {project: 'p', depends_on: ['a']}),
    task('e', {project: 'p', estimate: 2}, {archived: true}),
    task('f', {project: 'q', estimate: 1}),
  ]
  const ctx = context(records)

  it('counts done/total, blocked, ready and the remaining estimate', () => {
    expect(rollUp(records, ctx, {project: 'p'})).toEqual({
      total: 4,
      done: 1,
      open: 3,
      blocked: 2,
      ready: 1,
      remainingEstimate: 12,
      missingEstimates: 1,
      criticalPath: 12,
      due: null,
      daysLeft: null,
      risk: null,
      reasons: [],
    })
  })

  it('rates the due date: on track, at risk, late, done', () => {
    expect(rollUp(records, ctx, {milestone: 'm', due: '2026-03-20'})).toMatchObject({risk: 'on-track', daysLeft: 10, reasons: []})
    // 12 h of critical path, today only: 8 h left.
    expect(rollUp(records, ctx, {milestone: 'm', due: '2026-03-10'})).toMatchObject({risk: 'at-risk', reasons: ['critical path 12 h > 8 h left']})
    expect(rollUp(records, ctx, {milestone: 'm', due: '2026-03-01'})).toMatchObject({risk: 'late', daysLeft: -9, reasons: ['due 9 days ago, 2 open tasks']})
    const late = [task('x', {project: 'r', due: '2026-03-01'}), task('y', {project: 'r', due: '2026-05-01'})]
    expect(rollUp(late, context(late), {project: 'r', due: '2026-04-01'})).toMatchObject({
      risk: 'at-risk',
      reasons: ['1 open task overdue', '1 open task due after 2026-04-01'],
    })
    const done = [task('z', {project: 's', status: 'done'})]
    expect(rollUp(done, context(done), {project: 's', due: '2026-01-01'})).toMatchObject({risk: 'done', total: 1, done: 1, open: 0})
  })

  it('an empty project has nothing to roll up', () => {
    expect(rollUp(records, ctx, {project: 'empty', due: '2026-03-20'})).toMatchObject({total: 0, done: 0, risk: null, remainingEstimate: 0, criticalPath: 0})
  })

  it('a hand-made cycle leaves the critical path unknown instead of failing', () => {
    const cyc = [task('a', {project: 'p', depends_on: ['b']}), task('b', {project: 'p', depends_on: ['a']})]
    expect(rollUp(cyc, context(cyc), {project: 'p'})).toMatchObject({total: 2, blocked: 2, criticalPath: null})
  })
})
