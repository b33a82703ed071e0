/**
 * `psp config set` and `unset`: one key of the workspace's config/settings.yaml, or of the
 * user's file, changed in place (config/yaml-edit.ts keeps every other byte). The whole merged
 * configuration is checked with the change before the file is written; the write is atomic,
 * under the file's lock.
 */
import fs from 'node:fs'
import path from 'node:path'
import {UsageError} from '../errors.js'
import {withFileLock, writeFileAtomic} from '../fs-safe.js'
import {SETTINGS_PATH} from '../layout.js'
import {contextLayers, folderNameOf, readIfExists, userFileOf, workspaceFileOf, type ConfigContext} from './context.js'
import {requireSettingKey, type SettingKey} from './keys.js'
import {checkLayers, originOf, type Origin} from './layers.js'
import {USER_FILE_HEADER} from './user-file.js'
import {assertKeyValue, parseConfigValue} from './values.js'
import {setYamlValue, unsetYamlValue} from './yaml-edit.js'

/** What a set or an unset did. */
export interface ConfigChange {
  key: string
  /** The value set; undefined after an unset. */
  value?: unknown
  /** The file: config/settings.yaml, or the user's file (absolute). */
  file: string
  /** False when the file already said so (nothing was written). */
  changed: boolean
  /** True when the user's file was created. */
  created: boolean
  /** Set when a higher layer sets the key: the effective value comes from there. */
  overriddenBy?: Origin
}

export interface ConfigEditOptions {
  /** Change the user's settings file instead of the workspace's. */
  user?: boolean
}

/** Sets `key` to `raw` (a YAML flow value; text as typed) in the workspace's or the user's file. */
export async function setConfig(ctx: ConfigContext, key: string, raw: string, options: ConfigEditOptions = {}): Promise<ConfigChange> {
  const found = keyFor(key, options)
  const value = parseConfigValue(raw, found)
  assertKeyValue(found, value)
  const change = await editFile(ctx, found, options, (text, shown) => setYamlValue(text, found.path, value, shown))
  return {...change, value}
}

/** Removes `key` from the workspace's or the user's file (nothing changes when it is not there). */
export async function unsetConfig(ctx: ConfigContext, key: string, options: ConfigEditOptions = {}): Promise<ConfigChange> {
  const found = keyFor(key, options)
  return editFile(ctx, found, options, (text, shown) => unsetYamlValue(text, found.path, shown))
}

function keyFor(key: string, options: ConfigEditOptions): SettingKey {
  const found = requireSettingKey(key)
  if (found.env === undefined && options.user) throw new UsageError(`can only be set in ${SETTINGS_PATH}`, {field: found.key})
  return found
}

async function editFile(
  ctx: ConfigContext,
  key: SettingKey,
  options: ConfigEditOptions,
  edit: (text: string, shown: string) => string,
): Promise<Omit<ConfigChange, 'value'>> {
  const user = options.user === true
  const file = user ? userFileOf(ctx) : workspaceFileOf(ctx)
  const shown = user ? file : SETTINGS_PATH
  const plan = () => {
    const existing = readIfExists(file)
    const before = existing ?? (user ? USER_FILE_HEADER : '')
    const after = edit(before, shown)
    if (after === before) return {after: undefined, created: false}
    // The whole configuration, with the edited file in place, must hold before anything is written.
    const {errors} = checkLayers(contextLayers(ctx, user ? {user: after} : {workspace: after}), folderNameOf(ctx))
    if (errors[0] !== undefined) throw errors[0]
    return {after, created: existing === undefined}
  }
  let result = plan()
  if (result.after !== undefined) {
    if (user) fs.mkdirSync(path.dirname(file), {recursive: true})
    result = await withFileLock(file, shown, () => {
      // Planned again under the lock: another process may have changed the file meanwhile.
      const locked = plan()
      if (locked.after !== undefined) writeFileAtomic(file, locked.after)
      return locked
    })
  }
  const {merged} = checkLayers(contextLayers(ctx), folderNameOf(ctx))
  const origin = originOf(merged, key)
  const own = user ? 'user' : 'workspace'
  const above = origin.layer === 'env' || origin.layer === 'flag' || (own === 'user' && origin.layer === 'workspace')
  return {key: key.key, file: shown, changed: result.after !== undefined, created: result.created, ...(above ? {overriddenBy: origin} : {})}
}
