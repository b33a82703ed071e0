/**
 * Output as scripts see it: 10,000 ids through a slow pipe arrive complete, a closed pipe is no
 * error, NO_COLOR (also on a terminal), help and version, --json on every command, and the run
 * log in data/cache/logs/psp.log.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, changedPaths, cleanup, cliEnv, json, makeWorkspace, psp, REPO_ROOT, snapshotFiles, type RunResult} from '../helpers/cli.js'
import {add, expectError, ok, show, unchanged} from './support.js'

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const PSP_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {version: string}).version
const ESC = '\u001b'

/** The n-th id in a fixed order: `task-` and 10 Crockford base32 digits (as psp mints them). */
function taskId(n: number): string {
  let digits = ''
  for (let i = 0, rest = n * 7919 + 12345; i < 10; i++, rest = Math.floor(rest / 32)) digits = ALPHABET[rest % 32] + digits
  return `task-${digits}`
}

/** Runs a shell pipeline with the environment psp runs under in every test. */
function shell(script: string, cwd: string, env: Record<string, string | undefined> = {}): RunResult {
  const result = spawnSync('bash', ['-c', script], {cwd, env: cliEnv(env), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024})
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
const pspCommand = (args: string[]) => [process.execPath, BIN, ...args].map(quote).join(' ')

describe('10,000 tasks through a pipe', () => {
  let ws: string
  const ids: string[] = []
  beforeAll(() => {
    ws = makeWorkspace()
    const dir = path.join(ws, 'data', 'tasks')
    fs.mkdirSync(dir, {recursive: true})
    for (let n = 0; n < 10_000; n++) {
      const id = taskId(n)
      ids.push(id)
      fs.writeFileSync(path.join(dir, `${id}-task-${n}.md`), `---\nid: ${id}\ntype: task\ntitle: Task ${n}\nstatus: ${n % 3 === 0 ? 'done' : 'todo'}\n---\n`)
    }
    ids.sort()
    expect(new Set(ids).size).toBe(10_000)
  })
  afterAll(() => cleanup(ws))

  it('`psp task list --format ids` into a slow reader arrives complete and in id order', () => {
    // The reader starts late, so psp fills the pipe and must wait for it instead of exiting early.
    const result = shell(`set -o pipefail; ${pspCommand(['task', 'list', '--format', 'ids'])} | (sleep 1; cat) > ids.txt`, ws)
    expect(result.code, show(result)).toBe(0)
    expect(result.stderr).toBe('')
    const text = fs.readFileSync(path.join(ws, 'ids.txt'), 'utf8')
    fs.rmSync(path.join(ws, 'ids.txt'))
    expect(text.endsWith('\n')).toBe(true)
    const lines = text.slice(0, -1).split('\n')
    expect(lines.length).toBe(10_000)
    expect(lines).toEqual(ids)
  })

  it('a reader that stops early is not an error', () => {
    const result = shell(`${pspCommand(['task', 'list', '--status', 'todo'])} 2>err.txt | head -n 2; echo "psp exit: \${PIPESTATUS[0]}"`, ws)
    const stderr = fs.readFileSync(path.join(ws, 'err.txt'), 'utf8')
    fs.rmSync(path.join(ws, 'err.txt'))
    expect(result.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS/)
    expect(result.stdout).toMatch(/psp exit: (0|141)\n$/)
    expect(stderr).toBe('')
  })
})

describe('colour', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
    add(ws, 'task', 'Something')
  })
  afterAll(() => cleanup(ws))

  const commands = [['--help'], ['task', '--help'], ['task', 'add', '--help'], ['task', 'list'], ['task', 'show', 'zzzz'], ['task', 'add'], ['tsak', 'list'], ['validate'], ['schema', 'list'], ['--version'], ['task', 'list', '--bogus']]

  it('NO_COLOR: no ANSI escape in any output, whatever the command', () => {
    for (const args of commands) {
      const result = psp(args, {cwd: ws, env: {NO_COLOR: '1', FORCE_COLOR: undefined}})
      expect(result.stdout + result.stderr, args.join(' ')).not.toContain(ESC)
    }
  })

  // On a terminal (a pseudo-terminal from util-linux `script`), help is coloured unless NO_COLOR is set.
  const hasScript = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0
  it.skipIf(!hasScript)('NO_COLOR is respected on a terminal too', () => {
    const onTerminal = (args: string[], env: Record<string, string | undefined>) =>
      // CI=true (set by CI runners) makes the colour library turn colour off by itself; the
      // control run must show that NO_COLOR, not CI, is what removes it.
      shell(`script -qec ${quote(pspCommand(args))} /dev/null < /dev/null`, ws, {FORCE_COLOR: undefined, CI: undefined, ...env})
    const coloured = onTerminal(['--help'], {NO_COLOR: undefined})
    expect(coloured.stdout, 'control: help is coloured on a terminal').toContain(ESC)
    for (const args of [['--help'], ['task', '--help'], ['task', 'list'], ['task', 'show', 'zzzz'], ['validate']]) {
      const result = onTerminal(args, {NO_COLOR: '1'})
      expect(result.stdout, args.join(' ')).not.toContain(ESC)
    }
  })

  it.skipIf(!hasScript)('on a narrow terminal table lines are cut to its width; piped output never is', () => {
    add(ws, 'task', 'A title long enough to overflow a narrow terminal window')
    const narrow = shell(`script -qec ${quote(`stty cols 40; ${pspCommand(['task', 'list'])}`)} /dev/null < /dev/null`, ws)
    const lines = narrow.stdout.split(/\r?\n/).filter(Boolean)
    expect(lines.length).toBe(3)
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(40)
    expect(lines.some((l) => l.endsWith('…'))).toBe(true)
    const piped = ok(psp(['task', 'list'], {cwd: ws})).stdout
    expect(piped).toContain('A title long enough to overflow a narrow terminal window\n')
  })
})

