/**
 * `psp diff`: which records were added, removed or changed between two states of a workspace (two
 * revisions, or a revision and the working tree), field by field. Records are matched by id, so
 * a moved or renamed file is a change of `path`, not a removal plus an addition.
 */
import type {DocumentRecord} from './document.js'
import {diffFields} from './history/field-diff.js'
import {countLineChanges} from './history/line-diff.js'
import type {FieldChange} from './history/types.js'

/** How one record differs. */
export interface RecordDiff {
  change: 'added' | 'removed' | 'changed'
  id: string
  type: string
  /** The title after (before, for a removed record). */
  title: string
  /** The path after (before, for a removed record). */
  path: string
  /** The path before, when the file moved (archiving moves it to data/archive/). */
  from?: string
  /** Whether the record is archived after the change (only when that changed). */
  archived?: boolean
  /** Field changes, in the after-side's key order; every field for an added or removed record. */
  fields: FieldChange[]
  /** Lines of the Markdown body added and removed. */
  body: {added: number; removed: number}
}

/** The records of two states compared: added, then removed, then changed, each sorted by id. */
export function diffRecords(before: readonly DocumentRecord[], after: readonly DocumentRecord[]): RecordDiff[] {
  const old = byId(before)
  const now = byId(after)
  const out: RecordDiff[] = []
  for (const [id, record] of now) {
    if (!old.has(id)) out.push({...side('added', record), fields: diffFields(undefined, record.data), body: countLineChanges('', record.body)})
  }
  for (const [id, record] of old) {
    if (!now.has(id)) out.push({...side('removed', record), fields: diffFields(record.data, undefined), body: countLineChanges(record.body, '')})
  }
  for (const [id, record] of now) {
    const previous = old.get(id)
    if (previous === undefined) continue
    const fields = diffFields(previous.data, record.data)
    const moved = previous.path !== record.path
    // A body-only edit changes nothing else, so every pair of bodies is compared (equal ones at once).
    const body = countLineChanges(previous.body, record.body)
    if (fields.length === 0 && !moved && body.added === 0 && body.removed === 0) continue
    const diff: RecordDiff = {...side('changed', record), fields, body}
    if (moved) diff.from = previous.path
    if (previous.archived !== record.archived) diff.archived = record.archived
    out.push(diff)
  }
  const order = {added: 0, removed: 1, changed: 2}
  return out.sort((a, b) => order[a.change] - order[b.change] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

function side(change: RecordDiff['change'], record: DocumentRecord): Omit<RecordDiff, 'fields' | 'body'> {
  return {change, id: record.id, type: record.type, title: record.title, path: record.path}
}

/** Records by id; with a duplicated id (which validate reports) the live one, else the first. */
function byId(records: readonly DocumentRecord[]): Map<string, DocumentRecord> {
  const map = new Map<string, DocumentRecord>()
  for (const record of records) {
    const seen = map.get(record.id)
    if (seen === undefined || (seen.archived && !record.archived)) map.set(record.id, record)
  }
  return map
}
