/**
 * template.yaml: a template's manifest (name, description, variables), validated against
 * schemas/template.json, and the values its variables accept.
 */
import {createRequire} from 'node:module'
import type {ValidateFunction} from 'ajv'
import {InvalidDocumentError, UsageError} from '../errors.js'
import {locateKeys} from '../markdown/frontmatter-edit.js'
import {parseDay} from '../query/dates.js'
import {parseYamlData} from '../yaml-data.js'
import {checkExpression, ExpressionError, expressionsIn, renderText, type VariableKind, type Variables, type VariableValue} from './expression.js'

const require = createRequire(import.meta.url)
let manifestValidator: ValidateFunction | undefined

/** The manifest's file name inside a template folder. */
export const MANIFEST_FILE = 'template.yaml'

/** What a variable accepts. */
export type VariableType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'choice'

/** A variable a template declares. Without `default` it is required. */
export interface VariableDefinition {
  type: VariableType
  description?: string
  default?: string | number | boolean
  choices?: string[]
  pattern?: string
  min?: number
  max?: number
}

/** A parsed, valid template.yaml. */
export interface TemplateManifest {
  schema: 1
  name: string
  description: string
  variables: Record<string, VariableDefinition>
}

/** Variables every template has: the project's name, its slug and today's date. */
export const BUILTIN_VARIABLES: Record<string, VariableKind> = {name: 'string', slug: 'string', today: 'date'}

/** How expressions see a variable of this type. */
export function kindOf(type: VariableType): VariableKind {
  if (type === 'integer' || type === 'number') return 'number'
  if (type === 'boolean' || type === 'date') return type
  return 'string'
}

/** The kinds of every variable a manifest makes available, built-ins first. */
export function variableKinds(manifest: TemplateManifest): Record<string, VariableKind> {
  const kinds: Record<string, VariableKind> = {...BUILTIN_VARIABLES}
  for (const [name, def] of Object.entries(manifest.variables)) kinds[name] = kindOf(def.type)
  return kinds
}

/** The precompiled manifest validator (dist/validators/), found from this module or a bundle chunk. */
function loadValidator(): ValidateFunction {
  try {
    return require('../validators/template.cjs') as ValidateFunction
  } catch {
    return require('./validators/template.cjs') as ValidateFunction
  }
}

/** Parses and validates a manifest's text; `shown` names the file in errors. */
export function parseManifest(text: string, shown: string): TemplateManifest {
  const raw = parseYamlData(text, shown)
  // `variables:` with every entry commented out is an empty list of variables, not an error.
  if (raw !== null && typeof raw === 'object' && (raw as Record<string, unknown>)['variables'] === null) delete (raw as Record<string, unknown>)['variables']
  manifestValidator ??= loadValidator()
  if (!manifestValidator(raw)) {
    // A bad variable name shows as an inner pattern error first; the propertyNames one says it better.
    const error = manifestValidator.errors?.find((e) => e.keyword === 'propertyNames') ?? manifestValidator.errors?.[0]
    const extra = error?.params?.['additionalProperty'] ?? error?.params?.['propertyName']
    const parts = [...(error?.instancePath.split('/').slice(1) ?? []), ...(extra === undefined ? [] : [String(extra)])]
    const field = parts.join('.')
    const message =
      error?.keyword === 'additionalProperties'
        ? 'unknown key (docs/templates.md lists them)'
        : error?.keyword === 'propertyNames'
          ? 'variable names are lower-case letters, digits and _, starting with a letter, and name, slug and today are built in'
          : (error?.message ?? 'invalid')
    const where = locateKeys(text).get(parts[0] ?? '')
    throw new InvalidDocumentError(message, {path: shown, line: where?.line, col: where?.col, field: field || undefined})
  }
  const manifest = raw as TemplateManifest
  manifest.variables ??= {}
  checkVariables(manifest, text, shown)
  return manifest
}

/** The rules schemas/template.json cannot say well: they name the variable. */
function checkVariables(manifest: TemplateManifest, text: string, shown: string): void {
  const where = locateKeys(text).get('variables')
  const fail = (name: string, message: string): never => {
    throw new InvalidDocumentError(message, {path: shown, line: where?.line, col: where?.col, field: `variables.${name}`})
  }
  const known: Record<string, VariableKind> = {...BUILTIN_VARIABLES}
  for (const [name, def] of Object.entries(manifest.variables)) {
    if ((def.type === 'choice') !== (def.choices !== undefined)) fail(name, def.type === 'choice' ? 'a choice needs choices' : 'only a choice has choices')
    if (def.pattern !== undefined) {
      if (def.type !== 'string') fail(name, 'only a string has a pattern')
      try {
        new RegExp(def.pattern, 'u')
      } catch (error) {
        fail(name, `pattern is not a regular expression: ${(error as Error).message}`)
      }
    }
    if ((def.min !== undefined || def.max !== undefined) && def.type !== 'integer' && def.type !== 'number') fail(name, 'only an integer or a number has min and max')
    if (def.min !== undefined && def.max !== undefined && def.min > def.max) fail(name, 'min is larger than max')
    // A default may use the variables declared before it (`end` defaults to `{{ start + 8w }}`).
    if (typeof def.default === 'string') {
      try {
        for (const expression of expressionsIn(def.default)) checkExpression(expression, known)
      } catch (error) {
        if (error instanceof ExpressionError) fail(name, `default: ${error.message}`)
        throw error
      }
    }
    known[name] = kindOf(def.type)
  }
}

/**
 * Turns a value given for a variable (a command-line string, an answer, a default) into its
 * typed value, or throws a UsageError saying what the variable accepts. `today` is a valid date.
 */
export function coerceVariable(name: string, def: VariableDefinition, given: unknown, today: string): VariableValue {
  const text = typeof given === 'string' ? given.trim() : given
  const fail = (what: string): never => {
    throw new UsageError(`variable ${name}: ${JSON.stringify(given)} ${what}`)
  }
  switch (def.type) {
    case 'integer':
    case 'number': {
      const n = typeof text === 'number' ? text : typeof text === 'string' && text !== '' ? Number(text) : Number.NaN
      if (!Number.isFinite(n)) fail(def.type === 'integer' ? 'is not a whole number' : 'is not a number')
      if (def.type === 'integer' && !Number.isInteger(n)) fail('is not a whole number')
      if (def.min !== undefined && n < def.min) fail(`is less than ${def.min}`)
      if (def.max !== undefined && n > def.max) fail(`is more than ${def.max}`)
      return n
    }
    case 'boolean': {
      if (typeof text === 'boolean') return text
      const word = String(text).toLowerCase()
      if (['true', 'yes', 'y', '1', 'on'].includes(word)) return true
      if (['false', 'no', 'n', '0', 'off'].includes(word)) return false
      return fail('is not true or false')
    }
    case 'date': {
      const value = String(text)
      if (value === 'today') return today
      if (parseDay(value, true) === undefined) fail('is not a date (YYYY-MM-DD or today)')
      return value
    }
    case 'choice': {
      const value = String(text)
      if (!(def.choices ?? []).includes(value)) fail(`is not one of ${(def.choices ?? []).join(', ')}`)
      return value
    }
    default: {
      const value = String(text)
      if (def.pattern !== undefined && !new RegExp(`^(?:${def.pattern})$`, 'u').test(value)) fail(`does not match ${def.pattern}`)
      return value
    }
  }
}

/** A variable's default for this run: its expressions rendered with the values resolved so far. */
export function defaultValue(def: VariableDefinition, resolved: Variables): unknown {
  return typeof def.default === 'string' ? renderText(def.default, resolved) : def.default
}
