/**
 * A change's `.openspec.yaml`: its workflow schema and the two markers validate and archive honour
 * (`skip_specs`, `retire_capabilities`). The rules and messages follow openspec exactly, because a
 * marker must be honoured by both tools or by neither. psp knows the built-in `spec-driven` schema
 * and project schemas under `openspec/schemas/<name>/schema.yaml`.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseYamlText} from './yaml-text.js'
import {pathExists, readFileText} from './path-memo.js'

export const METADATA_FILENAME = '.openspec.yaml'

/** The only workflow schema psp ships (openspec's default). */
export const DEFAULT_SCHEMA = 'spec-driven'

/** Parsed change metadata. Unknown keys are kept out, as openspec's schema strips them. */
export interface ChangeMetadata {
  schema: string
  created?: string
  goal?: string
  affected_areas?: string[]
  initiative?: {store: string; id: string}
  skip_specs?: boolean
  retire_capabilities?: boolean
}

/** Whether a boolean marker is set and can be honoured, or why it cannot. */
export interface MetadataMarker {
  declared: boolean
  invalidReason?: string
}

/** `.openspec.yaml` exists but cannot be read, parsed or accepted. */
export class ChangeMetadataError extends Error {
  constructor(
    message: string,
    readonly metadataPath: string,
    options?: {cause?: unknown},
  ) {
    super(message, options)
    this.name = 'ChangeMetadataError'
  }
}

/** One schema violation, shaped and worded like the schema library openspec uses. */
interface MetadataIssue {
  path: Array<string | number>
  message: string
  detail: Record<string, unknown>
}

const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/u

/** The type name a value is reported under in "expected X, received Y". */
function receivedType(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN'
  if (value instanceof Date) return 'date'
  return typeof value
}

function typeIssue(where: Array<string | number>, expected: string, value: unknown): MetadataIssue {
  return {
    path: where,
    message: `Invalid input: expected ${expected}, received ${receivedType(value)}`,
    detail: {expected, code: 'invalid_type'},
  }
}

