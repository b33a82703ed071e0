/**
 * `openspec init` as far as the tree goes: the folders and the project config that make a folder
 * an OpenSpec root for psp and for the openspec CLI alike. (openspec's init also writes
 * instructions for AI coding tools; psp leaves that to its augment plugin and to openspec.)
 * Only what is missing is created, so running it again, or after openspec's own init, is safe.
 */
import fs from 'node:fs'
import path from 'node:path'
import {UnsafeInputError, UsageError} from '../errors.js'
import {createFileExclusive} from '../fs-safe.js'
import {DEFAULT_SCHEMA} from './metadata.js'

/** The config psp writes: the schema openspec needs, and a word on the optional keys. */
const CONFIG_TEXT = `schema: ${DEFAULT_SCHEMA}

# Optional keys, read by the openspec CLI when it drafts artifacts for an AI assistant:
#   context: |          what the project is: stack, conventions, domain
#   rules:              extra rules per artifact, for example
#     proposal:
#       - State the non-goals
#   operations:         guidance for applying and archiving changes
# psp itself reads only \`schema\`.
`

/** The folders every OpenSpec root has, in the order they are made. */
const FOLDERS = ['openspec', 'openspec/specs', 'openspec/changes', 'openspec/changes/archive']
/** Folders that get a .gitkeep while empty: git does not keep empty folders for the next clone. */
const ANCHORED = ['openspec/specs', 'openspec/changes/archive']

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** What `initOpenSpec` made, root-relative, folders ending in `/`. Empty when nothing was missing. */
export interface OpenSpecInitReport {
  created: string[]
}

/** What `initOpenSpec` is asked for. */
export interface OpenSpecInitOptions {
  /**
   * openspec's `--tools`: psp sets up no AI tools, so only `none` is accepted (scripts written
   * for openspec pass it); anything else is a UsageError, before anything is written.
   */
  tools?: string
}

/** Makes `projectRoot` an OpenSpec root, creating only what is missing. */
export function initOpenSpec(projectRoot: string, options: OpenSpecInitOptions = {}): OpenSpecInitReport {
  if (options.tools !== undefined && options.tools !== 'none') {
    throw new UsageError(`psp sets up no AI tools (--tools ${options.tools}): run openspec init --tools ${options.tools} for them`)
  }
  const created: string[] = []
  fs.mkdirSync(projectRoot, {recursive: true})
  for (const rel of FOLDERS) {
    const dir = path.join(projectRoot, ...rel.split('/'))
    let stat: fs.Stats | undefined
    try {
      stat = fs.lstatSync(dir)
    } catch {
      // Missing: made below.
    }
    if (stat === undefined) {
      fs.mkdirSync(dir)
      created.push(`${rel}/`)
    } else if (!stat.isDirectory()) {
      throw new UnsafeInputError(`${rel}/ exists but is not a directory`)
    }
  }
  const configs = ['config.yaml', 'config.yml'].map((name) => path.join(projectRoot, 'openspec', name))
  if (!configs.some(isFile)) {
    for (const file of configs) if (fs.existsSync(file)) throw new UnsafeInputError(`openspec/${path.basename(file)} exists but is not a file`)
    createFileExclusive(path.join(projectRoot, 'openspec', 'config.yaml'), CONFIG_TEXT, 'openspec/config.yaml')
    created.push('openspec/config.yaml')
  }
  for (const rel of ANCHORED) {
    const dir = path.join(projectRoot, ...rel.split('/'))
    if (fs.readdirSync(dir).length > 0) continue
    createFileExclusive(path.join(dir, '.gitkeep'), '', `${rel}/.gitkeep`)
    created.push(`${rel}/.gitkeep`)
  }
  return {created}
}
