/**
 * Document types and their JSON Schemas. Built-in types ship as JSON files in the core package;
 * a workspace extends a built-in (its schema is added with allOf) or adds a type of its own in
 * config/schemas/<type>.json|yaml. Plugins register types with `registerType`.
 */
import fs from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createRequire} from 'node:module'
import type {Ajv, ErrorObject, ValidateFunction} from 'ajv'
import {InvalidDocumentError, NotFoundError} from './errors.js'
import type {Settings} from './settings.js'
import {parseYamlData} from './yaml-data.js'

const require = createRequire(import.meta.url)
const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'schemas')

/** The document types psp ships with. */
export const BUILTIN_TYPES = ['project', 'task', 'milestone', 'note', 'decision'] as const

export type JsonSchema = Record<string, unknown>

/** Where a type's schema came from. */
export interface TypeInfo {
  name: string
  source: 'builtin' | 'workspace' | 'extended' | 'plugin'
  description: string
  /** The effective schema, with workspace extensions and settings-driven enums folded in. */
  schema: JsonSchema
  /** Paths of the files that define it, relative to the workspace root (built-ins: none). */
  files: string[]
}

/** A new ajv instance with formats, strict about schemas, reporting every error. */
export function makeAjv(): Ajv {
  // Loaded on demand: commands that never validate should not pay for ajv's import.
  const {Ajv: AjvClass} = require('ajv') as {Ajv: typeof Ajv}
  const addFormats = require('ajv-formats') as {default: (ajv: Ajv) => Ajv}
  // strictRequired off: `required: [x]` without `properties.x` is a fine thing for a user to write.
  const ajv = new AjvClass({allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true})
  addFormats.default(ajv)
  return ajv
}

/** Reads one of the built-in schema files (`task`, `settings`, …). */
export function loadBuiltinSchema(name: string): JsonSchema {
  return JSON.parse(fs.readFileSync(path.join(SCHEMA_DIR, `${name}.json`), 'utf8')) as JsonSchema
}

const pluginTypes = new Map<string, JsonSchema>()

/** Lets a plugin add a document type (its schema should `allOf: [{$ref: "document.json"}]`). */
export function registerType(name: string, schema: JsonSchema): void {
  pluginTypes.set(name, schema)
}

/** Fields whose allowed values come from settings rather than from the schema files. */
function settingsEnums(type: string, settings: Settings): Record<string, string[]> | undefined {
  return type === 'task' ? {status: settings.workflow.statuses, priority: settings.priorities} : undefined
}

/** The settings-driven enums as a schema to fold into a type's own. */
function settingsOverlay(type: string, settings: Settings): JsonSchema | undefined {
  const enums = settingsEnums(type, settings)
  if (enums === undefined) return undefined
  return {properties: Object.fromEntries(Object.entries(enums).map(([key, values]) => [key, {enum: values}]))}
}

/**
 * A built-in type's validator precompiled at build time (scripts/build-validators.mjs), with the
 * settings-driven enums checked here as ajv would report them. Undefined when the build did not
 * produce one: the caller compiles the schema instead.
 */
function precompiledValidator(type: string, enums: Record<string, string[]> | undefined): ValidateFunction | undefined {
  let base: ValidateFunction
  try {
    base = require(`./validators/${type}.cjs`) as ValidateFunction
  } catch {
    return undefined
  }
  if (enums === undefined) return base
  const validate = ((data: unknown) => {
    base(data)
    const errors: ErrorObject[] = [...(base.errors ?? [])]
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      // ajv reports the allOf branches (document.json, then these enums) before the type's own
      // properties; the first problem is the one a failed write names, so the order matters.
      const own = errors.findIndex((e) => e.schemaPath.startsWith('#/') && !e.schemaPath.startsWith('#/allOf/') && e.schemaPath !== '#/type')
      const found: ErrorObject[] = []
      for (const [key, allowed] of Object.entries(enums)) {
        const value = (data as Record<string, unknown>)[key]
        if (value !== undefined && !allowed.includes(value as string)) {
          found.push({
            instancePath: `/${key}`,
            schemaPath: `#/allOf/1/properties/${key}/enum`,
            keyword: 'enum',
            params: {allowedValues: allowed},
            message: 'must be equal to one of the allowed values',
          })
        }
      }
      errors.splice(own === -1 ? errors.length : own, 0, ...found)
    }
    validate.errors = errors.length > 0 ? errors : null
    return errors.length === 0
  }) as ValidateFunction
  return validate
}

/**
 * Where a registry finds config/schemas/: the working tree, or a past revision's files. Paths
 * are workspace-relative with forward slashes.
 */
export interface SchemaFiles {
  /** File names in a folder (empty when it does not exist). */
  list(folder: string): string[]
  read(rel: string): string
}

