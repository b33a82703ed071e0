process.env.TZ = 'UTC'

import {describe, expect, it} from 'vitest'
import type {DocumentRecord} from '@psp/core'
import {UsageError} from '@psp/core'
import {defaultSettings} from '@psp/core'
import {
  fieldSelector,
  groupRecords,
  makeQueryContext,
  parseSortSpec,
  selectFields,
  sortRecords,
} from '@psp/core'

function rec(id: string, data: Record<string, unknown> = {}, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  return {id, type: 'task', title: String(data['title'] ?? ''), path: `t/${id}.md`, archived: false, data: {id, ...data}, body: '', ...extra}
}

const records = [
  rec('t1', {title: 'task-10 cleanup', status: 'done', priority: 'low', due: '2026-05-01', estimate: 2, tags: ['b', 'a']}),
  rec('t2', {title: 'Task-2 Setup', status: 'todo', priority: 'critical', estimate: 10, tags: ['a']}),
  rec('t3', {title: 'alpha', status: 'review', priority: 'high', due: '2026-04-01', estimate: 1.5, tags: []}),
  rec('t4', {title: 'beta', status: 'in-progress', priority: 'medium', due: '2026-04-01', depends_on: ['t2']}),
  rec('t5', {title: 'gamma', status: 'weird', priority: 'urgent', estimate: null}),
  rec('t6', {title: 'delta', status: 'todo', tags: ['c', 'a', 'a']}),
]
const context = makeQueryContext(defaultSettings(), records, {now: () => new Date('2026-03-10T12:00:00Z'), createdOf: (r) => (r.id === 't1' ? '2026-03-01' : undefined)})
const order = (spec: string, input = records) => sortRecords(input, spec, context).map((r) => r.id)

describe('parseSortSpec', () => {
  it('reads field[:asc|:desc], comma-separated', () => {
    expect(parseSortSpec('priority:desc, due ,title:ASC')).toEqual([
      {field: 'priority', desc: true},
      {field: 'due', desc: false},
      {field: 'title', desc: false},
    ])
    expect(parseSortSpec('')).toEqual([])
  })

  it('refuses bad directions and field names with a UsageError', () => {
    expect(() => parseSortSpec('due:down')).toThrow(UsageError)
    expect(() => parseSortSpec('due:down')).toThrow('--sort: unknown direction "down" in "due:down"')
    expect(() => parseSortSpec('due,,title')).toThrow('--sort: "" is not a field name')
    expect(() => parseSortSpec('a b')).toThrow(UsageError)
  })
})

describe('sortRecords', () => {
  it('sorts status by the workflow order, unknown statuses after known ones', () => {
    expect(order('status')).toEqual(['t2', 't6', 't4', 't3', 't1', 't5'])
    expect(order('status:desc')).toEqual(['t5', 't1', 't3', 't4', 't2', 't6'])
  })

  it('sorts priority by the priority order, missing values last in both directions', () => {
    expect(order('priority')).toEqual(['t1', 't4', 't3', 't2', 't5', 't6'])
    expect(order('priority:desc')).toEqual(['t5', 't2', 't3', 't4', 't1', 't6'])
  })

  it('sorts numbers as numbers and dates as dates, missing (or null) last', () => {
    expect(order('estimate')).toEqual(['t3', 't1', 't2', 't4', 't5', 't6'])
    expect(order('estimate:desc')).toEqual(['t2', 't1', 't3', 't4', 't5', 't6'])
    expect(order('due')).toEqual(['t3', 't4', 't1', 't2', 't5', 't6'])
    expect(order('due:desc')).toEqual(['t1', 't3', 't4', 't2', 't5', 't6'])
  })

  it('sorts text naturally: case-insensitive, numbers inside by value', () => {
    expect(order('title')).toEqual(['t3', 't4', 't6', 't5', 't2', 't1'])
  })

  it('natural order: case-insensitive, digit runs by value, then exact; the same on every machine', () => {
    const titled = ['a10', 'a9', 'é', 'b', 'a02', 'A2', 'a2'].map((title, i) => rec(`r${i}`, {title}))
    expect(sortRecords(titled, 'title', context).map((r) => r.title)).toEqual(['A2', 'a02', 'a2', 'a9', 'a10', 'b', 'é'])
  })

  it('sorts by several keys, ties broken by id', () => {
    expect(order('due, priority:desc')).toEqual(['t3', 't4', 't1', 't5', 't2', 't6'])
    expect(order('due:desc, title')).toEqual(['t1', 't3', 't4', 't6', 't5', 't2'])
    const shuffled = [records[5], records[1], records[0]] as DocumentRecord[]
    expect(order('type', shuffled)).toEqual(['t1', 't2', 't6'])
  })

  it('sorts lists element by element, empty lists last', () => {
    expect(order('tags')).toEqual(['t2', 't1', 't6', 't3', 't4', 't5'])
  })

  it('sorts by derived fields', () => {
    expect(order('blocked:desc, id')).toEqual(['t4', 't1', 't2', 't3', 't5', 't6'])
    expect(order('age')).toEqual(['t1', 't2', 't3', 't4', 't5', 't6'])
  })

  it('accepts parsed keys and returns a new array', () => {
    const sorted = sortRecords(records, [{field: 'estimate', desc: true}], context)
    expect(sorted).not.toBe(records)
    expect(sorted.map((r) => r.id)).toEqual(['t2', 't1', 't3', 't4', 't5', 't6'])
    expect(sortRecords(records, '', context).map((r) => r.id)).toEqual(records.map((r) => r.id))
  })

  it('puts numbers before text and false before true when kinds mix', () => {
    const mixed = [rec('a', {v: 'x'}), rec('b', {v: true}), rec('c', {v: 3}), rec('d', {v: false}), rec('e', {v: {k: 1}})]
    expect(order('v', mixed)).toEqual(['c', 'a', 'd', 'b', 'e'])
  })
})

