/**
 * @psp/core/runtime: the little the hooks around every command need (finding the workspace,
 * writing the run log), without loading the rest of the core. `psp --version` pays for nothing more.
 */
export {findWorkspaceRoot, LAYOUT, SETTINGS_PATH} from './layout.js'
export {drainLog, LOG_LEVELS, writeLog} from './log.js'
export type {LogEntry} from './log.js'
export {readLogSettings} from './log-settings.js'
export type {LogSettings, LogSettingsInputs} from './log-settings.js'
export {applyEnvFile, ENV_FILE, readEnvFile} from './config/env-file.js'
export type {EnvFile} from './config/env-file.js'
