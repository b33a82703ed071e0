/**
 * Registering the merge driver without git: one section of .git/config replaced or removed with
 * every other byte kept (and read back the way git reads it), the .gitattributes line appended
 * once, the command line quoted for sh, and the status of a registration.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  configValue,
  discoverRepository,
  initWorkspace,
  IoError,
  MERGE_ATTRIBUTES_LINE,
  mergeDriverCommand,
  mergeDriverStatus,
  registerMergeDriver,
  shWords,
  unregisterMergeDriver,
  writeConfigSection,
  type GitLocation,
  type HookProgram,
} from '@psp/core'
import {thrown, useTempDirs} from '../_helpers.js'

const tempDir = useTempDirs()

/** A repository made by hand (no git needed), with a config holding comments and other sections. */
function makeRepo(config = '[core]\n\trepositoryformatversion = 0\n# a comment the user wrote\n[user]\n\tname = Ana ; inline\n'): {root: string; repo: GitLocation; env: NodeJS.ProcessEnv} {
  const root = tempDir()
  fs.mkdirSync(path.join(root, '.git', 'objects'), {recursive: true})
  fs.writeFileSync(path.join(root, '.git', 'HEAD'), 'ref: refs/heads/main\n')
  fs.writeFileSync(path.join(root, '.git', 'config'), config)
  const home = tempDir()
  return {root, repo: discoverRepository(root) as GitLocation, env: {HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), GIT_CONFIG_NOSYSTEM: '1'}}
}

/** What the git binary reads from a config file. */
function gitGet(file: string, key: string): string | undefined {
  const result = spawnSync('git', ['config', '--file', file, '--get', key], {encoding: 'utf8'})
  return result.status === 0 ? result.stdout.replace(/\n$/, '') : undefined
}

const PROGRAM: HookProgram = {node: process.execPath, script: path.resolve('bin', 'run.js')}

describe('writeConfigSection', () => {
  it('appends a section and keeps every other byte', () => {
    const {root} = makeRepo()
    const file = path.join(root, '.git', 'config')
    const before = fs.readFileSync(file, 'utf8')
    expect(writeConfigSection(file, 'merge', 'psp', [['name', 'n'], ['driver', 'run %O %A']])).toBe(true)
    expect(fs.readFileSync(file, 'utf8')).toBe(`${before}[merge "psp"]\n\tname = n\n\tdriver = run %O %A\n`)
    expect(writeConfigSection(file, 'merge', 'psp', [['name', 'n'], ['driver', 'run %O %A']])).toBe(false)
    expect(fs.existsSync(`${file}.lock`)).toBe(false)
  })

  it('replaces the section where it stands (old spellings too) and removes it', () => {
    const {root} = makeRepo('[merge "psp"]\n\tdriver = old\n\tstale = 1\n[core]\n\tbare = false\n[merge.psp]\n\tname = older\n[merge "other"]\n\tdriver = x\n')
    const file = path.join(root, '.git', 'config')
    writeConfigSection(file, 'merge', 'psp', [['driver', 'new']])
    expect(fs.readFileSync(file, 'utf8')).toBe('[merge "psp"]\n\tdriver = new\n[core]\n\tbare = false\n[merge "other"]\n\tdriver = x\n')
    expect(writeConfigSection(file, 'merge', 'psp', undefined)).toBe(true)
    expect(fs.readFileSync(file, 'utf8')).toBe('[core]\n\tbare = false\n[merge "other"]\n\tdriver = x\n')
    expect(writeConfigSection(file, 'merge', 'psp', undefined)).toBe(false)
  })

  it('keeps CRLF line ends and a last line without a line break', () => {
    const {root} = makeRepo('[core]\r\n\tbare = false')
    const file = path.join(root, '.git', 'config')
    writeConfigSection(file, 'merge', 'psp', [['driver', 'd']])
    expect(fs.readFileSync(file, 'utf8')).toBe('[core]\r\n\tbare = false\r\n[merge "psp"]\r\n\tdriver = d\r\n')
  })

  it('quotes values as git does, so that git reads back exactly the value written', () => {
    const {root} = makeRepo()
    const file = path.join(root, '.git', 'config')
    const values = ["'/a b/node' '/x#y;z/run.js' merge-driver %O %A %B %P", ' lead', 'back\\slash "quoted"', 'tab\there']
    for (const [i, value] of values.entries()) {
      writeConfigSection(file, 'merge', 'psp', [['driver', value]])
      expect(gitGet(file, 'merge.psp.driver'), `value ${i}: ${configValue(value)}`).toBe(value)
    }
    expect(gitGet(file, 'user.name')).toBe('Ana')
  })

  it('refuses to write while another writer holds the lock, and changes nothing', () => {
    const {root} = makeRepo()
    const file = path.join(root, '.git', 'config')
    const before = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(`${file}.lock`, '')
    const error = thrown(() => writeConfigSection(file, 'merge', 'psp', [['driver', 'd']]))
    expect(error).toBeInstanceOf(IoError)
    expect(error.message).toMatch(/config\.lock exists/)
    expect(fs.readFileSync(file, 'utf8')).toBe(before)
  })
})

