/**
 * What a query needs besides the record in hand: the workflow and priority orders, which
 * statuses count as done, the clock, the other records (for `blocked` / `ready`), and what git
 * history says about a record (for `created`, `updated`, … and `age`).
 */
import fs from 'node:fs'
import path from 'node:path'
import type {DocumentRecord} from '../document.js'
import type {HistorySummary} from '../history/types.js'
import type {Settings} from '../settings.js'

/** A date as the `age` hooks may return it: a Date, epoch milliseconds or an ISO string. */
export type DateLike = Date | number | string

export interface QueryContext {
  /** Workflow statuses, in order: `status < done` compares by this order. */
  statuses: readonly string[]
  /** Priorities, lowest first: `priority >= high` compares by this order. */
  priorities: readonly string[]
  /** Statuses that count as done (`done`, `ready`, `blocked`). */
  doneStatuses: readonly string[]
  /** The clock: `today` is its local calendar date, read once per compiled query. */
  now: () => Date
  /** Every record by id, to resolve `depends_on`. Without it nothing is `blocked`. */
  byId?: ReadonlyMap<string, DocumentRecord>
  /** When a record was created; wins over history and the file's mtime for `age`. */
  createdOf?: (record: DocumentRecord) => DateLike | undefined
  /**
   * What git history says about a record (see `historyLookup`): the source of `created`,
   * `updated`, `created_by`, `updated_by`, `status_changed`, `changes`, `time_in`, and of `age`.
   * Without it, or when it knows nothing of a record, those fields are missing (and `age` falls
   * back to the file's mtime).
   */
  historyOf?: (record: DocumentRecord) => HistorySummary | undefined
  /** The fallback for `age` when neither `createdOf` nor history knows: the file's mtime. */
  mtimeOf?: (record: DocumentRecord) => DateLike | undefined
  /**
   * More derived fields, by name (plugins register query fields here). They shadow frontmatter
   * fields of the same name but not the built-in derived fields.
   */
  fields?: Readonly<Record<string, (record: DocumentRecord, context: QueryContext) => unknown>>
}

export interface QueryContextOptions {
  /** The clock; defaults to the system clock. */
  now?: () => Date
  createdOf?: QueryContext['createdOf']
  historyOf?: QueryContext['historyOf']
  mtimeOf?: QueryContext['mtimeOf']
  /**
   * The workspace root. With it and no `mtimeOf`, `age` falls back to the mtime of the record's
   * file, read (once per record) with a stat.
   */
  root?: string
  fields?: QueryContext['fields']
}

/**
 * Builds a query context from the settings and the records a query may refer to (all of them,
 * archived ones included, so that a dependency on an archived task resolves).
 */
export function makeQueryContext(
  settings: Pick<Settings, 'workflow' | 'priorities'>,
  records: Iterable<DocumentRecord>,
  options: QueryContextOptions = {},
): QueryContext {
  let byId: Map<string, DocumentRecord> | undefined
  const {root} = options
  return {
    statuses: settings.workflow.statuses,
    priorities: settings.priorities,
    doneStatuses: settings.workflow.done,
    now: options.now ?? (() => new Date()),
    // Built on first use: only derived fields such as `blocked` look records up by id, and a
    // plain list of 50,000 records should not pay for the map.
    get byId() {
      if (byId === undefined) {
        byId = new Map()
        for (const record of records) byId.set(record.id, record)
      }
      return byId
    },
    ...(options.createdOf ? {createdOf: options.createdOf} : {}),
    ...(options.historyOf ? {historyOf: options.historyOf} : {}),
    ...(options.mtimeOf ? {mtimeOf: options.mtimeOf} : root === undefined ? {} : {mtimeOf: fileMtime(root)}),
    ...(options.fields ? {fields: options.fields} : {}),
  }
}

/** `mtimeOf` reading `root/record.path`, memoised per record; undefined when it cannot be read. */
export function fileMtime(root: string): (record: DocumentRecord) => number | undefined {
  const cache = new WeakMap<DocumentRecord, number | undefined>()
  return (record) => {
    if (cache.has(record)) return cache.get(record)
    let mtime: number | undefined
    try {
      mtime = fs.statSync(path.join(root, record.path)).mtimeMs
    } catch {
      mtime = undefined
    }
    cache.set(record, mtime)
    return mtime
  }
}
