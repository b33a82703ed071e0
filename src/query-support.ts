/**
 * What `psp query` and `--where` on every list share: the flags, running the core's query over a
 * store's records (the context built from every record and the settings, the fields checked
 * against what the workspace knows), and turning the result into output and JSON.
 */
import {Flags} from '@oclif/core'
import {
  fieldSelector,
  historyLookup,
  isHistoryField,
  knownFields,
  makeQueryContext,
  parseFieldList,
  parseLimit,
  parseSortSpec,
  queryFields,
  runQuery,
  type DocumentRecord,
  type DocumentStore,
  type QueryContext,
  type QueryResult,
} from '@psp/core'
import {recordJson, renderGroups, renderRows, FORMATS, type Format} from '@psp/command'

type Json = Record<string, unknown>

export const sortFlag = Flags.string({
  description: 'Sort by these fields: field[:asc|:desc], comma-separated (ties by id).',
  helpValue: '<field[:desc],…>',
})
export const limitFlag = Flags.string({description: 'At most this many records (after sorting).', helpValue: '<n>'})
export const fieldsFlag = Flags.string({
  description: 'Columns (table, csv, md) or keys (json) to show, comma-separated; derived and nested fields too.',
  helpValue: '<field,…>',
})
export const formatFlag = Flags.option({description: 'Output format.', options: [...FORMATS], default: 'table' as const})()

/** `--where`, `--sort`, `--limit`, `--fields` of every list. */
export const listQueryFlags = {
  where: Flags.string({description: 'Only records matching this query (docs/query.md), with the other filters.', helpValue: '<expr>'}),
  sort: sortFlag,
  limit: limitFlag,
  fields: fieldsFlag,
}

/** What to select, as the flags give it. */
export interface Selection {
  where?: string
  sort?: string
  limit?: string
  fields?: string
  group?: string
}

/** A selection run over a store: the result, with what rendering it needs. */
export interface Selected {
  result: QueryResult
  /** The `--fields`, parsed (undefined: the default columns, and full records in JSON). */
  fields?: string[]
  group?: string
  context: QueryContext
}

/**
 * Runs a selection over `candidates` (records of `store`, already narrowed by the command's own
 * filters and sorted by id). `--sort`, `--group` and `--fields` must name fields the workspace
 * knows; the query context holds every record (archived ones too, for `blocked`).
 */
export function select(store: DocumentStore, candidates: DocumentRecord[], selection: Selection): Selected {
  const {records} = store.load()
  const fields = selection.fields === undefined ? undefined : parseFieldList(selection.fields)
  // Git history is read only for a selection that names a history field (or `age`, which uses
  // the history index when there is one but never builds it). A bad query or sort is reported
  // by runQuery, in its own order of checks.
  const attempt = (names: () => string[]) => {
    try {
      return names()
    } catch {
      return []
    }
  }
  const named = [
    ...(selection.sort === undefined ? [] : attempt(() => parseSortSpec(selection.sort as string).map((k) => k.field))),
    ...(selection.group === undefined ? [] : [selection.group]),
    ...(fields ?? []),
    ...(selection.where === undefined ? [] : attempt(() => queryFields(selection.where as string))),
  ]
  const build = named.some(isHistoryField)
  const historyOf = build || named.some((f) => f === 'age' || f.startsWith('age.')) ? historyLookup(store.ws, {build}) : undefined
  const context = makeQueryContext(store.ws.settings, records, {root: store.ws.root, ...(historyOf === undefined ? {} : {historyOf})})
  const needsFields = selection.sort !== undefined || selection.group !== undefined || fields !== undefined
  const known = needsFields ? knownFields(store.ws.schemas.list().map((t) => t.schema), records, context) : undefined
  const result = runQuery(
    candidates,
    {
      ...(selection.where === undefined ? {} : {where: selection.where}),
      ...(selection.sort === undefined ? {} : {sort: selection.sort}),
      ...(selection.limit === undefined ? {} : {limit: parseLimit(selection.limit)}),
      ...(selection.group === undefined ? {} : {group: selection.group}),
      ...(fields === undefined ? {} : {fields}),
      ...(known === undefined ? {} : {known}),
    },
    context,
  )
  return {result, context, ...(fields === undefined ? {} : {fields}), ...(selection.group === undefined ? {} : {group: selection.group})}
}

/** A record as JSON: every field (recordJson), or with `--fields` only those keys, in that order. */
function jsonMaker(selected: Selected): (record: DocumentRecord) => Json {
  return selected.fields === undefined ? (r) => recordJson(r) : fieldSelector(selected.fields, selected.context)
}

/** The JSON of a selection: an array of records, or with `--group` an array of `{key, records}`. */
export function selectionJson(selected: Selected): Json[] {
  const toJson = jsonMaker(selected)
  const {groups, records} = selected.result
  if (groups !== undefined) return groups.map((g) => ({key: g.key, records: g.records.map(toJson)}))
  return records.map(toJson)
}

/**
 * The text of a selection in a format: `json` as `--json` prints it, `ids` one id per line (a blank
 * line between groups), the others with `columns` (or the `--fields`).
 */
export async function renderSelection(selected: Selected, format: Format, columns: string[]): Promise<string> {
  const {groups, records} = selected.result
  if (format === 'json') return `${JSON.stringify(selectionJson(selected), null, 2)}\n`
  if (format === 'ids') {
    const ids = (list: DocumentRecord[]) => list.map((r) => `${r.id}\n`).join('')
    return groups === undefined ? ids(records) : groups.map((g) => ids(g.records)).join('\n')
  }
  const shown = selected.fields ?? columns
  const row = fieldSelector(shown, selected.context)
  if (groups === undefined) return renderRows(records.map(row), format, shown)
  return renderGroups(
    groups.map((g) => ({key: g.key, rows: g.records.map(row)})),
    format,
    shown,
    selected.group ?? '',
  )
}