describe('registerMergeDriver / unregisterMergeDriver / mergeDriverStatus', () => {
  it('registers once, reports it, and unregisters leaving .gitattributes alone', () => {
    const {root, repo, env} = makeRepo()
    fs.writeFileSync(path.join(root, '.gitattributes'), '*.png binary\n')
    expect(mergeDriverStatus(repo, {workspace: root, env})).toMatchObject({ok: false, attributes: false})
    const first = registerMergeDriver(repo, {program: PROGRAM, workspace: root})
    expect(first).toMatchObject({action: 'registered', driver: mergeDriverCommand(PROGRAM), attributes: {added: true}})
    expect(fs.readFileSync(path.join(root, '.gitattributes'), 'utf8')).toBe(`*.png binary\n\n# psp\n${MERGE_ATTRIBUTES_LINE}\n`)
    expect(gitGet(first.config, 'merge.psp.driver')).toBe(`'${PROGRAM.node}' '${PROGRAM.script}' merge-driver %O %A %B %P`)
    expect(registerMergeDriver(repo, {program: PROGRAM, workspace: root})).toMatchObject({action: 'unchanged', attributes: {added: false}})
    expect(registerMergeDriver(repo, {program: {...PROGRAM, script: '/moved/bin/run.js'}, workspace: root}).action).toBe('updated')
    expect(mergeDriverStatus(repo, {workspace: root, env})).toMatchObject({ok: false, script: '/moved/bin/run.js', problems: [expect.stringMatching(/psp is no longer at \/moved\/bin\/run\.js/)]})
    registerMergeDriver(repo, {program: PROGRAM, workspace: root})
    expect(mergeDriverStatus(repo, {workspace: root, env})).toEqual({
      ok: true,
      driver: mergeDriverCommand(PROGRAM),
      config: path.join(root, '.git', 'config'),
      node: PROGRAM.node,
      script: PROGRAM.script,
      attributes: true,
      problems: [],
    })
    const attributes = fs.readFileSync(path.join(root, '.gitattributes'), 'utf8')
    expect(unregisterMergeDriver(repo).action).toBe('removed')
    expect(unregisterMergeDriver(repo).action).toBe('none')
    expect(fs.readFileSync(path.join(root, '.git', 'config'), 'utf8')).toBe('[core]\n\trepositoryformatversion = 0\n# a comment the user wrote\n[user]\n\tname = Ana ; inline\n')
    expect(fs.readFileSync(path.join(root, '.gitattributes'), 'utf8')).toBe(attributes)
    expect(mergeDriverStatus(repo, {workspace: root, env}).ok).toBe(false)
  })

  it('says when merge.psp.driver runs something else', () => {
    const {repo, env} = makeRepo('[merge "psp"]\n\tdriver = cat %A\n')
    expect(mergeDriverStatus(repo, {env}).problems).toEqual([expect.stringMatching(/runs something other than psp's merge driver/)])
    expect(mergeDriverStatus(repo, {env}).attributes).toBeUndefined()
  })
})

describe('initWorkspace with psp\'s program', () => {
  it('registers the driver in the repository it creates, and a second run changes nothing', async () => {
    const root = tempDir()
    const first = await initWorkspace(root, {pspVersion: '0.0.0-test', mergeDriver: PROGRAM})
    expect(first.mergeDriver).toMatchObject({action: 'registered', config: path.join(root, '.git', 'config'), attributes: {added: false}})
    expect(gitGet(path.join(root, '.git', 'config'), 'merge.psp.driver')).toBe(mergeDriverCommand(PROGRAM))
    expect(fs.readFileSync(path.join(root, '.gitattributes'), 'utf8').split('\n').filter((l) => l === MERGE_ATTRIBUTES_LINE)).toHaveLength(1)
    const again = await initWorkspace(root, {pspVersion: '0.0.0-test', mergeDriver: PROGRAM})
    expect(again).toMatchObject({alreadyInitialised: true, mergeDriver: {action: 'unchanged'}})
  })
})

describe('shWords', () => {
  it('reads back the command line mergeDriverCommand writes, quotes in paths included', () => {
    const program = {node: "/opt/it's here/node", script: '/a b/c"d/bin/run.js'}
    expect(shWords(mergeDriverCommand(program))).toEqual([program.node, program.script, 'merge-driver', '%O', '%A', '%B', '%P'])
    expect(shWords(`a  "b c" d\\ e ''`)).toEqual(['a', 'b c', 'd e', ''])
  })
})
