/**
 * Three-way merge of psp documents, the core of sync and of the git merge driver: pure functions
 * over texts (diff3, record merge, document sets), then the driver that applies them to git's
 * files, its registration, and a workspace's open conflicts. Nothing here prints.
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

/** git's merge driver: git's three temporary files merged into the ours file (`runMergeDriver`). */
export {MAX_DRIVER_BYTES, runMergeDriver} from './driver.js'
export type {MergeDriverOptions, MergeDriverResult} from './driver.js'

/** Registering the driver: `.gitattributes` and the repository's git config. */
export {MERGE_ATTRIBUTES_LINE, MERGE_DRIVER_NAME, mergeDriverCommand, mergeDriverStatus, registerMergeDriver, unregisterMergeDriver} from './register.js'
export type {MergeDriverRegistration, MergeDriverRemoval, MergeDriverStatus} from './register.js'

/** A workspace's open conflicts (`findConflicts`, and as validation problems), and settling one. */
export {conflictProblems, describeConflict, findConflicts, parseTake, recordConflicts, resolveFileConflict, unreadableConflictProblems} from './conflicts.js'
export type {ConflictedFile, ConflictsReport, LocatedConflict, ResolveOptions, ResolveReport, Take} from './conflicts.js'
