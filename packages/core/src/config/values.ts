/**
 * Reading a setting's value from the command line or the environment, and checking one value
 * against the settings schema. A value is a YAML flow value (`[todo, doing, done]`, `{doing: 3}`,
 * `true`, `12`); a text setting takes the text as typed unless it is quoted, so that
 * `psp config set name Issue #42` means what it says.
 */
import {InvalidDocumentError, UnsafeInputError} from '../errors.js'
import {jsYaml} from '../js-yaml.js'
import type {SettingKey} from './keys.js'
import {setValueAt} from './keys.js'
import {settingsSchemaProblems} from './validator.js'

/**
 * Reads the text of a value for `key`. Throws when it is no YAML, naming `source` (where the
 * value came from: `PSP_LOG_LEVEL`, `-c log.level`) when given.
 */
export function parseConfigValue(raw: string, key: SettingKey, source?: string): unknown {
  const from = source === undefined ? '' : ` (${source})`
  const text = raw.trim()
  if (key.kind === 'string') {
    const quoted = /^(?:"[^]*"|'[^]*')$/.test(text)
    if (!quoted) return text
  }
  let value: unknown
  try {
    value = jsYaml().load(text, {schema: jsYaml().CORE_SCHEMA, json: false})
  } catch (error) {
    const reason = error instanceof jsYaml().YAMLException ? (error.reason ?? error.message) : String(error)
    if (/unknown tag/.test(reason)) throw new UnsafeInputError(`YAML tags are refused: ${reason}${from}`, {field: key.key})
    throw new InvalidDocumentError(`not a YAML value: ${reason}${from}`, {field: key.key})
  }
  if (value === undefined) throw new InvalidDocumentError(`empty value${from}`, {field: key.key})
  return value
}

/** The problems of one key's value against the schema: `[{field, message}]`, empty when valid. */
export function keyValueProblems(key: SettingKey, value: unknown): {field: string; message: string}[] {
  const wrapper: Record<string, unknown> = {schemaVersion: 1}
  setValueAt(wrapper, key.path, value)
  return settingsSchemaProblems(wrapper).map((p) => ({field: p.path.join('.') || key.key, message: p.message}))
}

/** Throws the first schema problem of one key's value (naming `source`, when given). */
export function assertKeyValue(key: SettingKey, value: unknown, source?: string): void {
  const problem = keyValueProblems(key, value)[0]
  if (problem !== undefined) throw new InvalidDocumentError(`${problem.message}${source === undefined ? '' : ` (${source})`}`, {field: problem.field})
}
