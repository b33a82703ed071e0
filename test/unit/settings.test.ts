import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  defaultSettings,
  InvalidDocumentError,
  loadSettings,
  SETTINGS_PATH,
  settingsTemplate,
  UnsafeInputError,
  withDefaults,
  Workspace,
  WorkspaceNotFoundError,
} from '@psp/core'
import {makeWorkspace, thrown, useTempDirs, writeFile} from './_helpers.js'

const tempDir = useTempDirs()

/** A folder holding only config/settings.yaml with `text`. */
function settingsDir(text: string): string {
  const dir = tempDir()
  writeFile(dir, SETTINGS_PATH, text)
  return dir
}

describe('defaultSettings', () => {
  it('documents every default', () => {
    expect(defaultSettings('ws')).toEqual({
      schemaVersion: 1,
      name: 'ws',
      workflow: {statuses: ['todo', 'in-progress', 'review', 'done'], default: 'todo', done: ['done'], wip: {}, wip_policy: 'warn'},
      priorities: ['low', 'medium', 'high', 'critical'],
      ids: {length: 10, prefixes: {task: 'task', project: 'proj', milestone: 'ms', note: 'note', decision: 'dec'}},
      limits: {max_document_bytes: 1024 * 1024},
      log: {level: 'info', max_bytes: 1024 * 1024, keep: 3},
      git: {auto_commit: false},
    })
  })

  it('returns a fresh object each time', () => {
    const a = defaultSettings()
    a.workflow.statuses.push('x')
    a.ids.prefixes['task'] = 't'
    expect(defaultSettings().workflow.statuses).not.toContain('x')
    expect(defaultSettings().ids.prefixes['task']).toBe('task')
  })
})

describe('withDefaults', () => {
  it('fills in every key left out', () => {
    expect(withDefaults({}, 'fallback')).toEqual(defaultSettings('fallback'))
  })

  it('derives the default status and the done statuses from custom statuses', () => {
    const s = withDefaults({workflow: {statuses: ['open', 'closed']}}, 'x')
    expect(s.workflow).toEqual({statuses: ['open', 'closed'], default: 'open', done: ['closed'], wip: {}, wip_policy: 'warn'})
    expect(withDefaults({workflow: {statuses: ['a', 'done', 'z']}}, 'x').workflow.done).toEqual(['done'])
  })

  it('merges id prefixes with the defaults', () => {
    const s = withDefaults({ids: {prefixes: {task: 't', bug: 'bug'}}}, 'x')
    expect(s.ids.prefixes).toMatchObject({task: 't', bug: 'bug', project: 'proj'})
    expect(s.ids.length).toBe(10)
  })
})

