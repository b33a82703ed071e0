/**
 * Configuration layers, lowest first: built-in defaults < the user's file < the workspace's
 * config/settings.yaml < PSP_* environment variables (`.env` fills the unset ones) < `-c`
 * flags. A layer holds values for some keys; for each key the highest layer holding it wins,
 * whole (a map such as `workflow.wip` is not merged across layers). The checks that relate keys
 * to each other run on the merged result and name the layer that set the offending key.
 */
import {InvalidDocumentError, PspError, UsageError} from '../errors.js'
import {parseYamlData} from '../yaml-data.js'
import {withDefaults, type RawSettings, type Settings} from './defaults.js'
import {OTHER_PSP_VARIABLES} from './env-names.js'
import {requireSettingKey, setValueAt, settingKeys, valueAt, type SettingKey} from './keys.js'
import {locatePath} from './locate.js'
import {keyValueProblems, parseConfigValue} from './values.js'
import {settingsSchemaProblems} from './validator.js'

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>

/** The layers, lowest precedence first. */
export type LayerName = 'default' | 'user' | 'workspace' | 'env' | 'flag'
export const LAYER_NAMES: readonly LayerName[] = ['default', 'user', 'workspace', 'env', 'flag']

/** Where a setting's effective value came from. */
export interface Origin {
  layer: LayerName
  /** The file: the user's settings file (absolute), config/settings.yaml, or `.env` for a variable set there. */
  path?: string
  line?: number
  col?: number
  /** The environment variable (layer `env`). */
  variable?: string
  /** The flag as given (layer `flag`): `-c log.level=debug`, `--log-level`. */
  flag?: string
}

/** One layer's values: key → value, for the keys it sets. */
export interface Layer {
  readonly name: LayerName
  readonly values: Readonly<Record<string, unknown>>
  /** Where the value at `path` (a key's path, or a path inside its value) was set. */
  origin(path: readonly string[]): Origin
}

/** Which variables of the environment came from the workspace's `.env` (for origins only). */
export interface EnvFileInfo {
  /** How to show the file: `.env`. */
  path: string
  names: readonly string[]
  /** The file's text, to find a variable's line (read only when one is needed). */
  text?: string | (() => string | undefined)
}

/** A `-c key=value` (or `--log-level`) override. */
export interface ConfigOverride {
  key: string
  /** The value as typed (a YAML flow value). */
  value: string
  /** The flag as the user gave it, for messages: `-c log.level=debug`. */
  flag: string
}

const DEFAULT_ORIGIN: Origin = {layer: 'default'}

/** A key's origin in words, for messages and `--show-origin`: `config/settings.yaml:5`, `PSP_LOG_LEVEL`. */
export function describeOrigin(origin: Origin): string {
  const at = (path: string) => `${path}${origin.line === undefined ? '' : `:${origin.line}`}`
  switch (origin.layer) {
    case 'default':
      return 'the defaults'
    case 'user':
    case 'workspace':
      return at(origin.path ?? '')
    case 'env':
      return origin.path === undefined ? String(origin.variable) : `${origin.variable} in ${at(origin.path)}`
    case 'flag':
      return String(origin.flag)
  }
}

/** The location an error about a value of this origin points at (files only). */
function locationOf(origin: Origin): {path?: string; line?: number; col?: number} {
  if (origin.path === undefined) return {}
  return {path: origin.path, line: origin.line, col: origin.col}
}

/** Suffix naming a variable or a flag, which no location can. */
function sourceSuffix(origin: Origin): string {
  return origin.layer === 'env' || origin.layer === 'flag' ? ` (${origin.layer === 'env' ? origin.variable : origin.flag})` : ''
}

/** A layer read from a settings file, with its problems (none when it is valid). */
export interface FileLayerCheck {
  layer?: Layer
  errors: PspError[]
}

/** Every key's value present in a nested settings object. */
function flatten(raw: unknown, keys: readonly SettingKey[]): Record<string, unknown> {
  const values: Record<string, unknown> = {}
  for (const key of keys) {
    const value = valueAt(raw, key.path)
    if (value !== undefined) values[key.key] = value
  }
  return values
}

/**
 * A file layer from already-checked values (the settings cache); `readText` gives the file's
 * text when a line must be found.
 */
export function fileLayerFromValues(name: 'user' | 'workspace', values: Record<string, unknown>, shownPath: string, readText: () => string | undefined): Layer {
  let text: string | undefined | null = null
  return {
    name,
    values,
    origin(path) {
      if (text === null) text = readText()
      const at = text === undefined ? undefined : locatePath(text, path)
      return {layer: name, path: shownPath, ...(at === undefined ? {} : {line: at.line, col: at.col})}
    },
  }
}

/**
 * Reads a settings file (`user`: the user's file, where `schemaVersion` may be left out;
 * `workspace`: config/settings.yaml) and checks it against the settings schema. Every problem
 * is returned, each with the file, line and field.
 */
