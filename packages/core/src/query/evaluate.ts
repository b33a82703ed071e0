/**
 * Compiling a query into a predicate: the tree is walked once and turned into closures, with
 * every literal resolved up front (relative dates against the clock, statuses to their rank,
 * regexes compiled, `~` needles lower-cased), so evaluating a record is only field reads and
 * comparisons.
 *
 * Semantics, in short (docs/query.md has the long form):
 * - A missing field (absent or null) never matches, except `!=`, `not in`, `= null` and
 *   `not has`; `!=` is exactly `not =` and `not in` exactly `not (… in …)`.
 * - A list field matches when any element does: `tags = ui` means "tags contains ui".
 * - `=` is case-sensitive; numbers match numeric strings (`3` matches "3"); dates compare as
 *   calendar days; `~` is case-insensitive "contains" (or a regex).
 * - `<` `<=` `>` `>=`: `status` and `priority` by their configured order, numbers as numbers,
 *   dates as dates, other text lexicographically (by UTF-16 code unit); values of different
 *   kinds do not compare (the condition is false).
 */
import type {DocumentRecord} from '../document.js'
import type {CompareNode, HasNode, InNode, QueryAst, QueryValue} from './ast.js'
import type {QueryContext} from './context.js'
import {addToDay, formatDay, parseDay, toDay} from './dates.js'
import {QueryError} from './errors.js'
import {accessor, isMissing, makeEnv, type Accessor, type Env} from './fields.js'
import {isNumberText, parseQuery} from './parser.js'
import {formatValue} from './format.js'

export type RecordPredicate = (record: DocumentRecord) => boolean
type ValuePredicate = (value: unknown) => boolean

/**
 * Compiles a query (its text, or a tree from parseQuery) into a predicate over records. Throws
 * QueryError for a syntax error, and for a condition that can never be answered: an order
 * comparison against a status or priority that does not exist, or against true/false/null.
 */
export function compileQuery(query: string | QueryAst, context: QueryContext): RecordPredicate {
  const ast = typeof query === 'string' ? parseQuery(query) : query
  const compiler = new Compiler(makeEnv(context), typeof query === 'string' ? query : undefined)
  return compiler.compile(ast)
}

/** A list or a single value, element by element (a scalar is a list of one). */
function anyElement(pred: ValuePredicate): ValuePredicate {
  return (value) => {
    if (!Array.isArray(value)) return pred(value)
    for (const element of value) if (pred(element)) return true
    return false
  }
}

class Compiler {
  constructor(
    private readonly env: Env,
    private readonly query: string | undefined,
  ) {}

  private error(message: string, col: number, detail?: string): QueryError {
    return new QueryError(message, col, {
      ...(detail === undefined ? {} : {detail}),
      ...(this.query === undefined ? {} : {data: {query: this.query}}),
    })
  }

  compile(ast: QueryAst): RecordPredicate {
    switch (ast.kind) {
      case 'and': {
        const parts = ast.operands.map((o) => this.compile(o))
        if (parts.length === 2) {
          const [a, b] = parts as [RecordPredicate, RecordPredicate]
          return (r) => a(r) && b(r)
        }
        return (r) => {
          for (const p of parts) if (!p(r)) return false
          return true
        }
      }
      case 'or': {
        const parts = ast.operands.map((o) => this.compile(o))
        if (parts.length === 2) {
          const [a, b] = parts as [RecordPredicate, RecordPredicate]
          return (r) => a(r) || b(r)
        }
        return (r) => {
          for (const p of parts) if (p(r)) return true
          return false
        }
      }
      case 'not': {
        const inner = this.compile(ast.operand)
        return (r) => !inner(r)
      }
      case 'exists': {
        const get = accessor(ast.field, this.env)
        return (r) => !isMissing(get(r))
      }
      case 'truthy': {
        const get = accessor(ast.field, this.env)
        return (r) => get(r) === true
      }
      case 'compare':
        return this.compare(ast)
      case 'in':
        return this.in(ast)
      case 'has':
        return this.has(ast)
    }
  }

  private compare(node: CompareNode): RecordPredicate {
    const get = accessor(node.field, this.env)
    const {op, value} = node
    if (op === '=' || op === '!=') {
      const equal = this.equality(get, value)
      return op === '=' ? equal : (r) => !equal(r)
    }
    const pred = op === '~' ? this.contains(value) : this.ordering(node)
    const test = anyElement(pred)
    return (r) => {
      const v = get(r)
      return !isMissing(v) && test(v)
    }
  }

  private equality(get: Accessor, value: QueryValue): RecordPredicate {
    if (value.type === 'null') return (r) => isMissing(get(r))
    const test = anyElement(this.equals(value))
    return (r) => {
      const v = get(r)
      return !isMissing(v) && test(v)
    }
  }

  private in(node: InNode): RecordPredicate {
    const get = accessor(node.field, this.env)
    const matchesMissing = node.values.some((v) => v.type === 'null')
    const preds = node.values.filter((v) => v.type !== 'null').map((v) => this.equals(v))
    const test = anyElement((x) => preds.some((p) => p(x)))
    const inList: RecordPredicate = (r) => {
      const v = get(r)
      return isMissing(v) ? matchesMissing : test(v)
    }
    return node.negated ? (r) => !inList(r) : inList
  }

