/**
 * The effective configuration, key by key, with where each value came from: what `psp config
 * get` and `psp config list` show.
 */
import type {Settings} from './defaults.js'
import {contextLayers, folderNameOf, type ConfigContext} from './context.js'
import {requireSettingKey, settingKeys, valueAt} from './keys.js'
import {checkLayers, originOf, type Origin} from './layers.js'
import {renderYamlValue} from './yaml-edit.js'

/** One key's effective value and its origin. */
export interface ConfigEntry {
  key: string
  value: unknown
  origin: Origin
}

/** The effective settings and every key's entry, in the schema's order. Throws the first problem. */
export function effectiveConfig(ctx: ConfigContext): {settings: Settings; entries: ConfigEntry[]} {
  const {settings, merged, errors} = checkLayers(contextLayers(ctx), folderNameOf(ctx))
  if (errors[0] !== undefined) throw errors[0]
  const entries = settingKeys().map((key) => ({key: key.key, value: valueAt(settings, key.path), origin: originOf(merged, key)}))
  return {settings, entries}
}

/** The effective value of one key (a UsageError for a name that is no key). */
export function configEntry(ctx: ConfigContext, key: string): ConfigEntry {
  const found = requireSettingKey(key)
  return effectiveConfig(ctx).entries.find((e) => e.key === found.key) as ConfigEntry
}

/**
 * A value as `psp config` prints it, readable back by `psp config set` and `-c`: text as it is
 * (quoted only when it would read back differently), anything else as a YAML flow value.
 */
export function formatConfigValue(value: unknown): string {
  if (typeof value === 'string' && value !== '' && value.trim() === value && !/[\n\r]/.test(value) && !/^(?:"[^]*"|'[^]*')$/.test(value)) return value
  return renderYamlValue(value)
}

/**
 * An origin as `--show-origin` prints it: `default`, `user:<file>:<line>`,
 * `workspace:config/settings.yaml:<line>`, `env:PSP_…` (`env:.env:<line>:PSP_…` from `.env`),
 * `flag:-c <key>` or `flag:--log-level`.
 */
export function formatOrigin(origin: Origin): string {
  const line = origin.line === undefined ? '' : `:${origin.line}`
  switch (origin.layer) {
    case 'default':
      return 'default'
    case 'user':
    case 'workspace':
      return `${origin.layer}:${origin.path ?? ''}${line}`
    case 'env':
      return origin.path === undefined ? `env:${origin.variable}` : `env:${origin.path}${line}:${origin.variable}`
    case 'flag':
      return `flag:${origin.flag}`
  }
}
