import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  defaultSettings,
  gitVersion,
  initWorkspace,
  loadSettings,
  settingsTemplate,
  validateWorkspace,
  Workspace,
} from '@psp/core'
import {listFiles, readFile, snapshotFiles, TEST_VERSION, useTempDirs, writeFile} from './_helpers.js'

const tempDir = useTempDirs()

const init = (dir: string, name?: string) => initWorkspace(dir, {pspVersion: TEST_VERSION, name})

const LAYOUT_FILES = [
  'config/settings.yaml',
  'config/.env.sample',
  'data/projects/.gitkeep',
  'data/templates/.gitkeep',
  'openspec/specs/.gitkeep',
  'openspec/config.yaml',
  'openspec/changes/archive/.gitkeep',
  '.augment/state.json',
  '.augment/run.log',
  '.augment/versions.txt',
  '.gitignore',
  '.gitattributes',
]

/** A real git repository (made by psp's own git library), with nothing else in it. */
async function bareRepo(): Promise<string> {
  const dir = tempDir()
  await init(dir)
  for (const entry of fs.readdirSync(dir)) if (entry !== '.git') fs.rmSync(path.join(dir, entry), {recursive: true})
  fs.appendFileSync(path.join(dir, '.git', 'config'), '[user]\n\tname = Existing Repo\n')
  return dir
}

describe('initWorkspace in an empty folder', () => {
  it('creates the whole layout and a git repository', async () => {
    const dir = tempDir()
    const report = await init(dir)
    expect(report).toMatchObject({root: dir, kept: [], gitInitialised: true, alreadyInitialised: false})
    expect([...report.created].sort()).toEqual(['.git/', ...LAYOUT_FILES].sort())
    expect(report.appended).toEqual([
      {file: '.gitignore', lines: ['data/cache/', '.env']},
      {file: '.gitattributes', lines: ['data/**/*.md diff=markdown', 'data/**/*.md merge=psp', '.augment/run.log merge=union']},
    ])
    for (const rel of LAYOUT_FILES) expect(fs.existsSync(path.join(dir, rel)), rel).toBe(true)
    expect(fs.statSync(path.join(dir, 'data', 'cache')).isDirectory()).toBe(true)
    expect(readFile(dir, '.git/HEAD').trim()).toBe('ref: refs/heads/main')
  })

  it('writes settings that load as the defaults, named after the folder', async () => {
    const dir = tempDir()
    await init(dir)
    expect(readFile(dir, 'config/settings.yaml')).toBe(settingsTemplate(path.basename(dir)))
    expect(loadSettings(dir)).toEqual(defaultSettings(path.basename(dir)))
    expect(validateWorkspace(Workspace.open(dir))).toEqual({checked: 0, problems: []})
  })

  it('uses the given name', async () => {
    const dir = tempDir()
    await init(dir, 'Team "Rocket"')
    expect(loadSettings(dir).name).toBe('Team "Rocket"')
    expect(JSON.parse(readFile(dir, '.augment/state.json')).workspace.name).toBe('Team "Rocket"')
  })

  it('creates the folder itself when it does not exist yet', async () => {
    const dir = path.join(tempDir(), 'new', 'ws')
    const report = await init(dir)
    expect(report.root).toBe(dir)
    expect(fs.existsSync(path.join(dir, 'config', 'settings.yaml'))).toBe(true)
  })

  it('records versions and workspace state under .augment/', async () => {
    const dir = tempDir()
    await init(dir)
    const state = JSON.parse(readFile(dir, '.augment/state.json'))
    expect(state).toMatchObject({
      schemaVersion: 1,
      workspace: {
        name: path.basename(dir),
        createdWith: `psp ${TEST_VERSION}`,
        types: ['project', 'task', 'milestone', 'note', 'decision'],
        statuses: ['todo', 'in-progress', 'review', 'done'],
      },
    })
    const versions = readFile(dir, '.augment/versions.txt').split('\n')
    expect(versions[0]).toBe(`psp ${TEST_VERSION}`)
    expect(versions[1]).toBe(`node ${process.versions.node}`)
    expect(versions[2]).toMatch(/^git (\d+\.\d+\S*|not installed)$/)
    expect(readFile(dir, '.augment/run.log')).toBe('')
  })

  it('ignores data/cache/ and .env in git', async () => {
    const dir = tempDir()
    await init(dir)
    expect(readFile(dir, '.gitignore')).toBe('# psp\ndata/cache/\n.env\n')
    expect(readFile(dir, '.gitattributes')).toBe('# psp\ndata/**/*.md diff=markdown\ndata/**/*.md merge=psp\n.augment/run.log merge=union\n')
  })
})

