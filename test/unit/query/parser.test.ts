import {describe, expect, it} from 'vitest'
import {PspError} from '@psp/core'
import {formatQuery, parseQuery, QueryError, type QueryAst} from '@psp/core'

/** The tree without columns, to compare shapes. */
function shape(ast: unknown): unknown {
  if (Array.isArray(ast)) return ast.map(shape)
  if (ast !== null && typeof ast === 'object') {
    return Object.fromEntries(Object.entries(ast).filter(([k]) => k !== 'col').map(([k, v]) => [k, shape(v)]))
  }
  return ast
}

const p = (text: string) => shape(parseQuery(text))

function parseError(text: string): QueryError {
  try {
    parseQuery(text)
  } catch (error) {
    expect(error).toBeInstanceOf(QueryError)
    return error as QueryError
  }
  throw new Error(`expected ${JSON.stringify(text)} to fail`)
}

describe('parseQuery: conditions', () => {
  it.each(['=', '!=', '<', '<=', '>', '>=', '~'])('reads the operator %s', (op) => {
    expect(p(`estimate ${op} 3`)).toEqual({
      kind: 'compare',
      field: 'estimate',
      op,
      value: op === '~' ? {type: 'string', value: '3'} : {type: 'number', value: 3},
    })
  })

  it('needs no spaces around operators', () => {
    expect(p('status=todo')).toEqual(p('status = todo'))
    expect(p('estimate>=-2')).toEqual({kind: 'compare', field: 'estimate', op: '>=', value: {type: 'number', value: -2}})
  })

  it('reads in, not in, has, has any, has all and existence', () => {
    expect(p('status in [todo, review]')).toEqual({
      kind: 'in',
      field: 'status',
      negated: false,
      values: [
        {type: 'string', value: 'todo'},
        {type: 'string', value: 'review'},
      ],
    })
    expect(p('status not in []')).toEqual({kind: 'in', field: 'status', negated: true, values: []})
    expect(p('tags has ui')).toEqual({kind: 'has', field: 'tags', mode: 'one', values: [{type: 'string', value: 'ui'}]})
    expect(p('tags has any [a, b]')).toMatchObject({kind: 'has', mode: 'any', values: [{value: 'a'}, {value: 'b'}]})
    expect(p('tags has all [a]')).toMatchObject({kind: 'has', mode: 'all', values: [{value: 'a'}]})
    expect(p('has due')).toEqual({kind: 'exists', field: 'due'})
    expect(p('not has due')).toEqual({kind: 'not', operand: {kind: 'exists', field: 'due'}})
  })

  it('reads "any" and "all" without a list after them as values', () => {
    expect(p('tags has any')).toEqual({kind: 'has', field: 'tags', mode: 'one', values: [{type: 'string', value: 'any'}]})
    expect(p('tags has all and x')).toMatchObject({kind: 'and', operands: [{kind: 'has', mode: 'one', values: [{value: 'all'}]}, {kind: 'truthy'}]})
  })

  it('reads a field on its own as a truth test', () => {
    expect(p('blocked')).toEqual({kind: 'truthy', field: 'blocked'})
    expect(p('(ready)')).toEqual({kind: 'truthy', field: 'ready'})
  })

  it('reads nested fields with dots, and fields with dashes, digits and non-ASCII letters', () => {
    expect(p('links.repo = x')).toMatchObject({field: 'links.repo'})
    expect(p('steps.0.done')).toEqual({kind: 'truthy', field: 'steps.0.done'})
    expect(p('due-date < today')).toMatchObject({field: 'due-date'})
    expect(p('_x2 = 1')).toMatchObject({field: '_x2'})
    expect(p('größe > 3')).toMatchObject({field: 'größe'})
  })

  it('reads keywords in any case', () => {
    expect(p('NOT a AND b OR c')).toEqual(p('not a and b or c'))
    expect(p('tags HAS ANY [x]')).toEqual(p('tags has any [x]'))
    expect(p('s NOT IN [x]')).toEqual(p('s not in [x]'))
    expect(p('HAS due')).toEqual(p('has due'))
    expect(p('x = TRUE')).toEqual(p('x = true'))
    expect(p('x = Null')).toEqual(p('x = null'))
    expect(p('due < TODAY+7D')).toEqual(p('due < today+7d'))
  })
})

