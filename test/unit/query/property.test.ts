process.env.TZ = 'UTC'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import type {DocumentRecord} from '@psp/core'
import {
  compileQuery,
  formatQuery,
  parseQuery,
  QueryError,
  type CompareOp,
  type QueryAst,
  type QueryContext,
  type QueryValue,
} from '@psp/core'

const RUNS = 1000

/** The tree without columns. */
function shape(ast: unknown): unknown {
  if (Array.isArray(ast)) return ast.map(shape)
  if (ast !== null && typeof ast === 'object') {
    return Object.fromEntries(Object.entries(ast).filter(([k]) => k !== 'col').map(([k, v]) => [k, shape(v)]))
  }
  return ast
}

/** Parses, and checks that a failure is a QueryError with a column inside the input. */
function parseOrCheckError(text: string): QueryAst | undefined {
  try {
    return parseQuery(text)
  } catch (error) {
    if (!(error instanceof QueryError)) throw new Error(`not a QueryError for ${JSON.stringify(text)}: ${String(error)}`)
    const length = [...text].length
    expect(Number.isInteger(error.col)).toBe(true)
    expect(error.col).toBeGreaterThanOrEqual(1)
    expect(error.col).toBeLessThanOrEqual(length + 1)
    expect(error.location.col).toBe(error.col)
    expect(error.code).toBe('QUERY_SYNTAX')
    expect(error.message).toContain(`at column ${error.col}`)
    return undefined
  }
}

/** Pieces of queries, right and wrong, to reach deep into the grammar. */
const piece = fc.constantFrom(
  'status', 'tags', 'due', 'links.repo', 'a..b', 'x-y', 'größe', 'blocked',
  '=', '!=', '<', '<=', '>', '>=', '~', '==', '!', '=>', '<>', '!~',
  'and', 'or', 'not', 'in', 'has', 'any', 'all', 'AND', 'Not', 'HAS',
  '(', ')', '[', ']', ',',
  '"x y"', "'q'", '"', "'", '"a\\q"', '"\\u{110000}"', '"\\u00e9"', '"\\',
  '/re/i', '/(a+)+/', '/[/]/', '/(/', '/x/g', '/', '//',
  'today', 'today+7d', 'today-2w', 'TODAY+1M', 'today+7x', 'today+',
  '2026-12-01', '2026-02-30', '42', '-1.5', '1e999', '1e3', '-', 'true', 'null', 'todo', 'in-progress', 'task-7kq3',
  '&', '|', '+', '😀', '\\', '\t', '\n', '\u0000', '\ud800', '§',
)
const soup = fc.array(fc.tuple(piece, fc.constantFrom(' ', '', '  ')), {maxLength: 14}).map((parts) => parts.map(([p, s]) => p + s).join(''))

// ---- generated trees ----

const fieldName = fc
  .array(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,6}$/), {minLength: 1, maxLength: 3})
  .map((segments) => segments.join('.'))
  .filter((f) => !['and', 'or', 'not', 'in', 'has', 'true', 'false', 'null'].includes(f))

const stringValue = fc.oneof(
  fc.string({unit: 'grapheme', maxLength: 12}),
  fc.string({unit: 'binary', maxLength: 8}),
  fc.constantFrom('and', 'ANY', 'all', 'today', 'Today+1d', '42', '2026-01-01', 'true', 'null', 'in-progress', 'a"b', "it's", '\\', ''),
).map((value): QueryValue => ({type: 'string', value, col: 0}))

const numberValue = fc
  .oneof(fc.integer({min: -1_000_000, max: 1_000_000}), fc.double({noNaN: true, noDefaultInfinity: true}))
  .map((n): QueryValue => ({type: 'number', value: n === 0 ? 0 : n, col: 0}))

const dateValue = fc
  .date({min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true})
  .map((d): QueryValue => ({type: 'date', value: d.toISOString().slice(0, 10), col: 0}))

const relativeValue = fc
  .tuple(fc.integer({min: -99_999, max: 99_999}), fc.constantFrom('d', 'w', 'm', 'y') as fc.Arbitrary<'d' | 'w' | 'm' | 'y'>)
  .map(([offset, unit]): QueryValue => (offset === 0 ? {type: 'relative', offset: 0, unit: 'd', col: 0} : {type: 'relative', offset, unit, col: 0}))

const regexValue = fc
  .tuple(fc.constantFrom('^fix', 'a\\/b', '[/]x', '(foo|bar)+', '\\d{4}-\\d{2}', 'é', '^$', '(?:ab)+c'), fc.subarray(['i', 'm', 's', 'u']))
  .map(([source, flags]): QueryValue => ({type: 'regex', source, flags: flags.join(''), col: 0}))

const scalar: fc.Arbitrary<QueryValue> = fc.oneof(
  stringValue,
  numberValue,
  fc.boolean().map((value): QueryValue => ({type: 'boolean', value, col: 0})),
  fc.constant<QueryValue>({type: 'null', col: 0}),
  dateValue,
  relativeValue,
)
const list = fc.array(scalar, {maxLength: 4})

