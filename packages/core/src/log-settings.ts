/**
 * The log settings, read without schema validation: the run log must be written even when
 * settings.yaml is broken (that is when it matters most), and cheaply, after every command.
 * They follow the settings' precedence (flags > environment > workspace > user > defaults), a
 * value unfit for its key falling through to the layer below. js-yaml is loaded only when a
 * file or a value is read: this module is part of @psp/core/runtime, which every start-up loads.
 */
import fs from 'node:fs'
import path from 'node:path'
import {envVariable} from './config/env-names.js'
import {userSettingsPath} from './config/user-file.js'
import {jsYaml} from './js-yaml.js'
import {SETTINGS_PATH} from './layout.js'
import {LOG_LEVELS} from './log.js'

export interface LogSettings {
  level: string
  max_bytes: number
  keep: number
}

/** The defaults, also used by settings.ts. */
export const DEFAULT_LOG_SETTINGS: LogSettings = {level: 'info', max_bytes: 1024 * 1024, keep: 3}

/** What the log settings are read with, besides the workspace's file. */
export interface LogSettingsInputs {
  /** Environment variables; default: process.env. */
  env?: Readonly<Record<string, string | undefined>>
  /** The user's settings file; default: its place for `env`; null: none. */
  userFile?: string | null
  /** `-c key=value` overrides (only `log.*` keys matter here), last wins. */
  overrides?: readonly {key: string; value: string}[]
}

type Field = keyof LogSettings

/** Whether a value fits a log key, as the settings schema says. */
const FITS: Record<Field, (value: unknown) => boolean> = {
  level: (v) => typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v),
  max_bytes: (v) => Number.isSafeInteger(v) && (v as number) >= 1024,
  keep: (v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= 20,
}
const FIELDS = Object.keys(FITS) as Field[]

/** The `log:` section of a settings file, or nothing when the file is missing or broken. */
function fileSection(file: string): Record<string, unknown> {
  try {
    const raw = jsYaml().load(fs.readFileSync(file, 'utf8'), {schema: jsYaml().CORE_SCHEMA}) as {log?: unknown} | null
    const log = raw?.log
    return typeof log === 'object' && log !== null && !Array.isArray(log) ? (log as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/** A value typed on the command line or in the environment, read as settings values are. */
function readValue(raw: string): unknown {
  try {
    return jsYaml().load(raw, {schema: jsYaml().CORE_SCHEMA})
  } catch {
    return undefined
  }
}

/** Reads `log.*` for the workspace under `root`, layer by layer, falling back to the defaults. */
export function readLogSettings(root: string, inputs: LogSettingsInputs = {}): LogSettings {
  const env = inputs.env ?? process.env
  const userFile = inputs.userFile === undefined ? userSettingsPath(env) : inputs.userFile
  // Highest precedence first.
  const layers: ((field: Field) => unknown)[] = []
  const overrides = inputs.overrides ?? []
  if (overrides.length > 0) {
    layers.push((field) => {
      const given = overrides.findLast((o) => o.key === `log.${field}`)
      return given === undefined ? undefined : readValue(given.value)
    })
  }
  layers.push((field) => {
    const raw = env[envVariable(`log.${field}`)]
    return raw === undefined || raw === '' ? undefined : readValue(raw)
  })
  let workspace: Record<string, unknown> | undefined
  layers.push((field) => (workspace ??= fileSection(path.join(root, SETTINGS_PATH)))[field])
  if (userFile !== null) {
    let user: Record<string, unknown> | undefined
    layers.push((field) => (user ??= fs.existsSync(userFile) ? fileSection(userFile) : {})[field])
  }
  const out = {...DEFAULT_LOG_SETTINGS}
  for (const field of FIELDS) {
    for (const layer of layers) {
      const value = layer(field)
      if (value !== undefined && FITS[field](value)) {
        ;(out as Record<Field, unknown>)[field] = value
        break
      }
    }
  }
  return out
}
