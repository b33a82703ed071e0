/**
 * The log settings, read without schema validation: the run log must be written even when
 * settings.yaml is broken (that is when it matters most), and cheaply, after every command.
 * js-yaml is loaded only when the file is read: this module is part of @psp/core/runtime, which
 * every start-up loads.
 */
import fs from 'node:fs'
import path from 'node:path'
import {jsYaml} from './js-yaml.js'
import {SETTINGS_PATH} from './layout.js'

export interface LogSettings {
  level: string
  max_bytes: number
  keep: number
}

/** The defaults, also used by settings.ts. */
export const DEFAULT_LOG_SETTINGS: LogSettings = {level: 'info', max_bytes: 1024 * 1024, keep: 3}

/** Reads `log.*` from config/settings.yaml under `root`, falling back to the defaults. */
export function readLogSettings(root: string): LogSettings {
  const d = DEFAULT_LOG_SETTINGS
  try {
    const raw = jsYaml().load(fs.readFileSync(path.join(root, SETTINGS_PATH), 'utf8'), {schema: jsYaml().CORE_SCHEMA}) as {
      log?: Partial<LogSettings>
    } | null
    const log = raw?.log ?? {}
    return {
      level: typeof log.level === 'string' ? log.level : d.level,
      max_bytes: typeof log.max_bytes === 'number' ? log.max_bytes : d.max_bytes,
      keep: typeof log.keep === 'number' ? log.keep : d.keep,
    }
  } catch {
    return {...d}
  }
}
