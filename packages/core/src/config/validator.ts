/**
 * The settings schema's precompiled validator (built from schemas/settings.json by
 * scripts/build-validators.mjs), loaded on first use, and its errors in psp's words.
 */
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import type {ErrorObject, ValidateFunction} from 'ajv'

const require = createRequire(import.meta.url)
// The build bundles this module into dist/, next to dist/validators/; tsc's unbundled copy sits
// in dist/config/.
const here = path.dirname(fileURLToPath(import.meta.url))
const VALIDATOR = path.basename(here) === 'config' ? '../validators/settings.cjs' : './validators/settings.cjs'

let validator: ValidateFunction | undefined

/** One way a settings object fails the schema. */
export interface SchemaProblem {
  /** The path of the offending value (`ids.length`, `workflow.wip.doing`); empty for the root. */
  path: string[]
  message: string
}

/** Every way `value` (a whole settings object) fails the settings schema; empty when valid. */
export function settingsSchemaProblems(value: unknown): SchemaProblem[] {
  validator ??= require(VALIDATOR) as ValidateFunction
  validator(value)
  return (validator.errors ?? []).map(describe)
}

function describe(error: ErrorObject): SchemaProblem {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties':
      return {path: [...segments, String(params['additionalProperty'])], message: 'unknown setting (docs/configuration.md lists them all)'}
    case 'enum':
      return {path: segments, message: `must be one of: ${(params['allowedValues'] as unknown[]).map(String).join(', ')}`}
    case 'const':
      return {path: segments, message: `must be ${JSON.stringify(params['allowedValue'])}`}
    default:
      return {path: segments, message: error.message ?? 'invalid'}
  }
}
