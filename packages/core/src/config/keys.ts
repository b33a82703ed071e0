/**
 * The settings keys: every leaf of the settings schema as a dotted path (`workflow.statuses`,
 * `log.level`), with its environment variable. A map the schema leaves open (`workflow.wip`,
 * `ids.prefixes`) is one key, set and overridden as a whole. The table is read from the schema,
 * so the names never need parsing (`PSP_WORKFLOW_WIP_POLICY` is `workflow.wip_policy`, found,
 * not guessed).
 */
import {UsageError} from '../errors.js'
import {loadBuiltinSchema, type JsonSchema} from '../schemas.js'
import {envVariable} from './env-names.js'

/** The kinds of value a key holds, as the command line and the environment read them. */
export type KeyKind = 'string' | 'integer' | 'boolean' | 'list' | 'map' | 'constant'

/** One settings key. */
export interface SettingKey {
  /** The dotted path, `workflow.statuses`. */
  key: string
  path: readonly string[]
  kind: KeyKind
  /** `PSP_…`; undefined for `schemaVersion`, which only the workspace file holds. */
  env?: string
  description: string
}

let table: {keys: SettingKey[]; byKey: Map<string, SettingKey>; byEnv: Map<string, SettingKey>; sections: Map<string, string[]>} | undefined

function kindOf(schema: JsonSchema): KeyKind {
  if ('const' in schema) return 'constant'
  const type = schema['type']
  if (type === 'array') return 'list'
  if (type === 'object') return 'map'
  if (type === 'integer' || type === 'number') return 'integer'
  if (type === 'boolean') return 'boolean'
  return 'string'
}

function load(): NonNullable<typeof table> {
  if (table !== undefined) return table
  const keys: SettingKey[] = []
  const sections = new Map<string, string[]>()
  const walk = (properties: Record<string, JsonSchema>, prefix: string[]) => {
    for (const [name, schema] of Object.entries(properties)) {
      const path = [...prefix, name]
      const nested = schema['properties'] as Record<string, JsonSchema> | undefined
      if (schema['type'] === 'object' && nested !== undefined) {
        const before = keys.length
        walk(nested, path)
        sections.set(path.join('.'), keys.slice(before).map((k) => k.key))
        continue
      }
      const key = path.join('.')
      const kind = kindOf(schema)
      keys.push({key, path, kind, ...(kind === 'constant' ? {} : {env: envVariable(key)}), description: String(schema['description'] ?? '')})
    }
  }
  walk(loadBuiltinSchema('settings')['properties'] as Record<string, JsonSchema>, [])
  table = {
    keys,
    byKey: new Map(keys.map((k) => [k.key, k])),
    byEnv: new Map(keys.flatMap((k) => (k.env === undefined ? [] : [[k.env, k] as const]))),
    sections,
  }
  return table
}

/** Every settings key, in the schema's order. */
export function settingKeys(): readonly SettingKey[] {
  return load().keys
}

/** The key named `key`, or undefined. */
export function findSettingKey(key: string): SettingKey | undefined {
  return load().byKey.get(key)
}

/** The key an environment variable sets, or undefined when it is not a settings variable. */
export function keyOfVariable(variable: string): SettingKey | undefined {
  return load().byEnv.get(variable)
}

/**
 * The key named `key`; a UsageError naming it otherwise (with the keys of a section, when it
 * names one, or a hint for a key inside a map).
 */
export function requireSettingKey(key: string): SettingKey {
  const found = findSettingKey(key)
  if (found !== undefined) return found
  const shown = JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key)
  const section = load().sections.get(key)
  if (section !== undefined) {
    throw new UsageError(`${shown} is a section, not a setting: its keys are ${section.join(', ')}`)
  }
  const parent = load().keys.find((k) => k.kind === 'map' && key.startsWith(`${k.key}.`))
  if (parent !== undefined) {
    throw new UsageError(`unknown setting ${shown}: ${parent.key} is a map, set as a whole`, {
      hint: `psp config set ${parent.key} '{${key.slice(parent.key.length + 1)}: …}'`,
    })
  }
  throw new UsageError(`unknown setting ${shown}`, {hint: 'psp config list shows every setting; docs/configuration.md explains them'})
}

/** The value at a key's path in a nested settings object, or undefined. */
export function valueAt(raw: unknown, path: readonly string[]): unknown {
  let node = raw
  for (const name of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, name)) return undefined
    node = (node as Record<string, unknown>)[name]
  }
  return node
}

/** Sets a value at a path in a nested object, creating the maps on the way. */
export function setValueAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target
  for (const name of path.slice(0, -1)) {
    const next = Object.hasOwn(node, name) ? node[name] : undefined
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const made: Record<string, unknown> = {}
      Object.defineProperty(node, name, {value: made, enumerable: true, writable: true, configurable: true})
      node = made
    } else {
      node = next as Record<string, unknown>
    }
  }
  Object.defineProperty(node, path[path.length - 1] as string, {value, enumerable: true, writable: true, configurable: true})
}
