/**
 * The query parser: recursive descent over the grammar in docs/query.md, `and` binding tighter
 * than `or`. It throws only QueryError, always with the column of the offending character.
 */
import type {CompareOp, DateUnit, QueryAst, QueryValue} from './ast.js'
import {dayFromParts} from './dates.js'
import {Lexer, quote, type Token} from './lexer.js'
import {regexProblem} from './regex.js'

/** Parentheses and `not`s nested deeper than this are refused (the parser recurses). */
export const MAX_DEPTH = 64

/** Words that are never a field name nor a bare value (case-insensitive). */
export const RESERVED = new Set(['and', 'or', 'not', 'in', 'has', 'true', 'false', 'null'])

const FIELD = /^[\p{L}_][\p{L}\p{N}\p{M}_-]*(?:\.[\p{L}\p{N}_][\p{L}\p{N}\p{M}_-]*)*$/u
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const RELATIVE = /^today(?:([+-])(\d{1,5})([dwmy]))?$/i
const MAX_OFFSET_DIGITS = 5

/** Parses a query into its syntax tree. Throws QueryError (code QUERY_SYNTAX) with a column. */
export function parseQuery(text: string): QueryAst {
  return new Parser(text).parse()
}

/** Is this text a number as the query language writes them? */
export function isNumberText(text: string): boolean {
  return NUMBER.test(text)
}

/** Is this text a field name (`status`, `links.repo`)? */
export function isFieldName(text: string): boolean {
  return FIELD.test(text) && !RESERVED.has(text.toLowerCase())
}

type ValueContext = 'compare' | 'contains' | 'list' | 'has'

class Parser {
  private readonly lexer: Lexer
  private depth = 0

  constructor(text: string) {
    this.lexer = new Lexer(text)
  }

  parse(): QueryAst {
    const first = this.lexer.peek()
    if (first.kind === 'eof') {
      throw this.lexer.error('empty query: expected a condition', first.pos, {detail: 'for example status = todo'})
    }
    const ast = this.parseOr()
    const token = this.lexer.peek()
    if (token.kind === ')') throw this.lexer.error('unexpected ")"', token.pos, {detail: 'there is no "(" to close'})
    if (token.kind !== 'eof') {
      throw this.lexer.error(`expected "and", "or" or the end of the query, found ${describe(token)}`, token.pos)
    }
    return ast
  }

  private col(token: Token): number {
    return this.lexer.colAt(token.pos)
  }

  private isKeyword(token: Token, word: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === word
  }

  private parseOr(): QueryAst {
    return this.parseChain('or', () => this.parseAnd())
  }

  private parseAnd(): QueryAst {
    return this.parseChain('and', () => this.parseUnary())
  }

  /** `operand (keyword operand)*`, flattened into one node when the keyword appears. */
  private parseChain(keyword: 'and' | 'or', operand: () => QueryAst): QueryAst {
    const first = operand()
    if (!this.isKeyword(this.lexer.peek(), keyword)) return first
    const operands = [first]
    while (this.isKeyword(this.lexer.peek(), keyword)) {
      this.lexer.next()
      operands.push(operand())
    }
    return {kind: keyword, operands, col: first.col}
  }

  private enter(token: Token): void {
    if (++this.depth > MAX_DEPTH) {
      throw this.lexer.error(`query nested too deeply (more than ${MAX_DEPTH} levels of "(" and "not")`, token.pos)
    }
  }

  private parseUnary(): QueryAst {
    const token = this.lexer.peek()
    if (this.isKeyword(token, 'not')) {
      this.lexer.next()
      this.enter(token)
      const operand = this.parseUnary()
      this.depth--
      return {kind: 'not', operand, col: this.col(token)}
    }
    return this.parsePrimary()
  }

