/**
 * config/settings.yaml: reading it (validated by its own schema), and the defaults that apply
 * to every key it leaves out.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ValidateFunction} from 'ajv'
import {CORE_VERSION} from './core-version.js'
import {InvalidDocumentError} from './errors.js'
import {writeFileAtomic} from './fs-safe.js'
import {RACY_MS} from './index-cache.js'
import {locateKeys} from './markdown/frontmatter-edit.js'
import {parseYamlData} from './yaml-data.js'

const require = createRequire(import.meta.url)
// Built from schemas/settings.json by scripts/build-validators.mjs.
let settingsValidator: ValidateFunction | undefined
function validateSettings(value: unknown): ValidateFunction {
  settingsValidator ??= require('./validators/settings.cjs') as ValidateFunction
  settingsValidator(value)
  return settingsValidator
}

import {SETTINGS_PATH} from './layout.js'
import {DEFAULT_LOG_SETTINGS} from './log-settings.js'

export {SETTINGS_PATH}

/** What a move into a status at its WIP limit does. */
export type WipPolicy = 'warn' | 'refuse'

/** Settings with every default filled in. */
export interface Settings {
  schemaVersion: 1
  name: string
  workflow: {
    statuses: string[]
    default: string
    done: string[]
    /** WIP limits: status → the most non-archived tasks it may hold. */
    wip: Record<string, number>
    /** At a WIP limit, `warn` moves the task anyway with a warning; `refuse` leaves it where it is. */
    wip_policy: WipPolicy
  }
  priorities: string[]
  ids: {length: number; prefixes: Record<string, string>}
  limits: {max_document_bytes: number}
  log: {level: string; max_bytes: number; keep: number}
  git: {auto_commit: boolean}
}

export const DEFAULT_PREFIXES: Record<string, string> = {
  task: 'task',
  project: 'proj',
  milestone: 'ms',
  note: 'note',
  decision: 'dec',
}

/** The defaults, documented in docs/configuration.md. */
export function defaultSettings(name = 'workspace'): Settings {
  return {
    schemaVersion: 1,
    name,
    workflow: {statuses: ['todo', 'in-progress', 'review', 'done'], default: 'todo', done: ['done'], wip: {}, wip_policy: 'warn'},
    priorities: ['low', 'medium', 'high', 'critical'],
    ids: {length: 10, prefixes: {...DEFAULT_PREFIXES}},
    limits: {max_document_bytes: 1024 * 1024},
    log: {...DEFAULT_LOG_SETTINGS},
    git: {auto_commit: false},
  }
}

type Raw = Partial<Omit<Settings, 'workflow' | 'ids' | 'limits' | 'log' | 'git'>> & {
  workflow?: Partial<Settings['workflow']>
  ids?: Partial<Settings['ids']>
  limits?: Partial<Settings['limits']>
  log?: Partial<Settings['log']>
  git?: Partial<Settings['git']>
}

/** Fills in defaults for every key a settings object leaves out. */
export function withDefaults(raw: Raw, fallbackName: string): Settings {
  const d = defaultSettings(raw.name ?? fallbackName)
  const statuses = raw.workflow?.statuses ?? d.workflow.statuses
  return {
    schemaVersion: 1,
    name: raw.name ?? fallbackName,
    workflow: {
      statuses,
      default: raw.workflow?.default ?? statuses[0] ?? d.workflow.default,
      done: raw.workflow?.done ?? (statuses.includes('done') ? ['done'] : statuses.slice(-1)),
      wip: {...raw.workflow?.wip},
      wip_policy: raw.workflow?.wip_policy ?? d.workflow.wip_policy,
    },
    priorities: raw.priorities ?? d.priorities,
    ids: {length: raw.ids?.length ?? d.ids.length, prefixes: {...d.ids.prefixes, ...raw.ids?.prefixes}},
    limits: {...d.limits, ...raw.limits},
    log: {...d.log, ...raw.log},
    git: {...d.git, ...raw.git},
  }
}

/**
 * Reads and validates config/settings.yaml under `root`. Problems are reported with the line
 * of the offending key. Valid settings are kept in data/cache/settings.json, trusted while the
 * file's stat is unchanged, so that a warm command loads neither the YAML parser nor the
 * settings schema.
 */
