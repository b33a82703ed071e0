/**
 * Configuration layers and their precedence, in-process: defaults < user file < workspace file <
 * environment < flags, per key; the key table; environment and flag values; the checks between
 * keys naming the layer that set the offending key; the settings cache with a user file; the run
 * log's own reader.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  defaultSettings,
  envVariable,
  InvalidDocumentError,
  keyOfVariable,
  LAYOUT,
  loadSettings,
  OTHER_PSP_VARIABLES,
  parseConfigFlag,
  readLogSettings,
  requireSettingKey,
  SETTINGS_PATH,
  settingKeys,
  UnsafeInputError,
  UsageError,
  userSettingsPath,
  Workspace,
  type SettingsInputs,
} from '@psp/core'
import {thrown, useTempDirs, writeFile} from '../_helpers.js'

const tempDir = useTempDirs()

/** A workspace folder with `workspace` as its settings, and a user file with `user` when given. */
function setup(workspace: string, user?: string): {root: string; userFile: string} {
  const base = tempDir()
  const root = path.join(base, 'ws')
  writeFile(root, SETTINGS_PATH, workspace)
  const userFile = path.join(base, 'xdg', 'psp', 'settings.yaml')
  if (user !== undefined) writeFile(path.dirname(userFile), 'settings.yaml', user)
  return {root, userFile}
}

/** Sets a file's times a minute back, out of the settings cache's racy window. */
function age(file: string, secondsAgo = 60): void {
  const when = new Date(Math.round(Date.now() - secondsAgo * 1000))
  fs.utimesSync(file, when, when)
}

const load = (s: {root: string; userFile: string}, inputs: SettingsInputs = {}) => loadSettings(s.root, {userFile: s.userFile, ...inputs})

describe('the key table', () => {
  it('is every leaf of the settings schema, in order, with its variable', () => {
    expect(settingKeys().map((k) => k.key)).toEqual([
      'schemaVersion',
      'name',
      'workflow.statuses',
      'workflow.default',
      'workflow.done',
      'workflow.wip',
      'workflow.wip_policy',
      'priorities',
      'ids.length',
      'ids.prefixes',
      'limits.max_document_bytes',
      'log.level',
      'log.max_bytes',
      'log.keep',
      'git.auto_commit',
    ])
    expect(requireSettingKey('workflow.wip_policy').env).toBe('PSP_WORKFLOW_WIP_POLICY')
    expect(requireSettingKey('limits.max_document_bytes').env).toBe('PSP_LIMITS_MAX_DOCUMENT_BYTES')
    expect(requireSettingKey('log.level').env).toBe('PSP_LOG_LEVEL')
    expect(requireSettingKey('schemaVersion').env).toBeUndefined()
    for (const key of settingKeys()) if (key.env !== undefined) expect(key.env).toBe(envVariable(key.key))
  })

  it('finds a key by its variable, never by parsing the name', () => {
    expect(keyOfVariable('PSP_WORKFLOW_WIP_POLICY')?.key).toBe('workflow.wip_policy')
    expect(keyOfVariable('PSP_WORKFLOW_WIP')?.key).toBe('workflow.wip')
    for (const name of [...OTHER_PSP_VARIABLES, 'PSP_WORKFLOW', 'PSP_SCHEMAVERSION', 'PSP_LOG_LEVEL_X']) expect(keyOfVariable(name), name).toBeUndefined()
  })

  it('refuses names that are no key, with a usage error naming them', () => {
    for (const name of ['nope', '', '__proto__', 'constructor', 'toString', '../x', 'workflow..statuses', 'workflow.statuses.0', 'log.__proto__', 'LOG.LEVEL']) {
      const error = thrown(() => requireSettingKey(name))
      expect(error, name).toBeInstanceOf(UsageError)
      expect(error.message).toContain(JSON.stringify(name))
    }
    expect(thrown(() => requireSettingKey('workflow')).message).toMatch(/section.*workflow\.statuses/)
    const inMap = thrown(() => requireSettingKey('workflow.wip.doing'))
    expect(inMap.message).toMatch(/workflow\.wip is a map/)
    expect(inMap.hint).toContain("psp config set workflow.wip '{doing: …}'")
  })
})