function nonEmptyIssue(where: Array<string | number>, message?: string): MetadataIssue {
  return {
    path: where,
    message: message ?? 'Too small: expected string to have >=1 characters',
    detail: {origin: 'string', code: 'too_small', minimum: 1, inclusive: true},
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date)

/** Checks parsed YAML against the change metadata contract; the issues come in openspec's order. */
function checkMetadata(raw: unknown): {ok: true; data: ChangeMetadata} | {ok: false; issues: MetadataIssue[]} {
  if (!isPlainObject(raw)) return {ok: false, issues: [typeIssue([], 'object', raw)]}
  const issues: MetadataIssue[] = []
  const data: Record<string, unknown> = {}
  const schema = raw['schema']
  if (typeof schema !== 'string') issues.push(typeIssue(['schema'], 'string', schema))
  else if (schema.length < 1) issues.push(nonEmptyIssue(['schema'], 'schema is required'))
  else data['schema'] = schema

  const created = raw['created']
  if (created !== undefined) {
    if (typeof created !== 'string') issues.push(typeIssue(['created'], 'string', created))
    else if (!/^\d{4}-\d{2}-\d{2}$/.test(created))
      issues.push({
        path: ['created'],
        message: 'created must be YYYY-MM-DD format',
        detail: {origin: 'string', code: 'invalid_format', format: 'regex', pattern: '/^\\d{4}-\\d{2}-\\d{2}$/'},
      })
    else data['created'] = created
  }
  const goal = raw['goal']
  if (goal !== undefined) {
    if (typeof goal !== 'string') issues.push(typeIssue(['goal'], 'string', goal))
    else if (goal.length < 1) issues.push(nonEmptyIssue(['goal']))
    else data['goal'] = goal
  }
  const areas = raw['affected_areas']
  if (areas !== undefined) {
    if (!Array.isArray(areas)) issues.push(typeIssue(['affected_areas'], 'array', areas))
    else {
      areas.forEach((a, i) => {
        if (typeof a !== 'string') issues.push(typeIssue(['affected_areas', i], 'string', a))
        else if (a.length < 1) issues.push(nonEmptyIssue(['affected_areas', i]))
      })
      data['affected_areas'] = areas
    }
  }
  const initiative = raw['initiative']
  if (initiative !== undefined) {
    if (!isPlainObject(initiative)) issues.push(typeIssue(['initiative'], 'object', initiative))
    else {
      for (const [key, label] of [
        ['store', 'Store id'],
        ['id', 'Initiative id'],
      ] as const) {
        const v = initiative[key]
        if (typeof v !== 'string') issues.push(typeIssue(['initiative', key], 'string', v))
        else if (!KEBAB_ID.test(v))
          issues.push({
            path: ['initiative', key],
            message: `${label} must be kebab-case with lowercase letters, numbers, and single hyphen separators`,
            detail: {code: 'custom'},
          })
      }
      const extra = Object.keys(initiative).filter((k) => k !== 'store' && k !== 'id')
      if (extra.length > 0)
        issues.push({
          path: ['initiative'],
          message: extra.length === 1 ? `Unrecognized key: "${extra[0]}"` : `Unrecognized keys: ${extra.map((k) => `"${k}"`).join(', ')}`,
          detail: {code: 'unrecognized_keys', keys: extra},
        })
      data['initiative'] = initiative
    }
  }
  for (const key of ['skip_specs', 'retire_capabilities'] as const) {
    const v = raw[key]
    if (v === undefined) continue
    if (typeof v !== 'boolean') issues.push(typeIssue([key], 'boolean', v))
    else data[key] = v
  }
  return issues.length > 0 ? {ok: false, issues} : {ok: true, data: data as unknown as ChangeMetadata}
}

/** The issues as the schema library prints them in an error message (a JSON array). */
function issuesMessage(issues: MetadataIssue[]): string {
  return JSON.stringify(
    issues.map((i) => ({...i.detail, path: i.path, message: i.message})),
    null,
    2,
  )
}

/** Whether `name` is a known workflow schema for the project (the built-in one always is). */
function isKnownSchema(name: string, projectRoot?: string): boolean {
  return name === DEFAULT_SCHEMA || listSchemas(projectRoot).includes(name)
}

/** The workflow schemas known for the project at `projectRoot`: the built-in one plus project schemas. */
export function listSchemas(projectRoot?: string): string[] {
  const names = new Set<string>([DEFAULT_SCHEMA])
  if (projectRoot !== undefined) {
    const dir = path.join(projectRoot, 'openspec', 'schemas')
    let entries: fs.Dirent[] = []
    try {
      entries = fs.readdirSync(dir, {withFileTypes: true})
    } catch {
      entries = []
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.fork-staging-') || entry.name.includes('.fork-backup-')) continue
      if (entry.name.startsWith('.init-staging-') || entry.name.includes('.init-backup-')) continue
      let isDir = entry.isDirectory()
      if (!isDir && entry.isSymbolicLink()) {
        try {
          isDir = fs.statSync(path.join(dir, entry.name)).isDirectory()
        } catch {
          isDir = false
        }
      }
      if (isDir && fs.existsSync(path.join(dir, entry.name, 'schema.yaml'))) names.add(entry.name)
    }
  }
  return [...names]
}

/** True when the project overrides the built-in schema of that name with its own. */
export function hasProjectSchema(projectRoot: string, name: string): boolean {
  if (name === '' || name === '.' || name === '..' || /[\\/]/.test(name)) return false
  return pathExists(path.join(projectRoot, 'openspec', 'schemas', name, 'schema.yaml'))
}

/**
 * Reads and checks `.openspec.yaml`. Null when there is none; throws ChangeMetadataError (with
 * openspec's message) when it exists but is unreadable, not YAML, or not valid metadata.
 */
export function readChangeMetadata(changeDir: string, projectRoot?: string): ChangeMetadata | null {
  const file = path.join(changeDir, METADATA_FILENAME)
  let content: string
  try {
    content = readFileText(file)
  } catch (error) {
    // One read instead of an existence check and a read: absent means no metadata.
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw new ChangeMetadataError(`Failed to read metadata: ${(error as Error).message}`, file, {cause: error})
  }
  let parsed: unknown
  try {
    parsed = parseYamlText(content)
  } catch (error) {
    throw new ChangeMetadataError(`Invalid YAML in metadata file: ${(error as Error).message}`, file, {cause: error})
  }
  const checked = checkMetadata(parsed)
  if (!checked.ok) throw new ChangeMetadataError(`Invalid metadata: ${issuesMessage(checked.issues)}`, file)
  if (!isKnownSchema(checked.data.schema, projectRoot)) {
    throw new ChangeMetadataError(`Unknown schema '${checked.data.schema}'. Available: ${listSchemas(projectRoot).join(', ')}`, file)
  }
  return checked.data
}

/** The `schema:` of `openspec/config.yaml` (or `.yml`), when it is a non-empty string. */
export function readProjectSchema(projectRoot: string): string | undefined {
  for (const name of ['config.yaml', 'config.yml']) {
    const file = path.join(projectRoot, 'openspec', name)
    if (!fs.existsSync(file)) continue
    try {
      const raw = parseYamlText(readFileText(file))
      if (!raw || typeof raw !== 'object') return undefined
      const schema = (raw as Record<string, unknown>)['schema']
      return typeof schema === 'string' && schema.length > 0 ? schema : undefined
    } catch {
      return undefined
    }
  }
  return undefined
}

/**
 * The workflow schema of a change: the explicit one, else `.openspec.yaml`'s, else the project
 * config's, else `spec-driven`. Throws ChangeMetadataError when `.openspec.yaml` is invalid.
 */
export function resolveSchemaForChange(changeDir: string, explicitSchema?: string, projectRootOverride?: string): string {
  const projectRoot = projectRootOverride ?? path.resolve(changeDir, '../../..')
  if (explicitSchema) return explicitSchema
  const metadata = readChangeMetadata(changeDir, projectRoot)
  if (metadata?.schema) return metadata.schema
  return readProjectSchema(projectRoot) ?? DEFAULT_SCHEMA
}

/** `skip_specs: true` in `.openspec.yaml`, honoured only when the metadata is valid (never throws). */
export function readSkipSpecsMarker(changeDir: string): MetadataMarker {
  return readMarker(changeDir, 'skip_specs')
}

/** `retire_capabilities: true` in `.openspec.yaml`, with the same rules as `readSkipSpecsMarker`. */
export function readRetireCapabilitiesMarker(changeDir: string): MetadataMarker {
  return readMarker(changeDir, 'retire_capabilities')
}

/** A marker that cannot be honoured; control characters in the reason are masked (it is printed). */
function unhonourable(reason: string): MetadataMarker {
  // eslint-disable-next-line no-control-regex -- masking control characters is the point
  return {declared: false, invalidReason: reason.replace(/[\u0000-\u001f\u007f]/g, '?')}
}

function readMarker(changeDir: string, key: 'skip_specs' | 'retire_capabilities'): MetadataMarker {
  let raw: string
  try {
    raw = readFileText(path.join(changeDir, METADATA_FILENAME))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {declared: false}
    return unhonourable(`the metadata file cannot be read (${(error as Error).message})`)
  }
  let parsed: unknown
  try {
    parsed = parseYamlText(raw)
  } catch {
    const mentioned = new RegExp(`^\\s*(['"]?)${key}\\1\\s*:`, 'm').test(raw)
    return mentioned ? unhonourable('the file is not valid YAML') : {declared: false}
  }
  const checked = checkMetadata(parsed)
  if (checked.ok) {
    if (checked.data[key] !== true) return {declared: false}
    const projectRoot = path.resolve(changeDir, '../../..')
    if (!isKnownSchema(checked.data.schema, projectRoot)) return unhonourable(`schema: unknown schema '${checked.data.schema}'`)
    return {declared: true}
  }
  const mentioned = isPlainObject(parsed) && key in parsed && parsed[key] !== false
  if (!mentioned) return {declared: false}
  const first = checked.issues[0] as MetadataIssue
  const where = first.path.length > 0 ? `${first.path.join('.')}: ` : ''
  return unhonourable(`${where}${first.message}`)
}
