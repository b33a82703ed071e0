/**
 * The query language's error: a query that cannot be read, or asks something that can never be
 * answered (`status < doen`). Its message names what was expected and the 1-based column (in
 * characters, not UTF-16 units) of the offending character; `col` carries the same column, and
 * `data.query` the query text, so a caller can draw a caret under it.
 */
import {PspError, type PspErrorOptions} from '../errors.js'

export interface QueryErrorOptions extends Omit<PspErrorOptions, 'col'> {
  /** Said after the column: `unclosed "(" at column 3: no ")" before the end of the query`. */
  detail?: string
}

export class QueryError extends PspError {
  static override readonly code = 'QUERY_SYNTAX'
  static override readonly exitCode = 2
  /** 1-based column of the offending character (one past the last character for "end of query"). */
  readonly col: number

  constructor(message: string, col: number, options: QueryErrorOptions = {}) {
    const {detail, ...rest} = options
    super(`${message} at column ${col}${detail === undefined ? '' : `: ${detail}`}`, {...rest, col})
    this.col = col
  }
}
