/**
 * What the planning commands (`task blocked`, `next`, `plan critical-path`) share: the query
 * context over every record (archived ones too, so a dependency on an archived task resolves the
 * way `psp query 'blocked'` resolves it), and the tasks to plan.
 */
import {Flags} from '@oclif/core'
import {DocumentStore, historyLookup, makeQueryContext, type DocumentRecord, type QueryContext} from '@psp/core'

export interface PlanningInput {
  store: DocumentStore
  tasks: DocumentRecord[]
  context: QueryContext
}

export function planningInput(store: DocumentStore): PlanningInput {
  const {records} = store.load()
  // `age` (in `psp next`) uses the history index when there is one, but never builds it.
  const historyOf = historyLookup(store.ws, {build: false})
  const context = makeQueryContext(store.ws.settings, records, {root: store.ws.root, historyOf})
  return {store, tasks: store.list('task'), context}
}

/** A reference to another record, as the planning commands' JSON shows it. */
export function refJson(record: DocumentRecord): Record<string, unknown> {
  return {id: record.id, title: record.title, status: record.data['status'] ?? null}
}

/** The task filters the planning commands share (each command takes the ones it supports). */
export const taskFilterFlags = {
  project: Flags.string({description: 'Only tasks of this project (id or prefix).', helpValue: '<project>'}),
  milestone: Flags.string({description: 'Only tasks of this milestone (id or prefix).', helpValue: '<milestone>'}),
  assignee: Flags.string({description: 'Only tasks assigned to this person.', helpValue: '<name>'}),
}
