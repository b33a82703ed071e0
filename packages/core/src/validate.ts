/**
 * Validation: each document against its type's schema, references (`project`, `milestone`,
 * `depends_on`) resolving to records of the right type, unique ids, and no dependency cycles.
 * Every problem points at the file, line and column of the offending key.
 */
import type {ErrorObject} from 'ajv'
import {formatLocated} from './errors.js'
import {locateKey, type DocumentRecord, type ParsedDocument} from './document.js'
import {MERGE_CONFLICTS_FIELD} from './merge/conflicts-field.js'
import type {Workspace} from './workspace.js'

/** One problem found in one file. */
export interface Problem {
  path: string
  line: number
  col: number
  field?: string
  message: string
  /** Stable machine-readable kind: SCHEMA, REFERENCE, DUPLICATE_ID, CYCLE, or an error code. */
  code: string
}

/** Renders a problem as `path:line:col: field: message`. */
export function formatProblem(problem: Problem): string {
  return formatLocated(problem, problem.message)
}

/** Reference fields and the type each must point at (undefined: any type). */
export const REFERENCE_FIELDS: Record<string, string | undefined> = {
  project: 'project',
  milestone: 'milestone',
  depends_on: undefined,
  superseded_by: 'decision',
}

function fieldName(error: ErrorObject): string {
  const parts = error.instancePath.split('/').slice(1)
  if (error.keyword === 'required') parts.push(String(error.params['missingProperty']))
  if (error.keyword === 'additionalProperties') parts.push(String(error.params['additionalProperty']))
  return parts.map((p, i) => (/^\d+$/.test(p) && i > 0 ? `[${p}]` : i > 0 ? `.${p}` : p)).join('')
}

function describe(error: ErrorObject, value: unknown): string {
  switch (error.keyword) {
    case 'required':
      return 'required field is missing'
    case 'enum': {
      const allowed = (error.params['allowedValues'] as unknown[]).map(String).join(', ')
      return `${JSON.stringify(value)} is not allowed (expected one of: ${allowed})`
    }
    case 'type':
      return `must be ${String(error.params['type'])}, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`
    case 'format':
      return error.params['format'] === 'date'
        ? `${JSON.stringify(value)} is not a date (expected YYYY-MM-DD)`
        : `${JSON.stringify(value)} is not a valid ${String(error.params['format'])}`
    case 'const':
      return `must be ${JSON.stringify(error.params['allowedValue'])}`
    default:
      return error.message ?? 'is invalid'
  }
}

function valueAt(data: unknown, instancePath: string): unknown {
  let current = data
  for (const part of instancePath.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[part]
  }
  return current
}

function withoutConflicts(data: Record<string, unknown>): Record<string, unknown> {
  const {[MERGE_CONFLICTS_FIELD]: _conflicts, ...rest} = data
  return rest
}

/** Schema problems of one parsed document. */
export function schemaProblems(ws: Workspace, doc: ParsedDocument): Problem[] {
  const {record} = doc
  if (!ws.schemas.has(record.type)) {
    const at = locateKey(doc.split, 'type')
    const known = ws.schemas.list().map((t) => t.name).join(', ')
    return [{path: record.path, ...at, field: 'type', message: `unknown type "${record.type}" (known: ${known})`, code: 'SCHEMA'}]
  }
  const validate = ws.schemas.validator(record.type)
  // `merge_conflicts` is psp's own bookkeeping, reported as conflicts (merge/conflicts.ts): a
  // workspace schema that allows no other keys must not report it a second time.
  if (validate(Object.hasOwn(record.data, MERGE_CONFLICTS_FIELD) ? withoutConflicts(record.data) : record.data)) return []
  const seen = new Set<string>()
  const problems: Problem[] = []
  const errors = validate.errors ?? []
  // A value of the wrong type fails its enum, format and length rules too: say only the type.
  const wrongType = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath))
  for (const error of errors) {
    // `if`/`allOf` wrappers only repeat what the errors under them already say.
    if (error.keyword === 'if' || error.keyword === 'allOf') continue
    if (error.keyword !== 'type' && wrongType.has(error.instancePath)) continue
    const field = fieldName(error)
    const message = describe(error, valueAt(record.data, error.instancePath))
    const key = `${field}\0${message}`
    if (seen.has(key)) continue
    seen.add(key)
    const top = field.split(/[.[]/)[0] ?? ''
    const at = error.keyword === 'required' && error.instancePath === '' ? {line: 1, col: 1} : locateKey(doc.split, top)
    problems.push({path: record.path, ...at, field, message, code: 'SCHEMA'})
  }
  return problems
}