  private has(node: HasNode): RecordPredicate {
    const get = accessor(node.field, this.env)
    const preds = node.values.map((v) => this.equals(v))
    const some = (v: unknown, p: ValuePredicate) => (Array.isArray(v) ? v.some(p) : p(v))
    if (node.mode === 'all') {
      return (r) => {
        const v = get(r)
        return !isMissing(v) && preds.every((p) => some(v, p))
      }
    }
    return (r) => {
      const v = get(r)
      return !isMissing(v) && preds.some((p) => some(v, p))
    }
  }

  /** The calendar day of a date literal. */
  private day(value: QueryValue): number | undefined {
    if (value.type === 'date') return parseDay(value.value, true)
    if (value.type === 'relative') return addToDay(this.env.today, value.offset, value.unit)
    return undefined
  }

  /** Loose equality of one (non-list) value with a literal. */
  private equals(value: QueryValue): ValuePredicate {
    switch (value.type) {
      case 'string': {
        const s = value.value
        return (v) =>
          typeof v === 'string'
            ? v === s
            : typeof v === 'number' || typeof v === 'boolean'
              ? String(v) === s
              : v instanceof Date && toDay(v) !== undefined && formatDay(toDay(v) as number) === s
      }
      case 'number': {
        const n = value.value
        return (v) => (typeof v === 'number' ? v === n : typeof v === 'string' && isNumberText(v.trim()) && Number(v) === n)
      }
      case 'boolean': {
        const b = value.value
        const text = String(b)
        return (v) => (typeof v === 'boolean' ? v === b : typeof v === 'string' && v.toLowerCase() === text)
      }
      case 'null':
        return (v) => v === null
      case 'date':
      case 'relative': {
        const day = this.day(value)
        return (v) => day !== undefined && toDay(v) === day
      }
      case 'regex': {
        throw this.error('a regular expression is only allowed after "~"', value.col)
      }
    }
  }

  /** `~`: case-insensitive contains, or a regex test. */
  private contains(value: QueryValue): ValuePredicate {
    const text = (v: unknown): string | undefined =>
      typeof v === 'string'
        ? v
        : typeof v === 'number' || typeof v === 'boolean'
          ? String(v)
          : v instanceof Date && toDay(v) !== undefined
            ? formatDay(toDay(v) as number)
            : undefined
    if (value.type === 'regex') {
      const re = new RegExp(value.source, value.flags)
      return (v) => {
        const t = text(v)
        return t !== undefined && re.test(t)
      }
    }
    if (value.type === 'null' || value.type === 'relative') {
      throw this.error(`"~" needs text or a /regular expression/, found ${formatValue(value)}`, value.col)
    }
    const needle = String(value.value).toLowerCase()
    return (v) => {
      const t = text(v)
      return t !== undefined && t.toLowerCase().includes(needle)
    }
  }

  /** `<`, `<=`, `>`, `>=` against one (non-list) value. */
  private ordering(node: CompareNode): ValuePredicate {
    const {op, value, field} = node
    const test: (c: number) => boolean =
      op === '<' ? (c) => c < 0 : op === '<=' ? (c) => c <= 0 : op === '>' ? (c) => c > 0 : (c) => c >= 0
    const cmp = this.comparator(field, op, value)
    return (v) => {
      const c = cmp(v)
      return c !== undefined && !Number.isNaN(c) && test(c)
    }
  }

  /** A function comparing a value with the literal: negative, zero, positive, or undefined when they do not compare. */
  private comparator(field: string, op: string, value: QueryValue): (v: unknown) => number | undefined {
    switch (value.type) {
      case 'string': {
        const s = value.value
        const order = this.env.orders.get(field)
        if (order !== undefined && order.size > 0) {
          const rank = order.get(s)
          if (rank === undefined) {
            const what = field === 'status' ? 'workflow status' : field
            throw this.error(`${JSON.stringify(s)} is not a ${what}`, value.col, `"${field} ${op}" compares in this order: ${[...order.keys()].join(', ')}`)
          }
          return (v) => {
            if (typeof v !== 'string') return undefined
            const r = order.get(v)
            return r === undefined ? undefined : r - rank
          }
        }
        const n = isNumberText(s) ? Number(s) : undefined
        return (v) => (typeof v === 'string' ? (v < s ? -1 : v > s ? 1 : 0) : typeof v === 'number' && n !== undefined ? v - n : undefined)
      }
      case 'number': {
        const n = value.value
        return (v) => (typeof v === 'number' ? v - n : typeof v === 'string' && isNumberText(v.trim()) ? Number(v) - n : undefined)
      }
      case 'date':
      case 'relative': {
        const day = this.day(value) as number
        return (v) => {
          const d = toDay(v)
          return d === undefined ? undefined : d - day
        }
      }
      default:
        throw this.error(`"${op}" needs a number, a date or text to compare with, found ${formatValue(value)}`, value.col)
    }
  }
}