describe('userSettingsPath', () => {
  it('is under XDG_CONFIG_HOME, else APPDATA on Windows, else ~/.config', () => {
    expect(userSettingsPath({XDG_CONFIG_HOME: '/x/conf', HOME: '/home/a'}, 'linux')).toBe(path.join('/x/conf', 'psp', 'settings.yaml'))
    expect(userSettingsPath({XDG_CONFIG_HOME: 'relative', HOME: '/home/a'}, 'linux')).toBe(path.join('/home/a', '.config', 'psp', 'settings.yaml'))
    expect(userSettingsPath({XDG_CONFIG_HOME: '', HOME: '/home/a'}, 'linux')).toBe(path.join('/home/a', '.config', 'psp', 'settings.yaml'))
    expect(userSettingsPath({APPDATA: 'C:\\Users\\a\\AppData\\Roaming', HOME: '/home/a'}, 'win32')).toBe(path.join('C:\\Users\\a\\AppData\\Roaming', 'psp', 'settings.yaml'))
    expect(userSettingsPath({APPDATA: '/appdata', HOME: '/home/a'}, 'linux')).toBe(path.join('/home/a', '.config', 'psp', 'settings.yaml'))
  })
})

describe('precedence: each layer over the one below, key by key', () => {
  it('the user file over the defaults', () => {
    const s = setup('schemaVersion: 1\n', 'log:\n  level: warn\nids: {length: 12}\n')
    const settings = load(s)
    expect(settings.log).toEqual({...defaultSettings().log, level: 'warn'})
    expect(settings.ids.length).toBe(12)
    expect(settings.workflow).toEqual(defaultSettings().workflow)
    // No user file: the defaults.
    expect(loadSettings(s.root).log.level).toBe('info')
  })

  it('the workspace file over the user file, each key on its own', () => {
    const s = setup('schemaVersion: 1\nworkflow:\n  default: doing\n  wip: {doing: 3}\nlog: {level: error}\n', 'workflow:\n  statuses: [todo, doing, done]\n  wip: {todo: 9, doing: 1}\nlog: {level: warn, keep: 5}\n')
    const settings = load(s)
    expect(settings.workflow.statuses).toEqual(['todo', 'doing', 'done'])
    expect(settings.workflow.default).toBe('doing')
    // A map is one key: the workspace's replaces the user's whole.
    expect(settings.workflow.wip).toEqual({doing: 3})
    expect(settings.log).toEqual({level: 'error', max_bytes: 1024 * 1024, keep: 5})
  })

  it('the environment over the workspace file', () => {
    const s = setup('schemaVersion: 1\nlog:\n  level: error\nworkflow:\n  statuses: [a, b]\n')
    const env = {PSP_LOG_LEVEL: 'debug', PSP_WORKFLOW_STATUSES: '[todo, doing, done]', PSP_WORKFLOW_WIP: '{doing: 3}', PSP_GIT_AUTO_COMMIT: 'true', PSP_IDS_LENGTH: '14'}
    const settings = load(s, {env})
    expect(settings.log.level).toBe('debug')
    expect(settings.workflow).toMatchObject({statuses: ['todo', 'doing', 'done'], default: 'todo', wip: {doing: 3}})
    expect(settings.git.auto_commit).toBe(true)
    expect(settings.ids.length).toBe(14)
  })

  it('flags over the environment', () => {
    const s = setup('schemaVersion: 1\n')
    const settings = load(s, {
      env: {PSP_LOG_LEVEL: 'debug', PSP_IDS_LENGTH: '14'},
      overrides: [parseConfigFlag('log.level=warn'), parseConfigFlag('ids.length=20'), parseConfigFlag('ids.length=22')],
    })
    expect(settings.log.level).toBe('warn')
    // The last flag of a key wins.
    expect(settings.ids.length).toBe(22)
    // --log-level comes after every -c, as the command layer passes it.
    expect(load(s, {overrides: [parseConfigFlag('log.level=warn'), {key: 'log.level', value: 'trace', flag: '--log-level'}]}).log.level).toBe('trace')
  })

  it('the whole order at once, on one key', () => {
    const s = setup('schemaVersion: 1\nids:\n  length: 12\n', 'ids: {length: 11}\n')
    expect(loadSettings(s.root).ids.length).toBe(12)
    expect(load(s).ids.length).toBe(12)
    expect(load(s, {env: {PSP_IDS_LENGTH: '13'}}).ids.length).toBe(13)
    expect(load(s, {env: {PSP_IDS_LENGTH: '13'}, overrides: [parseConfigFlag('ids.length=14')]}).ids.length).toBe(14)
    fs.writeFileSync(path.join(s.root, SETTINGS_PATH), 'schemaVersion: 1\n')
    expect(load(s).ids.length).toBe(11)
  })

  it('keeps merging id prefixes with the default ones', () => {
    const s = setup('schemaVersion: 1\nids:\n  prefixes: {task: t}\n')
    expect(load(s).ids.prefixes).toMatchObject({task: 't', project: 'proj'})
    expect(load(s, {env: {PSP_IDS_PREFIXES: '{bug: b}'}}).ids.prefixes).toEqual({...defaultSettings().ids.prefixes, bug: 'b'})
  })

  it('Workspace.open layers the environment it is given, and the user file of that environment', () => {
    const s = setup('schemaVersion: 1\n', 'log: {level: warn}\n')
    const xdg = path.dirname(path.dirname(s.userFile))
    expect(Workspace.open(s.root, {env: {XDG_CONFIG_HOME: xdg}}).settings.log.level).toBe('warn')
    expect(Workspace.open(s.root, {env: {XDG_CONFIG_HOME: xdg, PSP_LOG_LEVEL: 'error'}}).settings.log.level).toBe('error')
    expect(Workspace.open(s.root, {env: {XDG_CONFIG_HOME: xdg}, userFile: undefined}).settings.log.level).toBe('info')
  })
})

