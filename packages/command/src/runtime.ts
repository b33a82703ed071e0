/**
 * @psp/command/runtime: what the hooks around every command need (the run context, exit codes),
 * without loading oclif's command machinery or the whole core.
 */
export {exitCodeOf} from './exit-code.js'
export {runContext} from './run-context.js'
