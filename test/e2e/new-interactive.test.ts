/**
 * `psp new` asking for variables: on a real terminal (a pseudo-terminal made by util-linux
 * `script`) every variable not given is asked, defaults offered and answers checked; with
 * --yes nothing is asked; without a terminal, defaults apply and a required variable nobody
 * gave is a usage error naming it.
 */
import {spawn, spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {BIN, changedPaths, cliEnv, json, psp, snapshotFiles, type RunResult} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson, read, show, useWorkspaces, type Rec} from './support.js'
import {fixtureTemplate, stripAnsi, useTemplateEnv} from './template-support.js'

/** util-linux `script` gives the CLI a terminal; without it the terminal tests are skipped. */
const scriptProgram = spawnSync('script', ['--version'], {encoding: 'utf8'})
const hasScript = scriptProgram.status === 0 && /util-linux/.test(scriptProgram.stdout)
if (!hasScript) console.warn('skipping the terminal tests of psp new: util-linux `script` is not installed (apt-get install bsdutils)')

const {env} = useTemplateEnv()
const workspace = useWorkspaces()

/** A step of a terminal session: wait until `prompt` is on the screen, then type `keys`. */
interface Step {
  prompt: string
  keys: string
}

interface Session {
  code: number
  /** Everything the terminal showed, control sequences stripped. */
  screen: string
}

const ENTER = '\r'
const DOWN = '\x1b[B'
const CTRL_C = '\x03'
const BACKSPACE = '\x7f'

const quote = (arg: string): string => `'${arg.replaceAll("'", "'\\''")}'`

/**
 * Runs `psp <args>` on a pseudo-terminal and answers its prompts in order, each only once its
 * question is on the screen (typed earlier, keys would reach the terminal before the prompt
 * reads them). Fails with the screen so far when a prompt does not come.
 */
function onTerminal(args: string[], cwd: string, steps: Step[], timeoutMs = 20_000): Promise<Session> {
  const command = [process.execPath, BIN, ...args].map(quote).join(' ')
  const child = spawn('script', ['-qefc', command, '/dev/null'], {cwd, env: cliEnv({...env, TERM: 'xterm', COLUMNS: '200', LINES: '50'})})
  let raw = ''
  let seen = 0
  let next = 0
  const screen = () => stripAnsi(raw).replaceAll('\r', '')
  const advance = () => {
    while (next < steps.length) {
      const step = steps[next] as Step
      const at = screen().indexOf(step.prompt, seen)
      if (at === -1) return
      seen = at + step.prompt.length
      next++
      child.stdin.write(step.keys)
    }
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      const waiting = steps[next]?.prompt
      reject(new Error(`psp ${args.join(' ')}: ${waiting === undefined ? 'did not finish' : `no prompt "${waiting}"`} within ${timeoutMs} ms; the terminal showed:\n${screen()}`))
    }, timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (data: string) => {
      raw += data
      advance()
    })
    child.stderr.setEncoding('utf8').on('data', (data: string) => (raw += data))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      child.stdin.end()
      if (next < steps.length) reject(new Error(`psp ${args.join(' ')} ended (exit ${code}) before the prompt "${steps[next]?.prompt}"; the terminal showed:\n${screen()}`))
      else resolve({code: code ?? -1, screen: screen()})
    })
  })
}

/** The one project under data/projects/ whose folder ends with `slug`, as psp shows it. */
function projectBySlug(ws: string, slug: string): Rec {
  const folders = fs.readdirSync(path.join(ws, 'data', 'projects')).filter((f) => f.endsWith(`-${slug}`))
  expect(folders).toHaveLength(1)
  return pspJson(ws, ['project', 'show', (folders[0] as string).slice(0, 15)])
}