describe('environment values', () => {
  const s = () => setup('schemaVersion: 1\n')
  it('are YAML flow values; text is taken as it is unless quoted', () => {
    const ws = s()
    expect(load(ws, {env: {PSP_NAME: 'Issue #42: the one'}}).name).toBe('Issue #42: the one')
    expect(load(ws, {env: {PSP_NAME: '  "  padded "  '}}).name).toBe('  padded ')
    expect(load(ws, {env: {PSP_NAME: '2024'}}).name).toBe('2024')
    expect(load(ws, {env: {PSP_WORKFLOW_WIP_POLICY: ' refuse '}}).workflow.wip_policy).toBe('refuse')
    expect(load(ws, {env: {PSP_PRIORITIES: '[p3, p2, p1] # lowest first'}}).priorities).toEqual(['p3', 'p2', 'p1'])
    expect(load(ws, {env: {PSP_LIMITS_MAX_DOCUMENT_BYTES: '2048'}}).limits.max_document_bytes).toBe(2048)
  })

  it('are ignored when empty, and other PSP_ variables are no settings', () => {
    const ws = s()
    expect(load(ws, {env: {PSP_LOG_LEVEL: '', PSP_DEBUG: 'garbage', PSP_GIT_TOKEN: '[', PSP_WORKFLOW: 'x', PSP_HOOKS: '{'}})).toEqual(loadSettings(ws.root))
  })

  it('are refused when bad, naming the variable', () => {
    const ws = s()
    const cases: [Record<string, string>, RegExp, string][] = [
      [{PSP_LOG_LEVEL: 'loud'}, /^must be one of: trace, .* \(PSP_LOG_LEVEL\)$/, 'log.level'],
      [{PSP_GIT_AUTO_COMMIT: 'yes'}, /must be boolean \(PSP_GIT_AUTO_COMMIT\)/, 'git.auto_commit'],
      [{PSP_WORKFLOW_WIP: '{doing: 0}'}, /must be >= 1 \(PSP_WORKFLOW_WIP\)/, 'workflow.wip.doing'],
      [{PSP_WORKFLOW_WIP: '{doing: 3'}, /not a YAML value: .* \(PSP_WORKFLOW_WIP\)/, 'workflow.wip'],
      [{PSP_WORKFLOW_STATUSES: 'todo'}, /must be array \(PSP_WORKFLOW_STATUSES\)/, 'workflow.statuses'],
      [{PSP_IDS_LENGTH: '3'}, /must be >= 6 \(PSP_IDS_LENGTH\)/, 'ids.length'],
      [{PSP_NAME: '""'}, /\(PSP_NAME\)/, 'name'],
    ]
    for (const [env, message, field] of cases) {
      const error = thrown(() => load(ws, {env}))
      expect(error, JSON.stringify(env)).toBeInstanceOf(InvalidDocumentError)
      expect(error.message).toMatch(message)
      expect(error.location.field).toBe(field)
      expect(error.location.path).toBeUndefined()
    }
    expect(thrown(() => load(ws, {env: {PSP_WORKFLOW_STATUSES: '!!set {a}'}}))).toBeInstanceOf(UnsafeInputError)
  })

  it('from .env, are located on their line of .env', () => {
    const ws = s()
    const error = thrown(() => load(ws, {env: {PSP_IDS_LENGTH: '3'}, envFile: {path: '.env', names: ['PSP_IDS_LENGTH'], text: '# mine\nEDITOR=vi\nPSP_IDS_LENGTH=3\n'}}))
    expect(error.location).toMatchObject({path: '.env', line: 3, field: 'ids.length'})
  })
})

