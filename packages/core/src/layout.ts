/**
 * Where things are in a workspace, and finding the workspace from any folder inside it. Kept free
 * of heavy imports: the hooks that run around every command use it.
 */
import fs from 'node:fs'
import path from 'node:path'

/** The settings file; its presence is what makes a folder a workspace. */
export const SETTINGS_PATH = 'config/settings.yaml'

/** The folders psp uses inside a workspace, relative to its root. */
export const LAYOUT = {
  data: 'data',
  projects: 'data/projects',
  templates: 'data/templates',
  cache: 'data/cache',
  index: 'data/cache/index',
  archive: 'data/archive',
  logs: 'data/cache/logs',
  schemas: 'config/schemas',
  settings: SETTINGS_PATH,
  envSample: 'config/.env.sample',
  specs: 'openspec/specs',
  changes: 'openspec/changes',
  augment: '.augment',
} as const

/** Returns the workspace root at or above `from`, or undefined. */
export function findWorkspaceRoot(from: string): string | undefined {
  let dir = path.resolve(from)
  for (;;) {
    if (fs.existsSync(path.join(dir, SETTINGS_PATH))) return dir
    const parent = path.dirname(dir)
    if (parent === dir) return undefined
    dir = parent
  }
}