describe('help and version', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
  })
  afterAll(() => cleanup(ws))

  it('psp --version and psp version', () => {
    const version = ok(psp(['--version'], {cwd: ws}))
    expect(version.stdout).toMatch(new RegExp(`^psp/${PSP_VERSION.replace(/\./g, '\\.')} \\S+ node-v${process.versions.node}\\n$`))
    const asJson = json<Record<string, unknown>>(ok(psp(['version', '--json'], {cwd: ws})))
    expect(asJson).toMatchObject({cliVersion: `psp/${PSP_VERSION}`, nodeVersion: `node-v${process.versions.node}`})
  })

  it('psp --help lists the topics and commands', () => {
    const help = ok(psp(['--help'], {cwd: ws})).stdout
    expect(help).toMatch(/USAGE\n\s+\$ psp \[COMMAND\]/)
    for (const topic of ['task', 'project', 'milestone', 'schema', 'plugins']) expect(help).toMatch(new RegExp(`^ {2}${topic}\\s`, 'm'))
    for (const command of ['init', 'validate', 'help', 'version', 'autocomplete']) expect(help).toMatch(new RegExp(`^ {2}${command}\\s`, 'm'))
    const task = ok(psp(['task', '--help'], {cwd: ws})).stdout
    for (const verb of ['add', 'edit', 'list', 'restore', 'rm', 'show']) expect(task).toContain(`task ${verb}`)
    const taskAdd = ok(psp(['task', 'add', '--help'], {cwd: ws})).stdout
    for (const flag of ['--status', '--priority', '--project', '--milestone', '--depends-on', '--tag', '--due', '--estimate', '--set', '--body', '--json', '--log-level']) {
      expect(taskAdd).toContain(flag)
    }
    // `psp help <command>` is the same help.
    expect(ok(psp(['help', 'task', 'add'], {cwd: ws})).stdout).toBe(taskAdd)
  })
})

describe('--json on every command', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
  })
  afterAll(() => cleanup(ws))

  it('prints one JSON value on stdout and keeps diagnostics on stderr', () => {
    const project = add(ws, 'project', 'P')
    const milestone = add(ws, 'milestone', 'M', ['--project', project.id])
    const task = add(ws, 'task', 'T', ['--milestone', milestone.id])
    const runs: [string[], (value: unknown) => void][] = [
      [['init'], (v) => expect(v).toMatchObject({alreadyInitialised: true})],
      [['task', 'list'], (v) => expect(v).toEqual([{id: task.id, path: task.path, type: 'task', title: 'T', milestone: milestone.id, status: 'todo'}])],
      [['task', 'list', '--status', 'done'], (v) => expect(v).toEqual([])],
      [['project', 'list'], (v) => expect(v).toEqual([{id: project.id, path: project.path, type: 'project', title: 'P'}])],
      [['milestone', 'show', milestone.id], (v) => expect(v).toMatchObject({id: milestone.id, project: project.id, body: ''})],
      [['task', 'edit', task.id, '--set', 'priority=low'], (v) => expect(v).toMatchObject({id: task.id, priority: 'low', changed: true})],
      [['task', 'rm', task.id], (v) => expect(v).toMatchObject({id: task.id, archived: true})],
      [['task', 'restore', task.id], (v) => expect(v).toMatchObject({id: task.id, path: task.path})],
      [['validate'], (v) => expect(v).toEqual({ok: true, checked: 3, problems: []})],
      [['schema', 'list'], (v) => expect(Array.isArray(v)).toBe(true)],
      [['schema', 'show', 'milestone'], (v) => expect(v).toMatchObject({name: 'milestone', source: 'builtin'})],
    ]
    for (const [args, check] of runs) {
      const result = ok(psp([...args, '--json'], {cwd: ws}))
      check(json(result))
      // stderr may carry a summary (validate) but never an error.
      expect(result.stderr, args.join(' ')).not.toMatch(/error/i)
    }
  })
})