describe('flags', () => {
  it('are key=value with a known key', () => {
    expect(parseConfigFlag('workflow.wip={doing: 3}')).toEqual({key: 'workflow.wip', value: '{doing: 3}', flag: '-c workflow.wip'})
    expect(parseConfigFlag('name=a=b').value).toBe('a=b')
    for (const bad of ['name', '=x', '']) expect(thrown(() => parseConfigFlag(bad)), bad).toBeInstanceOf(UsageError)
    expect(thrown(() => parseConfigFlag('colour=red')).message).toContain('"colour"')
  })

  it('are checked like environment values, and cannot set schemaVersion', () => {
    const s = setup('schemaVersion: 1\n')
    const error = thrown(() => load(s, {overrides: [parseConfigFlag('ids.length=abc')]}))
    expect(error.message).toBe('must be integer (-c ids.length)')
    expect(thrown(() => load(s, {overrides: [parseConfigFlag('schemaVersion=1')]}))).toBeInstanceOf(UsageError)
  })
})

describe('checks between keys, on the merged layers', () => {
  it('name the file and line of the offending key, and where the statuses came from', () => {
    const s = setup('schemaVersion: 1\nworkflow:\n  statuses: [backlog, done]\n  default: backlog\n')
    expect(load(s).workflow.default).toBe('backlog')
    const error = thrown(() => load(s, {env: {PSP_WORKFLOW_STATUSES: '[todo, done]'}}))
    expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 4, col: 3, field: 'workflow.default'})
    expect(error.message).toBe('"backlog" is not one of workflow.statuses (todo, done); workflow.statuses from PSP_WORKFLOW_STATUSES')
  })

  it('name the variable or the flag that set the offending key', () => {
    const s = setup('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n')
    const env = thrown(() => load(s, {env: {PSP_WORKFLOW_DONE: '[a, z]'}}))
    expect(env.message).toBe('"z" is not one of workflow.statuses (a, b) (PSP_WORKFLOW_DONE); workflow.statuses from config/settings.yaml:3')
    expect(env.location.field).toBe('workflow.done')
    const flag = thrown(() => load(s, {overrides: [parseConfigFlag('workflow.wip={c: 2}')]}))
    expect(flag.message).toMatch(/^"c" is not one of workflow\.statuses \(a, b\) \(-c workflow\.wip\)/)
    expect(flag.location.field).toBe('workflow.wip.c')
  })

  it('point into the user file', () => {
    const s = setup('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n', '# mine\nworkflow:\n  wip: {a: 1, zz: 2}\n')
    const error = thrown(() => load(s))
    expect(error.location).toMatchObject({path: s.userFile, line: 3, field: 'workflow.wip.zz'})
  })

  it('pass when a higher layer mends a lower one', () => {
    const bad = setup('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  default: c\n')
    expect(thrown(() => load(bad))).toBeInstanceOf(InvalidDocumentError)
    expect(load(bad, {env: {PSP_WORKFLOW_DEFAULT: 'a'}}).workflow.default).toBe('a')
  })
})

describe('the user file', () => {
  it('needs no schemaVersion, but refuses a wrong one and unknown keys with their line', () => {
    expect(load(setup('schemaVersion: 1\n', 'schemaVersion: 1\nname: mine\n')).name).toBe('mine')
    const wrong = setup('schemaVersion: 1\n', 'schemaVersion: 2\n')
    expect(thrown(() => load(wrong)).location).toMatchObject({path: wrong.userFile, line: 1, field: 'schemaVersion'})
    const unknown = setup('schemaVersion: 1\n', 'log:\n  level: warn\n  colour: red\n')
    expect(thrown(() => load(unknown)).location).toMatchObject({path: unknown.userFile, line: 3, col: 3, field: 'log.colour'})
    const broken = setup('schemaVersion: 1\n', 'log: [\n')
    expect(thrown(() => load(broken)).location.path).toBe(broken.userFile)
  })

  it('may be empty or hold only comments', () => {
    expect(load(setup('schemaVersion: 1\n', '')).log.level).toBe('info')
    expect(load(setup('schemaVersion: 1\n', '# nothing yet\n')).log.level).toBe('info')
  })
})