const condition: fc.Arbitrary<QueryAst> = fc.oneof(
  fc
    .tuple(fieldName, fc.constantFrom<CompareOp>('=', '!=', '<', '<=', '>', '>='), scalar)
    .map(([field, op, value]): QueryAst => ({kind: 'compare', field, op, value, col: 0})),
  fc.tuple(fieldName, fc.oneof(stringValue, regexValue)).map(([field, value]): QueryAst => ({kind: 'compare', field, op: '~', value, col: 0})),
  fc.tuple(fieldName, fc.boolean(), list).map(([field, negated, values]): QueryAst => ({kind: 'in', field, negated, values, col: 0})),
  fc.tuple(fieldName, scalar).map(([field, value]): QueryAst => ({kind: 'has', field, mode: 'one', values: [value], col: 0})),
  fc.tuple(fieldName, fc.constantFrom<'any' | 'all'>('any', 'all'), list).map(([field, mode, values]): QueryAst => ({kind: 'has', field, mode, values, col: 0})),
  fieldName.map((field): QueryAst => ({kind: 'exists', field, col: 0})),
  fieldName.map((field): QueryAst => ({kind: 'truthy', field, col: 0})),
)

const tree = fc.letrec<{node: QueryAst}>((tie) => ({
  node: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    condition,
    tie('node').map((operand): QueryAst => ({kind: 'not', operand, col: 0})),
    fc.tuple(fc.constantFrom<'and' | 'or'>('and', 'or'), fc.array(tie('node'), {minLength: 2, maxLength: 3})).map(
      ([kind, operands]): QueryAst => ({kind, operands, col: 0}),
    ),
  ),
})).node

// ---- evaluation ----

const context: QueryContext = {
  statuses: ['todo', 'in-progress', 'done'],
  priorities: ['low', 'high'],
  doneStatuses: ['done'],
  now: () => new Date('2026-03-10T12:00:00Z'),
}

const fieldValue = fc.oneof(
  fc.string({maxLength: 6}),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('todo', 'done', 'high', '2026-03-11', '2026-03-11T10:00:00Z', '3'),
  fc.array(fc.oneof(fc.string({maxLength: 4}), fc.integer(), fc.constant(null)), {maxLength: 3}),
  fc.dictionary(fc.string({maxLength: 3}), fc.string({maxLength: 3}), {maxKeys: 2}),
)
const record = fc.dictionary(fc.constantFrom('status', 'priority', 'tags', 'due', 'a', 'b', 'x', 'estimate', 'depends_on'), fieldValue).map(
  (data): DocumentRecord => ({id: 'r', type: 'task', title: 't', path: 'r.md', archived: false, data, body: 'body'}),
)

describe('the parser, on any input', () => {
  it('never throws anything but a QueryError, whose column is inside the input (random text)', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary', maxLength: 60}), (text) => {
        parseOrCheckError(text)
      }),
      {numRuns: RUNS},
    )
  })

  it('never throws anything but a QueryError, whose column is inside the input (query-like text)', () => {
    fc.assert(
      fc.property(soup, (text) => {
        parseOrCheckError(text)
      }),
      {numRuns: RUNS * 3},
    )
  })

  it('re-parses a printed tree to the same tree (trees parsed from query-like text)', () => {
    let parsed = 0
    fc.assert(
      fc.property(soup, (text) => {
        const ast = parseOrCheckError(text)
        if (ast === undefined) return
        parsed++
        expect(shape(parseQuery(formatQuery(ast)))).toEqual(shape(ast))
      }),
      {numRuns: RUNS * 3},
    )
    expect(parsed).toBeGreaterThan(20)
  })

  it('re-parses a printed tree to the same tree (generated trees)', () => {
    fc.assert(
      fc.property(tree, (ast) => {
        const text = formatQuery(ast)
        expect(shape(parseQuery(text))).toEqual(shape(ast))
        // Printing is canonical: a second round gives the same text.
        expect(formatQuery(parseQuery(text))).toBe(text)
      }),
      {numRuns: RUNS},
    )
  })

  it('compiles any parsed tree or refuses it with a QueryError; evaluation never throws', () => {
    fc.assert(
      fc.property(tree, fc.array(record, {maxLength: 5}), (ast, records) => {
        let match: ((r: DocumentRecord) => boolean) | undefined
        try {
          match = compileQuery(parseQuery(formatQuery(ast)), context)
        } catch (error) {
          expect(error).toBeInstanceOf(QueryError)
          return
        }
        for (const r of records) expect(typeof match(r)).toBe('boolean')
      }),
      {numRuns: RUNS},
    )
  })

  it('!= and not in are the exact negations of = and in', () => {
    fc.assert(
      fc.property(fieldName, scalar, fc.array(record, {maxLength: 5}), (field, value, records) => {
        const eq: QueryAst = {kind: 'compare', field, op: '=', value, col: 0}
        const ne: QueryAst = {kind: 'compare', field, op: '!=', value, col: 0}
        const inList: QueryAst = {kind: 'in', field, negated: false, values: [value], col: 0}
        const notIn: QueryAst = {kind: 'in', field, negated: true, values: [value], col: 0}
        const [a, b, c, d] = [eq, ne, inList, notIn].map((q) => compileQuery(q, context)) as Array<(r: DocumentRecord) => boolean>
        for (const r of records) {
          expect(b?.(r)).toBe(!a?.(r))
          expect(d?.(r)).toBe(!c?.(r))
          expect(c?.(r)).toBe(a?.(r))
        }
      }),
      {numRuns: RUNS},
    )
  })
})
