/**
 * Running a query the way `psp query` and `--where` on every list do: filter, sort, limit, then
 * group, with `--sort`, `--group` and `--fields` checked against the fields the workspace knows,
 * so that a typo (`--sort prioirty`) is an error instead of a silently unsorted list.
 */
import type {QueryAst} from './ast.js'
import type {DocumentRecord} from '../document.js'
import {UsageError} from '../errors.js'
import {checkLimit} from '../limit.js'
import type {JsonSchema} from '../schemas.js'
import type {QueryContext} from './context.js'
import {compileQuery} from './evaluate.js'
import {DERIVED_FIELDS} from './fields.js'
import {isFieldName, parseQuery} from './parser.js'
import {groupRecords, parseSortSpec, type RecordGroup, type SortKey, sortRecords} from './sort.js'

/** What to do with the records (each part optional). */
export interface RunQueryOptions {
  /** A query (`--where` / the argument of `psp query`); records must match it. */
  where?: string
  /** `field[:desc],…` or parsed keys. Without it the input order is kept. */
  sort?: string | readonly SortKey[]
  /** At most this many records, after sorting and before grouping (a positive integer). */
  limit?: number
  /** Group the (sorted, limited) records by this field. */
  group?: string
  /** Fields the caller will show (`--fields`): only checked here. */
  fields?: readonly string[]
  /**
   * The field names `sort`, `group` and `fields` may use (see `knownFields`); any other is a
   * UsageError. Omitted: any well-formed field name is accepted.
   */
  known?: ReadonlySet<string>
}

export interface QueryResult {
  /** The matching records, sorted and limited. */
  records: DocumentRecord[]
  /** With `group`: the groups of `records` (a record can be in several, one per list value). */
  groups?: RecordGroup[]
  /** How many records matched before the limit. */
  matched: number
}

/**
 * Filters, sorts, limits and groups `records` (the candidates: already narrowed by type, status,
 * archive…). The context must be built from every record a query may refer to (for `blocked`).
 * Every option is checked before any record is looked at; throws QueryError or UsageError.
 */
export function runQuery(records: readonly DocumentRecord[], options: RunQueryOptions, context: QueryContext): QueryResult {
  const keys = typeof options.sort === 'string' ? parseSortSpec(options.sort) : (options.sort ?? [])
  const {known} = options
  if (known !== undefined) {
    checkKnownFields(keys.map((k) => k.field), known, '--sort')
    if (options.group !== undefined) checkKnownFields([options.group], known, '--group')
    if (options.fields !== undefined) checkKnownFields(options.fields, known, '--fields')
  }
  if (options.limit !== undefined) checkLimit(options.limit)
  const match = options.where === undefined ? undefined : compileQuery(options.where, context)
  const matching = match === undefined ? [...records] : records.filter(match)
  const sorted = keys.length === 0 ? matching : sortRecords(matching, keys, context)
  const limited = options.limit === undefined ? sorted : sorted.slice(0, options.limit)
  return {
    records: limited,
    matched: matching.length,
    ...(options.group === undefined ? {} : {groups: groupRecords(limited, options.group, context)}),
  }
}

/**
 * Reads `a,b,c` (spaces allowed around commas) into field names. Throws UsageError for an empty
 * list, an empty item, a name that is not a field name, or a field named twice.
 */
export function parseFieldList(spec: string, flag = '--fields'): string[] {
  const fields = spec.split(',').map((f) => f.trim())
  if (fields.every((f) => f === '')) throw new UsageError(`${flag}: no field given`, {hint: `write ${flag} id,title,due`})
  const seen = new Set<string>()
  for (const field of fields) {
    if (field === '') throw new UsageError(`${flag}: empty field name in ${JSON.stringify(spec)}`)
    if (!isFieldName(field)) {
      throw new UsageError(`${flag}: ${JSON.stringify(field)} is not a field name`, {
        hint: 'field names are letters, digits, "_" and "-", nested with dots (links.repo)',
      })
    }
    if (seen.has(field)) throw new UsageError(`${flag}: ${JSON.stringify(field)} is given twice`)
    seen.add(field)
  }
  return fields
}

/** The top-level property names a JSON Schema declares, through allOf/anyOf/oneOf/if-then-else. */
function schemaProperties(schema: unknown, out: Set<string>, depth = 0): void {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema) || depth > 16) return
  const s = schema as Record<string, unknown>
  const props = s['properties']
  if (props !== null && typeof props === 'object' && !Array.isArray(props)) for (const key of Object.keys(props)) out.add(key)
  for (const combinator of ['allOf', 'anyOf', 'oneOf']) {
    const list = s[combinator]
    if (Array.isArray(list)) for (const part of list) schemaProperties(part, out, depth + 1)
  }
  for (const branch of ['then', 'else']) schemaProperties(s[branch], out, depth + 1)
}

/**
 * The field names a workspace knows: the derived fields, those the context adds, every
 * property a document type's schema declares, and every frontmatter key some record has.
 */
export function knownFields(
  schemas: Iterable<JsonSchema>,
  records: Iterable<DocumentRecord>,
  context?: Pick<QueryContext, 'fields'>,
): Set<string> {
  const out = new Set<string>(DERIVED_FIELDS)
  // Every type includes document.json (by $ref, which is not followed here).
  for (const field of ['id', 'type', 'title', 'tags']) out.add(field)
  for (const name of Object.keys(context?.fields ?? {})) out.add(name)
  for (const schema of schemas) schemaProperties(schema, out)
  for (const record of records) for (const key of Object.keys(record.data)) out.add(key)
  return out
}

/**
 * Throws UsageError for the first field that is not known. A nested field (`links.repo`) is known
 * when its first segment is (or the whole dotted name is a key).
 */
export function checkKnownFields(fields: Iterable<string>, known: ReadonlySet<string>, flag: string): void {
  for (const field of fields) {
    if (known.has(field)) continue
    const dot = field.indexOf('.')
    if (dot > 0 && known.has(field.slice(0, dot))) continue
    const near = closest(dot > 0 ? field.slice(0, dot) : field, known)
    throw new UsageError(`${flag}: unknown field ${JSON.stringify(field)}`, {
      data: {field},
      hint:
        near === undefined
          ? `a field is one some record has, one a schema declares (psp schema show <type>), or a derived field (${DERIVED_FIELDS.join(', ')})`
          : `did you mean ${near}?`,
    })
  }
}

/** The known name nearest to `name` by edit distance (at most 2, and less than half its length). */
function closest(name: string, known: ReadonlySet<string>): string | undefined {
  const limit = Math.min(2, Math.floor((name.length - 1) / 2))
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of [...known].sort()) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase(), limit)
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best
}

/** Levenshtein distance with adjacent transpositions; anything above `max` is reported as max + 1. */
function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1
  let prev2: number[] = []
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (prev2[j - 2] as number) + 1)
      row.push(d)
      rowMin = Math.min(rowMin, d)
    }
    if (rowMin > max) return max + 1
    prev2 = prev
    prev = row
  }
  return prev[b.length] as number
}

/**
 * The field names a query reads, in order of appearance (each once). Throws QueryError for a
 * query that cannot be read, as running it would.
 */
export function queryFields(query: string | QueryAst): string[] {
  const out = new Set<string>()
  const visit = (node: QueryAst) => {
    switch (node.kind) {
      case 'and':
      case 'or':
        node.operands.forEach(visit)
        break
      case 'not':
        visit(node.operand)
        break
      default:
        out.add(node.field)
    }
  }
  visit(typeof query === 'string' ? parseQuery(query) : query)
  return [...out]
}