describe('the settings cache with the other layers', () => {
  const CACHE = path.join(LAYOUT.cache, 'settings.json')
  const tamper = (root: string, change: (cache: {settings: {name: string}; layers: {workspace: Record<string, unknown>}}) => void) => {
    const file = path.join(root, CACHE)
    const cache = JSON.parse(fs.readFileSync(file, 'utf8'))
    change(cache)
    fs.writeFileSync(file, JSON.stringify(cache))
  }

  it('is trusted while both files are unchanged, and re-read when the user file changes', () => {
    const s = setup('schemaVersion: 1\nname: ws\n', 'log: {level: warn}\n')
    age(path.join(s.root, SETTINGS_PATH))
    age(s.userFile)
    expect(load(s).log.level).toBe('warn')
    tamper(s.root, (c) => (c.settings.name = 'from-cache'))
    expect(load(s).name).toBe('from-cache')
    // The user file changes: read again.
    fs.writeFileSync(s.userFile, 'log: {level: error}\n')
    age(s.userFile, 30)
    expect(load(s)).toMatchObject({name: 'ws', log: {level: 'error'}})
    // The user file goes away: read again.
    fs.rmSync(s.userFile)
    expect(load(s).log.level).toBe('info')
  })

  it('sees a user file that appears after the cache was written', () => {
    const s = setup('schemaVersion: 1\n')
    age(path.join(s.root, SETTINGS_PATH))
    expect(load(s).log.level).toBe('info')
    expect(fs.existsSync(path.join(s.root, CACHE))).toBe(true)
    writeFile(path.dirname(s.userFile), 'settings.yaml', 'log: {level: warn}\n')
    expect(load(s).log.level).toBe('warn')
  })

  it('layers the environment and flags over the cached file layers', () => {
    const s = setup('schemaVersion: 1\nname: ws\nids: {length: 12}\n')
    age(path.join(s.root, SETTINGS_PATH))
    load(s)
    tamper(s.root, (c) => (c.layers.workspace['name'] = 'from-cache'))
    const settings = load(s, {env: {PSP_LOG_LEVEL: 'debug'}})
    expect(settings).toMatchObject({name: 'from-cache', ids: {length: 12}, log: {level: 'debug'}})
    // A bad value is refused on the cached path too.
    expect(thrown(() => load(s, {env: {PSP_LOG_LEVEL: 'loud'}})).message).toContain('PSP_LOG_LEVEL')
    // A cross-check failing on the cached path still points at the file's line.
    fs.writeFileSync(path.join(s.root, SETTINGS_PATH), 'schemaVersion: 1\nname: ws\nworkflow:\n  default: todo\n')
    age(path.join(s.root, SETTINGS_PATH))
    load(s)
    const error = thrown(() => load(s, {env: {PSP_WORKFLOW_STATUSES: '[a]'}}))
    expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 4})
  })
})

describe('readLogSettings', () => {
  it('follows flags > environment > workspace > user > defaults', () => {
    const s = setup('schemaVersion: 1\nlog:\n  level: warn\n  keep: 4\n', 'log: {level: error, keep: 5, max_bytes: 4096}\n')
    const read = (inputs: Parameters<typeof readLogSettings>[1] = {}) => readLogSettings(s.root, {env: {}, userFile: s.userFile, ...inputs})
    expect(read()).toEqual({level: 'warn', keep: 4, max_bytes: 4096})
    expect(read({userFile: null})).toEqual({level: 'warn', keep: 4, max_bytes: 1024 * 1024})
    expect(read({env: {PSP_LOG_LEVEL: 'debug', PSP_LOG_KEEP: '7'}})).toEqual({level: 'debug', keep: 7, max_bytes: 4096})
    expect(read({env: {PSP_LOG_LEVEL: 'debug'}, overrides: [{key: 'log.level', value: 'trace'}]}).level).toBe('trace')
  })

  it('is tolerant: a broken file or a bad value falls through to the layer below', () => {
    const s = setup('schemaVersion: 1\nlog: [broken\n', 'log: {level: error}\n')
    expect(readLogSettings(s.root, {env: {}, userFile: s.userFile}).level).toBe('error')
    expect(readLogSettings(s.root, {env: {PSP_LOG_LEVEL: 'loud', PSP_LOG_KEEP: '99'}, userFile: s.userFile})).toEqual({level: 'error', keep: 3, max_bytes: 1024 * 1024})
    expect(readLogSettings(s.root, {env: {}, userFile: path.join(s.root, 'missing.yaml')}).level).toBe('info')
  })
})