  private parsePrimary(): QueryAst {
    const before = this.lexer.last
    const token = this.lexer.next()
    if (token.kind === '(') {
      this.enter(token)
      if (this.lexer.peek().kind === ')') {
        throw this.lexer.error('expected a condition inside "()"', this.lexer.peek().pos)
      }
      const inner = this.parseOr()
      const close = this.lexer.next()
      if (close.kind === 'eof') {
        throw this.lexer.error('unclosed "("', token.pos, {detail: 'no ")" before the end of the query'})
      }
      if (close.kind !== ')') {
        throw this.lexer.error(`expected "and", "or" or ")", found ${describe(close)}`, close.pos)
      }
      this.depth--
      return inner
    }
    if (this.isKeyword(token, 'has')) {
      const field = this.lexer.next()
      return {kind: 'exists', field: this.fieldName(field, 'after "has"'), col: this.col(token)}
    }
    const field = this.fieldName(token, '', before)
    const col = this.col(token)
    const next = this.lexer.peek()
    if (next.kind === 'op') {
      this.lexer.next()
      const op = next.text as CompareOp
      return {kind: 'compare', field, op, value: this.parseValue(op === '~' ? 'contains' : 'compare', next), col}
    }
    if (next.kind === 'word') {
      const word = next.text.toLowerCase()
      if (word === 'in') {
        this.lexer.next()
        return {kind: 'in', field, negated: false, values: this.parseList(next), col}
      }
      if (word === 'not') {
        this.lexer.next()
        const inWord = this.lexer.next()
        if (!this.isKeyword(inWord, 'in')) {
          throw this.lexer.error(`expected "in" after "not", found ${describe(inWord)}`, inWord.pos, {
            detail: `to negate a condition, put "not" before it: not ${field} …`,
          })
        }
        return {kind: 'in', field, negated: true, values: this.parseList(inWord), col}
      }
      if (word === 'has') {
        this.lexer.next()
        const quantifier = this.lexer.peek()
        const q = quantifier.kind === 'word' ? quantifier.text.toLowerCase() : ''
        if (q === 'any' || q === 'all') {
          this.lexer.next()
          if (this.lexer.peek().kind === '[') return {kind: 'has', field, mode: q, values: this.parseList(quantifier), col}
          // `tags has any` with no list after it: the tag "any".
          return {kind: 'has', field, mode: 'one', values: [{type: 'string', value: quantifier.text, col: this.col(quantifier)}], col}
        }
        return {kind: 'has', field, mode: 'one', values: [this.parseValue('has', next)], col}
      }
      if (word !== 'and' && word !== 'or') {
        throw this.lexer.error(`expected an operator after ${quote(field)}, found ${describe(next)}`, next.pos, {
          detail: 'the operators are =, !=, <, <=, >, >=, ~, in, not in, has; conditions are joined with "and" / "or"',
        })
      }
    } else if (next.kind !== 'eof' && next.kind !== ')') {
      throw this.lexer.error(`expected an operator after ${quote(field)}, found ${describe(next)}`, next.pos, {
        detail: 'the operators are =, !=, <, <=, >, >=, ~, in, not in, has',
      })
    }
    return {kind: 'truthy', field, col}
  }

  /**
   * The field name in `token`. `where` says what it follows (`after "has"`); empty when it starts
   * a condition, whose error then names the token before (`expected a condition after "and"`).
   */
  private fieldName(token: Token, where: string, before?: Token): string {
    if (token.kind === 'word' && isFieldName(token.text)) return token.text
    const what = where === '' ? 'a condition' : 'a field name'
    const after = where !== '' ? ` ${where}` : before === undefined ? '' : ` after ${quote(before.text)}`
    if (token.kind === ')' && where === '') {
      throw this.lexer.error(`expected a condition before ")"`, token.pos)
    }
    const detail =
      token.kind === 'word' && RESERVED.has(token.text.toLowerCase())
        ? `${quote(token.text)} is a keyword`
        : token.kind === 'string'
          ? 'field names are not quoted'
          : where === ''
            ? 'a condition starts with a field name, "not", "has" or "("'
            : 'field names are letters, digits, "_" and "-", nested with dots (links.repo)'
    throw this.lexer.error(`expected ${what}${after}, found ${describe(token)}`, token.pos, {detail})
  }

