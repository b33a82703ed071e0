/**
 * The workspace's git-ignored `.env`: variables for this workspace only, read before each
 * command; a variable already set in the environment wins. Free of heavy imports: the hook that
 * runs before every command uses it.
 */
import fs from 'node:fs'
import path from 'node:path'
import util from 'node:util'

/** The `.env` file name, at the workspace root. */
export const ENV_FILE = '.env'

/** A workspace's `.env`: its text and the variables it sets. */
export interface EnvFile {
  /** How the file is shown: `.env`. */
  path: string
  text: string
  values: Record<string, string>
}

// util.parseEnv arrived in Node 20.12; on older 20.x there is no .env.
const parseEnv = (util as unknown as {parseEnv?: (text: string) => Record<string, string>}).parseEnv

/** Reads `.env` under `root`; undefined when there is none (or Node cannot parse it). */
export function readEnvFile(root: string): EnvFile | undefined {
  if (parseEnv === undefined) return undefined
  let text: string
  try {
    text = fs.readFileSync(path.join(root, ENV_FILE), 'utf8')
  } catch {
    return undefined
  }
  return {path: ENV_FILE, text, values: parseEnv(text)}
}

/**
 * Sets, in `env`, every variable of the workspace's `.env` that `env` does not set; returns the
 * names it set.
 */
export function applyEnvFile(root: string, env: Record<string, string | undefined>): string[] {
  const file = readEnvFile(root)
  if (file === undefined) return []
  const applied: string[] = []
  for (const [name, value] of Object.entries(file.values)) {
    if (env[name] !== undefined) continue
    env[name] = value
    applied.push(name)
  }
  return applied
}
