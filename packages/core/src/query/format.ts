/**
 * Prints a syntax tree back as query text, in one canonical form: keywords in lower case, one
 * space around operators, parentheses only where precedence needs them, strings bare when they
 * read back as the same string and double-quoted otherwise. `parseQuery(formatQuery(ast))` gives
 * back `ast` (columns aside).
 */
import type {QueryAst, QueryValue} from './ast.js'
import {isWordPart, isWordStart} from './lexer.js'
import {isNumberText, RESERVED} from './parser.js'

export function formatQuery(ast: QueryAst): string {
  switch (ast.kind) {
    case 'or':
      return ast.operands.map((o) => (o.kind === 'or' ? `(${formatQuery(o)})` : formatQuery(o))).join(' or ')
    case 'and':
      return ast.operands.map((o) => (o.kind === 'or' || o.kind === 'and' ? `(${formatQuery(o)})` : formatQuery(o))).join(' and ')
    case 'not':
      return `not ${ast.operand.kind === 'or' || ast.operand.kind === 'and' ? `(${formatQuery(ast.operand)})` : formatQuery(ast.operand)}`
    case 'compare':
      return `${ast.field} ${ast.op} ${formatValue(ast.value)}`
    case 'in':
      return `${ast.field} ${ast.negated ? 'not in' : 'in'} ${formatList(ast.values)}`
    case 'has':
      if (ast.mode === 'one') return `${ast.field} has ${ast.values[0] === undefined ? '""' : formatValue(ast.values[0])}`
      return `${ast.field} has ${ast.mode} ${formatList(ast.values)}`
    case 'exists':
      return `has ${ast.field}`
    case 'truthy':
      return ast.field
  }
}

function formatList(values: readonly QueryValue[]): string {
  return `[${values.map(formatValue).join(', ')}]`
}

/** A literal as query text. */
export function formatValue(value: QueryValue): string {
  switch (value.type) {
    case 'string':
      return isBareString(value.value) ? value.value : quoteString(value.value)
    case 'number':
      return String(value.value)
    case 'boolean':
      return String(value.value)
    case 'null':
      return 'null'
    case 'date':
      return value.value
    case 'relative':
      return value.offset === 0 ? 'today' : `today${value.offset < 0 ? '-' : '+'}${Math.abs(value.offset)}${value.unit}`
    case 'regex':
      return `/${value.source}/${value.flags}`
  }
}

/** Can this string be written without quotes and still read back as this string? */
export function isBareString(text: string): boolean {
  if (text === '') return false
  const first = text.codePointAt(0) ?? 0
  if (!isWordStart(first)) return false
  for (let i = first > 0xffff ? 2 : 1; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0
    if (!isWordPart(cp)) return false
    i += cp > 0xffff ? 2 : 1
  }
  const lower = text.toLowerCase()
  return !(
    RESERVED.has(lower) ||
    lower === 'any' ||
    lower === 'all' ||
    lower.startsWith('today') ||
    isNumberText(text) ||
    /^\d{4}-\d{2}-\d{2}$/.test(text)
  )
}

/** A double-quoted string with `\\`, `\"` and control characters escaped. */
export function quoteString(text: string): string {
  let out = '"'
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    const c = text.charCodeAt(i)
    if (ch === '"' || ch === '\\') out += `\\${ch}`
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}
