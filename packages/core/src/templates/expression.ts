/**
 * Template expressions: `{{ name }}`, `{{ start + 2w }}`, `{{ name | slug }}`. A deliberately
 * small language with no code in it: a template fetched from a git URL is data, and rendering it
 * can only ever read the variables it was given (docs/templates.md#expressions).
 *
 *     expression := value (('+' | '-') offset)* ('|' filter)*
 *     value      := variable
 *     offset     := (integer | variable) unit       unit: d, w, m, y (or days, weeks, months, years)
 *     filter     := slug | upper | lower
 */
import {addToDay, formatDay, parseDay} from '../query/dates.js'
import type {DateUnit} from '../query/ast.js'
import {slugify} from '../ids.js'

/** A variable's value once resolved: dates are `YYYY-MM-DD` strings. */
export type VariableValue = string | number | boolean

/** The value of every variable a render may use, by name. */
export type Variables = Record<string, VariableValue>

/** What a variable is, as far as expressions care: date arithmetic needs a date. */
export type VariableKind = 'string' | 'number' | 'boolean' | 'date'

const UNITS: Record<string, DateUnit> = {d: 'd', day: 'd', days: 'd', w: 'w', week: 'w', weeks: 'w', m: 'm', month: 'm', months: 'm', y: 'y', year: 'y', years: 'y'}
const FILTERS = ['slug', 'upper', 'lower'] as const
type Filter = (typeof FILTERS)[number]

/** A parsed `{{ … }}`. */
export interface Expression {
  variable: string
  offsets: {sign: 1 | -1; count: number | string; unit: DateUnit}[]
  filters: Filter[]
  /** The source between the braces, for messages. */
  source: string
}

/** A problem with an expression; `message` names the expression. */
export class ExpressionError extends Error {}

interface Token {
  kind: 'name' | 'number' | 'op'
  text: string
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = []
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\d+)|([+\-|])|(\S))/y
  let match: RegExpExecArray | null
  while (re.lastIndex < source.length && (match = re.exec(source)) !== null) {
    if (match[1] !== undefined) tokens.push({kind: 'name', text: match[1]})
    else if (match[2] !== undefined) tokens.push({kind: 'number', text: match[2]})
    else if (match[3] !== undefined) tokens.push({kind: 'op', text: match[3]})
    else if (match[4] !== undefined) throw new ExpressionError(`{{${source}}}: unexpected "${match[4]}"`)
  }
  return tokens
}

/** Parses the text between `{{` and `}}`. */
export function parseExpression(source: string): Expression {
  const tokens = tokenize(source)
  let i = 0
  const fail = (what: string): never => {
    throw new ExpressionError(`{{${source}}}: ${what}`)
  }
  const first = tokens[i++]
  if (first === undefined) fail('empty expression')
  if (first?.kind !== 'name') fail('an expression starts with a variable name')
  const expression: Expression = {variable: (first as Token).text, offsets: [], filters: [], source: source.trim()}
  while (tokens[i]?.kind === 'op' && (tokens[i]?.text === '+' || tokens[i]?.text === '-')) {
    const sign = tokens[i++]?.text === '+' ? 1 : -1
    const count = tokens[i++]
    if (count === undefined || count.kind === 'op') fail(`a number or variable must follow "${sign > 0 ? '+' : '-'}"`)
    const unit = tokens[i++]
    const known = unit?.kind === 'name' ? UNITS[unit.text] : undefined
    if (known === undefined) fail(`"${(count as Token).text}" needs a unit: d, w, m or y (as in 2w)`)
    const c = count as Token
    expression.offsets.push({sign, count: c.kind === 'number' ? Number(c.text) : c.text, unit: known as DateUnit})
  }
  while (tokens[i]?.kind === 'op' && tokens[i]?.text === '|') {
    i++
    const name = tokens[i++]
    if (name?.kind !== 'name' || !(FILTERS as readonly string[]).includes(name.text)) {
      fail(`unknown filter "${name?.text ?? ''}" (filters: ${FILTERS.join(', ')})`)
    }
    expression.filters.push((name as Token).text as Filter)
  }
  if (i < tokens.length) fail(`unexpected "${tokens[i]?.text}"`)
  return expression
}

/** The variables an expression reads. */
export function variablesOf(expression: Expression): string[] {
  const names = [expression.variable]
  for (const offset of expression.offsets) if (typeof offset.count === 'string') names.push(offset.count)
  return names
}

