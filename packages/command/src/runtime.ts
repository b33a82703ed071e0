/**
 * @psp/command/runtime: what runs around commands without oclif's command machinery or the whole
 * core — the hooks (the run context, exit codes, the run log) and the fast path (docs/decisions.md).
 */
export {exitCodeOf} from './exit-code.js'
export {runContext} from './run-context.js'
export {writeRunLog} from './run-log.js'
export type {RunLogOptions} from './run-log.js'
export {startRun} from './run-start.js'
export {commandLineOverrides, settingsInputs} from './settings-inputs.js'
export {visible} from './visible.js'