describe('parseQuery: precedence', () => {
  it('binds and tighter than or', () => {
    expect(p('a or b and c')).toEqual({
      kind: 'or',
      operands: [
        {kind: 'truthy', field: 'a'},
        {kind: 'and', operands: [{kind: 'truthy', field: 'b'}, {kind: 'truthy', field: 'c'}]},
      ],
    })
    expect(p('a and b or c')).toEqual({
      kind: 'or',
      operands: [{kind: 'and', operands: [{kind: 'truthy', field: 'a'}, {kind: 'truthy', field: 'b'}]}, {kind: 'truthy', field: 'c'}],
    })
  })

  it('binds not tighter than and', () => {
    expect(p('not a and b')).toEqual({kind: 'and', operands: [{kind: 'not', operand: {kind: 'truthy', field: 'a'}}, {kind: 'truthy', field: 'b'}]})
    expect(p('not not a')).toEqual({kind: 'not', operand: {kind: 'not', operand: {kind: 'truthy', field: 'a'}}})
  })

  it('groups with parentheses', () => {
    expect(p('(a or b) and c')).toEqual({
      kind: 'and',
      operands: [{kind: 'or', operands: [{kind: 'truthy', field: 'a'}, {kind: 'truthy', field: 'b'}]}, {kind: 'truthy', field: 'c'}],
    })
    expect(p('not (a or b)')).toEqual({kind: 'not', operand: {kind: 'or', operands: [{kind: 'truthy', field: 'a'}, {kind: 'truthy', field: 'b'}]}})
  })

  it('makes one node of a chain, and keeps parenthesised chains nested', () => {
    expect(p('a and b and c')).toMatchObject({kind: 'and', operands: [{}, {}, {}]})
    expect(p('(a and b) and c')).toMatchObject({kind: 'and', operands: [{kind: 'and'}, {kind: 'truthy'}]})
    expect(p('a or b or c or d')).toMatchObject({kind: 'or', operands: [{}, {}, {}, {}]})
  })

  it('records the column where each node starts', () => {
    const ast = parseQuery('  a = 1 or (b ~ "x")') as QueryAst & {kind: 'or'}
    expect(ast.col).toBe(3)
    expect(ast.operands[1]).toMatchObject({kind: 'compare', col: 13, value: {col: 17}})
  })
})

describe('parseQuery: values', () => {
  const value = (text: string) => (p(`x = ${text}`) as {value: unknown}).value

  it('reads bare words as strings', () => {
    expect(value('todo')).toEqual({type: 'string', value: 'todo'})
    expect(value('in-progress')).toEqual({type: 'string', value: 'in-progress'})
    expect(value('task-7kq3')).toEqual({type: 'string', value: 'task-7kq3'})
    expect(value('7kq3')).toEqual({type: 'string', value: '7kq3'})
    expect(value('a/b:c@d.e+f')).toEqual({type: 'string', value: 'a/b:c@d.e+f'})
    expect(value('Ünïcode')).toEqual({type: 'string', value: 'Ünïcode'})
  })

  it('reads numbers, booleans, null and dates', () => {
    expect(value('42')).toEqual({type: 'number', value: 42})
    expect(value('-1.5')).toEqual({type: 'number', value: -1.5})
    expect(value('1e3')).toEqual({type: 'number', value: 1000})
    expect(value('-0')).toEqual({type: 'number', value: 0})
    expect(value('true')).toEqual({type: 'boolean', value: true})
    expect(value('false')).toEqual({type: 'boolean', value: false})
    expect(value('null')).toEqual({type: 'null'})
    expect(value('2026-12-01')).toEqual({type: 'date', value: '2026-12-01'})
    expect(value('2024-02-29')).toEqual({type: 'date', value: '2024-02-29'})
  })

  it('reads relative dates', () => {
    expect(value('today')).toEqual({type: 'relative', offset: 0, unit: 'd'})
    expect(value('today+7d')).toEqual({type: 'relative', offset: 7, unit: 'd'})
    expect(value('today-2w')).toEqual({type: 'relative', offset: -2, unit: 'w'})
    expect(value('today+1m')).toEqual({type: 'relative', offset: 1, unit: 'm'})
    expect(value('today-10y')).toEqual({type: 'relative', offset: -10, unit: 'y'})
    expect(value('today+0w')).toEqual({type: 'relative', offset: 0, unit: 'd'})
  })

  it('reads quoted strings, single or double, with escapes', () => {
    expect(value(`'in progress'`)).toEqual({type: 'string', value: 'in progress'})
    expect(value(`"it's"`)).toEqual({type: 'string', value: "it's"})
    expect(value(`'it\\'s'`)).toEqual({type: 'string', value: "it's"})
    expect(value(`"a\\"b\\\\c\\n\\t\\u00e9\\u{1F600}"`)).toEqual({type: 'string', value: 'a"b\\c\n\té😀'})
    expect(value(`""`)).toEqual({type: 'string', value: ''})
    expect(value(`"42"`)).toEqual({type: 'string', value: '42'})
    expect(value(`"true"`)).toEqual({type: 'string', value: 'true'})
    expect(value(`"and"`)).toEqual({type: 'string', value: 'and'})
    expect(value(`'2026-12-01'`)).toEqual({type: 'string', value: '2026-12-01'})
  })

  it('reads any bare word after ~ as text', () => {
    expect(p('title ~ 42')).toMatchObject({value: {type: 'string', value: '42'}})
    expect(p('title ~ true')).toMatchObject({value: {type: 'string', value: 'true'}})
    expect(p('title ~ today')).toMatchObject({value: {type: 'string', value: 'today'}})
  })

  it('reads regular expressions after ~', () => {
    expect(p('title ~ /^fix\\b/i')).toMatchObject({op: '~', value: {type: 'regex', source: '^fix\\b', flags: 'i'}})
    expect(p('path ~ /a\\/b[/]/')).toMatchObject({value: {type: 'regex', source: 'a\\/b[/]', flags: ''}})
  })
})

