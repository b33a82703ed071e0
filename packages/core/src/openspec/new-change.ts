/**
 * `openspec new change <name>`: a change folder with its `.openspec.yaml`, written the way the
 * openspec CLI writes it, so that either tool can pick the change up. Creating a change also
 * completes a half-made root (specs/, changes/archive/, a config), as openspec does, so that
 * the first change in a project that never ran `init` leaves a usable tree behind.
 */
import fs from 'node:fs'
import path from 'node:path'
import {ConflictError, UsageError} from '../errors.js'
import {createFileExclusive} from '../fs-safe.js'
import {DEFAULT_SCHEMA, listSchemas, readProjectSchema} from './metadata.js'
import {parseYamlText, stringifyYamlText} from './yaml-text.js'

/** openspec's kebab-case id grammar: lowercase letters and digits, single hyphens between. */
const KEBAB_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/u

/**
 * Why `name` cannot name a change, in openspec's words, or undefined when it can. The most
 * specific reason wins, so that a user learns what to fix rather than the whole grammar.
 */
export function changeNameProblem(name: string): string | undefined {
  if (name === '') return 'Change name cannot be empty'
  // A folder name is at most 255 bytes and archive prefixes a date.
  if (name.length > 200) return 'Change name is too long (200 characters max)'
  if (KEBAB_ID.test(name)) return undefined
  const reasons: [RegExp | ((n: string) => boolean), string][] = [
    [/[A-Z]/, 'Change name must be lowercase (use kebab-case)'],
    [/\s/, 'Change name cannot contain spaces (use hyphens instead)'],
    [/_/, 'Change name cannot contain underscores (use hyphens instead)'],
    [(n) => n.startsWith('-'), 'Change name cannot start with a hyphen'],
    [(n) => n.endsWith('-'), 'Change name cannot end with a hyphen'],
    [/--/, 'Change name cannot contain consecutive hyphens'],
    [/[^a-z0-9-]/, 'Change name can only contain lowercase letters, numbers, and hyphens'],
  ]
  for (const [test, reason] of reasons) if (typeof test === 'function' ? test(name) : test.test(name)) return reason
  return 'Change name must follow kebab-case convention (e.g., add-auth, refactor-db)'
}

/** Today in the local time zone as YYYY-MM-DD: the date openspec stamps on changes and archives. */
export function localDate(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/**
 * True when the schema has no artifact written under the change's specs/ folder: its changes
 * carry no spec deltas, and openspec marks them `skip_specs: true` at creation.
 */
function schemaSkipsSpecs(projectRoot: string, schema: string): boolean {
  if (schema === DEFAULT_SCHEMA) return false
  const file = path.join(projectRoot, 'openspec', 'schemas', schema, 'schema.yaml')
  let artifacts: unknown
  try {
    artifacts = (readYamlObject(file) ?? {}).artifacts
  } catch {
    return false
  }
  if (!Array.isArray(artifacts)) return false
  return !artifacts.some((a: unknown) => {
    const generates = (a as {generates?: unknown} | null)?.generates
    return typeof generates === 'string' && path.posix.normalize(generates.replaceAll('\\', '/')).startsWith('specs/')
  })
}

function readYamlObject(file: string): Record<string, unknown> | undefined {
  const value: unknown = parseYamlText(fs.readFileSync(file, 'utf8'))
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined
}

/** What `newChange` was asked for beyond the name. */
export interface NewChangeOptions {
  /** Written to the change's README.md as its description. */
  description?: string
  /** Stored as `goal` in `.openspec.yaml`. */
  goal?: string
  /** The workflow schema; default: the project config's, then `spec-driven`. */
  schema?: string
  /** The date stamped as `created` (default: today, local time). */
  now?: Date
}

/** The change `newChange` created, in the shape of openspec's `new change --json`. */
export interface NewChangeResult {
  id: string
  /** Absolute path of the change folder. */
  path: string
  /** Absolute path of its `.openspec.yaml`. */
  metadataPath: string
  schema: string
  /** Root-relative paths of the files and folders written, in the order they were made. */
  created: string[]
}

/**
 * Creates `openspec/changes/<name>/` under `projectRoot` with its metadata, refusing an
 * invalid name, an unknown schema or a change that exists (UsageError / ConflictError), in which
 * case nothing is written.
 */
export function newChange(projectRoot: string, name: string, options: NewChangeOptions = {}): NewChangeResult {
  const problem = changeNameProblem(name)
  if (problem !== undefined) throw new UsageError(problem)
  let schema = options.schema
  if (schema === undefined) {
    schema = readProjectSchema(projectRoot) ?? DEFAULT_SCHEMA
  }
  const schemas = listSchemas(projectRoot)
  if (!schemas.includes(schema)) {
    // openspec words the two cases differently; its JSON shows the list one per line.
    if (options.schema === undefined) throw new UsageError(`Unknown schema '${schema}'. Available: ${schemas.join(', ')}`)
    throw new UsageError(`Schema '${schema}' not found. Available schemas: ${schemas.join(', ')}`, {
      data: {openspecMessage: `Schema '${schema}' not found. Available schemas:\n  ${schemas.join('\n  ')}`},
    })
  }
  const openspecDir = path.join(projectRoot, 'openspec')
  const changeDir = path.join(openspecDir, 'changes', name)
  if (fs.existsSync(changeDir)) throw new ConflictError(`Change '${name}' already exists at ${changeDir}`)

  const created: string[] = []
  const rel = (abs: string) => path.relative(projectRoot, abs).split(path.sep).join('/')
  const mkdir = (dir: string) => {
    if (fs.existsSync(dir)) return
    fs.mkdirSync(dir, {recursive: true})
    created.push(`${rel(dir)}/`)
  }
  mkdir(changeDir)
  mkdir(path.join(openspecDir, 'specs'))
  mkdir(path.join(openspecDir, 'changes', 'archive'))
  if (!['config.yaml', 'config.yml'].some((name) => fs.existsSync(path.join(openspecDir, name)))) {
    // The project default, never a one-change --schema override.
    const config = path.join(openspecDir, 'config.yaml')
    createFileExclusive(config, `schema: ${DEFAULT_SCHEMA}\n`, rel(config))
    created.push(rel(config))
  }
  const metadata: Record<string, unknown> = {schema, created: localDate(options.now)}
  if (schemaSkipsSpecs(projectRoot, schema)) metadata.skip_specs = true
  if (options.goal !== undefined && options.goal !== '') metadata.goal = options.goal
  const metadataPath = path.join(changeDir, '.openspec.yaml')
  createFileExclusive(metadataPath, stringifyYamlText(metadata), rel(metadataPath))
  created.push(rel(metadataPath))
  if (options.description !== undefined && options.description !== '') {
    const readme = path.join(changeDir, 'README.md')
    createFileExclusive(readme, `# ${name}\n\n${options.description}\n`, rel(readme))
    created.push(rel(readme))
  }
  return {id: name, path: changeDir, metadataPath, schema, created}
}