  /** `[v, v, …]` after `in`, `has any`, `has all`. */
  private parseList(after: Token): QueryValue[] {
    const open = this.lexer.next()
    if (open.kind !== '[') {
      throw this.lexer.error(`expected "[" after ${quote(after.text)}, found ${describe(open)}`, open.pos, {detail: 'lists are written [a, b]'})
    }
    const values: QueryValue[] = []
    if (this.lexer.peek().kind === ']') {
      this.lexer.next()
      return values
    }
    let previous: Token = open
    for (;;) {
      values.push(this.parseValue('list', previous))
      const sep = this.lexer.next()
      if (sep.kind === ']') return values
      if (sep.kind === 'eof') throw this.lexer.error('unclosed "["', open.pos, {detail: 'no "]" before the end of the query'})
      if (sep.kind !== ',') throw this.lexer.error(`expected "," or "]" in the list, found ${describe(sep)}`, sep.pos)
      previous = sep
    }
  }

  /** A literal. `after` is the token before it, named in "expected a value after …". */
  private parseValue(context: ValueContext, after: Token): QueryValue {
    const token = this.lexer.next()
    const col = this.col(token)
    const expected = (detail?: string) =>
      this.lexer.error(`expected a value after ${quote(after.text)}, found ${describe(token)}`, token.pos, detail === undefined ? {} : {detail})
    switch (token.kind) {
      case 'string':
        return {type: 'string', value: token.text, col}
      case 'regex': {
        if (context !== 'contains') {
          throw this.lexer.error('a regular expression is only allowed after "~"', token.pos)
        }
        const problem = regexProblem(token.text, token.flags)
        if (problem) throw this.lexer.error(problem.message, token.pos + 1 + problem.offset)
        return {type: 'regex', source: token.text, flags: token.flags, col}
      }
      case 'word':
        break
      case '[':
        throw expected(context === 'list' ? 'lists do not nest' : 'a list is only allowed after in, not in, has any, has all')
      default:
        throw expected()
    }
    const text = token.text
    const lower = text.toLowerCase()
    if (lower === 'and' || lower === 'or' || lower === 'not' || lower === 'in' || lower === 'has') {
      throw expected(`to compare with the word ${quote(text)}, quote it: '${text}'`)
    }
    // After `~`, a bare word is text to look for, whatever it looks like.
    if (context === 'contains') return {type: 'string', value: text, col}
    if (lower === 'true' || lower === 'false') return {type: 'boolean', value: lower === 'true', col}
    if (lower === 'null') return {type: 'null', col}
    if (lower.startsWith('today')) {
      const m = RELATIVE.exec(text)
      if (m) {
        const [, sign, digits, unit] = m
        if (sign === undefined || Number(digits) === 0) return {type: 'relative', offset: 0, unit: 'd', col}
        const offset = Number(digits) * (sign === '-' ? -1 : 1)
        return {type: 'relative', offset, unit: (unit as string).toLowerCase() as DateUnit, col}
      }
      if (/^today[+-]/i.test(text)) {
        throw this.lexer.error(`invalid relative date ${quote(text)}`, token.pos, {
          detail: `write today, or today+N / today-N with N of at most ${MAX_OFFSET_DIGITS} digits and a unit d, w, m or y (today+7d, today-2w)`,
        })
      }
    }
    if (NUMBER.test(text)) {
      const value = Number(text)
      if (!Number.isFinite(value)) throw this.lexer.error(`number out of range: ${text}`, token.pos)
      return {type: 'number', value: value === 0 ? 0 : value, col}
    }
    const date = DATE.exec(text)
    if (date) {
      if (dayFromParts(Number(date[1]), Number(date[2]), Number(date[3])) === undefined) {
        throw this.lexer.error(`invalid date ${quote(text)}`, token.pos, {detail: 'there is no such day'})
      }
      return {type: 'date', value: text, col}
    }
    return {type: 'string', value: text, col}
  }
}

/** How a token is named in an error: `"todo"`, `")"`, `the end of the query`. */
function describe(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the query'
    case 'string':
      return `the string ${quote(token.text)}`
    case 'regex':
      return `the regular expression /${token.text}/${token.flags}`
    default:
      return quote(token.text)
  }
}