describe('parseQuery: errors', () => {
  it('throws a QueryError: a PspError with code QUERY_SYNTAX and exit code 2', () => {
    const error = parseError('status =')
    expect(error).toBeInstanceOf(PspError)
    expect(error.code).toBe('QUERY_SYNTAX')
    expect(error.exitCode).toBe(2)
    expect(error.location.col).toBe(error.col)
    expect(error.data).toEqual({query: 'status ='})
  })

  it.each([
    // [query, column, message]
    ['', 1, 'empty query: expected a condition at column 1'],
    ['   ', 4, 'empty query: expected a condition at column 4'],
    ['status = ', 10, 'expected a value after "=", found the end of the query at column 10'],
    ['priority = and x', 12, 'expected a value after "=", found "and" at column 12'],
    ['status != )', 11, 'expected a value after "!=", found ")" at column 11'],
    ['a = 1 and', 10, 'expected a condition after "and", found the end of the query at column 10'],
    ['status todo', 8, 'expected an operator after "status", found "todo" at column 8'],
    ['status == todo', 8, 'unknown operator "==" at column 8: use "=" to compare'],
    ['a <> b', 3, 'unknown operator "<>"'],
    ['a => 3', 3, 'unknown operator "=>" at column 3: use ">="'],
    ['!blocked', 1, 'unknown operator "!" at column 1: use "not"'],
    ['a = 1 && b', 7, 'unexpected character "&" at column 7: use "and"'],
    ['a = 1 || b', 7, 'unexpected character "|"'],
    ['due < today + 7d', 13, 'unexpected character "+" at column 13: write relative dates without spaces'],
    ['(a = 1 and b = 2', 1, 'unclosed "(" at column 1: no ")" before the end of the query'],
    ['((a)', 1, 'unclosed "(" at column 1'],
    ['(a = 1 b)', 8, 'expected "and", "or" or ")", found "b" at column 8'],
    ['a = 1)', 6, 'unexpected ")" at column 6: there is no "(" to close'],
    ['()', 2, 'expected a condition inside "()" at column 2'],
    ['a = 1 b = 2', 7, 'expected "and", "or" or the end of the query, found "b" at column 7'],
    ['a = 1 ]', 7, 'expected "and", "or" or the end of the query, found "]"'],
    ['tags in [a, b', 9, 'unclosed "[" at column 9: no "]" before the end of the query'],
    ['tags in [a b]', 12, 'expected "," or "]" in the list, found "b" at column 12'],
    ['tags in [a,]', 12, 'expected a value after ",", found "]" at column 12'],
    ['tags in a', 9, 'expected "[" after "in", found "a" at column 9'],
    ['tags in [[a]]', 10, 'lists do not nest'],
    ['tags = [a]', 8, 'a list is only allowed after in, not in, has any, has all'],
    ['tags has [a]', 10, 'expected a value after "has", found "["'],
    ['status not = x', 12, 'expected "in" after "not", found "=" at column 12'],
    ["title = 'abc", 9, 'unclosed string at column 9: no closing \' before the end of the query'],
    ['title = "a\\qb"', 11, 'unknown escape "\\\\q" in a string at column 11'],
    ['title = "\\u12"', 10, 'invalid unicode escape'],
    ['title ~ /abc', 9, 'unclosed regular expression at column 9'],
    ['title ~ //', 9, 'empty regular expression at column 9'],
    ['title ~ /a/g', 12, 'invalid regular expression flag "g" at column 12'],
    ['title ~ /a/ii', 13, 'invalid regular expression flag "i" at column 13'],
    ['title ~ /(/', 10, 'invalid regular expression: Unterminated group at column 10'],
    ['title = /a/', 9, 'a regular expression is only allowed after "~" at column 9'],
    ['title ~ /(a+)+$/', 10, 'nested quantifiers are not allowed'],
    ['body ~ /x(\\w+\\s?)*y/', 10, 'nested quantifiers'],
    ['title ~ /(a|a)*b/', 10, 'repeated alternatives that overlap'],
    ['title ~ /(a)\\1/', 13, 'backreferences are not allowed'],
    ['due < 2026-02-30', 7, 'invalid date "2026-02-30" at column 7'],
    ['due < 2026-13-01', 7, 'invalid date'],
    ['due < today+7x', 7, 'invalid relative date "today+7x" at column 7'],
    ['due < today+123456d', 7, 'invalid relative date'],
    ['n = 1e999', 5, 'number out of range: 1e999 at column 5'],
    ['and = 1', 1, 'expected a condition, found "and" at column 1: "and" is a keyword'],
    ['a = 1 or or', 10, 'expected a condition after "or", found "or" at column 10'],
    ['a = 1 and )', 11, 'expected a condition before ")" at column 11'],
    ['has', 4, 'expected a field name after "has", found the end of the query at column 4'],
    ['has 3x = 1', 5, 'expected a field name after "has", found "3x"'],
    ['status = todo and not', 22, 'expected a condition after "not", found the end of the query'],
    ['"status" = todo', 1, 'field names are not quoted'],
    ['a..b = 1', 1, 'expected a condition'],
    ['a = 1 and §', 11, 'unexpected character "§" at column 11'],
    ['a = "x" $', 9, 'unexpected character "$"'],
  ] as const)('%j fails at column %i', (query, col, message) => {
    const error = parseError(query)
    expect(error.col).toBe(col)
    if (message !== undefined) expect(error.message).toContain(message)
  })

  it('counts columns in characters, not UTF-16 units', () => {
    expect(parseError('title = "😀😀" =').col).toBe(14)
    expect(parseError('😀 = 1').col).toBe(1)
  })

  it('refuses absurd nesting and length with a column', () => {
    expect(parseError(`${'('.repeat(100)}a${')'.repeat(100)}`).message).toContain('nested too deeply')
    expect(parseError(`${'not '.repeat(100)}a`).message).toContain('nested too deeply')
    const long = parseError(`a = ${'x'.repeat(20_000)}`)
    expect(long.message).toContain('query too long')
    expect(long.col).toBe(10_001)
  })

  it('accepts reasonable nesting', () => {
    expect(() => parseQuery(`${'('.repeat(30)}a${')'.repeat(30)}`)).not.toThrow()
  })
})

