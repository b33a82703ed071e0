/**
 * What the planning functions share with the query module, so that `psp next`, `psp task
 * blocked` and `psp query 'blocked'` always agree: `done`, `blocked` and `ready` are the query's
 * own derived fields, compiled from the same context; `age` is the query's `age`.
 */
import type {DocumentRecord} from '../document.js'
import type {QueryContext} from '../query/context.js'
import {compileQuery, type RecordPredicate} from '../query/evaluate.js'
import {accessor, dependenciesOf, makeEnv} from '../query/fields.js'

export {dependenciesOf}

/** The derived fields the planning functions use, read exactly as the query language reads them. */
export interface TaskState {
  isDone: RecordPredicate
  isBlocked: RecordPredicate
  isReady: RecordPredicate
  /** Whole days since the record was created (the query's `age`), undefined when unknown. */
  ageOf: (record: DocumentRecord) => number | undefined
  /** The dependencies of a record that block it: known, not archived, not done; sorted by id. */
  blockersOf: (record: DocumentRecord) => DocumentRecord[]
}

export function byId(a: {id: string}, b: {id: string}): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

export function taskState(context: QueryContext): TaskState {
  const isDone = compileQuery('done', context)
  const isBlocked = compileQuery('blocked', context)
  const isReady = compileQuery('ready', context)
  const age = accessor('age', makeEnv(context))
  const ageOf = (record: DocumentRecord) => {
    const value = age(record)
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined
  }
  const blockersOf = (record: DocumentRecord) => {
    if (isDone(record)) return []
    const seen = new Set<string>()
    const out: DocumentRecord[] = []
    for (const id of dependenciesOf(record)) {
      const dep = context.byId?.get(id)
      if (dep === undefined || dep.archived || isDone(dep) || seen.has(dep.id)) continue
      seen.add(dep.id)
      out.push(dep)
    }
    return out.sort(byId)
  }
  return {isDone, isBlocked, isReady, ageOf, blockersOf}
}

/** The open (not archived, not done) records a context knows, by id. */
export function openRecords(context: QueryContext, state: TaskState): DocumentRecord[] {
  return [...(context.byId?.values() ?? [])].filter((r) => !r.archived && !state.isDone(r)).sort(byId)
}

/** A string field of a record, or undefined. */
export function textField(record: DocumentRecord, field: string): string | undefined {
  const value = Object.hasOwn(record.data, field) ? record.data[field] : undefined
  return typeof value === 'string' ? value : undefined
}
