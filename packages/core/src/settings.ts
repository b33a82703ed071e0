/**
 * The effective settings of a workspace: its config/settings.yaml (validated by its own schema)
 * layered with the defaults, the user's settings file, PSP_* environment variables and `-c`
 * flags (config/layers.ts), and the cache that lets a warm command skip the YAML parser and the
 * schema.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {CORE_VERSION} from './core-version.js'
import {IoError} from './errors.js'
import {writeFileAtomic} from './fs-safe.js'
import {RACY_MS} from './index-cache.js'
import {SETTINGS_PATH} from './layout.js'
import type {Settings} from './config/defaults.js'
import {
  checkLayers,
  envSetsAnyKey,
  fileLayerFromValues,
  readEnvLayer,
  readFileLayer,
  readFlagLayer,
  resolveLayers,
  type ConfigOverride,
  type Env,
  type EnvFileInfo,
  type Layer,
} from './config/layers.js'
import {userSettingsPath} from './config/user-file.js'

export {SETTINGS_PATH}
export {DEFAULT_PREFIXES, defaultSettings, withDefaults} from './config/defaults.js'
export type {RawSettings, Settings, WipPolicy} from './config/defaults.js'

/** What the settings are read with, besides the workspace's own file. */
export interface SettingsInputs {
  /** Environment variables (PSP_* settings variables apply); none when left out. */
  env?: Env
  /** Which of `env` came from the workspace's `.env` (for origins in messages). */
  envFile?: EnvFileInfo
  /** `-c key=value` and `--log-level` overrides, highest precedence. */
  overrides?: readonly ConfigOverride[]
  /** The user's settings file (absolute path; it may not exist). Left out: no user layer. */
  userFile?: string
}

interface FileStamp {
  mtimeMs: number
  size: number
  ino: number
}

/** The user file's stat, or undefined when there is none. */
function userFileStat(file: string): fs.Stats | undefined {
  let stat: fs.Stats
  try {
    stat = fs.statSync(file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
    throw new IoError(`cannot read the user settings file ${file}: ${(error as Error).message}`, {path: file, cause: error})
  }
  if (!stat.isFile()) throw new IoError(`cannot read the user settings file ${file}: not a file`, {path: file})
  return stat
}

function readUserFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new IoError(`cannot read the user settings file ${file}: ${(error as Error).message}`, {path: file, cause: error})
  }
}

const sameStamp = (a: FileStamp | null | undefined, b: fs.Stats | undefined): boolean =>
  a === undefined || a === null || b === undefined ? a == null && b === undefined : a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino

/**
 * The effective settings of the workspace under `root`: defaults < the user's file < its
 * config/settings.yaml < environment < flags. Problems are reported with the file, line and
 * key, or the variable or flag, that set the offending value. The checked file layers are kept
 * in data/cache/settings.json, trusted while both files' stats are unchanged, so that a warm
 * command loads neither the YAML parser nor the settings schema (unless a variable or a flag
 * sets a value, which must be checked).
 */
export function loadSettings(root: string, inputs: SettingsInputs = {}): Settings {
  const file = path.join(root, SETTINGS_PATH)
  const stat = fs.statSync(file)
  const userFile = inputs.userFile
  const userStat = userFile === undefined ? undefined : userFileStat(userFile)
  const folderName = path.basename(root)
  const key = cacheKey(root)
  const cacheFile = path.join(root, SETTINGS_CACHE)
  const cached = readSettingsCache(cacheFile)
  const upper = () => {
    const layers: Layer[] = []
    const env = inputs.env ?? {}
    if (envSetsAnyKey(env)) layers.push(readEnvLayer(env, inputs.envFile))
    if ((inputs.overrides ?? []).length > 0) layers.push(readFlagLayer(inputs.overrides ?? []))
    return layers
  }
  const trusted = (stamp: FileStamp | null | undefined, s: fs.Stats | undefined, writtenAt: number) =>
    sameStamp(stamp, s) && (s === undefined || writtenAt - s.mtimeMs > RACY_MS)
  if (
    cached !== undefined &&
    cached.key === key &&
    trusted(cached, stat, cached.writtenAt) &&
    (cached.user?.path ?? userFile) === userFile &&
    trusted(cached.user, userStat, cached.writtenAt)
  ) {
    const above = upper()
    if (above.length === 0) return cached.settings
    const base: Layer[] = []
    if (cached.user !== null && cached.layers.user !== undefined && userFile !== undefined) {
      base.push(fileLayerFromValues('user', cached.layers.user, userFile, () => readUserFile(userFile)))
    }
    base.push(fileLayerFromValues('workspace', cached.layers.workspace, SETTINGS_PATH, () => fs.readFileSync(file, 'utf8')))
    return resolveLayers([...base, ...above], folderName)
  }
  const writtenAt = Date.now()
  const base: Layer[] = []
  if (userFile !== undefined && userStat !== undefined) base.push(readFileLayer('user', readUserFile(userFile), userFile))
  const workspace = readFileLayer('workspace', fs.readFileSync(file, 'utf8'), SETTINGS_PATH)
  base.push(workspace)
  const checked = checkLayers(base, folderName)
  const above = upper()
  if (above.length === 0 && checked.errors[0] !== undefined) throw checked.errors[0]
  // A file changed within the racy window may change again without its stat changing: not cached.
  const racy = [stat, userStat].some((s) => s !== undefined && writtenAt - s.mtimeMs <= RACY_MS)
  if (checked.errors.length === 0 && !racy) {
    const entry: SettingsCache = {
      format: SETTINGS_CACHE_FORMAT,
      key,
      mtimeMs: stat.mtimeMs,
      size: stat.size,
      ino: stat.ino,
      user: userStat === undefined || userFile === undefined ? null : {path: userFile, mtimeMs: userStat.mtimeMs, size: userStat.size, ino: userStat.ino},
      writtenAt,
      settings: checked.settings,
      layers: {workspace: {...workspace.values}, ...(base.length > 1 ? {user: {...(base[0] as Layer).values}} : {})},
    }
    try {
      writeFileAtomic(cacheFile, JSON.stringify(entry), {durable: false})
    } catch {
      // A read-only checkout parses its settings every time.
    }
  }
  return above.length === 0 ? checked.settings : resolveLayers([...base, ...above], folderName)
}

