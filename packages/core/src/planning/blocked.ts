import type {DocumentRecord} from '../document.js'
import type {QueryContext} from '../query/context.js'
import {byId, taskState, textField} from './graph.js'

/** A blocked task and the unfinished dependencies blocking it (sorted by id). */
export interface BlockedTask {
  record: DocumentRecord
  blockers: DocumentRecord[]
}

export interface BlockedOptions {
  /** Only tasks whose `project` is this id. */
  project?: string
}

/**
 * The tasks among `records` that are blocked — exactly the records `psp query 'blocked'`
 * matches: not done, with at least one dependency that is a known record, neither done nor
 * archived. A dependency on an unknown or archived task does not block. Archived records are
 * left out; the result is sorted by id.
 */
export function blockedTasks(records: Iterable<DocumentRecord>, context: QueryContext, options: BlockedOptions = {}): BlockedTask[] {
  const state = taskState(context)
  const out: BlockedTask[] = []
  for (const record of records) {
    if (record.archived) continue
    if (options.project !== undefined && textField(record, 'project') !== options.project) continue
    if (!state.isBlocked(record)) continue
    out.push({record, blockers: state.blockersOf(record)})
  }
  return out.sort((a, b) => byId(a.record, b.record))
}