/** config/schemas/ in the working tree under `root`. */
export function workingTreeSchemaFiles(root: string): SchemaFiles {
  return {
    list: (folder) => {
      const dir = path.join(root, ...folder.split('/'))
      return fs.existsSync(dir) ? fs.readdirSync(dir) : []
    },
    read: (rel) => fs.readFileSync(path.join(root, ...rel.split('/')), 'utf8'),
  }
}

function readWorkspaceSchema(source: SchemaFiles, file: string): JsonSchema {
  const rel = `config/schemas/${file}`
  const text = source.read(rel)
  let value: unknown
  if (file.endsWith('.json')) {
    try {
      value = JSON.parse(text)
    } catch (error) {
      throw new InvalidDocumentError(`invalid JSON: ${(error as Error).message}`, {path: rel})
    }
  } else {
    value = parseYamlData(text, rel)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidDocumentError('a schema must be a JSON Schema object', {path: rel, line: 1})
  }
  return value as JsonSchema
}

/** The registry of every type known in one workspace, with compiled validators. */
export class SchemaRegistry {
  private readonly types = new Map<string, TypeInfo>()
  private readonly validators = new Map<string, ValidateFunction>()
  private ajv: Ajv | undefined

  constructor(
    root: string | undefined,
    private readonly settings: Settings,
    source: SchemaFiles | undefined = root === undefined ? undefined : workingTreeSchemaFiles(root),
  ) {
    const base = loadBuiltinSchema('document')
    for (const name of BUILTIN_TYPES) {
      const schema = loadBuiltinSchema(name)
      this.types.set(name, {name, source: 'builtin', description: String(schema['description'] ?? ''), schema, files: []})
    }
    for (const [name, schema] of pluginTypes) {
      this.types.set(name, {name, source: 'plugin', description: String(schema['description'] ?? ''), schema, files: []})
    }
    const files = source === undefined ? [] : source.list('config/schemas').sort()
    for (const file of files) {
      const match = /^([a-z][a-z0-9-]*)\.(json|ya?ml)$/.exec(file)
      if (!match || source === undefined) continue
      const name = match[1] as string
      const own = readWorkspaceSchema(source, file)
      const existing = this.types.get(name)
      const rel = `config/schemas/${file}`
      if (existing) {
        // Extending: the document must satisfy both the built-in and the workspace's schema.
        const {$id: _id, ...rest} = own
        this.types.set(name, {
          name,
          source: 'extended',
          description: String(own['description'] ?? existing.description),
          schema: {...existing.schema, allOf: [...((existing.schema['allOf'] as unknown[]) ?? []), rest]},
          files: [...existing.files, rel],
        })
      } else {
        const {$id: _id, ...rest} = own
        this.types.set(name, {
          name,
          source: 'workspace',
          description: String(own['description'] ?? ''),
          schema: {$id: `https://psp.dev/schemas/workspace/${name}.json`, type: 'object', allOf: [{$ref: 'https://psp.dev/schemas/document.json'}, rest]},
          files: [rel],
        })
      }
    }
    for (const info of this.types.values()) {
      const overlay = settingsOverlay(info.name, settings)
      if (overlay) info.schema = {...info.schema, allOf: [...((info.schema['allOf'] as unknown[]) ?? []), overlay]}
    }
    this.baseSchema = base
  }

  private readonly baseSchema: JsonSchema

  /** Every known type, sorted by name. */
  list(): TypeInfo[] {
    return [...this.types.values()].sort((a, b) => a.name.localeCompare(b.name))
  }

  has(type: string): boolean {
    return this.types.has(type)
  }

  /** One type, or NotFoundError naming the known ones. */
  get(type: string): TypeInfo {
    const info = this.types.get(type)
    if (!info) {
      throw new NotFoundError(`unknown document type "${type}" (known: ${[...this.types.keys()].sort().join(', ')})`)
    }
    return info
  }

  /** The validator of a type: precompiled for built-in types, else compiled on first use. */
  validator(type: string): ValidateFunction {
    const cached = this.validators.get(type)
    if (cached) return cached
    const info = this.get(type)
    const precompiled = info.source === 'builtin' ? precompiledValidator(type, settingsEnums(type, this.settings)) : undefined
    if (precompiled !== undefined) {
      this.validators.set(type, precompiled)
      return precompiled
    }
    if (!this.ajv) {
      this.ajv = makeAjv()
      this.ajv.addSchema(this.baseSchema)
    }
    let fn: ValidateFunction
    try {
      fn = this.ajv.compile(info.schema)
    } catch (error) {
      throw new InvalidDocumentError(`schema of type "${type}" is invalid: ${(error as Error).message}`, {
        path: info.files.at(-1),
      })
    }
    this.validators.set(type, fn)
    return fn
  }
}
