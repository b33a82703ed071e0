/**
 * config/.env.sample documents every environment variable psp reads: each settings variable of
 * the key table, and every variable the code reads (found by searching the sources, so that a
 * new one cannot be forgotten). The repository's own sample is the one `psp init` writes.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {envSample, settingKeys} from '@psp/core'
import {REPO_ROOT} from '../../helpers/cli.js'

/** Every .ts file under the source folders of the CLI, its packages and its plugins. */
function sourceFiles(): string[] {
  const roots = [path.join(REPO_ROOT, 'src')]
  for (const parent of ['packages', 'plugins']) {
    for (const name of fs.readdirSync(path.join(REPO_ROOT, parent))) {
      const src = path.join(REPO_ROOT, parent, name, 'src')
      if (fs.existsSync(src)) roots.push(src)
    }
  }
  const files: string[] = []
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name.endsWith('.ts')) files.push(full)
    }
  }
  roots.forEach(walk)
  return files
}

/** PSP_ names in the sources that are not environment variables. */
const NOT_VARIABLES = new Set(['PSP_HOOKS', 'PSP_ERROR'])

describe('config/.env.sample', () => {
  const sample = envSample()

  it('documents every settings variable with its default', () => {
    for (const key of settingKeys()) {
      if (key.env === undefined) continue
      expect(sample, key.env).toMatch(new RegExp(`^# ${key.env}=\\S`, 'm'))
      expect(sample).toContain(`# ${key.key}: ${key.description}`)
    }
    expect(sample).toContain('# PSP_WORKFLOW_STATUSES=[todo, in-progress, review, done]')
    expect(sample).toContain('# PSP_WORKFLOW_WIP={}')
  })

  it('documents every variable the sources read, and every PSP_ name they mention', () => {
    const sources = sourceFiles()
    expect(sources.length).toBeGreaterThan(50)
    const read = new Set<string>()
    for (const file of sources) {
      const text = fs.readFileSync(file, 'utf8')
      for (const match of text.matchAll(/env\[['"]([A-Z][A-Z0-9_]*)['"]\]|env\.([A-Z][A-Z0-9_]*)\b/g)) read.add((match[1] ?? match[2]) as string)
      for (const match of text.matchAll(/\bPSP_[A-Z0-9_]+/g)) if (!NOT_VARIABLES.has(match[0])) read.add(match[0])
    }
    for (const name of ['PSP_DEBUG', 'PSP_GIT_TOKEN', 'NO_COLOR', 'EDITOR', 'XDG_CONFIG_HOME']) expect(read, name).toContain(name)
    for (const name of [...read, 'VISUAL', 'EDITOR', 'NO_COLOR', 'XDG_CONFIG_HOME', 'GIT_AUTHOR_NAME', 'GIT_COMMITTER_EMAIL']) {
      expect(sample, `${name} is read by psp but not in config/.env.sample`).toMatch(new RegExp(`\\b${name}\\b`))
    }
  })

  it('is what psp init writes, and this repository’s own copy is current', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, 'config', '.env.sample'), 'utf8')).toBe(sample)
  })
})
