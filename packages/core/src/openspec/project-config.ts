/**
 * The OpenSpec project config, `openspec/config.yaml` (or `.yml`): psp reads only what it
 * acts on, the default workflow schema. openspec treats an unreadable config as absent, and so
 * does psp, so that a broken config never blocks reading specs.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parse} from 'yaml'

/** The workflow schema openspec ships and uses when nothing says otherwise. */
export const DEFAULT_OPENSPEC_SCHEMA = 'spec-driven'

/** The project config file's absolute path, `.yaml` before `.yml`, or undefined when neither is a file. */
export function openSpecConfigPath(projectRoot: string): string | undefined {
  for (const name of ['config.yaml', 'config.yml']) {
    const file = path.join(projectRoot, 'openspec', name)
    try {
      if (fs.statSync(file).isFile()) return file
    } catch {
      // Missing: try the next name.
    }
  }
  return undefined
}

/** The `schema` the project config names, or undefined when there is no usable config or no schema in it. */
export function readOpenSpecConfigSchema(projectRoot: string): string | undefined {
  const file = openSpecConfigPath(projectRoot)
  if (file === undefined) return undefined
  let raw: unknown
  try {
    raw = parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
  if (raw === null || typeof raw !== 'object') return undefined
  const schema = (raw as {schema?: unknown}).schema
  return typeof schema === 'string' && schema !== '' ? schema : undefined
}
