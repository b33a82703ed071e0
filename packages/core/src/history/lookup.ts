/**
 * History for the derived fields: a lookup that opens the history index only when a field
 * first asks for it, so that lists and queries that name no history field never pay for it.
 */
import {log} from '../log.js'
import type {DocumentRecord} from '../document.js'
import {GitFormatError} from '../git/errors.js'
import {Workspace} from '../workspace.js'
import {HistoryIndex} from './history-index.js'
import {historyFields, type HistoryFields} from './summary.js'
import type {HistorySummary} from './types.js'

export interface HistoryLookupOptions {
  /**
   * True: build the index if needed (a query names a history field). False: use it only when it
   * exists and can be extended without walking all of history (`age` alone, `psp next`).
   */
  build: boolean
}

/**
 * A function from a record to what history says about it (undefined: not in a git repository,
 * never committed, or — without `build` — no index yet). The index is opened on the first call.
 */
export function historyLookup(ws: Workspace, options: HistoryLookupOptions): (record: DocumentRecord) => HistorySummary | undefined {
  let summaries: ReadonlyMap<string, HistorySummary> | null | undefined
  return (record) => {
    if (summaries === undefined) {
      try {
        const at = revisionOf(ws)
        const index = HistoryIndex.open(at?.current ?? ws, {build: options.build ? 'always' : 'if-built'})
        summaries = index === undefined ? null : at === undefined ? index.summaries() : index.summariesAsOf(at.time(index))
      } catch (error) {
        // A field that asked for history explicitly reports a broken repository; `age` falls back.
        if (options.build) throw error
        log('warn', 'history index unavailable', {error: (error as Error).message})
        summaries = null
      }
    }
    return summaries?.get(record.id)
  }
}

/**
 * For a workspace read at a past revision (`--at`): the workspace as it is now (whose history
 * index serves every revision), and the revision's committer date.
 */
function revisionOf(ws: Workspace): {current: Workspace; time: (index: HistoryIndex) => number} | undefined {
  const revision = ws.revision
  if (revision === undefined) return undefined
  return {current: Workspace.open(ws.root), time: (index) => index.repo.readCommit(revision.commit).committer.time}
}

/**
 * The history fields of one record: null when the workspace has no git history of it, or a
 * repository psp cannot read (logged: `show` still shows the record). With `build: false`, also
 * null when only a walk of all of history could answer (no index yet): `show` must not spend
 * seconds on a first run in a large repository; `psp history` and history queries build it.
 */
export function recordHistoryFields(ws: Workspace, id: string, now: Date = new Date(), options: HistoryLookupOptions = {build: true}): HistoryFields | null {
  let summary: HistorySummary | undefined
  try {
    const at = revisionOf(ws)
    const index = HistoryIndex.open(at?.current ?? ws, {build: options.build ? 'always' : 'if-built'})
    // At a revision, what a checkout of it would say today: its commits up to the revision.
    summary = index !== undefined && at !== undefined ? index.summaryAsOf(id, at.time(index)) : index?.summary(id)
  } catch (error) {
    if (!(error instanceof GitFormatError)) throw error
    log('warn', 'history unavailable', {error: error.message})
    return null
  }
  return summary === undefined ? null : historyFields(summary, now)
}