describe('groupRecords', () => {
  it('groups by status in workflow order, the missing group last', () => {
    const groups = groupRecords([...records, rec('t7', {})], 'status', context)
    expect(groups.map((g) => [g.key, g.records.map((r) => r.id)])).toEqual([
      ['todo', ['t2', 't6']],
      ['in-progress', ['t4']],
      ['review', ['t3']],
      ['done', ['t1']],
      ['weird', ['t5']],
      [null, ['t7']],
    ])
  })

  it('puts a record in the group of each of its list values (once each)', () => {
    const groups = groupRecords(records, 'tags', context)
    expect(groups.map((g) => [g.key, g.records.map((r) => r.id)])).toEqual([
      ['a', ['t1', 't2', 't6']],
      ['b', ['t1']],
      ['c', ['t6']],
      [null, ['t3', 't4', 't5']],
    ])
  })

  it('groups numbers, booleans and derived fields', () => {
    expect(groupRecords(records, 'estimate', context).map((g) => g.key)).toEqual([1.5, 2, 10, null])
    expect(groupRecords(records, 'blocked', context).map((g) => [g.key, g.records.length])).toEqual([
      [false, 5],
      [true, 1],
    ])
    expect(groupRecords(records, 'priority', context).map((g) => g.key)).toEqual(['low', 'medium', 'high', 'critical', 'urgent', null])
  })

  it('refuses a bad field name', () => {
    expect(() => groupRecords(records, 'not a field', context)).toThrow('--group: "not a field" is not a field name')
  })
})

describe('selectFields', () => {
  it('picks fields in the order asked, derived ones included, null when missing', () => {
    expect(selectFields(records[3] as DocumentRecord, ['id', 'title', 'due', 'blocked', 'ready', 'nope', 'age'], context)).toEqual({
      id: 't4',
      title: 'beta',
      due: '2026-04-01',
      blocked: true,
      ready: false,
      nope: null,
      age: null,
    })
    expect(Object.keys(selectFields(records[0] as DocumentRecord, ['tags', 'id', 'age'], context))).toEqual(['tags', 'id', 'age'])
    expect(selectFields(records[0] as DocumentRecord, ['age', 'done'], context)).toEqual({age: 9, done: true})
  })

  it('reads nested fields and keeps the dotted name', () => {
    const r = rec('x', {links: {repo: 'r'}})
    expect(selectFields(r, ['links.repo', 'links.none'])).toEqual({'links.repo': 'r', 'links.none': null})
  })

  it('without a context, fields that need one are null', () => {
    expect(selectFields(records[0] as DocumentRecord, ['id', 'type', 'path', 'archived', 'done', 'blocked', 'ready', 'age'])).toEqual({
      id: 't1',
      type: 'task',
      path: 't/t1.md',
      archived: false,
      done: null,
      blocked: null,
      ready: null,
      age: null,
    })
  })

  it('does not let a field named __proto__ change the result object', () => {
    const r = rec('x', {})
    const out = selectFields(r, ['__proto__', 'id'])
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(out)).toEqual(['__proto__', 'id'])
  })

  it('fieldSelector builds the picker once for many records', () => {
    const pick = fieldSelector(['id', 'status'], context)
    expect(records.slice(0, 2).map(pick)).toEqual([
      {id: 't1', status: 'done'},
      {id: 't2', status: 'todo'},
    ])
    expect(() => fieldSelector(['ok', 'no way'])).toThrow('--fields: "no way" is not a field name')
  })
})
