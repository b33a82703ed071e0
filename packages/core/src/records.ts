/**
 * `@psp/core/records`: what the commands users run most — show, add, edit one record, its
 * history — and the command base need, as an entry of its own. The full index (`@psp/core`)
 * also loads search, the query engine, planning, hooks and merging; at ~0.35 MB of bundle that
 * is about a tenth of `psp task show`'s start-up, for code show never runs. Everything here is
 * also exported by the full index: import whichever fits, the modules are the same.
 */
export * from './errors.js'
export {findWorkspaceRoot, LAYOUT, Workspace} from './workspace.js'
export {defaultSettings} from './settings.js'
export type {Settings, SettingsInputs} from './settings.js'
export {parseConfigFlag} from './config/layers.js'
export type {ConfigOverride} from './config/layers.js'
export type {ConfigContext} from './config/context.js'
export {SchemaRegistry} from './schemas.js'
export {LOG_LEVELS} from './log.js'
export {DocumentStore} from './store.js'
export type {DocumentRecord} from './document.js'
export type {EditOperations} from './store.js'
export {parseFieldValue, splitAssignment} from './yaml-data.js'
export {openRevisionTree} from './git-revision.js'
export {recordHistoryFields} from './history/lookup.js'
export {describeFieldChange, formatValue} from './history/field-diff.js'
export {isoAt} from './history/summary.js'
export type {HistoryFields} from './history/summary.js'
export {recordHistory} from './history/record-history.js'
export type {RecordHistory, RecordHistoryEntry, RecordHistoryOptions} from './history/record-history.js'
export {parseLimit} from './limit.js'
export {isOutside} from './fs-safe.js'
