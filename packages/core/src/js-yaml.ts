/**
 * js-yaml, loaded on first use. A warm command reads the index and parses no YAML at all, so it
 * should not pay for the parser's import; and one CommonJS copy serves every module of the core.
 */
import {createRequire} from 'node:module'

type JsYaml = typeof import('js-yaml')
let loaded: JsYaml | undefined

/** The js-yaml module. */
export function jsYaml(): JsYaml {
  loaded ??= createRequire(import.meta.url)('js-yaml') as JsYaml
  return loaded
}
