/**
 * The core of `psp config`: effective values with their origins, set and unset on the workspace
 * or the user file (checked as a whole before anything is written), and validate reporting
 * every problem of every source.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  configEntry,
  effectiveConfig,
  formatConfigValue,
  formatOrigin,
  InvalidDocumentError,
  parseConfigFlag,
  SETTINGS_PATH,
  setConfig,
  unsetConfig,
  USER_FILE_HEADER,
  UsageError,
  validateConfig,
  WorkspaceNotFoundError,
  type ConfigContext,
} from '@psp/core'
import {rejected, thrown, useTempDirs, writeFile} from '../_helpers.js'

const tempDir = useTempDirs()

const WORKSPACE = `# settings
schemaVersion: 1
name: demo

workflow:
  statuses: [todo, doing, done]   # board order
  wip: {doing: 3}
`

function context(options: {workspace?: string | null; user?: string; env?: Record<string, string>; flags?: string[]; envFileNames?: string[]} = {}): ConfigContext & {root: string; userFile: string} {
  const base = tempDir()
  const root = path.join(base, 'ws')
  fs.mkdirSync(root)
  if (options.workspace !== null) writeFile(root, SETTINGS_PATH, options.workspace ?? WORKSPACE)
  const userFile = path.join(base, 'xdg', 'psp', 'settings.yaml')
  if (options.user !== undefined) writeFile(path.dirname(userFile), 'settings.yaml', options.user)
  return {root, userFile, env: options.env ?? {}, overrides: (options.flags ?? []).map(parseConfigFlag), envFileNames: options.envFileNames ?? []}
}

const read = (file: string) => fs.readFileSync(file, 'utf8')
const wsFile = (ctx: {root: string}) => path.join(ctx.root, SETTINGS_PATH)

describe('effectiveConfig and configEntry', () => {
  it('give every key its value and origin', () => {
    const ctx = context({user: 'log:\n  level: warn\n', env: {PSP_IDS_LENGTH: '12'}, flags: ['git.auto_commit=true']})
    const {entries} = effectiveConfig(ctx)
    const byKey = Object.fromEntries(entries.map((e) => [e.key, e]))
    expect(entries).toHaveLength(15)
    expect(byKey['workflow.statuses']).toEqual({key: 'workflow.statuses', value: ['todo', 'doing', 'done'], origin: {layer: 'workspace', path: SETTINGS_PATH, line: 6, col: 3}})
    expect(byKey['log.level']).toMatchObject({value: 'warn', origin: {layer: 'user', path: ctx.userFile, line: 2}})
    expect(byKey['ids.length']).toMatchObject({value: 12, origin: {layer: 'env', variable: 'PSP_IDS_LENGTH'}})
    expect(byKey['git.auto_commit']).toMatchObject({value: true, origin: {layer: 'flag', flag: '-c git.auto_commit'}})
    expect(byKey['workflow.default']).toMatchObject({value: 'todo', origin: {layer: 'default'}})
    expect(byKey['name']).toMatchObject({value: 'demo'})
  })

  it('name the .env line of a variable that came from .env', () => {
    const ctx = context({env: {PSP_LOG_LEVEL: 'debug'}, envFileNames: ['PSP_LOG_LEVEL']})
    fs.writeFileSync(path.join(ctx.root, '.env'), '# local\nPSP_LOG_LEVEL=debug\n')
    const entry = configEntry(ctx, 'log.level')
    expect(entry.origin).toEqual({layer: 'env', variable: 'PSP_LOG_LEVEL', path: '.env', line: 2})
    expect(formatOrigin(entry.origin)).toBe('env:.env:2:PSP_LOG_LEVEL')
  })

  it('work outside a workspace, from the user file, environment and flags', () => {
    const ctx = context({workspace: null, user: 'priorities: [a, b]\n'})
    const {root: _root, ...outside} = ctx
    expect(configEntry(outside, 'priorities').value).toEqual(['a', 'b'])
    expect(configEntry(outside, 'name').value).toBe('workspace')
  })

  it('refuse an unknown key before reading anything', () => {
    const ctx = context({workspace: 'schemaVersion: 1\nworkflow: [\n'})
    expect(thrown(() => configEntry(ctx, 'nope'))).toBeInstanceOf(UsageError)
    expect(thrown(() => configEntry(ctx, 'name'))).toBeInstanceOf(InvalidDocumentError)
  })

  it('format values so that set reads them back', () => {
    expect(formatConfigValue(['todo', 'in progress'])).toBe('[todo, in progress]')
    expect(formatConfigValue({doing: 3})).toBe('{doing: 3}')
    expect(formatConfigValue('Issue #42')).toBe('Issue #42')
    expect(formatConfigValue('"quoted"')).toBe(`'"quoted"'`)
    expect(formatConfigValue(' padded')).toBe('" padded"')
    expect(formatConfigValue('')).toBe('""')
    expect(formatConfigValue(true)).toBe('true')
    expect(formatOrigin({layer: 'workspace', path: SETTINGS_PATH, line: 3})).toBe('workspace:config/settings.yaml:3')
    expect(formatOrigin({layer: 'default'})).toBe('default')
    expect(formatOrigin({layer: 'flag', flag: '--log-level'})).toBe('flag:--log-level')
  })
})

describe('setConfig', () => {
  it('changes one line of the workspace file and keeps the rest', async () => {
    const ctx = context()
    const change = await setConfig(ctx, 'workflow.statuses', '[todo, doing, review, done]')
    expect(change).toMatchObject({key: 'workflow.statuses', value: ['todo', 'doing', 'review', 'done'], file: SETTINGS_PATH, changed: true, created: false})
    expect(read(wsFile(ctx))).toBe(WORKSPACE.replace('[todo, doing, done]   #', '[todo, doing, review, done]   #'))
    await setConfig(ctx, 'log.level', 'debug')
    expect(read(wsFile(ctx))).toBe(`${WORKSPACE.replace('[todo, doing, done]   #', '[todo, doing, review, done]   #')}log:\n  level: debug\n`)
  })

  it('writes nothing when the value is already there', async () => {
    const ctx = context()
    const before = fs.statSync(wsFile(ctx)).mtimeMs
    expect(await setConfig(ctx, 'workflow.wip', '{doing: 3}')).toMatchObject({changed: false})
    expect(fs.statSync(wsFile(ctx)).mtimeMs).toBe(before)
  })

  it('creates the user file with its header', async () => {
    const ctx = context()
    const change = await setConfig(ctx, 'log.level', 'warn', {user: true})
    expect(change).toMatchObject({file: ctx.userFile, changed: true, created: true})
    expect(read(ctx.userFile)).toBe(`${USER_FILE_HEADER}log:\n  level: warn\n`)
    expect(read(wsFile(ctx))).toBe(WORKSPACE)
  })

  it('says when a higher layer overrides the value set', async () => {
    const ctx = context({env: {PSP_LOG_LEVEL: 'error'}})
    expect((await setConfig(ctx, 'log.level', 'warn')).overriddenBy).toEqual({layer: 'env', variable: 'PSP_LOG_LEVEL'})
    expect((await setConfig(ctx, 'workflow.statuses', '[todo, doing, done, x]', {user: true})).overriddenBy).toMatchObject({layer: 'workspace', line: 6})
    expect((await setConfig(ctx, 'ids.length', '12')).overriddenBy).toBeUndefined()
  })

  it('refuses a bad value, or a change that breaks the whole, writing nothing', async () => {
    const ctx = context({user: 'log: {level: warn}\n'})
    const userBefore = read(ctx.userFile)
    const cases: [string, string, {user?: boolean}, RegExp][] = [
      ['ids.length', '3', {}, /must be >= 6/],
      ['git.auto_commit', 'maybe', {}, /must be boolean/],
      ['workflow.wip', '{doing: 3', {}, /not a YAML value/],
      ['workflow.default', 'backlog', {}, /"backlog" is not one of workflow\.statuses/],
      ['workflow.statuses', '[a, b]', {}, /"doing" is not one of workflow\.statuses \(a, b\)/],
      ['workflow.default', 'backlog', {user: true}, /"backlog" is not one of workflow\.statuses/],
      ['schemaVersion', '2', {}, /must be 1/],
    ]
    for (const [key, value, options, message] of cases) {
      const error = await rejected(setConfig(ctx, key, value, options))
      expect(error.message, `${key}=${value}`).toMatch(message)
      expect(read(wsFile(ctx))).toBe(WORKSPACE)
      expect(read(ctx.userFile)).toBe(userBefore)
    }
    expect(await rejected(setConfig(ctx, 'schemaVersion', '1', {user: true}))).toBeInstanceOf(UsageError)
    expect(await rejected(setConfig(ctx, 'workflow.wip.doing', '3'))).toBeInstanceOf(UsageError)
    expect(await rejected(setConfig(ctx, '__proto__', '3'))).toBeInstanceOf(UsageError)
  })

  it('refuses to edit a malformed file, and a workspace write outside a workspace', async () => {
    const broken = 'schemaVersion: 1\nworkflow: [\n'
    const ctx = context({workspace: broken})
    const error = await rejected(setConfig(ctx, 'log.level', 'debug'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.path).toBe(SETTINGS_PATH)
    expect(read(wsFile(ctx))).toBe(broken)
    const {root: _root, ...outside} = context({workspace: null})
    expect(await rejected(setConfig(outside, 'log.level', 'debug'))).toBeInstanceOf(WorkspaceNotFoundError)
    expect((await setConfig(outside, 'log.level', 'debug', {user: true})).changed).toBe(true)
  })

  it('does not create the user file when the change is refused', async () => {
    const ctx = context()
    await rejected(setConfig(ctx, 'ids.length', '3', {user: true}))
    await rejected(setConfig(ctx, 'workflow.default', 'nope', {user: true}))
    expect(fs.existsSync(path.dirname(ctx.userFile))).toBe(false)
  })
})

describe('unsetConfig', () => {
  it('removes the key’s lines and reports a key that was not there', async () => {
    const ctx = context()
    expect(await unsetConfig(ctx, 'workflow.wip')).toMatchObject({changed: true, file: SETTINGS_PATH})
    expect(read(wsFile(ctx))).toBe(WORKSPACE.replace('  wip: {doing: 3}\n', ''))
    expect(await unsetConfig(ctx, 'workflow.wip')).toMatchObject({changed: false})
    expect(await unsetConfig(ctx, 'log.level', {user: true})).toMatchObject({changed: false, created: false})
    expect(fs.existsSync(ctx.userFile)).toBe(false)
  })

  it('refuses a removal that leaves the whole invalid', async () => {
    const ctx = context({workspace: 'schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  default: b\n'})
    const error = await rejected(unsetConfig(ctx, 'workflow.statuses'))
    expect(error.message).toMatch(/"b" is not one of workflow\.statuses \(todo, in-progress, review, done\)/)
    expect(read(wsFile(ctx))).toContain('statuses: [a, b]')
    expect(await rejected(unsetConfig(ctx, 'schemaVersion'))).toBeInstanceOf(InvalidDocumentError)
  })
})

describe('validateConfig', () => {
  it('reports every problem of every source, with files and lines', () => {
    const ctx = context({
      workspace: 'schemaVersion: 1\ncolour: red\nids:\n  length: 3\n',
      user: 'log:\n  level: loud\n',
      env: {PSP_GIT_AUTO_COMMIT: 'yes', PSP_WORKFLOW_WIP: '{doing: 2}'},
      flags: ['ids.length=abc'],
    })
    fs.writeFileSync(path.join(ctx.root, '.env'), 'PSP_GIT_AUTO_COMMIT=nope\nPSP_PRIORITIES=[a, a]\n')
    const report = validateConfig(ctx)
    expect(report.checked).toEqual([ctx.userFile, SETTINGS_PATH, '.env', 'environment', 'flags'])
    const lines = report.problems.map((p) => `${p.path ?? ''}:${p.line ?? ''}: ${p.field}: ${p.message}`)
    expect(lines).toEqual(
      expect.arrayContaining([
        `${ctx.userFile}:2: log.level: must be one of: trace, debug, info, warn, error, fatal, silent`,
        'config/settings.yaml:2: colour: unknown setting (docs/configuration.md lists them all)',
        'config/settings.yaml:4: ids.length: must be >= 6',
        '.env:1: git.auto_commit: must be boolean (PSP_GIT_AUTO_COMMIT)',
        '.env:2: priorities: must NOT have duplicate items (items ## 1 and 0 are identical) (PSP_PRIORITIES)',
        ':: git.auto_commit: must be boolean (PSP_GIT_AUTO_COMMIT)',
        ':: ids.length: must be integer (-c ids.length)',
      ]),
    )
    // The checks between keys wait until every file reads.
    expect(lines.some((l) => l.includes('workflow.wip'))).toBe(false)
  })

  it('checks the keys together once the files are good, and is clean on a clean workspace', () => {
    expect(validateConfig(context()).problems).toEqual([])
    const ctx = context({env: {PSP_WORKFLOW_WIP: '{review: 2}'}})
    expect(validateConfig(ctx).problems).toEqual([{field: 'workflow.wip.review', message: expect.stringContaining('"review" is not one of workflow.statuses'), code: 'INVALID_DOCUMENT'}])
  })
})