const SETTINGS_CACHE = path.join('data', 'cache', 'settings.json')
/** Bump when the cache's format changes. */
const SETTINGS_CACHE_FORMAT = 2

interface SettingsCache extends FileStamp {
  format: number
  key: string
  /** The user's settings file when there was one. */
  user: (FileStamp & {path: string}) | null
  writtenAt: number
  /** The settings of the file layers alone (no environment, no flags). */
  settings: Settings
  /** The checked values of each file layer, for layering the environment and flags on top. */
  layers: {workspace: Record<string, unknown>; user?: Record<string, unknown>}
}

/**
 * What else the settings depend on: psp's version (defaults, schema) and the code that reads
 * them (a rebuild without a version bump, in development), and the folder's name (the default
 * workspace name). The code is dated by the build's dist/index.js, not by the file this
 * function landed in: the core ships as bundles (chunks, and the one-file `quick` entry), and
 * every copy must agree on the key or they would take turns rewriting the cache.
 */
function cacheKey(root: string): string {
  let code = 0
  try {
    code = fs.statSync(fileURLToPath(new URL('./index.js', import.meta.url))).mtimeMs
  } catch {
    // bundled somewhere without a file: the version alone
  }
  return `${CORE_VERSION}/${code}/${path.basename(root)}`
}

function readSettingsCache(file: string): SettingsCache | undefined {
  try {
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as SettingsCache
    const object = (v: unknown) => typeof v === 'object' && v !== null
    return cache.format === SETTINGS_CACHE_FORMAT && object(cache.settings) && object(cache.layers) && object(cache.layers.workspace) && (cache.user === null || (object(cache.user) && object(cache.layers.user)))
      ? cache
      : undefined
  } catch {
    return undefined
  }
}

/**
 * Settings layered as loadSettings layers them, with `text` standing in for config/settings.yaml:
 * a workspace that psp is about to create (psp new outside a workspace plans against it). The
 * user file is the environment's own unless `inputs` names one.
 */
export function layeredSettings(text: string, folderName: string, inputs: SettingsInputs = {}): Settings {
  const env = inputs.env ?? {}
  const userFile = 'userFile' in inputs ? inputs.userFile : userSettingsPath(env)
  const layers: Layer[] = []
  if (userFile !== undefined && userFileStat(userFile) !== undefined) layers.push(readFileLayer('user', readUserFile(userFile), userFile))
  layers.push(readFileLayer('workspace', text, SETTINGS_PATH))
  if (envSetsAnyKey(env)) layers.push(readEnvLayer(env, inputs.envFile))
  if ((inputs.overrides ?? []).length > 0) layers.push(readFlagLayer(inputs.overrides ?? []))
  return resolveLayers(layers, folderName)
}

/**
 * Parses and validates the text of a config/settings.yaml (read from disk, or from git at a past
 * revision) on its own, over the defaults; `folderName` is the default workspace name.
 */
export function parseSettings(text: string, folderName: string): Settings {
  return resolveLayers([readFileLayer('workspace', text, SETTINGS_PATH)], folderName)
}
