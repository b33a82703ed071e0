/**
 * Plain-data YAML parsing for config files: js-yaml 4 with CORE_SCHEMA (YAML 1.2 core types, no
 * custom tags, no dates turned into objects), duplicate keys refused, errors with line/column.
 */
import {createRequire} from 'node:module'
import {jsYaml} from './js-yaml.js'
import {InvalidDocumentError, UnsafeInputError, UsageError} from './errors.js'

const require = createRequire(import.meta.url)

/** Parses YAML text as data. `path` is only used in error locations. */
export function parseYamlData(text: string, path?: string): unknown {
  try {
    return jsYaml().load(text, {schema: jsYaml().CORE_SCHEMA, json: false})
  } catch (error) {
    if (error instanceof jsYaml().YAMLException) {
      const mark = error.mark as {line: number; column: number} | undefined
      const where = {path, line: mark ? mark.line + 1 : undefined, col: mark ? mark.column + 1 : undefined}
      const reason = error.reason ?? error.message
      if (/unknown tag/.test(reason)) throw new UnsafeInputError(`YAML tags are refused: ${reason}`, where)
      throw new InvalidDocumentError(`invalid YAML: ${reason}`, where)
    }
    throw error
  }
}

/**
 * Reads a command-line value as YAML: `3` is a number, `[ui, api]` a list, `true` a boolean,
 * `null` removes nothing but sets null. Text that YAML would read as a mapping, or cannot read
 * at all (`Fix: crash`, `a [b`), stays the literal string the user typed.
 */
export function parseFieldValue(raw: string): unknown {
  if (raw === '') return ''
  let value: unknown
  try {
    value = jsYaml().load(raw, {schema: jsYaml().CORE_SCHEMA, json: false})
  } catch {
    return raw
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return raw
  if (value === undefined) return raw
  // YAML would drop `# …` as a comment (`Issue #42` → `Issue`); on a command line it is text.
  if (hasComment(raw)) return raw
  return value
}

/** True when YAML text holds a comment anywhere. */
function hasComment(raw: string): boolean {
  if (!raw.includes('#')) return false
  const {isNode, parseDocument, visit} = require('yaml') as typeof import('yaml')
  const doc = parseDocument(raw)
  let found = Boolean(doc.comment || doc.commentBefore)
  visit(doc, (_key, node) => {
    if (isNode(node) && (node.comment || node.commentBefore)) found = true
  })
  return found
}

/** Splits `key=value`, refusing a missing `=` or an empty key. */
export function splitAssignment(input: string, flag: string): [string, string] {
  const eq = input.indexOf('=')
  if (eq <= 0) throw new UsageError(`${flag} expects key=value, got "${input}"`)
  return [input.slice(0, eq).trim(), input.slice(eq + 1)]
}
