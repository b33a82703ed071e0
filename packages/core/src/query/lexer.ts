/**
 * The query lexer. It is pulled token by token by the parser, so the first problem reported is
 * the leftmost one. Columns are 1-based and count characters (a surrogate pair is one column).
 */
import {QueryError, type QueryErrorOptions} from './errors.js'

export const MAX_QUERY_LENGTH = 10_000
export const MAX_REGEX_LENGTH = 256

export type TokenKind = 'word' | 'string' | 'regex' | 'op' | '(' | ')' | '[' | ']' | ',' | 'eof'

export interface Token {
  kind: TokenKind
  /** word and op: the source text; string: the decoded value; regex: the pattern source. */
  text: string
  /** regex only: its flags. */
  flags: string
  /** UTF-16 offsets of the token in the query. */
  pos: number
  end: number
}

const OPERATORS = new Set(['=', '!=', '<', '<=', '>', '>=', '~'])

/** What a user probably meant by an operator psp does not have. */
const OPERATOR_HINTS: Record<string, string> = {
  '==': 'use "=" to compare',
  '===': 'use "=" to compare',
  '!==': 'use "!=" to compare',
  '<>': 'use "!=" for "not equal"',
  '=<': 'use "<="',
  '=>': 'use ">="',
  '=~': 'use "~" for "contains" or "matches"',
  '~=': 'use "~" for "contains" or "matches"',
  '!~': 'write "not field ~ value"',
  '!': 'use "not"',
}

const CHAR_HINTS: Record<string, string> = {
  '&': 'use "and"',
  '|': 'use "or"',
  '+': 'write relative dates without spaces: today+7d',
  '{': 'lists are written [a, b]',
  '}': 'lists are written [a, b]',
}

const ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  '/': '/',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  b: '\b',
  f: '\f',
  v: '\v',
}

const NON_ASCII_START = /[\p{L}\p{N}]/u
const NON_ASCII_PART = /[\p{L}\p{N}\p{M}]/u

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

/** May a word start with this code point? Letters, digits and `_`. */
export function isWordStart(cp: number): boolean {
  if (cp < 128) return isAsciiAlnum(cp) || cp === 95
  return NON_ASCII_START.test(String.fromCodePoint(cp))
}

/** May a word go on with this code point? Also `- . + / : @` and combining marks. */
export function isWordPart(cp: number): boolean {
  if (cp < 128) {
    // _ - . + / : @
    return isAsciiAlnum(cp) || cp === 95 || cp === 45 || cp === 46 || cp === 43 || cp === 47 || cp === 58 || cp === 64
  }
  return NON_ASCII_PART.test(String.fromCodePoint(cp))
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11 || (c > 127 && /\s/.test(String.fromCharCode(c)))
}

/** Quotes a piece of the query for an error message. */
export function quote(text: string): string {
  return JSON.stringify(text)
}

export class Lexer {
  /** cols[i]: the 1-based column of the character starting at UTF-16 offset i. */
  private readonly cols: Uint32Array
  private pos = 0
  private buffered?: Token
  /** The token most recently taken with next(). */
  last?: Token

