/**
 * What a command's settings are layered from besides the files: the environment, the `-c`
 * overrides, and which variables the workspace's `.env` set (so that an error in one points at
 * its line there). Shared by the command base and the fast path.
 */
import {parseConfigFlag, type ConfigOverride, type SettingsInputs} from '@psp/core/records'
import {findWorkspaceRoot, readEnvFile} from '@psp/core/runtime'
import {runContext} from './run-context.js'

/** The overrides a command line sets: each `-c key=value`, then `--log-level` (the flag made for `log.level`). */
export function commandLineOverrides(config: readonly string[], logLevel: string | undefined): ConfigOverride[] {
  const overrides = config.map(parseConfigFlag)
  if (logLevel !== undefined) overrides.push({key: 'log.level', value: logLevel, flag: '--log-level'})
  return overrides
}

/** The settings inputs of this run. */
export function settingsInputs(overrides: ConfigOverride[]): SettingsInputs {
  const names = runContext.envFileNames ?? []
  if (names.length === 0) return {env: process.env, overrides}
  // The .env text is read again only to point an error at its line.
  const text = () => {
    const root = findWorkspaceRoot(process.cwd())
    return root === undefined ? undefined : readEnvFile(root)?.text
  }
  return {env: process.env, overrides, envFile: {path: '.env', names, text}}
}
