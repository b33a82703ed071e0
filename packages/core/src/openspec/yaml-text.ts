/**
 * YAML for the OpenSpec files (`.openspec.yaml`, `openspec/config.yaml`), with the YAML library
 * loaded only when a file needs it: `list` and `validate` run often, the library costs a good
 * part of their start-up, and most metadata is a few `key: value` lines. Parsing is memoised by
 * text, because validation reads the same `.openspec.yaml` several times per change.
 */
import {createRequire} from 'node:module'

type YamlLibrary = typeof import('yaml')

let library: YamlLibrary | undefined

function yaml(): YamlLibrary {
  library ??= createRequire(import.meta.url)('yaml') as YamlLibrary
  return library
}

const parsed = new Map<string, {value: unknown} | {error: unknown}>()
const SIMPLE_LINE = /^([A-Za-z_][A-Za-z0-9_]*):[ \t]+([^\s#'"][^\s#]*)[ \t]*$/
const KEBAB_WORD = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/

/**
 * The value of YAML made only of `key: value` lines (values: kebab-case words, dates, true,
 * false), or undefined when the text needs the real parser. Both give the same value.
 */
function parseSimpleYaml(text: string): Record<string, unknown> | undefined {
  if (text.includes('\r') || text.includes('\uFEFF') || text.includes('\t')) return undefined
  const out: Record<string, unknown> = {}
  let keys = 0
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue
    const m = SIMPLE_LINE.exec(line)
    if (!m) return undefined
    const key = m[1] as string
    const raw = m[2] as string
    if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') return undefined
    if (raw === 'true' || raw === 'false') out[key] = raw === 'true'
    else if (raw !== 'null' && (KEBAB_WORD.test(raw) || ISO_DATE.test(raw))) out[key] = raw
    else return undefined
    keys++
  }
  return keys > 0 ? out : undefined
}

/** Parses YAML text as the `yaml` library does (and throws what it throws). Do not mutate the result. */
export function parseYamlText(text: string): unknown {
  let entry = parsed.get(text)
  if (entry === undefined) {
    const simple = parseSimpleYaml(text)
    if (simple !== undefined) entry = {value: simple}
    else {
      try {
        entry = {value: yaml().parse(text) as unknown}
      } catch (error) {
        entry = {error}
      }
    }
    if (parsed.size > 512) parsed.clear()
    parsed.set(text, entry)
  }
  if ('error' in entry) throw entry.error
  return entry.value
}

/** `yaml`'s `stringify`, loading the library on first use. */
export function stringifyYamlText(value: unknown, options?: Parameters<YamlLibrary['stringify']>[2]): string {
  return yaml().stringify(value, null, options)
}
