/**
 * What the end-to-end tests of `psp new` and `psp template …` share: the test templates in
 * test/fixtures/templates/e2e/, copies of them to break on purpose, and an environment with no
 * user templates (~/.config/psp/templates of whoever runs the tests stays out of the results).
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, expect} from 'vitest'
import {changedPaths, cleanup, REPO_ROOT, tempDir, type RunResult} from '../helpers/cli.js'

export const TEMPLATE_FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'templates', 'e2e')

/** The fixture template `name`'s folder. */
export const fixtureTemplate = (name: string): string => path.join(TEMPLATE_FIXTURES, name)

/** Copies the fixture template `name` to `dest` (created), to change it. */
export function copyTemplate(name: string, dest: string): string {
  fs.cpSync(fixtureTemplate(name), dest, {recursive: true})
  return dest
}

/** Writes `files` (relative path → text) below `dir`, creating folders as needed. */
export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, ...rel.split('/'))
    fs.mkdirSync(path.dirname(file), {recursive: true})
    fs.writeFileSync(file, text)
  }
  return dir
}

/** A minimal plan: a project titled after the project's name. */
export const PROJECT_ONLY = '---\ntype: project\ntitle: "{{ name }}"\n---\n'

/**
 * Temporary folders removed after the calling file's tests, and the environment every psp run
 * of the file gets: XDG_CONFIG_HOME pointing at an empty folder, so that only the workspace's,
 * the plugins' and the built-in templates are found.
 */
export function useTemplateEnv(): {dir: (prefix?: string) => string; env: Record<string, string>} {
  const dirs: string[] = []
  afterAll(() => dirs.forEach(cleanup))
  const dir = (prefix = 'psp-tpl-test-') => {
    const made = tempDir(prefix)
    dirs.push(made)
    return made
  }
  const env = {XDG_CONFIG_HOME: dir('psp-xdg-')}
  return {dir, env}
}

/**
 * Every file below `dir` (except .git and data/cache) with its bytes, and every symbolic link
 * with its target (not followed), to prove that a command wrote nothing, even through a link.
 */
export function snapshotTree(dir: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`
      const absolute = path.join(dir, child)
      if (child === '.git' || child === 'data/cache') continue
      if (entry.isSymbolicLink()) out.set(child, `link:${fs.readlinkSync(absolute)}`)
      else if (entry.isDirectory()) walk(child)
      else out.set(child, fs.readFileSync(absolute).toString('base64'))
    }
  }
  walk('')
  return out
}

/** Runs commands (at once), asserting that none of them changed a file or link in any of `dirs`. */
export async function nothingWritten(dirs: string[], commands: () => Promise<RunResult[]>): Promise<RunResult[]> {
  const before = dirs.map((d) => snapshotTree(d))
  const results = await commands()
  dirs.forEach((d, i) => expect(changedPaths(before[i] as Map<string, string>, snapshotTree(d)), `files changed in ${d}`).toEqual([]))
  return results
}

/** Strips terminal control sequences (colours, cursor moves) from a terminal's output. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g, '')
}
