/**
 * @psp/command: what every psp command extends, psp's own and plugins' alike, so that all of
 * them share `--json`, the global flags, output formats and one error renderer.
 */
export {atFlag, PspCommand} from './base-command.js'
export {StandaloneCommand} from './standalone-command.js'
export type {CommandArgs, CommandFlags} from './base-command.js'
export {exitCodeOf, renderError} from './errors.js'
export {cell, DEFAULT_COLUMNS, FORMATS, recordJson, renderCsv, renderGroups, renderMarkdown, renderRecord, renderRecords, renderRows, renderRowTable, renderTable, shownPath, visible} from './output.js'
export type {Format, Row, RowFormat, RowGroup} from './output.js'
export {runContext} from './run-context.js'
