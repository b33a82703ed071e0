import {describe, expect, it} from 'vitest'
import type {DocumentRecord} from '@psp/core'
import {
  checkKnownFields,
  defaultSettings,
  knownFields,
  makeQueryContext,
  parseFieldList,
  parseLimit,
  QueryError,
  runQuery,
  UsageError,
} from '@psp/core'

function rec(id: string, data: Record<string, unknown> = {}, archived = false): DocumentRecord {
  return {id, type: String(data['type'] ?? 'task'), title: String(data['title'] ?? id), path: `t/${id}.md`, archived, data: {id, type: 'task', title: id, ...data}, body: ''}
}

const records = [
  rec('t1', {status: 'todo', priority: 'high', tags: ['ui', 'api']}),
  rec('t2', {status: 'done', priority: 'low', tags: ['ui']}),
  rec('t3', {status: 'todo', depends_on: ['t1'], links: {repo: 'x'}}),
  rec('t4', {status: 'review', priority: 'critical'}),
  rec('t5', {status: 'todo', priority: 'high'}, true),
]
const context = makeQueryContext(defaultSettings(), records, {now: () => new Date('2026-03-10T12:00:00Z')})
const live = records.filter((r) => !r.archived)
const ids = (list: DocumentRecord[]) => list.map((r) => r.id)

describe('runQuery', () => {
  it('filters, sorts, limits and then groups; without options keeps the input', () => {
    expect(ids(runQuery(live, {}, context).records)).toEqual(['t1', 't2', 't3', 't4'])
    const result = runQuery(live, {where: 'status != done', sort: 'priority:desc', limit: 2}, context)
    expect(ids(result.records)).toEqual(['t4', 't1'])
    expect(result.matched).toBe(3)
    expect(result.groups).toBeUndefined()
    const grouped = runQuery(live, {where: 'has tags', group: 'tags'}, context)
    expect(grouped.groups?.map((g) => [g.key, ids(g.records)])).toEqual([
      ['api', ['t1']],
      ['ui', ['t1', 't2']],
    ])
    expect(ids(runQuery(live, {where: 'blocked'}, context).records)).toEqual(['t3'])
  })

  it('checks every option before looking at a record', () => {
    const known = knownFields([], records, context)
    expect(() => runQuery(live, {where: 'status =', known}, context)).toThrow(QueryError)
    expect(() => runQuery(live, {sort: 'prio', known}, context)).toThrow(/--sort: unknown field "prio"/)
    expect(() => runQuery(live, {group: 'nope', known}, context)).toThrow(/--group: unknown field "nope"/)
    expect(() => runQuery(live, {fields: ['id', 'nope'], known}, context)).toThrow(/--fields: unknown field "nope"/)
    expect(() => runQuery(live, {limit: 0}, context)).toThrow(UsageError)
    // Without `known`, any well-formed name goes.
    expect(ids(runQuery(live, {sort: 'nope'}, context).records)).toEqual(['t1', 't2', 't3', 't4'])
  })
})

describe('knownFields and checkKnownFields', () => {
  it('knows derived fields, schema properties (through allOf), record keys and context fields', () => {
    const schema = {properties: {estimate: {}}, allOf: [{properties: {reviewer: {}}}, {then: {properties: {due: {}}}}]}
    const known = knownFields([schema], records, {fields: {urgency: () => 1}})
    for (const field of ['id', 'blocked', 'age', 'tags', 'estimate', 'reviewer', 'due', 'depends_on', 'links', 'urgency']) expect(known.has(field), field).toBe(true)
    expect(known.has('assignee')).toBe(false)
  })

  it('accepts nested fields by their first segment, suggests a near miss', () => {
    const known = knownFields([], records)
    expect(() => checkKnownFields(['links.repo', 'links.other.deep'], known, '--fields')).not.toThrow()
    const error = (() => {
      try {
        checkKnownFields(['Priority'], known, '--sort')
      } catch (e) {
        return e as UsageError
      }
      return undefined
    })()
    expect(error).toBeInstanceOf(UsageError)
    expect(error?.hint).toBe('did you mean priority?')
    expect(error?.data).toEqual({field: 'Priority'})
    expect(() => checkKnownFields(['stauts'], known, '--sort')).toThrow(UsageError)
    try {
      checkKnownFields(['xq'], known, '--group')
    } catch (e) {
      expect((e as UsageError).hint).toMatch(/^a field is one some record has/)
    }
  })
})

describe('parseFieldList and parseLimit', () => {
  it('reads comma-separated field names', () => {
    expect(parseFieldList('id, title ,links.repo')).toEqual(['id', 'title', 'links.repo'])
    expect(() => parseFieldList('')).toThrow(/no field given/)
    expect(() => parseFieldList('id,,title')).toThrow(/empty field name/)
    expect(() => parseFieldList('id,due date')).toThrow(/"due date" is not a field name/)
    expect(() => parseFieldList('id,id')).toThrow(/given twice/)
  })

  it('reads positive whole numbers only', () => {
    expect(parseLimit('20')).toBe(20)
    expect(parseLimit(' 3 ')).toBe(3)
    for (const bad of ['0', '-1', '2.5', '1e3', 'ten', '', '99999999999999999999']) {
      expect(() => parseLimit(bad), bad).toThrow(UsageError)
    }
    expect(() => parseLimit('x', '--top')).toThrow('--top must be a positive whole number, got "x"')
  })
})