describe('the log', () => {
  let ws: string
  beforeAll(() => {
    ws = makeWorkspace()
  })
  afterAll(() => cleanup(ws))

  const logFile = () => path.join(ws, 'data', 'cache', 'logs', 'psp.log')
  const entries = (): Record<string, unknown>[] =>
    fs.existsSync(logFile())
      ? fs.readFileSync(logFile(), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>)
      : []
  /** Runs psp and returns the command lines it appended to the log. */
  const logged = (args: string[], env?: Record<string, string | undefined>) => {
    const before = entries().length
    const result = psp(args, {cwd: ws, env})
    return {result, lines: entries().slice(before).filter((e) => e['msg'] === 'command')}
  }

  it('has one JSON line per command with the command, durationMs and exitCode', () => {
    const {result, lines} = logged(['task', 'add', 'Logged', '--body', 'private words'])
    ok(result)
    expect(lines).toHaveLength(1)
    // Flag names only: the title and the body are the user's data, not the log's.
    expect(lines[0]).toMatchObject({command: 'task:add', exitCode: 0, durationMs: expect.any(Number), flags: ['--body']})
    expect(JSON.stringify(lines[0])).not.toMatch(/private words|Logged/)
    expect(lines[0]?.['durationMs']).toBeGreaterThanOrEqual(0)
    const failed = unchanged(ws, () => logged(['task', 'show', 'zzzzzz']))
    expectError(failed.result, 4)
    expect(failed.lines).toEqual([expect.objectContaining({command: 'task:show', exitCode: 4, error: expect.stringContaining('no task matches')})])
    const validated = logged(['validate', '--json'])
    expect(validated.lines).toEqual([expect.objectContaining({command: 'validate', exitCode: 0})])
  })

  it('--log-level and PSP_LOG_LEVEL decide what is written (the flag wins)', () => {
    const before = snapshotFiles(ws)
    expect(logged(['task', 'list', '--log-level', 'silent']).lines).toEqual([])
    expect(logged(['task', 'list', '--log-level', 'error']).lines).toEqual([])
    expect(logged(['task', 'show', 'zzzzzz', '--log-level', 'error']).lines).toHaveLength(1)
    expect(logged(['task', 'list'], {PSP_LOG_LEVEL: 'silent'}).lines).toEqual([])
    expect(logged(['task', 'list'], {PSP_LOG_LEVEL: 'warn'}).lines).toEqual([])
    expect(logged(['task', 'show', 'zzzzzz'], {PSP_LOG_LEVEL: 'warn'}).lines).toHaveLength(1)
    expect(logged(['task', 'list', '--log-level', 'info'], {PSP_LOG_LEVEL: 'silent'}).lines).toHaveLength(1)
    expect(logged(['task', 'list'], {PSP_LOG_LEVEL: 'info'}).lines).toHaveLength(1)
    expectError(psp(['task', 'list', '--log-level', 'loud'], {cwd: ws}), 2, /--log-level=loud to be one of/)
    expect(changedPaths(before, snapshotFiles(ws))).toEqual([])
  })

  it('settings log.level applies when neither the flag nor the variable is given', () => {
    const settingsFile = path.join(ws, 'config', 'settings.yaml')
    const original = fs.readFileSync(settingsFile, 'utf8')
    expect(original).toMatch(/^ {2}level: info$/m)
    fs.writeFileSync(settingsFile, original.replace(/^ {2}level: info$/m, '  level: error'))
    try {
      expect(logged(['task', 'list']).lines).toEqual([])
      expect(logged(['task', 'list'], {PSP_LOG_LEVEL: 'info'}).lines).toHaveLength(1)
    } finally {
      fs.writeFileSync(settingsFile, original)
    }
  })
})