export function loadSettings(root: string): Settings {
  const file = path.join(root, SETTINGS_PATH)
  const stat = fs.statSync(file)
  const key = cacheKey(root)
  const cacheFile = path.join(root, SETTINGS_CACHE)
  const cached = readSettingsCache(cacheFile)
  if (
    cached !== undefined &&
    cached.key === key &&
    cached.mtimeMs === stat.mtimeMs &&
    cached.size === stat.size &&
    cached.ino === stat.ino &&
    cached.writtenAt - stat.mtimeMs > RACY_MS
  ) {
    return cached.settings
  }
  const writtenAt = Date.now()
  const settings = parseSettings(fs.readFileSync(file, 'utf8'), path.basename(root))
  // A file changed within the racy window may change again without its stat changing: not cached.
  if (writtenAt - stat.mtimeMs > RACY_MS) {
    const entry: SettingsCache = {format: SETTINGS_CACHE_FORMAT, key, mtimeMs: stat.mtimeMs, size: stat.size, ino: stat.ino, writtenAt, settings}
    try {
      writeFileAtomic(cacheFile, JSON.stringify(entry), {durable: false})
    } catch {
      // A read-only checkout parses its settings every time.
    }
  }
  return settings
}

const SETTINGS_CACHE = path.join('data', 'cache', 'settings.json')
/** Bump when the cache's format changes. */
const SETTINGS_CACHE_FORMAT = 1

interface SettingsCache {
  format: number
  key: string
  mtimeMs: number
  size: number
  ino: number
  writtenAt: number
  settings: Settings
}

/**
 * What else the settings depend on: psp's version (defaults, schema) and the code that reads
 * them (a rebuild without a version bump, in development), and the folder's name (the default
 * workspace name).
 */
function cacheKey(root: string): string {
  let code = 0
  try {
    code = fs.statSync(fileURLToPath(import.meta.url)).mtimeMs
  } catch {
    // bundled somewhere without a file: the version alone
  }
  return `${CORE_VERSION}/${code}/${path.basename(root)}`
}

function readSettingsCache(file: string): SettingsCache | undefined {
  try {
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as SettingsCache
    return cache.format === SETTINGS_CACHE_FORMAT && typeof cache.settings === 'object' && cache.settings !== null ? cache : undefined
  } catch {
    return undefined
  }
}

/**
 * Parses and validates the text of a config/settings.yaml (read from disk, or from git at a past
 * revision); `folderName` is the default workspace name.
 */
export function parseSettings(text: string, folderName: string): Settings {
  const raw = parseYamlData(text, SETTINGS_PATH) ?? {}
  const validate = validateSettings(raw)
  if (validate.errors) {
    const error = validate.errors?.[0]
    const extra = error?.params?.['additionalProperty']
    const field = [...(error?.instancePath.split('/').slice(1) ?? []), ...(extra === undefined ? [] : [String(extra)])].join('.')
    const top = field.split('.')[0] ?? ''
    const where = locateKeys(text).get(top)
    const message =
      error?.keyword === 'additionalProperties' ? 'unknown setting (docs/configuration.md lists them all)' : (error?.message ?? 'invalid')
    throw new InvalidDocumentError(message, {
      path: SETTINGS_PATH,
      line: where?.line,
      col: where?.col,
      field: field || undefined,
    })
  }
  const settings = withDefaults(raw as Raw, folderName)
  const {statuses, done, wip} = settings.workflow
  const notAStatus = (status: string, field: string) => {
    const where = locateKeys(text).get('workflow')
    return new InvalidDocumentError(`"${status}" is not one of workflow.statuses (${statuses.join(', ')})`, {
      path: SETTINGS_PATH,
      line: where?.line,
      col: where?.col,
      field,
    })
  }
  for (const status of [settings.workflow.default, ...done]) {
    if (!statuses.includes(status)) throw notAStatus(status, 'workflow')
  }
  for (const status of Object.keys(wip)) {
    if (!statuses.includes(status)) throw notAStatus(status, `workflow.wip.${status}`)
  }
  return settings
}