describe('loadSettings', () => {
  it('reads the file psp init writes as the defaults', () => {
    const dir = settingsDir(settingsTemplate('my-ws'))
    expect(loadSettings(dir)).toEqual(defaultSettings('my-ws'))
  })

  it('names the workspace after its folder when settings leave the name out', () => {
    const dir = settingsDir('schemaVersion: 1\n')
    expect(loadSettings(dir)).toEqual(defaultSettings(path.basename(dir)))
  })

  it('reads custom values', () => {
    const dir = settingsDir(
      [
        'schemaVersion: 1',
        'name: Team',
        'workflow:',
        '  statuses: [backlog, doing, shipped]',
        '  default: backlog',
        '  done: [shipped]',
        'ids:',
        '  length: 12',
        '  prefixes: {task: t}',
        'limits: {max_document_bytes: 2048}',
        'git: {auto_commit: true}',
        '',
      ].join('\n'),
    )
    const s = loadSettings(dir)
    expect(s.name).toBe('Team')
    expect(s.workflow).toEqual({statuses: ['backlog', 'doing', 'shipped'], default: 'backlog', done: ['shipped'], wip: {}, wip_policy: 'warn'})
    expect(s.ids).toEqual({length: 12, prefixes: {...defaultSettings().ids.prefixes, task: 't'}})
    expect(s.limits.max_document_bytes).toBe(2048)
    expect(s.git.auto_commit).toBe(true)
  })

  it('reports an unknown top-level key with its line and column', () => {
    const dir = settingsDir('schemaVersion: 1\nname: x\n\n# colour of the board\ncolour: red\n')
    const error = thrown(() => loadSettings(dir))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.location).toEqual({path: SETTINGS_PATH, line: 5, col: 1, field: 'colour'})
  })

  it('names an unknown nested key by its dotted path', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  statusez: [c]\n')
    const error = thrown(() => loadSettings(dir))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.field).toBe('workflow.statusez')
    expect(error.location.line).toBeGreaterThanOrEqual(2)
  })

  it('points an unknown nested key at its own line', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  statusez: [c]\n')
    expect(thrown(() => loadSettings(dir)).location).toMatchObject({line: 4, col: 3})
  })

  it('points a workflow.default that is not a status at its own line', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  default: c\n')
    expect(thrown(() => loadSettings(dir)).location).toMatchObject({line: 4, col: 3, field: 'workflow.default'})
  })

  it('reports a value of the wrong type with its field', () => {
    const dir = settingsDir('schemaVersion: 1\nname: x\nids:\n  length: ten\n')
    const error = thrown(() => loadSettings(dir))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: SETTINGS_PATH, field: 'ids.length', line: 4, col: 3})
  })

  it('reports an unknown log level', () => {
    const dir = settingsDir('schemaVersion: 1\nlog:\n  level: loud\n')
    expect(thrown(() => loadSettings(dir)).location).toMatchObject({field: 'log.level', line: 3, col: 3})
  })

  it('refuses a workflow.default that is not one of the statuses', () => {
    const dir = settingsDir('schemaVersion: 1\nname: x\nworkflow:\n  statuses: [a, b]\n  default: c\n')
    const error = thrown(() => loadSettings(dir))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toContain('"c" is not one of workflow.statuses (a, b)')
    expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 5, col: 3, field: 'workflow.default'})
  })

  it('refuses a done status that is not one of the statuses', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  statuses: [a, b]\n  done: [z]\n')
    const error = thrown(() => loadSettings(dir))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toContain('"z"')
  })

  it('refuses the default statuses’ "todo" when custom statuses drop it', () => {
    const dir = settingsDir('schemaVersion: 1\nworkflow:\n  statuses: [open, closed]\n  default: todo\n')
    expect(() => loadSettings(dir)).toThrow(InvalidDocumentError)
  })

  it('requires schemaVersion 1', () => {
    expect(thrown(() => loadSettings(settingsDir('name: x\n'))).message).toContain('schemaVersion')
    expect(thrown(() => loadSettings(settingsDir(''))).message).toContain('schemaVersion')
    const error = thrown(() => loadSettings(settingsDir('schemaVersion: 2\n')))
    expect(error.location).toMatchObject({field: 'schemaVersion', line: 1})
  })

  it('refuses invalid YAML with a line', () => {
    const error = thrown(() => loadSettings(settingsDir('schemaVersion: 1\nworkflow: [\n')))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.path).toBe(SETTINGS_PATH)
    expect(error.location.line).toBeTypeOf('number')
  })

  it('refuses YAML tags', () => {
    const error = thrown(() => loadSettings(settingsDir('schemaVersion: 1\nname: !foo x\n')))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.location).toMatchObject({path: SETTINGS_PATH, line: 2})
  })

  it('refuses duplicate keys', () => {
    expect(() => loadSettings(settingsDir('schemaVersion: 1\nname: a\nname: b\n'))).toThrow(InvalidDocumentError)
  })
})

describe('Workspace', () => {
  it('opens from any subfolder by walking up to config/settings.yaml', async () => {
    const dir = tempDir()
    await makeWorkspace(dir)
    const deep = path.join(dir, 'data', 'projects')
    const ws = Workspace.open(deep)
    expect(ws.root).toBe(dir)
    expect(ws.settings.name).toBe(path.basename(dir))
    expect(ws.resolve('data/tasks/x.md')).toBe(path.join(dir, 'data', 'tasks', 'x.md'))
  })

  it('reports a folder outside any workspace as WorkspaceNotFoundError', () => {
    const error = thrown(() => Workspace.open(tempDir()))
    expect(error).toBeInstanceOf(WorkspaceNotFoundError)
    expect(error.code).toBe('NO_WORKSPACE')
    expect(error.exitCode).toBe(3)
    expect(error.hint).toMatch(/psp init/)
  })

  it('uses configured id prefixes and falls back to the type name', async () => {
    const dir = tempDir()
    writeFile(dir, SETTINGS_PATH, 'schemaVersion: 1\nids:\n  prefixes: {task: t}\n')
    const ws = Workspace.open(dir)
    expect(ws.prefixOf('task')).toBe('t')
    expect(ws.prefixOf('milestone')).toBe('ms')
    expect(ws.prefixOf('bug')).toBe('bug')
  })
})
