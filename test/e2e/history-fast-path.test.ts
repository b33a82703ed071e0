/**
 * `psp history` has two front ends: the fast path (src/fast-path/history.ts, no oclif) and the
 * oclif command. Every command line here is run both ways on the same workspace — the second
 * with PSP_FAST_PATH=0 — and must give the same exit code, stdout, stderr and run-log line; the
 * run log also says which front end ran, so each case checks that the one it meant to try did.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, git, makeWorkspace, psp, REPO_ROOT, tempDir, type RunResult} from '../helpers/cli.js'
import {add, ok, type Rec} from './support.js'

interface LogLine {
  msg: string
  command?: string
  flags?: string[]
  exitCode?: number
  error?: string
  fastPath?: boolean
}

interface FastPathModule {
  FAST_PATH_FLAGS: Record<string, {type: 'boolean' | 'string'}>
  LEFT_TO_OCLIF: readonly string[]
  readFastCommandLine(argv: readonly string[]): unknown
}

const fastPath = (await import(path.join(REPO_ROOT, 'dist', 'fast-path', 'history.js'))) as FastPathModule

function commitAll(ws: string, message: string): void {
  git(['add', '-A'], ws)
  git(['commit', '-qm', message], ws)
}

describe('psp history: the fast path and oclif give the same answers', () => {
  let ws: string
  let dataDir: string
  let task: Rec
  let fresh: Rec
  const logFile = () => path.join(ws, 'data', 'cache', 'logs', 'psp.log')

  /** The `command` lines the run log gained while `run` ran. */
  function commandLines(run: () => RunResult): {result: RunResult; lines: LogLine[]} {
    const before = fs.existsSync(logFile()) ? fs.readFileSync(logFile(), 'utf8').length : 0
    const result = run()
    const text = fs.existsSync(logFile()) ? fs.readFileSync(logFile(), 'utf8').slice(before) : ''
    const lines = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LogLine)
      .filter((l) => l.msg === 'command')
    return {result, lines}
  }

  /** Runs `psp history …` both ways; returns both runs and their log lines. */
  function both(args: string[], options: {cwd?: string; env?: Record<string, string>} = {}) {
    const cwd = options.cwd ?? ws
    const env = {PSP_DATA_DIR: dataDir, ...options.env}
    const fast = commandLines(() => psp(['history', ...args], {cwd, env}))
    const slow = commandLines(() => psp(['history', ...args], {cwd, env: {...env, PSP_FAST_PATH: '0'}}))
    const label = `psp history ${args.join(' ')}`
    expect(fast.result.code, label).toBe(slow.result.code)
    expect(fast.result.stdout, label).toBe(slow.result.stdout)
    // Node's warnings name the process.
    const stderr = (r: RunResult) => r.stderr.replace(/^\(node:\d+\)/gm, '(node)')
    expect(stderr(fast.result), label).toBe(stderr(slow.result))
    const comparable = (l: LogLine | undefined) => (l === undefined ? undefined : {command: l.command, flags: l.flags, exitCode: l.exitCode, error: l.error})
    expect(comparable(fast.lines.at(-1)), label).toEqual(comparable(slow.lines.at(-1)))
    expect(slow.lines.some((l) => l.fastPath), label).toBe(false)
    return {fast, slow, tookFastPath: fast.lines.at(-1)?.fastPath === true}
  }

  beforeAll(() => {
    ws = makeWorkspace({commit: true})
    dataDir = tempDir('psp-data-')
    // The workspace's .env sets a setting: both front ends must load it (the log level shows it).
    fs.writeFileSync(path.join(ws, '.env'), 'PSP_LOG_LEVEL=debug\n')
    task = add(ws, 'task', 'Write docs', ['--tag', 'backend', '--body', 'First line.\n'])
    commitAll(ws, 'Add the docs task')
    ok(psp(['task', 'edit', task.id, '--set', 'status=in-progress', '--add', 'tags=ui', '--remove', 'tags=backend'], {cwd: ws}))
    fs.appendFileSync(path.join(ws, task.path), 'Second line.\nThird line.\n')
    commitAll(ws, 'Start the docs')
    ok(psp(['task', 'rm', task.id], {cwd: ws}))
    commitAll(ws, 'Archive the docs task')
    // Uncommitted: a change to the archived task and a record git has not seen.
    ok(psp(['task', 'edit', task.id, '--set', 'priority=high'], {cwd: ws}))
    fresh = add(ws, 'task', 'Not committed')
  })
  afterAll(() => {
    cleanup(ws)
    cleanup(dataDir)
  })

  it('takes the fast path for plain command lines and answers as oclif does', () => {
    const archived = (JSON.parse(ok(psp(['history', task.id, '--json'], {cwd: ws})).stdout) as {path: string}).path
    const cases: Array<{args: string[]; cwd?: string}> = [
      {args: [task.id]},
      {args: [task.id.slice(5, 10), '--patch']},
      {args: ['--limit', '1', task.id]},
      {args: [task.id, '--limit=2', '--json']},
      {args: [task.id, '--json', '--patch', '--log-level', 'trace']},
      {args: [task.id, '--debug']},
      {args: [fresh.id]},
      {args: [fresh.id, '--json']},
      // A path is read from where the user stands.
      {args: [archived]},
      {args: [path.posix.relative('data', archived)], cwd: path.join(ws, 'data')},
    ]
    for (const {args, cwd} of cases) {
      const run = both(args, cwd === undefined ? {} : {cwd})
      expect(run.fast.result.code, args.join(' ')).toBe(0)
      expect(run.tookFastPath, args.join(' ')).toBe(true)
    }
  })

  it('fails as oclif does: the same line, exit code and run-log entry', () => {
    const cases = [
      {args: ['zzzz'], code: 4},
      {args: ['zzzz', '--json'], code: 4},
      {args: [task.id, '--limit', '0'], code: 2},
      {args: [task.id, '--limit=many', '--json'], code: 2},
      {args: ['../../etc/passwd'], code: 4},
    ]
    for (const {args, code} of cases) {
      const run = both(args)
      expect(run.fast.result.code, args.join(' ')).toBe(code)
      expect(run.fast.result.stderr, args.join(' ')).toMatch(/^(Error: |\{"error")/)
      expect(run.tookFastPath, args.join(' ')).toBe(true)
    }
  })

  it('leaves to oclif what it does not read: help, -c, unknown or repeated flags, wrong arguments', () => {
    const cases = [
      [],
      [task.id, 'extra'],
      [task.id, '--nope'],
      [task.id, '--patch', '--patch'],
      [task.id, '--limit', '1', '--limit', '2'],
      [task.id, '--log-level', 'loud'],
      [task.id, '-c', 'log.level=info'],
      [task.id, '--config=log.level=info'],
      [task.id, '--patch=yes'],
      ['--', task.id],
      [task.id, '--help'],
    ]
    for (const args of cases) {
      expect(fastPath.readFastCommandLine(args), args.join(' ')).toBeUndefined()
      const run = both(args)
      expect(run.tookFastPath, args.join(' ')).toBe(false)
    }
    // The help is oclif's, whole.
    expect(ok(psp(['history', '--help'], {cwd: ws})).stdout).toContain('USAGE')
  })

  it('leaves the run to oclif when plugins are installed, or JSON is asked for by PSP_CONTENT_TYPE', () => {
    const withPlugins = tempDir('psp-data-plugins-')
    try {
      fs.writeFileSync(path.join(withPlugins, 'package.json'), JSON.stringify({oclif: {plugins: [{name: 'psp-plugin-x', type: 'user'}]}}))
      // oclif itself warns about the missing plugin; both ways print the same.
      expect(both([task.id], {env: {PSP_DATA_DIR: withPlugins}}).tookFastPath).toBe(false)
      fs.writeFileSync(path.join(withPlugins, 'package.json'), JSON.stringify({oclif: {plugins: []}}))
      expect(both([task.id], {env: {PSP_DATA_DIR: withPlugins}}).tookFastPath).toBe(true)
    } finally {
      cleanup(withPlugins)
    }
    const json = both([task.id], {env: {PSP_CONTENT_TYPE: 'json'}})
    expect(json.tookFastPath).toBe(false)
    expect(JSON.parse(json.fast.result.stdout)).toMatchObject({id: task.id})
  })

  it('answers as oclif does outside a workspace and with a broken .env setting', () => {
    const outside = tempDir('psp-outside-')
    try {
      const run = both([task.id], {cwd: outside})
      expect(run.fast.result.code).toBe(3)
    } finally {
      cleanup(outside)
    }
    fs.writeFileSync(path.join(ws, '.env'), 'PSP_LOG_LEVEL=debug\nPSP_IDS_LENGTH=three\n')
    try {
      const run = both([task.id])
      expect(run.fast.result.code).not.toBe(0)
      expect(run.fast.result.stderr).toContain('.env')
    } finally {
      fs.writeFileSync(path.join(ws, '.env'), 'PSP_LOG_LEVEL=debug\n')
    }
  })
})

