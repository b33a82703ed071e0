/**
 * `psp init` in an empty folder and in an existing git repository, run twice, and how every other
 * command finds (or does not find) the workspace.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {InitReport} from '@psp/core'
import {changedPaths, cleanup, git, gitResult, json, psp, REPO_ROOT, snapshotFiles, tempDir} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, show} from './support.js'

const PSP_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}).version
const GIT_VERSION = /(\d+\.\d+[\w.]*)/.exec(git(['--version'], REPO_ROOT))?.[1]


const dirs: string[] = []
afterAll(() => dirs.forEach(cleanup))
function fresh(): string {
  const dir = tempDir()
  dirs.push(dir)
  return dir
}

const read = (dir: string, rel: string) => fs.readFileSync(path.join(dir, rel), 'utf8')
const isDir = (dir: string, rel: string) => fs.statSync(path.join(dir, rel), {throwIfNoEntry: false})?.isDirectory() === true
const ignored = (dir: string, rel: string) => gitResult(['check-ignore', '-q', rel], dir).code === 0

/** Asserts the whole layout `psp init` promises. */
function expectLayout(dir: string): void {
  const settings = read(dir, 'config/settings.yaml')
  expect(settings).toMatch(/^schemaVersion: 1$/m)
  expect(settings).toMatch(/^workflow:$/m)
  expect(read(dir, 'config/.env.sample')).toMatch(/PSP_LOG_LEVEL/)
  for (const folder of ['data/projects', 'data/templates', 'data/cache', 'openspec/specs', 'openspec/changes', '.augment']) {
    expect(isDir(dir, folder), folder).toBe(true)
  }
  const state = JSON.parse(read(dir, '.augment/state.json')) as {schemaVersion: number}
  expect(state.schemaVersion).toBe(1)
  expect(read(dir, '.augment/run.log')).toBe('')
  const versions = read(dir, '.augment/versions.txt').trim().split('\n')
  expect(versions).toEqual([`psp ${PSP_VERSION}`, `node ${process.versions.node}`, `git ${GIT_VERSION}`])

  const gitignore = read(dir, '.gitignore').split(/\r?\n/)
  expect(gitignore).toContain('data/cache/')
  expect(gitignore).toContain('.env')
  const gitattributes = read(dir, '.gitattributes').split(/\r?\n/)
  expect(gitattributes).toContain('data/**/*.md diff=markdown')
  expect(gitattributes).toContain('.augment/run.log merge=union')

  // data/cache/ is ignored by git; the rest of the layout is not.
  expect(ignored(dir, 'data/cache/logs/psp.log')).toBe(true)
  expect(ignored(dir, 'data/cache/index.json')).toBe(true)
  for (const rel of ['config/settings.yaml', 'data/projects/p.md', '.augment/state.json', 'openspec/specs/x/spec.md']) {
    expect(ignored(dir, rel), rel).toBe(false)
  }
  expect(ignored(dir, '.env')).toBe(true)
}

describe('psp init in an empty folder', () => {
  const dir = fresh()

  it('creates the git repository and the full layout', () => {
    const report = json<InitReport>(ok(psp(['init', '--json'], {cwd: dir})))
    expect(report).toMatchObject({root: dir, gitInitialised: true, alreadyInitialised: false})
    expect(report.created).toEqual(expect.arrayContaining(['config/settings.yaml', 'config/.env.sample', '.augment/state.json', '.gitignore']))
    expect(git(['rev-parse', '--show-toplevel'], dir).trim()).toBe(dir)
    expectLayout(dir)
    expect(read(dir, 'config/settings.yaml')).toContain(`name: "${path.basename(dir)}"`)
  })

  it('leaves a tree that git can commit, empty folders included', () => {
    git(['add', '-A'], dir)
    git(['commit', '-qm', 'init'], dir)
    const files = git(['ls-files'], dir).trim().split('\n')
    for (const folder of ['data/projects/', 'data/templates/', 'openspec/specs/', 'openspec/changes/']) {
      expect(files.some((f) => f.startsWith(folder)), folder).toBe(true)
    }
    expect(files.some((f) => f.startsWith('data/cache/'))).toBe(false)
    expect(files).toEqual(expect.arrayContaining(['.augment/run.log', '.augment/state.json', '.augment/versions.txt', 'config/.env.sample']))
  })

  it('a second run says "Already initialised" and changes no file outside data/cache/', () => {
    // Give data/cache/ something to lose: a second init must not care.
    ok(psp(['task', 'list'], {cwd: dir}))
    const before = snapshotFiles(dir)
    const head = git(['rev-parse', 'HEAD'], dir)
    const again = ok(psp(['init'], {cwd: dir}))
    expect(again.stdout).toMatch(/^Already initialised/)
    expect(changedPaths(before, snapshotFiles(dir))).toEqual([])
    const asJson = json<InitReport>(ok(psp(['init', '--json'], {cwd: dir})))
    expect(asJson).toMatchObject({alreadyInitialised: true, gitInitialised: false, created: [], appended: []})
    expect(changedPaths(before, snapshotFiles(dir))).toEqual([])
    expect(git(['rev-parse', 'HEAD'], dir)).toBe(head)
    expect(git(['status', '--porcelain'], dir)).toBe('')
  })
})

