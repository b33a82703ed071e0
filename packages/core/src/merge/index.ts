/**
 * Three-way merge of psp documents, the core of sync (and later of the git merge driver). Pure
 * functions over texts: nothing here reads, writes or prints.
 */

/**
 * Line-level diff3 of two texts from a base (`mergeText`), conflict blocks written with git-style
 * markers and read back (`findConflictBlocks`), and settled on one side (`takeConflictSide`).
 */
export {CONFLICT_MARKER_SIZE, DEFAULT_MERGE_LABELS, findConflictBlocks, mergeText, takeConflictSide} from './diff3.js'
export type {ConflictHunk, Diff3Options, Diff3Result, MarkedBlock, MergeLabels} from './diff3.js'

/**
 * One record: field-level merge of the frontmatter plus diff3 of the body (`mergeRecordText`);
 * field conflicts recorded in the `merge_conflicts` field; `listConflicts` and `resolveConflict`
 * read and settle them.
 */
export {listConflicts, listConflictsInText, MERGE_CONFLICTS_FIELD, mergeRecordText, resolveConflict} from './record-merge.js'
export type {ConflictResolution, FieldConflict, OpenConflict, RecordMergeInput, RecordMergeResult} from './record-merge.js'

/** Every document of two revisions, matched by id (`mergeDocumentSets`), with a per-document report. */
export {mergeDocumentSets} from './document-set.js'
export type {DocumentMergeEntry, DocumentOutcome, DocumentSet, DocumentSetMergeOptions, DocumentSetMergeResult} from './document-set.js'