  constructor(readonly text: string) {
    const n = text.length
    this.cols = new Uint32Array(n + 1)
    let col = 1
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i)
      // The low half of a surrogate pair shares its high half's column.
      if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
        const prev = text.charCodeAt(i - 1)
        if (prev >= 0xd800 && prev <= 0xdbff) {
          this.cols[i] = col - 1
          continue
        }
      }
      this.cols[i] = col++
    }
    this.cols[n] = col
    if (n > MAX_QUERY_LENGTH) {
      throw this.error(`query too long: more than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH)
    }
  }

  /** The 1-based column of a UTF-16 offset. */
  colAt(pos: number): number {
    return this.cols[Math.max(0, Math.min(pos, this.text.length))] ?? 1
  }

  error(message: string, pos: number, options: QueryErrorOptions = {}): QueryError {
    return new QueryError(message, this.colAt(pos), {...options, data: {query: this.text, ...options.data}})
  }

  peek(): Token {
    this.buffered ??= this.scan()
    return this.buffered
  }

  next(): Token {
    const token = this.peek()
    this.buffered = undefined
    this.last = token
    return token
  }

  private token(kind: TokenKind, start: number, end: number, text = this.text.slice(start, end), flags = ''): Token {
    this.pos = end
    return {kind, text, flags, pos: start, end}
  }

  private scan(): Token {
    const {text} = this
    let i = this.pos
    while (i < text.length && isSpace(text.charCodeAt(i))) i++
    if (i >= text.length) return this.token('eof', text.length, text.length, '')
    const c = text.charCodeAt(i)
    switch (c) {
      case 40: // (
      case 41: // )
      case 91: // [
      case 93: // ]
      case 44: // ,
        return this.token(text[i] as TokenKind, i, i + 1)
      case 39: // '
      case 34: // "
        return this.scanString(i)
      case 47: // /
        return this.scanRegex(i)
      default:
    }
    if (c === 61 || c === 33 || c === 60 || c === 62 || c === 126) {
      let end = i + 1
      while (end < text.length && '=!<>~'.includes(text[end] as string)) end++
      const op = text.slice(i, end)
      if (!OPERATORS.has(op)) {
        const hint = OPERATOR_HINTS[op]
        throw this.error(`unknown operator ${quote(op)}`, i, {
          detail: hint ?? 'the operators are =, !=, <, <=, >, >=, ~, in, not in, has',
        })
      }
      return this.token('op', i, end)
    }
    const cp = text.codePointAt(i) ?? c
    if (isWordStart(cp) || (c === 45 && isDigit(text.charCodeAt(i + 1)))) {
      let end = i + (cp > 0xffff ? 2 : 1)
      while (end < text.length) {
        const next = text.codePointAt(end) ?? 0
        if (!isWordPart(next)) break
        end += next > 0xffff ? 2 : 1
      }
      return this.token('word', i, end)
    }
    const ch = String.fromCodePoint(cp)
    let detail = CHAR_HINTS[ch]
    if (ch === '+' && !(this.last?.kind === 'word' && /^today$/i.test(this.last.text))) detail = undefined
    throw this.error(`unexpected character ${quote(ch)}`, i, detail === undefined ? {} : {detail})
  }

  private scanString(start: number): Token {
    const {text} = this
    const q = text.charCodeAt(start)
    let value = ''
    let i = start + 1
    let chunk = i
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === q) {
        value += text.slice(chunk, i)
        return this.token('string', start, i + 1, value)
      }
      if (c !== 92) {
        i++
        continue
      }
      value += text.slice(chunk, i)
      const e = text[i + 1]
      if (e === undefined) break
      if (e === 'u') {
        const [decoded, length] = this.unicodeEscape(i)
        value += decoded
        i += length
      } else {
        const decoded = ESCAPES[e]
        if (decoded === undefined) {
          throw this.error(`unknown escape ${quote(`\\${e}`)} in a string`, i, {
            detail: 'the escapes are \\\\ \\\' \\" \\n \\r \\t \\0 \\b \\f \\v \\/ \\uXXXX \\u{X…}',
          })
        }
        value += decoded
        i += 2
      }
      chunk = i
    }
    const mark = String.fromCharCode(q)
    throw this.error(`unclosed string`, start, {detail: `no closing ${mark} before the end of the query`})
  }

  /** `\uXXXX` or `\u{X…}` at `i`: the decoded text and the escape's length. */
  private unicodeEscape(i: number): [string, number] {
    const {text} = this
    const bad = () => this.error('invalid unicode escape in a string', i, {detail: 'write \\uXXXX (4 hex digits) or \\u{X…} (at most 10FFFF)'})
    if (text[i + 2] === '{') {
      const close = text.indexOf('}', i + 3)
      const hex = close < 0 ? '' : text.slice(i + 3, close)
      if (!/^[0-9a-fA-F]{1,6}$/.test(hex)) throw bad()
      const cp = parseInt(hex, 16)
      if (cp > 0x10ffff) throw bad()
      return [String.fromCodePoint(cp), close + 1 - i]
    }
    const hex = text.slice(i + 2, i + 6)
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw bad()
    return [String.fromCharCode(parseInt(hex, 16)), 6]
  }

  private scanRegex(start: number): Token {
    const {text} = this
    let i = start + 1
    let inClass = false
    while (i < text.length) {
      const c = text.charCodeAt(i)
      if (c === 92) {
        i += 2
        continue
      }
      if (inClass) {
        if (c === 93) inClass = false
      } else if (c === 91) {
        inClass = true
      } else if (c === 47) {
        break
      }
      i++
    }
    if (i >= text.length) {
      throw this.error('unclosed regular expression', start, {detail: 'no closing "/" before the end of the query'})
    }
    const source = text.slice(start + 1, i)
    if (source === '') throw this.error('empty regular expression', start)
    if (source.length > MAX_REGEX_LENGTH) {
      throw this.error(`regular expression too long: more than ${MAX_REGEX_LENGTH} characters`, start)
    }
    let end = i + 1
    while (end < text.length && isWordPart(text.charCodeAt(end))) end++
    const flags = text.slice(i + 1, end)
    for (let f = 0; f < flags.length; f++) {
      const flag = flags[f] as string
      if (!'imsu'.includes(flag) || flags.indexOf(flag) !== f) {
        throw this.error(`invalid regular expression flag ${quote(flag)}`, i + 1 + f, {detail: 'the flags are i, m, s and u, each at most once'})
      }
    }
    return this.token('regex', start, end, source, flags)
  }
}
