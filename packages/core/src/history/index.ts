/**
 * Record history from git: the history index (one walk of the commit graph, extended
 * incrementally), one record's history for `psp history`, and the derived fields.
 */
export {describeFieldChange, diffFields, formatValue} from './field-diff.js'
export {HISTORY_CACHE_DIR, HISTORY_FORMAT, HistoryIndex} from './history-index.js'
export type {HistoryOpenOptions, HistoryUpdateStats} from './history-index.js'
export {countLineChanges, diffLines, renderHunks, splitLines, unifiedHunks} from './line-diff.js'
export type {DiffLine, Hunk} from './line-diff.js'
export {historyLookup, recordHistoryFields} from './lookup.js'
export type {HistoryLookupOptions} from './lookup.js'
export {recordHistory} from './record-history.js'
export type {RecordHistory, RecordHistoryEntry, RecordHistoryOptions} from './record-history.js'
export {HISTORY_FIELDS, historyFields, isHistoryField, isoAt, localIso, summarize, timeInStatus} from './summary.js'
export type {HistoryField, HistoryFields} from './summary.js'
export type {ChangeKind, FieldChange, HistoryAuthor, HistoryEntry, HistoryStamp, HistorySummary} from './types.js'
