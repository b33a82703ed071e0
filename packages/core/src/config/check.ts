/**
 * `psp config validate`: every configuration source checked on its own (the user's file,
 * config/settings.yaml, the environment, `.env` — also its values the environment shadows — and
 * the flags), then the merged result's checks between keys. Every problem is reported, not only
 * the first.
 */
import {PspError} from '../errors.js'
import {SETTINGS_PATH} from '../layout.js'
import {envFileInfo, folderNameOf, readIfExists, userFileOf, workspaceFileOf, type ConfigContext} from './context.js'
import {readEnvFile} from './env-file.js'
import {keyOfVariable} from './keys.js'
import {checkEnvLayer, checkFileLayer, checkFlagLayer, checkLayers, type Layer} from './layers.js'

/** One configuration problem: where (a file and line; a variable or flag is named in the message), and what. */
export interface ConfigProblem {
  path?: string
  line?: number
  col?: number
  field?: string
  message: string
  code: string
}

/** What `validateConfig` found. */
export interface ConfigReport {
  /** The sources checked: files (the user's absolute), `.env`, `environment`, `flags`. */
  checked: string[]
  problems: ConfigProblem[]
}

function problemOf(error: PspError): ConfigProblem {
  const {path, line, col, field} = error.location
  return {
    ...(path === undefined ? {} : {path}),
    ...(line === undefined ? {} : {line}),
    ...(col === undefined ? {} : {col}),
    ...(field === undefined ? {} : {field}),
    message: error.message,
    code: error.code,
  }
}

/** Checks every configuration source of a context; returns every problem found. */
export function validateConfig(ctx: ConfigContext): ConfigReport {
  const checked: string[] = []
  const errors: PspError[] = []
  const layers: Layer[] = []
  let complete = true
  const file = (name: 'user' | 'workspace', text: string | undefined, shown: string) => {
    if (text === undefined) return
    checked.push(shown)
    const result = checkFileLayer(name, text, shown)
    errors.push(...result.errors)
    if (result.layer === undefined) complete = false
    else layers.push(result.layer)
  }
  const userFile = userFileOf(ctx)
  file('user', readIfExists(userFile), userFile)
  if (ctx.root !== undefined) file('workspace', readIfExists(workspaceFileOf(ctx)), SETTINGS_PATH)

  const dotEnv = ctx.root === undefined ? undefined : readEnvFile(ctx.root)
  if (dotEnv !== undefined) {
    checked.push(dotEnv.path)
    // Values of .env that the environment shadows are never used, but are wrong all the same.
    const applied = new Set(ctx.envFileNames ?? [])
    const shadowed = Object.entries(dotEnv.values).filter(([name]) => keyOfVariable(name) !== undefined && !applied.has(name))
    const info = {path: dotEnv.path, names: shadowed.map(([name]) => name), text: dotEnv.text}
    errors.push(...checkEnvLayer(Object.fromEntries(shadowed), info).errors)
  }
  checked.push('environment')
  const env = checkEnvLayer(ctx.env, envFileInfo(ctx))
  errors.push(...env.errors)
  layers.push(env.layer)
  if ((ctx.overrides ?? []).length > 0) {
    checked.push('flags')
    const flags = checkFlagLayer(ctx.overrides ?? [])
    errors.push(...flags.errors)
    layers.push(flags.layer)
  }
  // Relations between keys are checked when every file could be read: a file that failed would
  // leave its keys out and report problems that are not there.
  if (complete) errors.push(...checkLayers(layers, folderNameOf(ctx)).errors)
  return {checked, problems: errors.map(problemOf)}
}