describe('initWorkspace in an existing repository', () => {
  it('works in an existing git repository without re-initialising it', async () => {
    const dir = await bareRepo()
    const gitBefore = snapshotFiles(path.join(dir, '.git'))
    const report = await init(dir)
    expect(report.gitInitialised).toBe(false)
    expect(report.created).not.toContain('.git/')
    expect([...report.created].sort()).toEqual([...LAYOUT_FILES].sort())
    expect(snapshotFiles(path.join(dir, '.git'))).toEqual(gitBefore)
  })

  it('does not create a nested repository in a subfolder of one', async () => {
    const repo = await bareRepo()
    const dir = path.join(repo, 'docs', 'planning')
    const report = await init(dir)
    expect(report.gitInitialised).toBe(false)
    expect(fs.existsSync(path.join(dir, '.git'))).toBe(false)
  })

  it('changes no file on a second run and says so', async () => {
    const dir = tempDir()
    await init(dir)
    writeFile(dir, 'data/cache/index.json', '{}')
    const before = snapshotFiles(dir, ['data/cache'])
    const report = await init(dir)
    expect(report).toMatchObject({created: [], appended: [], gitInitialised: false, alreadyInitialised: true})
    expect([...report.kept].sort()).toEqual(
      ['config/settings.yaml', 'config/.env.sample', '.augment/state.json', '.augment/run.log', '.augment/versions.txt'].sort(),
    )
    expect(snapshotFiles(dir, ['data/cache'])).toEqual(before)
  })

  it('changes nothing on a second run after the user has added records', async () => {
    const dir = tempDir()
    await init(dir)
    writeFile(dir, 'data/projects/p/project.md', '---\nid: proj-1\ntype: project\ntitle: P\n---\n')
    writeFile(dir, 'openspec/specs/auth/spec.md', '# Auth\n')
    const before = snapshotFiles(dir, ['data/cache'])
    expect((await init(dir)).alreadyInitialised).toBe(true)
    expect(snapshotFiles(dir, ['data/cache'])).toEqual(before)
  })

  it('never overwrites a user’s config/settings.yaml', async () => {
    const dir = tempDir()
    const mine = '# mine\nschemaVersion: 1\nname: Mine\nworkflow:\n  statuses: [open, closed]\n'
    writeFile(dir, 'config/settings.yaml', mine)
    const report = await init(dir)
    expect(report.kept).toContain('config/settings.yaml')
    expect(report.created).not.toContain('config/settings.yaml')
    expect(readFile(dir, 'config/settings.yaml')).toBe(mine)
    expect(loadSettings(dir).workflow.statuses).toEqual(['open', 'closed'])
  })

  it('appends to an existing .gitignore without touching its lines', async () => {
    const dir = tempDir()
    const mine = '# build output\nnode_modules/\n*.log'
    writeFile(dir, '.gitignore', mine)
    const report = await init(dir)
    expect(readFile(dir, '.gitignore')).toBe(`${mine}\n\n# psp\ndata/cache/\n.env\n`)
    expect(report.appended).toContainEqual({file: '.gitignore', lines: ['data/cache/', '.env']})
    expect(report.created).not.toContain('.gitignore')
  })

  it('appends only the missing lines, in the file’s own line ends', async () => {
    const dir = tempDir()
    writeFile(dir, '.gitignore', 'node_modules/\r\n  data/cache/  \r\n')
    await init(dir)
    expect(readFile(dir, '.gitignore')).toBe('node_modules/\r\n  data/cache/  \r\n\r\n# psp\r\n.env\r\n')
  })

  it('leaves a .gitignore that already has every line alone', async () => {
    const dir = tempDir()
    writeFile(dir, '.gitignore', '.env\ndata/cache/\n')
    const report = await init(dir)
    expect(readFile(dir, '.gitignore')).toBe('.env\ndata/cache/\n')
    expect(report.appended.map((a) => a.file)).toEqual(['.gitattributes'])
  })

  it('adds no .gitkeep to a folder that already has files', async () => {
    const dir = tempDir()
    writeFile(dir, 'data/projects/p/project.md', '---\nid: proj-1\ntype: project\ntitle: P\n---\n')
    const report = await init(dir)
    expect(report.created).not.toContain('data/projects/.gitkeep')
    expect(listFiles(dir, ['.git']).filter((f) => f.startsWith('data/projects/'))).toEqual(['data/projects/p/project.md'])
  })
})

describe('gitVersion', () => {
  it('returns the installed git’s version or undefined', () => {
    const version = gitVersion()
    if (version !== undefined) expect(version).toMatch(/^\d+\.\d+/)
  })
})
