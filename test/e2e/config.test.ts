/**
 * `psp config get|set|unset|list|validate` through the real CLI, and the precedence of the
 * configuration layers as every command sees them: -c flags > environment > .env > workspace
 * config/settings.yaml > the user's settings file > defaults. Each test points XDG_CONFIG_HOME
 * into its own temp folder, so that no one's real user settings take part.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {changedPaths, cleanup, json, makeWorkspace, psp, snapshotFiles, tempDir, type RunResult} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, show} from './support.js'
import {lineDiff} from '../helpers/line-diff.js'

const made: string[] = []
afterAll(() => made.forEach(cleanup))

/** A fresh workspace and a user config folder of its own (not created yet). */
function fresh(): {ws: string; xdg: string; userFile: string; run: (args: string[], env?: Record<string, string | undefined>) => RunResult} {
  const ws = makeWorkspace()
  const xdg = tempDir('psp-xdg-')
  made.push(ws, xdg)
  const userFile = path.join(xdg, 'psp', 'settings.yaml')
  return {ws, xdg, userFile, run: (args, env = {}) => psp(args, {cwd: ws, env: {XDG_CONFIG_HOME: xdg, ...env}})}
}

const settingsOf = (ws: string) => fs.readFileSync(path.join(ws, 'config', 'settings.yaml'), 'utf8')

describe('psp config get and list', () => {
  let s: ReturnType<typeof fresh>
  beforeAll(() => {
    s = fresh()
  })

  it('get prints the effective value, as YAML a set would read back', () => {
    expect(ok(s.run(['config', 'get', 'workflow.statuses'])).stdout).toBe('[todo, in-progress, review, done]\n')
    expect(ok(s.run(['config', 'get', 'log.level'])).stdout).toBe('info\n')
    expect(ok(s.run(['config', 'get', 'ids.length', '--show-origin'])).stdout).toMatch(/^workspace:config\/settings\.yaml:\d+\t10\n$/)
    expect(ok(s.run(['config', 'get', 'workflow.default', '--show-origin'])).stdout).toMatch(/^workspace:config\/settings\.yaml:\d+\ttodo\n$/)
    expect(ok(s.run(['config', 'get', 'log.keep', '--show-origin'])).stdout).toBe('default\t3\n')
    expect(json(ok(s.run(['config', 'get', 'workflow.wip', '--json'])))).toEqual({
      key: 'workflow.wip',
      value: {},
      origin: {layer: 'workspace', path: 'config/settings.yaml', line: expect.any(Number), col: 3},
    })
  })

  it('list prints every key once as key=value, and --json with origins', () => {
    const lines = ok(s.run(['config', 'list'])).stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(15)
    for (const line of lines) expect(line).toMatch(/^[a-zA-Z_.]+=\S/)
    expect(lines).toContain('workflow.statuses=[todo, in-progress, review, done]')
    expect(lines).toContain('ids.prefixes={task: task, project: proj, milestone: ms, note: note, decision: dec}')
    // Every line reads back: given back as -c flags, the values come out the same, now from the flags.
    const flags = lines.filter((l) => !l.startsWith('schemaVersion=')).flatMap((l) => ['-c', l])
    const again = ok(s.run(['config', 'list', '--show-origin', ...flags])).stdout.trimEnd().split('\n')
    expect(again.slice(1)).toEqual(lines.slice(1).map((l) => `flag:-c ${l.slice(0, l.indexOf('='))}\t${l}`))
    const entries = json<{key: string; value: unknown; origin: {layer: string}}[]>(ok(s.run(['config', 'list', '--json'])))
    expect(entries.map((e) => e.key)).toContain('git.auto_commit')
    expect(entries.find((e) => e.key === 'log.max_bytes')).toEqual({key: 'log.max_bytes', value: 1048576, origin: {layer: 'default'}})
    const shown = ok(s.run(['config', 'list', '--show-origin'], {PSP_LOG_LEVEL: 'warn'})).stdout
    expect(shown).toContain('env:PSP_LOG_LEVEL\tlog.level=warn\n')
    expect(shown).toContain('default\tlog.keep=3\n')
  })
})