export function checkFileLayer(name: 'user' | 'workspace', text: string, shownPath: string): FileLayerCheck {
  let raw: unknown
  try {
    raw = parseYamlData(text, shownPath) ?? {}
  } catch (error) {
    if (error instanceof PspError) return {errors: [error]}
    throw error
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {errors: [new InvalidDocumentError('settings must be a mapping of keys to values', {path: shownPath, line: 1, col: 1})]}
  }
  const checked = name === 'user' && !Object.hasOwn(raw, 'schemaVersion') ? {schemaVersion: 1, ...raw} : raw
  const errors = settingsSchemaProblems(checked).map((problem) => {
    const at = locatePath(text, problem.path)
    return new InvalidDocumentError(problem.message, {
      path: shownPath,
      line: at?.line,
      col: at?.col,
      field: problem.path.length === 0 ? undefined : problem.path.join('.'),
    })
  })
  if (errors.length > 0) return {errors}
  const keys = settingKeys().filter((k) => name === 'workspace' || k.env !== undefined)
  return {layer: fileLayerFromValues(name, flatten(raw, keys), shownPath, () => text), errors: []}
}

/** Reads a settings file as a layer; throws its first problem. */
export function readFileLayer(name: 'user' | 'workspace', text: string, shownPath: string): Layer {
  const {layer, errors} = checkFileLayer(name, text, shownPath)
  if (layer === undefined) throw errors[0]
  return layer
}

/** The 1-based line of `NAME=` in a .env file's text. */
function envFileLine(envFile: EnvFileInfo | undefined, variable: string): number | undefined {
  const text = typeof envFile?.text === 'function' ? envFile.text() : envFile?.text
  if (text === undefined) return undefined
  const lines = text.split(/\r?\n/)
  const pattern = new RegExp(`^\\s*(?:export\\s+)?${variable}\\s*=`)
  for (let i = lines.length - 1; i >= 0; i--) if (pattern.test(lines[i] as string)) return i + 1
  return undefined
}

/** True when the environment sets any settings variable (an empty value counts as unset). */
export function envSetsAnyKey(env: Env): boolean {
  // Most runs have no PSP_ variable at all: then the key table is not even read.
  const others = OTHER_PSP_VARIABLES as readonly string[]
  if (!Object.keys(env).some((name) => name.startsWith('PSP_') && !others.includes(name))) return false
  return settingKeys().some((key) => key.env !== undefined && (env[key.env] ?? '') !== '')
}

/**
 * The environment layer: a value for each settings variable that is set and not empty, read
 * as a YAML flow value and checked against the schema. Every bad value is returned as an error
 * naming its variable (and its line, when it came from `.env`).
 */
export function checkEnvLayer(env: Env, envFile?: EnvFileInfo): {layer: Layer; errors: PspError[]} {
  const values: Record<string, unknown> = {}
  const origins = new Map<string, () => Origin>()
  const errors: PspError[] = []
  for (const key of settingKeys()) {
    const variable = key.env
    if (variable === undefined) continue
    const raw = env[variable]
    if (raw === undefined || raw === '') continue
    const fromFile = envFile?.names.includes(variable) === true
    const origin = (): Origin => {
      if (!fromFile) return {layer: 'env', variable}
      const line = envFileLine(envFile, variable)
      return {layer: 'env', variable, path: envFile?.path, ...(line === undefined ? {} : {line})}
    }
    let value: unknown
    try {
      value = parseConfigValue(raw, key, variable)
    } catch (error) {
      if (!(error instanceof PspError)) throw error
      errors.push(relocate(error, locationOf(origin())))
      continue
    }
    const problems = keyValueProblems(key, value)
    for (const problem of problems) {
      errors.push(new InvalidDocumentError(`${problem.message} (${variable})`, {...locationOf(origin()), field: problem.field}))
    }
    if (problems.length > 0) continue
    values[key.key] = value
    origins.set(key.key, origin)
  }
  return {layer: {name: 'env', values, origin: (path) => origins.get(keyOfPath(path))?.() ?? {layer: 'env'}}, errors}
}

/** The environment layer; throws its first bad value. */
export function readEnvLayer(env: Env, envFile?: EnvFileInfo): Layer {
  const {layer, errors} = checkEnvLayer(env, envFile)
  if (errors[0] !== undefined) throw errors[0]
  return layer
}

/** Reads `key=value` (the argument of `-c`) as an override; a UsageError for anything else. */
export function parseConfigFlag(input: string): ConfigOverride {
  const eq = input.indexOf('=')
  if (eq <= 0) throw new UsageError(`-c expects key=value, got ${JSON.stringify(input)}`)
  const key = input.slice(0, eq).trim()
  requireSettingKey(key)
  return {key, value: input.slice(eq + 1), flag: `-c ${key}`}
}

/**
 * The flag layer: the overrides of `-c key=value` and `--log-level`, the last one of a key
 * winning. Values are read and checked like environment values.
 */