/**
 * Checks an expression against the variables a template declares, without values: unknown
 * names, and date arithmetic on something that is not a date or by something not a number.
 */
export function checkExpression(expression: Expression, kinds: Record<string, VariableKind>): void {
  const fail = (what: string): never => {
    throw new ExpressionError(`{{${expression.source}}}: ${what}`)
  }
  for (const name of variablesOf(expression)) {
    if (kinds[name] === undefined) fail(`unknown variable "${name}"`)
  }
  if (expression.offsets.length > 0 && kinds[expression.variable] !== 'date') fail(`"${expression.variable}" is not a date: only dates take + and -`)
  for (const offset of expression.offsets) {
    if (typeof offset.count === 'string' && kinds[offset.count] !== 'number') fail(`"${offset.count}" is not a number`)
  }
}

/** Evaluates an expression: a date stays a `YYYY-MM-DD` string, numbers and booleans keep their type. */
export function evaluate(expression: Expression, variables: Variables): VariableValue {
  const read = (name: string): VariableValue => {
    const value = variables[name]
    if (value === undefined) throw new ExpressionError(`{{${expression.source}}}: unknown variable "${name}"`)
    return value
  }
  let value = read(expression.variable)
  if (expression.offsets.length > 0) {
    let day = typeof value === 'string' ? parseDay(value, true) : undefined
    if (day === undefined) throw new ExpressionError(`{{${expression.source}}}: "${expression.variable}" is not a date`)
    for (const {sign, count, unit} of expression.offsets) {
      const n = typeof count === 'number' ? count : read(count)
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new ExpressionError(`{{${expression.source}}}: "${String(count)}" is not a whole number`)
      day = addToDay(day, sign * n, unit)
    }
    value = formatDay(day)
  }
  for (const filter of expression.filters) {
    const text = String(value)
    value = filter === 'slug' ? slugify(text) : filter === 'upper' ? text.toUpperCase() : text.toLowerCase()
  }
  return value
}

/** One piece of a text: literal text, or an expression. */
export type Segment = string | Expression

/**
 * Splits a text into literal pieces and expressions. `\{{` is a literal `{{`; an unclosed `{{`
 * is an error (a typo would otherwise be written into the project as is).
 */
export function parseText(text: string): Segment[] {
  const segments: Segment[] = []
  let literal = ''
  let at = 0
  for (;;) {
    const open = text.indexOf('{{', at)
    if (open === -1) break
    if (open > 0 && text[open - 1] === '\\') {
      literal += text.slice(at, open - 1) + '{{'
      at = open + 2
      continue
    }
    const close = text.indexOf('}}', open + 2)
    if (close === -1) throw new ExpressionError(`"{{" without "}}": ${JSON.stringify(text.slice(open, open + 30))}`)
    literal += text.slice(at, open)
    if (literal !== '') segments.push(literal)
    literal = ''
    segments.push(parseExpression(text.slice(open + 2, close)))
    at = close + 2
  }
  literal += text.slice(at)
  if (literal !== '') segments.push(literal)
  return segments
}

/** Every expression in a text (parse errors thrown). */
export function expressionsIn(text: string): Expression[] {
  return parseText(text).filter((s): s is Expression => typeof s !== 'string')
}

/** Renders a text: every expression replaced by its value. */
export function renderText(text: string, variables: Variables): string {
  if (!text.includes('{{')) return text
  return parseText(text)
    .map((segment) => (typeof segment === 'string' ? segment : String(evaluate(segment, variables))))
    .join('')
}

/**
 * Renders a frontmatter value. A string that is exactly one expression takes the expression's
 * type (`estimate: "{{ hours }}"` is a number); lists and mappings are rendered item by item.
 */
export function renderValue(value: unknown, variables: Variables): unknown {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return value
    const segments = parseText(value)
    if (segments.length === 1 && typeof segments[0] !== 'string') return evaluate(segments[0] as Expression, variables)
    return renderText(value, variables)
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, variables))
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderValue(v, variables)]))
  }
  return value
}

/** Every expression in a frontmatter value, at any depth. */
export function expressionsInValue(value: unknown): Expression[] {
  if (typeof value === 'string') return expressionsIn(value)
  if (Array.isArray(value)) return value.flatMap((item) => expressionsInValue(item))
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap((v) => expressionsInValue(v))
  return []
}
