/**
 * The public API of @psp/core. Commands and plugins import from here, by package name, and
 * nowhere else. Everything here returns data or throws a PspError; nothing prints or exits.
 */
export {
  AmbiguousIdError,
  ConflictError,
  EXIT_PROBLEMS_FOUND,
  formatLocated,
  InvalidDocumentError,
  IoError,
  isPspError,
  NotFoundError,
  PspError,
  UnsafeInputError,
  UsageError,
  WorkspaceNotFoundError,
} from './errors.js'
export type {Location, PspErrorOptions} from './errors.js'
export {applyChanges, parseDocumentText, renderNewDocument} from './document.js'
export type {DocumentRecord, ParsedDocument} from './document.js'
export {assertValidId, DEFAULT_ID_LENGTH, ID_PATTERN, newId, randomPart, resolveId, slugify} from './ids.js'
export {gitVersion, initWorkspace, settingsTemplate} from './init.js'
export type {InitOptions, InitReport} from './init.js'
export {drainLog, log, LOG_LEVELS, rotateLog, writeLog} from './log.js'
export type {LogEntry, LogLevel} from './log.js'
export {decodeDocument, frontmatterBounds, MAX_FRONTMATTER_NODES, splitDocument} from './markdown/frontmatter.js'
export type {SplitDocument} from './markdown/frontmatter.js'
export {editFrontmatter, locateKeys, renderFrontmatter} from './markdown/frontmatter-edit.js'
export type {FieldChanges} from './markdown/frontmatter-edit.js'
export {BUILTIN_TYPES, loadBuiltinSchema, registerType, SchemaRegistry, workingTreeSchemaFiles} from './schemas.js'
export type {JsonSchema, SchemaFiles, TypeInfo} from './schemas.js'
export {defaultSettings, layeredSettings, loadSettings, parseSettings, SETTINGS_PATH, withDefaults} from './settings.js'
export type {SettingsInputs} from './settings.js'
export * from './config/index.js'
export {DEFAULT_LOG_SETTINGS, readLogSettings} from './log-settings.js'
export type {LogSettings, LogSettingsInputs} from './log-settings.js'
export type {Settings, WipPolicy} from './settings.js'
export {assertWorkflowStatus, doneTask, moveTask, tasksInStatus} from './workflow.js'
export type {MoveResult} from './workflow.js'
export {changesFor, DocumentStore, isArchivedPath, listDocumentFiles, loadSnapshot, readDocument, statDocumentFiles} from './store.js'
export {documentFileNames, fileNamedAfter, filesNamedLike, isDocumentFile, SKIP_DIRS, walkDocumentFiles} from './document-files.js'
export {cachedEntry, INDEX_FORMAT, RACY_MS, refreshIndex} from './index-cache.js'
export {PARALLEL_MIN_FILES} from './parse-pool.js'
export type {IndexEntry, RefreshStats, StatEntry} from './index-cache.js'
export type {BatchItem, CreateOptions, EditOperations, PlannedRecord, RecordFilter, Snapshot, WriteResult} from './store.js'
export {checkDocument, formatProblem, REFERENCE_FIELDS, sortProblems} from './validate.js'
export type {Problem} from './validate.js'
export {expandPaths, validateWorkspace} from './validate-workspace.js'
export type {ValidationReport} from './validate-workspace.js'
export type {ValidateOptions} from './validate-workspace.js'
export {isOutside, resolveInside, toPosixRelative, writeFileAtomic, createFileExclusive} from './fs-safe.js'
export {configValue, writeConfigSection} from './git/config-write.js'
export {unmergedPaths} from './git/unmerged.js'
export {shPath, shQuote, shUnquote, shWords} from './shell.js'
export {ensureLines, hasLine} from './line-files.js'
export {findWorkspaceRoot, LAYOUT, Workspace} from './workspace.js'
export {parseFieldValue, parseYamlData, splitAssignment} from './yaml-data.js'
export {
  addToDay,
  checkKnownFields,
  checkLimit,
  compileQuery,
  DERIVED_FIELDS,
  fieldSelector,
  formatDay,
  formatQuery,
  groupRecords,
  isFieldName,
  knownFields,
  localDay,
  makeQueryContext,
  MAX_QUERY_LENGTH,
  MAX_REGEX_LENGTH,
  parseDay,
  parseFieldList,
  parseLimit,
  parseQuery,
  parseSortSpec,
  QueryError,
  queryFields,
  runQuery,
  selectFields,
  sortRecords,
  toDay,
} from './query/index.js'
export type {
  CompareNode,
  CompareOp,
  DateLike,
  DateUnit,
  ExistsNode,
  GroupKey,
  HasNode,
  InNode,
  LogicalNode,
  NotNode,
  QueryAst,
  QueryContext,
  QueryContextOptions,
  QueryErrorOptions,
  QueryResult,
  QueryValue,
  RecordGroup,
  RecordPredicate,
  RunQueryOptions,
  SortKey,
  TruthyNode,
} from './query/index.js'
export {
  bodyOfText,
  DEFAULT_SEARCH_LIMIT,
  findMatches,
  makeSnippet,
  markdownToText,
  normalizeTerm,
  openSearchIndex,
  SEARCH_CACHE_DIR,
  SEARCH_INDEX_FORMAT,
  searchEntries,
  SearchIndex,
  tokenize,
} from './search/index.js'
export type {OpenSearchIndexOptions, SearchEntry, SearchHit, SearchIndexStats, SearchOptions, Snippet, TextRange} from './search/index.js'
export {blockedTasks, criticalPath, NEXT_WEIGHTS, rankNext, unblockCounts} from './planning/index.js'
export type {
  BlockedOptions,
  BlockedTask,
  CriticalPath,
  CriticalPathOptions,
  ExplainItem,
  NextFactor,
  NextOptions,
  RankedTask,
  ScheduledTask,
} from './planning/index.js'
export {ROLLUP_HOURS_PER_DAY, rollUp} from './planning/index.js'
export type {DueRisk, RollUp, RollUpOptions} from './planning/index.js'
export {applyEdits, planEdits} from './bulk-edit.js'
export type {EditPlan, FieldChange, PlannedEdit} from './bulk-edit.js'
export {BOARD_SHORT_ID_MIN, buildBoard, columnName, renderBoardMarkdown, renderBoardMermaid, shortIds, shownCards} from './planning/index.js'
export type {Board, BoardCard, BoardColumn, BoardMermaid, BoardMermaidOptions, BoardOptions, WipState} from './planning/index.js'
export type {RevisionTree} from './revision.js'
export {
  assertGitIndexSupported,
  collectGarbage,
  discoverRepository,
  EMPTY_TREE,
  GIT_INDEX_FIX,
  GitFormatError,
  gitAvailable,
  gitIndexIssues,
  GitRepository,
  NotAGitRepositoryError,
  OID_PATTERN,
  parseRevisionDate,
  resolveRevisionAt,
  subjectOf,
  UnsupportedGitIndexError,
} from './git/index.js'
export type {GcMethod, GcOptions, GcReport, GitCommit, GitFile, GitIndexIssue, GitLocation, GitObject, GitObjectType, GitOpenOptions, GitPerson, GitRef, GitTag, GitTreeEntry} from './git/index.js'
export {openRevisionTree} from './git-revision.js'
export {
  checkMessage,
  CHAINED_SUFFIX,
  CLOSE_SUBJECT,
  closeReferencedTasks,
  configuredHooksPath,
  HOOK_FORMAT,
  hookScript,
  hooksDirectory,
  hooksRepository,
  hooksStatus,
  installHooks,
  isDocumentPath,
  parseCommitMessage,
  PRE_COMMIT_CHECKS,
  PSP_HOOKS,
  readHookFile,
  refreshCaches,
  runHook,
  uninstallHooks,
} from './hooks/index.js'
export type {
  CheckReport,
  CloseOutcome,
  HookInstallResult,
  HookProgram,
  HookRun,
  HookSpec,
  HookStatus,
  HookUninstallResult,
  InstallHooksOptions,
  InstallReport,
  MessageCheck,
  MessageReference,
  PostCommitResult,
  PreCommitCheck,
  PreCommitContext,
  ReferenceKind,
  ReferenceProblem,
  ReferenceStrength,
  RunHookOptions,
  StagedChange,
  StatusReport,
  UninstallReport,
} from './hooks/index.js'
export {
  countLineChanges,
  describeFieldChange,
  diffFields,
  diffLines,
  formatValue,
  HISTORY_CACHE_DIR,
  HISTORY_FIELDS,
  HISTORY_FORMAT,
  historyFields,
  HistoryIndex,
  historyLookup,
  isHistoryField,
  isoAt,
  localIso,
  recordHistory,
  recordHistoryFields,
  renderHunks,
  splitLines,
  summarize,
  timeInStatus,
  unifiedHunks,
} from './history/index.js'
export type {
  ChangeKind,
  DiffLine,
  FieldChange as HistoryFieldChange,
  HistoryAuthor,
  HistoryEntry,
  HistoryField,
  HistoryFields,
  HistoryLookupOptions,
  HistoryOpenOptions,
  HistoryStamp,
  HistorySummary,
  HistoryUpdateStats,
  Hunk,
  RecordHistory,
  RecordHistoryEntry,
  RecordHistoryOptions,
} from './history/index.js'
export {diffRecords} from './workspace-diff.js'
export type {RecordDiff} from './workspace-diff.js'
export {
  CONFLICT_MARKER_SIZE,
  conflictProblems,
  DEFAULT_MERGE_LABELS,
  describeConflict,
  findConflictBlocks,
  findConflicts,
  listConflicts,
  listConflictsInText,
  MAX_DRIVER_BYTES,
  MERGE_ATTRIBUTES_LINE,
  MERGE_CONFLICTS_FIELD,
  MERGE_DRIVER_NAME,
  mergeDocumentSets,
  mergeDriverCommand,
  mergeDriverStatus,
  mergeRecordText,
  mergeText,
  parseTake,
  recordConflicts,
  registerMergeDriver,
  resolveConflict,
  resolveFileConflict,
  runMergeDriver,
  takeConflictSide,
  unreadableConflictProblems,
  unregisterMergeDriver,
} from './merge/index.js'
export type {
  ConflictedFile,
  ConflictsReport,
  LocatedConflict,
  MergeDriverOptions,
  MergeDriverRegistration,
  MergeDriverRemoval,
  MergeDriverResult,
  MergeDriverStatus,
  ResolveOptions,
  ResolveReport,
  Take,
  ConflictHunk,
  ConflictResolution,
  Diff3Options,
  Diff3Result,
  DocumentMergeEntry,
  DocumentOutcome,
  DocumentSet,
  DocumentSetMergeOptions,
  DocumentSetMergeResult,
  FieldConflict,
  MarkedBlock,
  MergeLabels,
  OpenConflict,
  RecordMergeInput,
  RecordMergeResult,
} from './merge/index.js'
