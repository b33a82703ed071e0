/**
 * A run's variable values: given ones (from `--var`), answers (asked on a terminal by the
 * caller), defaults, and the built-ins `name`, `slug` and `today`.
 */
import {UsageError} from '../errors.js'
import {slugify} from '../ids.js'
import {formatDay, localDay} from '../query/dates.js'
import {ExpressionError, type Variables} from './expression.js'
import {coerceVariable, defaultValue, type TemplateManifest, type VariableDefinition} from './manifest.js'

/**
 * Asks for a variable not given on the command line; `suggested` is its default (rendered), if
 * any. Returns the answer (checked with coerceVariable), or undefined to take the default.
 */
export type AskVariable = (name: string, definition: VariableDefinition, suggested: unknown) => Promise<unknown>

export interface ResolveOptions {
  /** The project's name: the built-in `name`. */
  name: string
  /** Values given as `key=value`, not yet typed. */
  given?: Record<string, string>
  /** Today's date, `YYYY-MM-DD` (default: the local date). */
  today?: string
  /** Asks for every variable not given; without it, defaults apply and missing ones fail. */
  ask?: AskVariable
}

/** Today's local date as `YYYY-MM-DD`. */
export function todayString(now: Date = new Date()): string {
  return formatDay(localDay(now))
}

/**
 * Every variable's value, in the manifest's order (a default may use the variables before it).
 * Unknown names given, values of the wrong kind, and required variables nobody gave are usage
 * errors that name them.
 */
export async function resolveVariables(manifest: TemplateManifest, options: ResolveOptions): Promise<Variables> {
  const name = options.name.trim()
  if (name === '') throw new UsageError('the project needs a name')
  const today = options.today ?? todayString()
  const given = options.given ?? {}
  const declared = Object.keys(manifest.variables)
  const unknown = Object.keys(given).filter((key) => !Object.hasOwn(manifest.variables, key))
  if (unknown.length > 0) {
    const known = declared.length === 0 ? 'it declares none' : `it declares ${declared.join(', ')}`
    throw new UsageError(`unknown variable${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} for template ${manifest.name}: ${known}`)
  }
  const values: Variables = {name, slug: slugify(name), today}
  const missing: string[] = []
  for (const [key, def] of Object.entries(manifest.variables)) {
    let suggested: unknown
    let dependsOnMissing = false
    try {
      suggested = defaultValue(def, values)
    } catch (error) {
      // A default built on a variable that is missing itself: that one is what to ask for.
      if (!(error instanceof ExpressionError)) throw error
      suggested = undefined
      dependsOnMissing = true
    }
    if (Object.hasOwn(given, key)) {
      values[key] = coerceVariable(key, def, given[key], today)
      continue
    }
    const answer = options.ask === undefined ? undefined : await options.ask(key, def, suggested)
    if (answer !== undefined && answer !== '') {
      values[key] = coerceVariable(key, def, answer, today)
    } else if (suggested !== undefined) {
      values[key] = coerceVariable(key, def, suggested, today)
    } else if (!dependsOnMissing) {
      missing.push(key)
    }
  }
  if (missing.length > 0) {
    const example = missing.map((key) => `--var ${key}=…`).join(' ')
    throw new UsageError(`template ${manifest.name} needs ${missing.length > 1 ? 'variables' : 'variable'} ${missing.join(', ')}: give ${example}`, {
      hint: `psp template show ${manifest.name} describes them`,
      data: {missing},
    })
  }
  return values
}
