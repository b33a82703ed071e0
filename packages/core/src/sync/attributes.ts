/**
 * The `merge` attribute of git's attribute files, so that sync merges other files as git would:
 * `merge=union` (both sides' lines, no conflict — psp's own `.augment/run.log` is marked so) and
 * `-merge` / `merge=binary` / `binary` (never merged line by line: a change on both sides is a
 * conflict that keeps ours). Other drivers are left to sync's own merge. Read from
 * `.git/info/attributes`, the repository's top `.gitattributes` and the workspace's, without git.
 */
import fs from 'node:fs'
import path from 'node:path'

export type MergeAttribute = 'union' | 'binary'

interface Rule {
  /** Matched against the path from the attribute file's folder (or the file name, for a pattern without '/'). */
  test: RegExp
  base: string
  nameOnly: boolean
  value: MergeAttribute | 'text'
}

/** A gitattributes pattern (gitignore's syntax, without negation) as a regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '*') {
      if (pattern[i + 1] === '*' && (i === 0 || pattern[i - 1] === '/') && (i + 2 === pattern.length || pattern[i + 2] === '/')) {
        if (pattern[i + 2] === '/') {
          re += '(?:.*/)?'
          i += 2
        } else {
          re += '.*'
          i += 1
        }
        continue
      }
      re += '[^/]*'
    } else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end === -1) re += '\\['
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

function parse(text: string, base: string): Rule[] {
  const rules: Rule[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith('[attr]')) continue
    const [pattern = '', ...attrs] = line.split(/\s+/)
    let value: Rule['value'] | undefined
    for (const attr of attrs) {
      if (attr === 'merge=union') value = 'union'
      else if (attr === '-merge' || attr === 'merge=binary' || attr === 'binary') value = 'binary'
      else if (attr === 'merge' || attr === 'merge=text' || attr === '!merge') value = 'text'
    }
    if (value === undefined || pattern.startsWith('!')) continue
    const trimmed = pattern.replace(/^\//, '').replace(/\/$/, '')
    const nameOnly = !pattern.replace(/\/$/, '').includes('/')
    rules.push({test: globToRegExp(trimmed), base, nameOnly, value})
  }
  return rules
}

/**
 * The merge attribute of repository paths, from the attribute files of a working tree (`prefix`:
 * the workspace's folder, '' or ending in '/'). Later rules win, as in git.
 */
export function mergeAttributes(workTree: string, gitDir: string, prefix: string): (repoPath: string) => MergeAttribute | undefined {
  const rules: Rule[] = []
  const read = (file: string, base: string) => {
    try {
      rules.push(...parse(fs.readFileSync(file, 'utf8'), base))
    } catch {
      // no such file
    }
  }
  read(path.join(workTree, '.gitattributes'), '')
  if (prefix !== '') read(path.join(workTree, ...prefix.split('/').filter((p) => p !== ''), '.gitattributes'), prefix)
  read(path.join(gitDir, 'info', 'attributes'), '')
  if (rules.length === 0) return () => undefined
  return (repoPath) => {
    let found: Rule['value'] | undefined
    for (const rule of rules) {
      if (!repoPath.startsWith(rule.base)) continue
      const rel = repoPath.slice(rule.base.length)
      const subject = rule.nameOnly ? rel.slice(rel.lastIndexOf('/') + 1) : rel
      if (rule.test.test(subject)) found = rule.value
    }
    return found === 'text' ? undefined : found
  }
}
