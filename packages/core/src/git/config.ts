/**
 * Just enough of git's config format to read a few settings: sections and subsections, keys
 * (case-insensitive), quoted values, comments, and boolean keys written without a value. The
 * files are read in git's order (system, global, repository, worktree); the last value wins.
 * `include` directives are not followed.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {GitLocation} from './repository.js'

/** Settings as `section.key` or `section.subsection.key` (section and key lower-case) → value (`true` for a bare key). */
export type GitConfig = Map<string, string>

function parseValue(raw: string): string {
  let out = ''
  let quoted = false
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string
    if (c === '"') quoted = !quoted
    else if (c === '\\' && i + 1 < raw.length) {
      const next = raw[++i] as string
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next
    } else if (!quoted && (c === '#' || c === ';')) break
    else out += c
  }
  return out.trim()
}

/** Parses one config file's text into `into`. */
export function parseGitConfig(text: string, into: GitConfig = new Map()): GitConfig {
  let section = ''
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const header = /^\[\s*([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\s*\](.*)$/.exec(line)
    if (header !== null) {
      const [name = '', sub] = [header[1], header[2]]
      // `[section.sub]` is the old spelling of a lower-cased subsection.
      section = sub === undefined ? name.toLowerCase() : `${name.toLowerCase()}.${sub.replace(/\\(.)/g, '$1')}`
      const rest = (header[3] ?? '').trim()
      if (rest === '' || rest.startsWith('#') || rest.startsWith(';')) continue
      const inline = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(rest)
      if (inline !== null) into.set(`${section}.${(inline[1] as string).toLowerCase()}`, inline[2] === undefined ? 'true' : parseValue(inline[2]))
      continue
    }
    const entry = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=(.*))?$/.exec(line)
    if (entry === null || section === '') continue
    into.set(`${section}.${(entry[1] as string).toLowerCase()}`, entry[2] === undefined ? 'true' : parseValue(entry[2]))
  }
  return into
}

/** The config files that apply to a repository, in the order git reads them. */
export function configFiles(location: GitLocation, env: Readonly<Record<string, string | undefined>> = process.env): string[] {
  const files: string[] = []
  if (env['GIT_CONFIG_NOSYSTEM'] === undefined || env['GIT_CONFIG_NOSYSTEM'] === '') files.push(env['GIT_CONFIG_SYSTEM'] ?? '/etc/gitconfig')
  if (env['GIT_CONFIG_GLOBAL'] !== undefined) files.push(env['GIT_CONFIG_GLOBAL'])
  else {
    const home = env['HOME'] ?? os.homedir()
    files.push(path.join(env['XDG_CONFIG_HOME'] || path.join(home, '.config'), 'git', 'config'), path.join(home, '.gitconfig'))
  }
  files.push(path.join(location.commonDir, 'config'), path.join(location.gitDir, 'config.worktree'))
  return files
}

/** Reads the config that applies to a repository. */
export function readGitConfig(location: GitLocation, env?: Readonly<Record<string, string | undefined>>): GitConfig {
  const config: GitConfig = new Map()
  for (const file of configFiles(location, env)) {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch {
      continue
    }
    parseGitConfig(text, config)
  }
  return config
}

/** A config value read as git reads a boolean; undefined when unset or not a boolean. */
export function configBoolean(config: GitConfig, key: string): boolean | undefined {
  const value = config.get(key)?.toLowerCase()
  if (value === undefined) return undefined
  if (['true', 'yes', 'on', '1'].includes(value)) return true
  if (['false', 'no', 'off', '0', ''].includes(value)) return false
  return undefined
}