describe('precedence: flag > environment > .env > workspace > user > default', () => {
  it('holds for every adjacent pair of layers, in config get and in what commands do', () => {
    const s = fresh()
    const get = (env: Record<string, string> = {}, flags: string[] = []) => ok(s.run(['config', 'get', 'ids.length', '--show-origin', ...flags], env)).stdout.trim()
    // The workspace file psp init writes sets every key: take ids.length out of it.
    ok(s.run(['config', 'unset', 'ids.length']))
    expect(get()).toBe('default\t10')
    ok(s.run(['config', 'set', 'ids.length', '11', '--user']))
    expect(get()).toMatch(new RegExp(`^user:${s.userFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+\\t11$`))
    ok(s.run(['config', 'set', 'ids.length', '12']))
    expect(get()).toMatch(/^workspace:config\/settings\.yaml:\d+\t12$/)
    fs.writeFileSync(path.join(s.ws, '.env'), '# mine\nPSP_IDS_LENGTH=13\n')
    expect(get()).toBe('env:.env:2:PSP_IDS_LENGTH\t13')
    expect(get({PSP_IDS_LENGTH: '14'})).toBe('env:PSP_IDS_LENGTH\t14')
    expect(get({PSP_IDS_LENGTH: '14'}, ['-c', 'ids.length=15'])).toBe('flag:-c ids.length\t15')
    // What a command does follows the same order: the random part of a new id.
    const idLength = (env: Record<string, string> = {}, flags: string[] = []) =>
      (json<{id: string}>(ok(s.run(['task', 'add', 'x', '--json', ...flags], env))).id.split('-')[1] ?? '').length
    expect(idLength()).toBe(13)
    expect(idLength({PSP_IDS_LENGTH: '14'})).toBe(14)
    expect(idLength({PSP_IDS_LENGTH: '14'}, ['-c', 'ids.length=15'])).toBe(15)
    fs.rmSync(path.join(s.ws, '.env'))
    expect(idLength()).toBe(12)
    ok(s.run(['config', 'unset', 'ids.length']))
    expect(idLength()).toBe(11)
    ok(s.run(['config', 'unset', 'ids.length', '--user']))
    expect(idLength()).toBe(10)
  })

  it('merges per key: a user default applies where the workspace says nothing', () => {
    const s = fresh()
    ok(s.run(['config', 'unset', 'workflow.wip_policy']))
    ok(s.run(['config', 'set', 'workflow.wip_policy', 'refuse', '--user']))
    ok(s.run(['config', 'set', 'workflow.wip', '{in-progress: 1}']))
    expect(ok(s.run(['config', 'get', 'workflow.wip_policy'])).stdout).toBe('refuse\n')
    const a = json<{id: string}>(ok(s.run(['task', 'add', 'a', '--json'])))
    const b = json<{id: string}>(ok(s.run(['task', 'add', 'b', '--json'])))
    ok(s.run(['task', 'move', a.id, 'in-progress']))
    // refuse (from the user file) with the limit (from the workspace): the move is refused.
    expectError(s.run(['task', 'move', b.id, 'in-progress']), 7, /WIP limit/)
    // A flag wins over both for this run only.
    ok(s.run(['task', 'move', b.id, 'in-progress', '-c', 'workflow.wip_policy=warn']))
  })

  it('decides the run log level too: flag > environment > workspace > user', () => {
    const s = fresh()
    const log = path.join(s.ws, 'data', 'cache', 'logs', 'psp.log')
    const count = () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).length : 0)
    const logged = (args: string[], env: Record<string, string> = {}) => {
      const before = count()
      ok(s.run(args, env))
      return count() - before
    }
    ok(s.run(['config', 'unset', 'log.level']))
    ok(s.run(['config', 'set', 'log.level', 'silent', '--user']))
    expect(logged(['task', 'list'])).toBe(0)
    ok(s.run(['config', 'set', 'log.level', 'info']))
    expect(logged(['task', 'list'])).toBe(1)
    expect(logged(['task', 'list'], {PSP_LOG_LEVEL: 'silent'})).toBe(0)
    expect(logged(['task', 'list', '-c', 'log.level=info'], {PSP_LOG_LEVEL: 'silent'})).toBe(1)
    expect(logged(['task', 'list', '-c', 'log.level=silent'])).toBe(0)
    expect(logged(['task', 'list', '-c', 'log.level=silent', '--log-level', 'info'])).toBe(1)
    // A failing command (broken settings) is still logged by the same rules.
    fs.appendFileSync(path.join(s.ws, 'config', 'settings.yaml'), 'colour: red\n')
    const before = count()
    expectError(s.run(['task', 'list'], {PSP_LOG_LEVEL: 'error'}), 6)
    expect(count() - before).toBe(1)
    expectError(s.run(['task', 'list', '-c', 'log.level=silent'], {PSP_LOG_LEVEL: 'error'}), 6)
    expect(count() - before).toBe(1)
  })
})

