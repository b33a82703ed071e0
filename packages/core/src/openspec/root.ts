/**
 * Finding the OpenSpec root, as openspec does it: the nearest directory, from the working
 * directory up, holding an `openspec/` folder that has `specs/`, `changes/` or a `config.yaml`.
 * No psp workspace, git repository or configuration is needed. openspec's store registry
 * (`--store`, `store:` pointers, a global default store) is not supported.
 */
import fs from 'node:fs'
import path from 'node:path'
import {NotFoundError, UsageError} from '../errors.js'
import {parseYamlText} from './yaml-text.js'

/** Where a project's OpenSpec folders are. `source` tells how the root was found. */
export interface OpenSpecRoot {
  path: string
  changesDir: string
  specsDir: string
  archiveDir: string
  source: 'nearest' | 'implicit'
}

/** The diagnostic openspec prints in a `status` array when it cannot select a root. */
export interface RootDiagnostic {
  severity: 'error'
  code: string
  message: string
  target?: string
  fix?: string
}

export interface RootOptions {
  /** Where to start looking (default: the working directory). */
  startPath?: string
  /** When no root is found: use the start directory (true, the default) or fail. */
  allowImplicitRoot?: boolean
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

function canonical(p: string): string {
  try {
    return fs.realpathSync.native(p)
  } catch {
    return path.resolve(p)
  }
}

function searchStart(startPath: string): string {
  const resolved = path.resolve(startPath)
  try {
    return canonical(fs.statSync(resolved).isDirectory() ? resolved : path.dirname(resolved))
  } catch {
    return resolved
  }
}

/** The project root a set of OpenSpec folders belongs to. */
export function makeOpenSpecRoot(rootPath: string, source: OpenSpecRoot['source']): OpenSpecRoot {
  return {
    path: rootPath,
    changesDir: path.join(rootPath, 'openspec', 'changes'),
    specsDir: path.join(rootPath, 'openspec', 'specs'),
    archiveDir: path.join(rootPath, 'openspec', 'changes', 'archive'),
    source,
  }
}

/** A specs/ or changes/ folder that is not itself a registered store. */
function isPlanningDir(dir: string): boolean {
  return isDirectory(dir) && !fs.existsSync(path.join(dir, '.openspec-store', 'store.yaml'))
}

function configFile(projectRoot: string): string | undefined {
  for (const name of ['config.yaml', 'config.yml']) {
    const file = path.join(projectRoot, 'openspec', name)
    if (fs.existsSync(file)) return file
  }
  return undefined
}

/**
 * The nearest directory at or above `startPath` whose `openspec/` folder qualifies as a root
 * (has specs/, changes/ or a config file), or undefined.
 */
export function findOpenSpecRoot(startPath: string = process.cwd()): string | undefined {
  let dir = searchStart(startPath)
  for (;;) {
    if (isDirectory(path.join(dir, 'openspec'))) {
      const openspec = path.join(dir, 'openspec')
      if (isPlanningDir(path.join(openspec, 'specs')) || isPlanningDir(path.join(openspec, 'changes')) || configFile(dir) !== undefined) {
        return canonical(dir)
      }
    }
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}

/**
 * A config-only root may point at a registered store (`store: <id>`): openspec follows it, psp
 * cannot. A config that is not YAML, or whose `store` is not a string, is refused as openspec
 * refuses it.
 */
function refuseStorePointer(projectRoot: string): void {
  const file = configFile(projectRoot)
  if (file === undefined) return
  const invalid = (problem: string, fix: string) => {
    const message = `Invalid store declaration in ${file}: ${problem}.`
    return new UsageError(message, {data: {diagnostic: {severity: 'error', code: 'invalid_store_pointer', message, target: 'store.pointer', fix}}})
  }
  let raw: unknown
  try {
    raw = parseYamlText(fs.readFileSync(file, 'utf8'))
  } catch {
    throw invalid('the config file could not be read as YAML', `Fix the YAML syntax in ${file}.`)
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return
  const store = (raw as Record<string, unknown>)['store']
  if (store === undefined) return
  if (typeof store !== 'string') {
    throw invalid('the store key must be a single store id string', `Edit ${file} so the store key is a registered store id, or remove it.`)
  }
  const message = `${file} declares OpenSpec store '${store}'; psp does not support OpenSpec stores.`
  throw new UsageError(message, {
    hint: 'Use the openspec CLI for store-backed projects, or remove the store key.',
    data: {diagnostic: {severity: 'error', code: 'store_not_supported', message, target: 'store.pointer'}},
  })
}

/**
 * The OpenSpec root for a command run in `startPath`. Throws NotFoundError (its `data.diagnostic`
 * is openspec's `no_openspec_root` diagnostic) when none is found and an implicit root is not
 * allowed.
 */
export function resolveOpenSpecRoot(options: RootOptions = {}): OpenSpecRoot {
  const startPath = options.startPath ?? process.cwd()
  const nearest = findOpenSpecRoot(startPath)
  if (nearest !== undefined) {
    const openspec = path.join(nearest, 'openspec')
    if (!isPlanningDir(path.join(openspec, 'specs')) && !isPlanningDir(path.join(openspec, 'changes'))) refuseStorePointer(nearest)
    return makeOpenSpecRoot(nearest, 'nearest')
  }
  if (options.allowImplicitRoot === false) {
    const diagnostic: RootDiagnostic = {
      severity: 'error',
      code: 'no_openspec_root',
      message: 'No OpenSpec root found from the current directory.',
      target: 'openspec.root',
      fix: 'Run openspec init to create a root here.',
    }
    throw new NotFoundError(diagnostic.message, {hint: 'Run psp openspec init to create a root here.', data: {diagnostic}})
  }
  return makeOpenSpecRoot(searchStart(startPath), 'implicit')
}

/** The `root` object of openspec's JSON payloads. */
export function rootOutput(root: OpenSpecRoot): {path: string; source: OpenSpecRoot['source']} {
  return {path: root.path, source: root.source}
}

/** The openspec diagnostic carried by an error, if any (for `{status: [...]}` JSON payloads). */
export function diagnosticOf(error: unknown): RootDiagnostic | undefined {
  const d = (error as {data?: {diagnostic?: RootDiagnostic}} | null)?.data?.diagnostic
  return d && typeof d.code === 'string' ? d : undefined
}

/**
 * The `status` entry openspec prints for a failure under `--json`: the error's own diagnostic
 * when it carries one, else `{severity, code: fallbackCode, message}`.
 */
export function statusOf(error: unknown, fallbackCode: string): RootDiagnostic {
  return diagnosticOf(error) ?? {severity: 'error', code: fallbackCode, message: error instanceof Error ? error.message : String(error)}
}