describe('psp init in an existing git repository', () => {
  const dir = fresh()
  let head = ''
  beforeAll(() => {
    git(['init', '-q', '-b', 'main'], dir)
    fs.writeFileSync(path.join(dir, 'README.md'), '# My project\n')
    // The user's .gitignore ends without a line break: its last line must survive intact.
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\n# build output\n*.log')
    git(['add', '-A'], dir)
    git(['commit', '-qm', 'first'], dir)
    head = git(['rev-parse', 'HEAD'], dir)
  })

  it('adds the layout, keeps the repository, its commit, its files and its .gitignore lines', () => {
    const report = json<InitReport>(ok(psp(['init', '--json'], {cwd: dir})))
    expect(report).toMatchObject({gitInitialised: false, alreadyInitialised: false})
    expect(report.appended).toEqual(expect.arrayContaining([{file: '.gitignore', lines: ['data/cache/', '.env']}]))
    expectLayout(dir)
    expect(read(dir, 'README.md')).toBe('# My project\n')
    const gitignore = read(dir, '.gitignore')
    expect(gitignore.startsWith('node_modules/\n# build output\n*.log\n')).toBe(true)
    expect(ignored(dir, 'node_modules/x/index.js')).toBe(true)
    expect(ignored(dir, 'debug.log')).toBe(true)
    // psp does not commit behind the user's back.
    expect(git(['rev-parse', 'HEAD'], dir)).toBe(head)
    expect(git(['status', '--porcelain', '--', 'README.md'], dir)).toBe('')
    expect(git(['status', '--porcelain', '--', '.gitignore'], dir)).toBe(' M .gitignore\n')
  })

  it('a second run changes nothing', () => {
    const before = snapshotFiles(dir)
    const again = ok(psp(['init'], {cwd: dir}))
    expect(again.stdout).toMatch(/^Already initialised/)
    expect(changedPaths(before, snapshotFiles(dir))).toEqual([])
  })

  it('a workspace in a subfolder of a repository does not get a nested repository', () => {
    const report = json<InitReport>(ok(psp(['init', 'planning', '--name', 'Team plan', '--json'], {cwd: dir})))
    expect(report).toMatchObject({root: path.join(dir, 'planning'), gitInitialised: false})
    expect(fs.existsSync(path.join(dir, 'planning', '.git'))).toBe(false)
    expect(read(path.join(dir, 'planning'), 'config/settings.yaml')).toContain('name: "Team plan"')
    expect(git(['rev-parse', '--show-toplevel'], path.join(dir, 'planning')).trim()).toBe(dir)
    expect(ignored(path.join(dir, 'planning'), 'data/cache/logs/psp.log')).toBe(true)
  })
})

describe('finding the workspace', () => {
  const dir = fresh()
  const deep = path.join(dir, 'data', 'projects', 'some', 'deeper', 'folder')
  beforeAll(() => {
    ok(psp(['init'], {cwd: dir}))
    fs.mkdirSync(deep, {recursive: true})
  })

  it('commands run from a subfolder act on the workspace root', () => {
    const created = json<{id: string; path: string}>(ok(psp(['task', 'add', 'From a subfolder', '--json'], {cwd: deep})))
    expect(created.path).toMatch(/^data\/tasks\//)
    expect(fs.existsSync(path.join(dir, created.path))).toBe(true)
    const listed = ok(psp(['task', 'list', '--format', 'ids'], {cwd: path.join(dir, 'openspec', 'specs')}))
    expect(listed.stdout).toBe(`${created.id}\n`)
    const checked = ok(psp(['validate'], {cwd: deep}))
    expect(checked.stderr).toMatch(/1 document checked, no problems/)
  })

  it('outside any workspace, commands fail with exit 3 and one clear line, creating nothing', () => {
    const outside = fresh()
    for (const args of [['task', 'list'], ['task', 'add', 'Nowhere'], ['validate'], ['project', 'show', 'x']]) {
      const result = psp(args, {cwd: outside})
      expectError(result, 3, /not inside a psp workspace.*config\/settings\.yaml/)
      expect(result.stderr, show(result)).toMatch(/psp init/)
    }
    expectJsonError(psp(['task', 'list', '--json'], {cwd: outside}), 3, 'NO_WORKSPACE')
    expect(fs.readdirSync(outside)).toEqual([])
  })
})