describe('psp config set and unset', () => {
  it('set changes only the lines of the key, keeping comments and order (by line diff)', () => {
    const s = fresh()
    const original = settingsOf(s.ws)
    expect(original).toMatch(/^# psp workspace settings/)
    let expected = original
    const step = (args: string[], removed: string[], added: string[]) => {
      const result = ok(s.run(['config', ...args]))
      const now = settingsOf(s.ws)
      expect(lineDiff(expected, now), show(result)).toEqual({removed, added})
      expected = now
    }
    step(['set', 'workflow.statuses', '[backlog, doing, done]', '-c', 'workflow.default=backlog'], ['  statuses: [todo, in-progress, review, done]'], ['  statuses: [backlog, doing, done]'])
    step(['set', 'workflow.default', 'backlog'], ['  default: todo'], ['  default: backlog'])
    step(['set', 'workflow.wip', '{doing: 3}'], ['  wip: {}'], ['  wip: {doing: 3}'])
    step(['set', 'ids.prefixes', '{task: t}'], [], ['  prefixes: {task: t}'])
    step(['set', 'git.auto_commit', 'true'], ['  auto_commit: false'], ['  auto_commit: true'])
    step(['set', 'name', 'Community', 'garden'], [`name: "${path.basename(s.ws)}"`], ['name: "Community garden"'])
    step(['unset', 'workflow.wip'], ['  wip: {doing: 3}'], [])
    step(['unset', 'log.level'], ['log:', '  level: info'], ['log: {}'])
    // Every comment line of the original is still there, in order.
    const comments = original.split('\n').filter((l) => l.trim().startsWith('#'))
    expect(expected.split('\n').filter((l) => l.trim().startsWith('#'))).toEqual(comments)
    expect(ok(s.run(['config', 'get', 'name'])).stdout).toBe('Community garden\n')
  })

  it('prints what it did, and --json the change', () => {
    const s = fresh()
    expect(ok(s.run(['config', 'set', 'ids.length', '12'])).stdout).toBe('config/settings.yaml: ids.length = 12\n')
    expect(ok(s.run(['config', 'set', 'ids.length', '12'])).stdout).toBe('config/settings.yaml: ids.length is already 12 (nothing changed)\n')
    expect(json(ok(s.run(['config', 'set', 'ids.length', '14', '--json'])))).toEqual({key: 'ids.length', value: 14, file: 'config/settings.yaml', changed: true, created: false})
    expect(ok(s.run(['config', 'unset', 'git.auto_commit'])).stdout).toBe('config/settings.yaml: removed git.auto_commit\n')
    expect(ok(s.run(['config', 'unset', 'git.auto_commit'])).stdout).toBe('config/settings.yaml: git.auto_commit is not set there (nothing changed)\n')
    const overridden = ok(s.run(['config', 'set', 'log.level', 'warn'], {PSP_LOG_LEVEL: 'error'}))
    expect(overridden.stderr).toBe('Warning: PSP_LOG_LEVEL sets log.level too, and wins (psp config get log.level --show-origin)\n')
  })

  it('--user creates the user file with a header, in XDG_CONFIG_HOME', () => {
    const s = fresh()
    const result = ok(s.run(['config', 'set', 'priorities', '[p3, p2, p1]', '--user']))
    expect(result.stdout).toBe(`${s.userFile}: priorities = [p3, p2, p1]\n`)
    const text = fs.readFileSync(s.userFile, 'utf8')
    expect(text).toMatch(/^# psp user settings/)
    expect(text.endsWith('\npriorities: [p3, p2, p1]\n')).toBe(true)
    // The workspace sets priorities itself, and wins.
    expect(result.stderr).toMatch(/^Warning: config\/settings\.yaml:\d+ sets priorities too, and wins/)
    // It works outside any workspace as well.
    const outside = tempDir()
    made.push(outside)
    ok(psp(['config', 'set', 'log.keep', '5', '--user'], {cwd: outside, env: {XDG_CONFIG_HOME: s.xdg}}))
    expect(ok(psp(['config', 'get', 'log.keep', '--show-origin'], {cwd: outside, env: {XDG_CONFIG_HOME: s.xdg}})).stdout).toMatch(/^user:.*:\d+\t5\n$/)
    expectError(psp(['config', 'set', 'log.keep', '5'], {cwd: outside, env: {XDG_CONFIG_HOME: s.xdg}}), 3, /not inside a psp workspace/)
  })
})

describe('psp config validate', () => {
  it('exits 0 on a clean configuration', () => {
    const s = fresh()
    const result = ok(s.run(['config', 'validate']))
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('config/settings.yaml, environment checked: no problems\n')
    expect(json(ok(s.run(['config', 'validate', '--json'])))).toEqual({ok: true, checked: ['config/settings.yaml', 'environment'], problems: []})
  })

  it('reports every problem of every source with file and line, and exits 1', () => {
    const s = fresh()
    fs.mkdirSync(path.dirname(s.userFile), {recursive: true})
    fs.writeFileSync(s.userFile, 'log:\n  level: loud\n')
    fs.writeFileSync(path.join(s.ws, 'config', 'settings.yaml'), 'schemaVersion: 1\ncolour: red\nids:\n  length: 3\n')
    fs.writeFileSync(path.join(s.ws, '.env'), 'PSP_PRIORITIES=[a, a]\n')
    const before = snapshotFiles(s.ws)
    const result = s.run(['config', 'validate', '-c', 'git.auto_commit=maybe'], {PSP_WORKFLOW_WIP: '{doing: 0}'})
    expect(result.code, show(result)).toBe(1)
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${s.userFile}:2:3: log.level: must be one of: trace, debug, info, warn, error, fatal, silent`,
      'config/settings.yaml:2:1: colour: unknown setting (docs/configuration.md lists them all)',
      'config/settings.yaml:4:3: ids.length: must be >= 6',
      'workflow.wip.doing: must be >= 1 (PSP_WORKFLOW_WIP)',
      '.env:1: priorities: must NOT have duplicate items (items ## 1 and 0 are identical) (PSP_PRIORITIES)',
      'git.auto_commit: must be boolean (-c git.auto_commit)',
    ])
    expect(result.stderr).toBe(`${s.userFile}, config/settings.yaml, .env, environment, flags checked: 6 problems\n`)
    expect(changedPaths(before, snapshotFiles(s.ws))).toEqual([])
  })
})

describe('bad input: one Error line, a documented exit code, nothing changed', () => {
  let s: ReturnType<typeof fresh>
  beforeAll(() => {
    s = fresh()
    ok(s.run(['config', 'set', 'log.keep', '4', '--user']))
  })

  const cases: [string, string[], number, RegExp, Record<string, string>?][] = [
    ['unknown key', ['config', 'get', 'colour'], 2, /^Error: unknown setting "colour"$/],
    ['unknown key to set', ['config', 'set', 'colour', 'red'], 2, /unknown setting "colour"/],
    ['unknown key to unset', ['config', 'unset', 'colour', '--user'], 2, /unknown setting "colour"/],
    ['a section', ['config', 'get', 'workflow'], 2, /"workflow" is a section, not a setting/],
    ['a key inside a map', ['config', 'set', 'workflow.wip.doing', '3'], 2, /workflow\.wip is a map/],
    ['a path trick', ['config', 'set', '../x', '1'], 2, /unknown setting "\.\.\/x"/],
    ['__proto__', ['config', 'set', '__proto__', '{}'], 2, /unknown setting "__proto__"/],
    ['__proto__ inside', ['config', 'set', 'log.__proto__.level', 'x'], 2, /unknown setting/],
    ['constructor', ['config', 'get', 'constructor'], 2, /unknown setting "constructor"/],
    ['an empty key', ['config', 'get', ''], 2, /unknown setting ""/],
    ['a value out of range', ['config', 'set', 'ids.length', '3'], 6, /^Error: ids\.length: must be >= 6$/],
    ['a value of the wrong type', ['config', 'set', 'git.auto_commit', 'maybe'], 6, /git\.auto_commit: must be boolean/],
    ['a value that is no YAML', ['config', 'set', 'workflow.wip', '{doing: 3'], 6, /workflow\.wip: not a YAML value/],
    ['a YAML tag', ['config', 'set', 'workflow.statuses', '!!set {a}'], 8, /YAML tags are refused/],
    ['a value breaking the whole', ['config', 'set', 'workflow.default', 'nope'], 6, /^Error: config\/settings\.yaml:\d+:3: workflow\.default: "nope" is not one of workflow\.statuses/],
    ['statuses dropping the default', ['config', 'set', 'workflow.statuses', '[a, b]'], 6, /^Error: config\/settings\.yaml:\d+:3: workflow\.default: "todo" is not one of workflow\.statuses \(a, b\)$/],
    ['the user file cannot hold schemaVersion', ['config', 'set', 'schemaVersion', '1', '--user'], 2, /schemaVersion: can only be set in config\/settings\.yaml/],
    ['a missing value', ['config', 'set', 'ids.length'], 2, /Missing 1 required arg/],
    ['a missing key', ['config', 'get'], 2, /Missing 1 required arg/],
    ['an unknown flag', ['config', 'list', '--bogus'], 2, /Nonexistent flag: --bogus/],
    ['a -c without =', ['config', 'list', '-c', 'ids.length'], 2, /-c expects key=value, got "ids\.length"/],
    ['a -c with an unknown key', ['task', 'list', '-c', 'colour=red'], 2, /unknown setting "colour"/],
    ['a -c with a bad value', ['task', 'list', '-c', 'ids.length=abc'], 6, /^Error: ids\.length: must be integer \(-c ids\.length\)$/],
    ['a bad environment value', ['task', 'list'], 6, /^Error: log\.level: must be one of: .* \(PSP_LOG_LEVEL\)$/, {PSP_LOG_LEVEL: 'loud'}],
    ['a bad environment value for config', ['config', 'get', 'name'], 6, /\(PSP_WORKFLOW_WIP\)$/, {PSP_WORKFLOW_WIP: '[doing]'}],
    ['an environment value breaking the whole', ['task', 'list'], 6, /workflow\.default: "todo" is not one of workflow\.statuses \(a, b\); workflow\.statuses from PSP_WORKFLOW_STATUSES$/, {PSP_WORKFLOW_STATUSES: '[a, b]'}],
  ]
  it.each(cases)('%s', (_name, args, code, message, env) => {
    const before = snapshotFiles(s.ws)
    const user = fs.readFileSync(s.userFile, 'utf8')
    expectError(s.run(args, env), code, message)
    expect(changedPaths(before, snapshotFiles(s.ws))).toEqual([])
    expect(fs.readFileSync(s.userFile, 'utf8')).toBe(user)
  })

  it('--json errors are one JSON line', () => {
    const error = expectJsonError(s.run(['config', 'set', 'ids.length', '3', '--json']), 6, 'INVALID_DOCUMENT')
    expect(error).toMatchObject({field: 'ids.length', message: 'must be >= 6'})
    expectJsonError(s.run(['config', 'get', 'nope', '--json']), 2, 'USAGE')
  })

  it('a malformed settings.yaml stops get, list and set, and is left as it was', () => {
    const w = fresh()
    const file = path.join(w.ws, 'config', 'settings.yaml')
    fs.writeFileSync(file, 'schemaVersion: 1\nworkflow: [\n')
    const before = snapshotFiles(w.ws)
    for (const args of [['config', 'get', 'name'], ['config', 'list'], ['config', 'set', 'log.level', 'debug'], ['config', 'unset', 'log.level']]) {
      expectError(w.run(args), 6, /^Error: config\/settings\.yaml:\d+:\d+: invalid YAML/)
    }
    expect(changedPaths(before, snapshotFiles(w.ws))).toEqual([])
    const validate = w.run(['config', 'validate'])
    expect(validate.code).toBe(1)
    expect(validate.stdout).toMatch(/^config\/settings\.yaml:\d+:\d+: invalid YAML/)
  })

  it('a malformed user file is named with its path', () => {
    const w = fresh()
    fs.mkdirSync(path.dirname(w.userFile), {recursive: true})
    fs.writeFileSync(w.userFile, 'log: {level: [\n')
    expectError(w.run(['task', 'list']), 6, new RegExp(`^Error: ${w.userFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: invalid YAML`))
  })
})

describe('start-up cost', () => {
  it('a warm command loads neither the YAML parser nor the settings validator, with or without a user file', () => {
    const s = fresh()
    ok(s.run(['config', 'set', 'log.keep', '4', '--user']))
    const hook = path.join(s.xdg, 'modules-hook.cjs')
    const out = path.join(s.xdg, 'modules.txt')
    fs.writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, Object.keys(require.cache).join('\\n')))\n`)
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(path.join(s.ws, 'config', 'settings.yaml'), old, old)
    fs.utimesSync(s.userFile, old, old)
    const loaded = (env: Record<string, string> = {}) => {
      ok(s.run(['task', 'list'], {NODE_OPTIONS: `--require ${hook}`, ...env}))
      return fs.readFileSync(out, 'utf8').split('\n')
    }
    loaded()
    const warm = loaded()
    expect(warm.some((m) => m.includes(`${path.sep}validators${path.sep}`))).toBe(false)
    expect(warm.some((m) => /node_modules[\\/](yaml|js-yaml|ajv)[\\/]/.test(m))).toBe(false)
    // A variable that sets a value must be checked: then the validator is loaded.
    expect(loaded({PSP_IDS_LENGTH: '12'}).some((m) => m.includes(`${path.sep}validators${path.sep}`))).toBe(true)
  })
})