describe('formatQuery', () => {
  it.each([
    ['status=todo', 'status = todo'],
    ['a AND b OR NOT c', 'a and b or not c'],
    ['Status = Todo', 'Status = Todo'],
    ['(a or b) and c', '(a or b) and c'],
    ['((a and b)) or c', 'a and b or c'],
    ['(a and b) and c', '(a and b) and c'],
    ['(a or b) or c', '(a or b) or c'],
    ['not (a and b)', 'not (a and b)'],
    ["title = 'in progress'", 'title = "in progress"'],
    ["x in ['and', \"42\", true, 3, null, 2026-01-02, today-3W]", 'x in ["and", "42", true, 3, null, 2026-01-02, today-3w]'],
    ['tags HAS ANY [ui,api]', 'tags has any [ui, api]'],
    ['tags has "any"', 'tags has "any"'],
    ['title ~ /x\\/y/im', 'title ~ /x\\/y/im'],
    ['title ~ 42', 'title ~ "42"'],
    ['title = "a\\"b\\\\\\n"', 'title = "a\\"b\\\\\\n"'],
    ['HAS due and not has x.y', 'has due and not has x.y'],
    ['due < today+0d', 'due < today'],
    ['n > 1e21', 'n > 1e+21'],
  ])('%j prints as %j', (input, output) => {
    const text = formatQuery(parseQuery(input))
    expect(text).toBe(output)
    expect(shape(parseQuery(text))).toEqual(shape(parseQuery(input)))
  })
})
