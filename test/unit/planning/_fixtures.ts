/** Hand-built task records and a query context with a fixed clock, for the planning tests. */
import {defaultSettings, makeQueryContext, type DocumentRecord, type QueryContext} from '@psp/core'

/** 2026-03-10 12:00 UTC. */
export const NOW = new Date('2026-03-10T12:00:00Z')

export function task(id: string, data: Record<string, unknown> = {}, extra: Partial<DocumentRecord> = {}): DocumentRecord {
  return {
    id,
    type: 'task',
    title: typeof data['title'] === 'string' ? data['title'] : id,
    path: `data/tasks/${id}.md`,
    archived: false,
    data: {id, type: 'task', title: id, status: 'todo', ...data},
    body: '',
    ...extra,
  }
}

/** A context over `records` (every record, archived ones too), created dates from `created`. */
export function context(records: DocumentRecord[], created: Record<string, string> = {}): QueryContext {
  return makeQueryContext(defaultSettings(), records, {now: () => NOW, createdOf: (r) => created[r.id]})
}