describe('the fast path reads the flags the history command declares', () => {
  it('knows every flag in the oclif manifest, by the same kind, and the same log levels', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, {flags: Record<string, {type: string; options?: string[]; multiple?: boolean; allowNo?: boolean}>; args: Record<string, {required?: boolean}>}>
    }
    const command = manifest.commands['history']
    expect(command).toBeDefined()
    const flags = command?.flags ?? {}
    expect(Object.keys(flags).sort()).toEqual([...Object.keys(fastPath.FAST_PATH_FLAGS), ...fastPath.LEFT_TO_OCLIF].sort())
    for (const [name, spec] of Object.entries(fastPath.FAST_PATH_FLAGS)) {
      const declared = flags[name]
      expect(declared?.type, name).toBe(spec.type === 'boolean' ? 'boolean' : 'option')
      expect(declared?.multiple ?? false, name).toBe(false)
      expect(declared?.allowNo ?? false, name).toBe(false)
    }
    expect(Object.keys(command?.args ?? {})).toEqual(['record'])
    expect(command?.args['record']?.required).toBe(true)
    expect(fastPath.readFastCommandLine(['x', '--log-level', 'trace'])).toMatchObject({logLevel: 'trace'})
    for (const level of flags['log-level']?.options ?? []) {
      expect(fastPath.readFastCommandLine(['x', `--log-level=${level}`]), level).toBeDefined()
    }
  })
})