export function checkFlagLayer(overrides: readonly ConfigOverride[]): {layer: Layer; errors: PspError[]} {
  const values: Record<string, unknown> = {}
  const origins = new Map<string, Origin>()
  const errors: PspError[] = []
  for (const override of overrides) {
    const key = requireSettingKey(override.key)
    if (key.env === undefined) {
      errors.push(new UsageError(`can only be set in config/settings.yaml (${override.flag})`, {field: key.key}))
      continue
    }
    let value: unknown
    try {
      value = parseConfigValue(override.value, key, override.flag)
    } catch (error) {
      if (!(error instanceof PspError)) throw error
      errors.push(error)
      continue
    }
    const problems = keyValueProblems(key, value)
    for (const problem of problems) errors.push(new InvalidDocumentError(`${problem.message} (${override.flag})`, {field: problem.field}))
    if (problems.length > 0) continue
    values[key.key] = value
    origins.set(key.key, {layer: 'flag', flag: override.flag})
  }
  return {layer: {name: 'flag', values, origin: (path) => origins.get(keyOfPath(path)) ?? {layer: 'flag'}}, errors}
}

/** The flag layer; throws its first bad override. */
export function readFlagLayer(overrides: readonly ConfigOverride[]): Layer {
  const {layer, errors} = checkFlagLayer(overrides)
  if (errors[0] !== undefined) throw errors[0]
  return layer
}

/** The key a path starts with (a path may go into a map key's value). */
function keyOfPath(path: readonly string[]): string {
  for (const key of settingKeys()) {
    if (key.path.every((segment, i) => path[i] === segment)) return key.key
  }
  return path.join('.')
}

/** The same error at another location (a variable's line in .env). */
function relocate(error: PspError, where: {path?: string; line?: number; col?: number}): PspError {
  if (where.path === undefined) return error
  const Ctor = error.constructor as new (message: string, options: object) => PspError
  return new Ctor(error.message, {...error.location, ...where, hint: error.hint})
}

/** The merged layers: the raw settings (no defaults yet) and the layer that set each key. */
export interface MergedLayers {
  raw: RawSettings
  /** key → the layer its value comes from (missing: the defaults). */
  sources: Map<string, Layer>
}

/** Merges layers given lowest first: per key, the highest layer holding it wins. */
export function mergeLayers(layers: readonly Layer[]): MergedLayers {
  const raw: Record<string, unknown> = {}
  const sources = new Map<string, Layer>()
  for (const key of settingKeys()) {
    for (let i = layers.length - 1; i >= 0; i--) {
      const layer = layers[i] as Layer
      if (!Object.hasOwn(layer.values, key.key)) continue
      setValueAt(raw, key.path, structuredClone(layer.values[key.key]))
      sources.set(key.key, layer)
      break
    }
  }
  return {raw: raw as RawSettings, sources}
}

/** Where the effective value of `key` (or a path inside it) came from. */
export function originOf(merged: MergedLayers, key: SettingKey, inner: readonly string[] = []): Origin {
  return merged.sources.get(key.key)?.origin([...key.path, ...inner]) ?? DEFAULT_ORIGIN
}

/**
 * The checks between keys, on the merged settings: `workflow.default`, every `workflow.done`
 * and every key of `workflow.wip` must be one of `workflow.statuses`. Each error points at the
 * layer that set the offending key.
 */
export function crossCheckErrors(settings: Settings, merged: MergedLayers): PspError[] {
  const {statuses, done, wip} = settings.workflow
  const statusesKey = requireSettingKey('workflow.statuses')
  const errors: PspError[] = []
  const notAStatus = (status: string, keyName: string, inner: string[]) => {
    const key = requireSettingKey(keyName)
    const origin = originOf(merged, key, inner)
    const statusesOrigin = originOf(merged, statusesKey)
    const apart = statusesOrigin.layer !== 'default' && (statusesOrigin.layer !== origin.layer || statusesOrigin.path !== origin.path)
    const elsewhere = apart ? `; workflow.statuses from ${describeOrigin(statusesOrigin)}` : ''
    errors.push(
      new InvalidDocumentError(`"${status}" is not one of workflow.statuses (${statuses.join(', ')})${sourceSuffix(origin)}${elsewhere}`, {
        ...locationOf(origin),
        field: keyName === 'workflow.wip' ? `${keyName}.${inner.join('.')}` : keyName,
      }),
    )
  }
  if (!statuses.includes(settings.workflow.default)) notAStatus(settings.workflow.default, 'workflow.default', [])
  done.forEach((status, i) => {
    if (!statuses.includes(status)) notAStatus(status, 'workflow.done', [String(i)])
  })
  for (const status of Object.keys(wip)) {
    if (!statuses.includes(status)) notAStatus(status, 'workflow.wip', [status])
  }
  return errors
}

/** The settings of merged layers, defaults filled in; every cross-check problem found. */
export function checkLayers(layers: readonly Layer[], folderName: string): {settings: Settings; merged: MergedLayers; errors: PspError[]} {
  const merged = mergeLayers(layers)
  const settings = withDefaults(merged.raw, folderName)
  return {settings, merged, errors: crossCheckErrors(settings, merged)}
}

/** The settings of layers given lowest first, defaults filled in; throws the first cross-check error. */
export function resolveLayers(layers: readonly Layer[], folderName: string): Settings {
  const {settings, errors} = checkLayers(layers, folderName)
  if (errors[0] !== undefined) throw errors[0]
  return settings
}