/** What a reference field's value refers to: the string, or the strings of a list. */
export function referenceValues(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}

/** The ids a record's reference field holds (a string or a list of them). */
export function referencedIds(record: DocumentRecord, field: string): string[] {
  return referenceValues(record.data[field])
}

/** Reference problems of one document against the given records (archived ones resolve too). */
export function referenceProblems(doc: ParsedDocument, byId: Map<string, DocumentRecord>): Problem[] {
  const problems: Problem[] = []
  for (const [field, expected] of Object.entries(REFERENCE_FIELDS)) {
    for (const id of referencedIds(doc.record, field)) {
      const target = byId.get(id)
      // Locating a key parses the frontmatter again: only for a problem.
      const at = () => locateKey(doc.split, field)
      if (target === undefined) {
        problems.push({path: doc.record.path, ...at(), field, message: `unknown id "${id}"`, code: 'REFERENCE'})
      } else if (expected !== undefined && target.type !== expected) {
        problems.push({
          path: doc.record.path,
          ...at(),
          field,
          message: `"${id}" is a ${target.type}, not a ${expected}`,
          code: 'REFERENCE',
        })
      } else if (field === 'depends_on' && id === doc.record.id) {
        problems.push({path: doc.record.path, ...at(), field, message: 'a record cannot depend on itself', code: 'CYCLE'})
      }
    }
  }
  return problems
}

/** Finds a dependency path from `from` back to `to`, or undefined. */
function pathBetween(from: string, to: string, deps: Map<string, string[]>): string[] | undefined {
  const stack: [string, string[]][] = [[from, [from]]]
  const seen = new Set<string>()
  while (stack.length > 0) {
    const [node, trail] = stack.pop() as [string, string[]]
    if (node === to) return trail
    if (seen.has(node)) continue
    seen.add(node)
    for (const next of deps.get(node) ?? []) stack.push([next, [...trail, next]])
  }
  return undefined
}

function dependencyMap(records: Iterable<DocumentRecord>): Map<string, string[]> {
  const deps = new Map<string, string[]>()
  for (const r of records) if (!r.archived) deps.set(r.id, referencedIds(r, 'depends_on'))
  return deps
}

/**
 * Every problem a document would have if written now, checked against the other records:
 * schema, references, a duplicate id, and a dependency cycle through it.
 */
export function checkDocument(ws: Workspace, doc: ParsedDocument, records: DocumentRecord[]): Problem[] {
  const others = records.filter((r) => r.path !== doc.record.path)
  const byId = new Map(others.map((r) => [r.id, r]))
  const problems = schemaProblems(ws, doc)
  if (byId.has(doc.record.id)) {
    problems.push({
      path: doc.record.path,
      ...locateKey(doc.split, 'id'),
      field: 'id',
      message: `duplicate id: ${doc.record.id} is also used by ${byId.get(doc.record.id)?.path}`,
      code: 'DUPLICATE_ID',
    })
  }
  byId.set(doc.record.id, doc.record)
  problems.push(...referenceProblems(doc, byId))
  if (!doc.record.archived) {
    const deps = dependencyMap(byId.values())
    for (const dep of deps.get(doc.record.id) ?? []) {
      if (dep === doc.record.id) continue
      const cycle = pathBetween(dep, doc.record.id, deps)
      if (cycle) {
        problems.push({
          path: doc.record.path,
          ...locateKey(doc.split, 'depends_on'),
          field: 'depends_on',
          message: `dependency cycle: ${[doc.record.id, ...cycle].join(' → ')}`,
          code: 'CYCLE',
        })
        break
      }
    }
  }
  return problems
}

/** Sorts problems by path, line and column. */
export function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line || a.col - b.col))
}