describe.skipIf(!hasScript)('psp new on a terminal', () => {
  let ws: string
  beforeAll(() => {
    ws = workspace()
  })

  it('asks for every variable not given, with the defaults offered, and checks each answer', async () => {
    const session = await onTerminal(['new', fixtureTemplate('launch-kit'), 'Asked for'], ws, [
      {prompt: 'start (First day) [YYYY-MM-DD or today] (today)', keys: `someday${ENTER}`},
      // A wrong answer is said so and asked again.
      {prompt: 'variable start: "someday" is not a date', keys: `${BACKSPACE.repeat(7)}2027-05-03${ENTER}`},
      // owner has no default: it is asked although nothing suggests an answer.
      {prompt: 'owner (Who leads it)', keys: `ada${ENTER}`},
      {prompt: 'size (How big)', keys: `${DOWN}${ENTER}`},
      {prompt: 'weeks (Weeks to launch) (4)', keys: ENTER},
      {prompt: 'public (Announce it)', keys: `y${ENTER}`},
      // launch's default is worked out from the answers before it: 2027-05-03 + 4 weeks.
      {prompt: 'launch (Launch day) [YYYY-MM-DD or today] (2027-05-31)', keys: ENTER},
    ])
    expect(session.code, session.screen).toBe(0)
    expect(session.screen).toMatch(/Created project proj-[0-9a-z]{10} "Asked for" from template launch-kit \(folder\)/)
    const project = projectBySlug(ws, 'asked-for')
    expect(project).toMatchObject({title: 'Asked for', owner: 'ada', start: '2027-05-03', due: '2027-05-31', size: 'large', weeks: 4, public: true})
    const tasks = pspJson<Rec[]>(ws, ['task', 'list', '--project', project.id])
    expect(Object.fromEntries(tasks.map((t) => [t.title, [t.due, t.assignee]]))).toEqual({'Write the brief': ['2027-05-10', 'ada'], 'Ship it': ['2027-05-31', undefined]})
    expect(read(ws, 'docs/asked-for/brief.md')).toContain('Owner: ada\nLaunch: 2027-05-31\n')
    ok(psp(['validate'], {cwd: ws, env}))
  })

  it('asks only for the variables --var did not give', async () => {
    const session = await onTerminal(['new', fixtureTemplate('launch-kit'), 'Half given', '--var', 'start=2027-01-04', '--var', 'size=small', '--var', 'weeks=2', '--var', 'public=no'], ws, [
      {prompt: 'owner (Who leads it)', keys: `bo${ENTER}`},
      {prompt: 'launch (Launch day) [YYYY-MM-DD or today] (2027-01-18)', keys: `2027-02-01${ENTER}`},
    ])
    expect(session.code, session.screen).toBe(0)
    expect(session.screen).not.toMatch(/start \(First day\)|size \(How big\)|weeks \(Weeks|public \(Announce/)
    expect(projectBySlug(ws, 'half-given')).toMatchObject({owner: 'bo', start: '2027-01-04', due: '2027-02-01', weeks: 2, public: false})
  })

  it('--yes asks nothing: defaults apply, and a required variable still has to be given', async () => {
    const given = await onTerminal(['new', fixtureTemplate('launch-kit'), 'No questions', '--yes', '--var', 'owner=cy', '--var', 'start=2027-01-04'], ws, [])
    expect(given.code, given.screen).toBe(0)
    expect(given.screen).not.toContain('?')
    expect(projectBySlug(ws, 'no-questions')).toMatchObject({owner: 'cy', start: '2027-01-04', due: '2027-02-01', size: 'small', weeks: 4, public: false})

    const before = snapshotFiles(ws)
    const missing = await onTerminal(['new', fixtureTemplate('launch-kit'), 'Still missing', '-y'], ws, [])
    expect(missing.code, missing.screen).toBe(2)
    expect(missing.screen.trim()).toMatch(/^Error: template launch-kit needs variable owner: give --var owner=…\nHint: psp template show launch-kit describes them$/)
    expect(changedPaths(before, snapshotFiles(ws))).toEqual([])
  })

  it('Ctrl-C at a prompt stops with exit 130, no stack trace and nothing written', async () => {
    const before = snapshotFiles(ws)
    const session = await onTerminal(['new', fixtureTemplate('launch-kit'), 'Interrupted'], ws, [
      {prompt: 'start (First day)', keys: ENTER},
      {prompt: 'owner (Who leads it)', keys: CTRL_C},
    ])
    expect(session.code, session.screen).toBe(130)
    expect(session.screen).not.toMatch(/This is a bug|^\s+at .*[(:]\d+/m)
    expect(changedPaths(before, snapshotFiles(ws))).toEqual([])
  })
})

describe('psp new without a terminal', () => {
  let ws: string
  beforeAll(() => {
    ws = workspace()
  })

  it('takes the defaults, and a required variable nobody gave is exit 2 naming it', () => {
    const before = snapshotFiles(ws)
    const human = psp(['new', fixtureTemplate('launch-kit'), 'Piped'], {cwd: ws, env, input: 'ada\n'})
    expectError(human, 2, /^Error: template launch-kit needs variable owner: give --var owner=…$/)
    expect(human.stderr).toContain('Hint: psp template show launch-kit describes them')
    const error = expectJsonError(psp(['new', fixtureTemplate('launch-kit'), 'Piped', '--json'], {cwd: ws, env}), 2, 'USAGE')
    expect(error['data']).toEqual({missing: ['owner']})
    expect(changedPaths(before, snapshotFiles(ws))).toEqual([])

    const made: RunResult = ok(psp(['new', fixtureTemplate('launch-kit'), 'Piped', '--var', 'owner=ada', '--json'], {cwd: ws, env}))
    const report = json<{variables: Record<string, unknown>}>(made)
    const today = report.variables['today'] as string
    expect(report.variables).toMatchObject({start: today, owner: 'ada', size: 'small', weeks: 4, public: false})
    const launch = new Date(`${today}T00:00:00Z`)
    launch.setUTCDate(launch.getUTCDate() + 28)
    expect(report.variables['launch'], show(made)).toBe(launch.toISOString().slice(0, 10))
  })
})
