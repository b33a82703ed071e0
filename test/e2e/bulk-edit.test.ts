/**
 * `psp <type> edit --where '<expr>'`: in a committed workspace, a bulk edit touches exactly the
 * matching files and in them only the lines of the fields being set (checked with git diff);
 * it shows its plan, applies it only with --yes or a yes at a terminal prompt, and bad input
 * (a query that cannot be read, an invalid value, a cycle across the batch, contradicting
 * arguments) changes nothing.
 */
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, beforeEach, describe, expect, it} from 'vitest'
import {BIN, cliEnv, git, json, psp, type RunResult} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, read, setWorkflow, show, unchanged, useWorkspaces} from './support.js'

const workspace = useWorkspaces()

/** Tasks as a person wrote them: comments, quoting and bodies that an edit must keep. */
const TASKS: Record<string, string> = {
  'data/tasks/task-aaaa0001.md': [
    '---',
    'id: task-aaaa0001',
    'type: task',
    '# Owner: ana',
    'title: "Order seeds"',
    'status: todo   # waiting for the catalogue',
    'priority: low',
    'tags: [garden]',
    '---',
    '',
    'Body with a [[task-aaaa0002]] link.',
    '',
  ].join('\n'),
  'data/tasks/task-aaaa0002.md': ['---', 'id: task-aaaa0002', 'type: task', 'title: Build beds', 'status: todo', 'priority: low', '---', ''].join('\n'),
  'data/tasks/task-aaaa0003.md': ['---', 'id: task-aaaa0003', 'type: task', 'title: Water', 'status: todo', 'priority: high', '---', '', 'Daily.', ''].join('\n'),
  'data/tasks/task-aaaa0004.md': ['---', 'id: task-aaaa0004', 'type: task', 'title: Harvest', 'status: done', 'priority: low', '---', ''].join('\n'),
  'data/archive/tasks/task-aaaa0005.md': ['---', 'id: task-aaaa0005', 'type: task', 'title: Old plan', 'status: todo', 'priority: low', '---', ''].join('\n'),
}

/** A committed workspace holding TASKS. */
function gardenWorkspace(): string {
  const dir = workspace(true)
  for (const [rel, text] of Object.entries(TASKS)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), {recursive: true})
    fs.writeFileSync(path.join(dir, rel), text)
  }
  git(['add', '-A'], dir)
  git(['commit', '-qm', 'tasks'], dir)
  return dir
}

/** Puts the workspace back to its last commit. */
function reset(dir: string): void {
  git(['reset', '-q', '--hard'], dir)
  git(['clean', '-qfd', '--', 'data', 'config'], dir)
}

/** The changed lines of `git diff -U0`, without file headers. */
function changedLines(dir: string): string[] {
  return git(['diff', '-U0'], dir)
    .split('\n')
    .filter((l) => /^[-+](?![-+]{2} )/.test(l))
}

const changedFiles = (dir: string): string[] => git(['diff', '--name-only'], dir).split('\n').filter((l) => l !== '')


interface Plan {
  applied: boolean
  matched: number
  unchanged: number
  records: {id: string; path: string; title: string; changes: {field: string; from?: unknown; to?: unknown}[]}[]
  warnings: string[]
}

describe('bulk edit', () => {
  let ws: string
  beforeAll(() => {
    ws = gardenWorkspace()
  })
  beforeEach(() => reset(ws))

  it('touches only the matching files and, in them, only the fields being set', () => {
    const result = ok(psp(['task', 'edit', '--where', 'status = todo', '--set', 'priority=high', '--add', 'tags=spring', '--yes'], {cwd: ws}))
    expect(result.stdout).toBe(
      [
        'task-aaaa0001  Order seeds  priority: low → high; tags: [garden] → [garden, spring]',
        'task-aaaa0002  Build beds  priority: low → high; tags: (none) → [spring]',
        'task-aaaa0003  Water  tags: (none) → [spring]',
        '3 tasks will change (3 match, 0 already as asked)',
        'Changed 3 tasks',
        '',
      ].join('\n'),
    )
    expect(result.stderr).toBe('')
    expect(changedFiles(ws)).toEqual(['data/tasks/task-aaaa0001.md', 'data/tasks/task-aaaa0002.md', 'data/tasks/task-aaaa0003.md'])
    for (const line of changedLines(ws)) expect(line).toMatch(/^[-+](priority|tags): /)
    expect(changedLines(ws)).toEqual([
      '-priority: low',
      '-tags: [garden]',
      '+priority: high',
      '+tags: [garden, spring]',
      '-priority: low',
      '+priority: high',
      '+tags: [spring]',
      '+tags: [spring]',
    ])
    const first = read(ws, 'data/tasks/task-aaaa0001.md')
    expect(first).toContain('# Owner: ana\ntitle: "Order seeds"\nstatus: todo   # waiting for the catalogue\n')
    expect(first.endsWith('---\n\nBody with a [[task-aaaa0002]] link.\n')).toBe(true)
  })

  it('skips and counts records already as asked', () => {
    const result = ok(psp(['task', 'edit', '--where', 'title = Water or title = "Build beds"', '--set', 'priority=high', '--yes'], {cwd: ws}))
    expect(result.stdout).toContain('1 task will change (2 match, 1 already as asked)\nChanged 1 task\n')
    expect(changedFiles(ws)).toEqual(['data/tasks/task-aaaa0002.md'])
  })

  it('when every match is already as asked, says so and changes nothing', () => {
    const result = unchanged(ws, () => ok(psp(['task', 'edit', '--where', 'priority = high', '--set', 'priority=high'], {cwd: ws})))
    expect(result.stdout).toBe('0 tasks would change (1 match, 1 already as asked)\n')
  })

  it('without a terminal and without --yes shows the plan, changes nothing and exits 2', () => {
    const result = unchanged(ws, () => psp(['task', 'edit', '--where', 'priority = low', '--set', 'priority=medium'], {cwd: ws}))
    expect(result.code, show(result)).toBe(2)
    expect(result.stdout).toBe(
      [
        'task-aaaa0001  Order seeds  priority: low → medium',
        'task-aaaa0002  Build beds  priority: low → medium',
        'task-aaaa0004  Harvest  priority: low → medium',
        '3 tasks would change (3 match, 0 already as asked)',
        '',
      ].join('\n'),
    )
    expect(result.stderr).toBe('Error: 3 tasks would change; re-run with --yes to apply (no terminal to ask on)\n')
  })

  it('--dry-run shows the plan, changes nothing and exits 0', () => {
    const result = unchanged(ws, () => ok(psp(['task', 'edit', '--where', 'priority = low', '--unset', 'priority', '--dry-run'], {cwd: ws})))
    expect(result.stdout).toContain('task-aaaa0001  Order seeds  priority: low → (none)\n')
    expect(result.stdout).toContain('3 tasks would change (3 match, 0 already as asked)\n')
  })

  it('no match: a note on stderr, nothing changed, exit 0', () => {
    const result = unchanged(ws, () => ok(psp(['task', 'edit', '--where', 'assignee = nobody', '--set', 'priority=high', '--yes'], {cwd: ws})))
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe('No tasks match; nothing changed.\n')
  })

  it('archived records match only with --archived', () => {
    ok(psp(['task', 'edit', '--where', 'title = "Old plan"', '--set', 'priority=high', '--yes'], {cwd: ws}))
    expect(changedFiles(ws)).toEqual([])
    const result = ok(psp(['task', 'edit', '--where', 'title = "Old plan"', '--set', 'priority=high', '--archived', '--yes'], {cwd: ws}))
    expect(result.stdout).toContain('Changed 1 task\n')
    expect(changedFiles(ws)).toEqual(['data/archive/tasks/task-aaaa0005.md'])
  })

  it('--verbose lists every record; otherwise the plan stops after 50', () => {
    for (let i = 10; i < 70; i++) {
      const id = `task-bbbb00${i}`
      fs.writeFileSync(path.join(ws, `data/tasks/${id}.md`), `---\nid: ${id}\ntype: task\ntitle: Weed bed ${i}\nstatus: review\n---\n`)
    }
    const short = ok(psp(['task', 'edit', '--where', 'status = review', '--set', 'priority=low', '--dry-run'], {cwd: ws}))
    const lines = short.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(52)
    expect(lines.slice(-2)).toEqual(['… and 10 more (--verbose lists them all)', '60 tasks would change (60 match, 0 already as asked)'])
    const long = ok(psp(['task', 'edit', '--where', 'status = review', '--set', 'priority=low', '--dry-run', '--verbose'], {cwd: ws}))
    expect(long.stdout.trimEnd().split('\n')).toHaveLength(61)
  })

  it('works for projects and milestones too', () => {
    const project = add(ws, 'project', 'Garden', ['--status', 'planned'])
    const milestone = add(ws, 'milestone', 'Spring', ['--status', 'open'])
    expect(ok(psp(['project', 'edit', '--where', 'status = planned', '--set', 'status=active', '--yes'], {cwd: ws})).stdout).toContain('Changed 1 project\n')
    expect(ok(psp(['milestone', 'edit', '--where', 'status = open', '--set', 'due=2027-04-01', '--yes'], {cwd: ws})).stdout).toContain('Changed 1 milestone\n')
    expect(read(ws, project.path)).toContain('status: active\n')
    expect(read(ws, milestone.path)).toContain('due: 2027-04-01\n')
    expect(changedFiles(ws)).toEqual([])
  })
})

describe('bulk edit --json', () => {
  let ws: string
  beforeAll(() => {
    ws = gardenWorkspace()
  })
  beforeEach(() => reset(ws))

  it('prints the plan or the result alone on stdout', () => {
    const dry = unchanged(ws, () => json<Plan>(ok(psp(['task', 'edit', '--where', 'priority = low and status = todo', '--set', 'priority=high', '--unset', 'tags', '--dry-run', '--json'], {cwd: ws}))))
    expect(dry).toEqual({
      applied: false,
      matched: 2,
      unchanged: 0,
      records: [
        {
          id: 'task-aaaa0001',
          path: 'data/tasks/task-aaaa0001.md',
          title: 'Order seeds',
          changes: [
            {field: 'priority', from: 'low', to: 'high'},
            {field: 'tags', from: ['garden']},
          ],
        },
        {id: 'task-aaaa0002', path: 'data/tasks/task-aaaa0002.md', title: 'Build beds', changes: [{field: 'priority', from: 'low', to: 'high'}]},
      ],
      warnings: [],
    })
    const result = ok(psp(['task', 'edit', '--where', 'priority = low and status = todo', '--set', 'priority=high', '--unset', 'tags', '--yes', '--json'], {cwd: ws}))
    expect(result.stderr).toBe('')
    expect(json<Plan>(result)).toEqual({...dry, applied: true})
    expect(changedFiles(ws)).toEqual(['data/tasks/task-aaaa0001.md', 'data/tasks/task-aaaa0002.md'])
  })

  it('without --yes prints the plan, and the refusal as a JSON error on stderr (exit 2)', () => {
    const result = unchanged(ws, () => psp(['task', 'edit', '--where', 'priority = low', '--set', 'priority=high', '--json'], {cwd: ws}))
    expect(result.code, show(result)).toBe(2)
    expect(json<Plan>(result)).toMatchObject({applied: false, matched: 3})
    expect(JSON.parse(result.stderr)).toEqual({error: {code: 'USAGE', message: '3 tasks would change; re-run with --yes to apply (--json never asks)'}})
  })

  it('with no match prints an empty plan', () => {
    expect(json<Plan>(ok(psp(['task', 'edit', '--where', 'assignee = nobody', '--set', 'priority=high', '--json'], {cwd: ws})))).toEqual({
      applied: false,
      matched: 0,
      unchanged: 0,
      records: [],
      warnings: [],
    })
  })
})

describe('bulk edit: bad input changes nothing', () => {
  let ws: string
  beforeAll(() => {
    ws = gardenWorkspace()
  })
  beforeEach(() => reset(ws))

  const fails = (args: string[], code: number, message: RegExp) =>
    unchanged(ws, () => expectError(psp(['task', 'edit', ...args], {cwd: ws}), code, message))

  it('a query that cannot be read points at its column', () => {
    fails(['--where', 'priority = = low', '--set', 'priority=high', '--yes'], 2, /^Error: expected a value after "=", found "=" at column 12$/)
    fails(['--where', 'status == todo', '--set', 'priority=high', '--yes'], 2, /at column 8/)
    expectJsonError(psp(['task', 'edit', '--where', '(status = todo', '--set', 'priority=high', '--json'], {cwd: ws}), 2, 'QUERY_SYNTAX')
  })

  it('a value the schema refuses stops the whole batch, naming the first record and field', () => {
    fails(['--where', 'priority = low', '--set', 'priority=urgent', '--yes'], 6, /^Error: data\/tasks\/task-aaaa0001\.md:7:1: priority: "urgent" is not allowed \(expected one of: low, medium, high, critical\) \(and 2 more problems in 3 files\)$/)
    fails(['--where', 'priority = low', '--set', 'milestone=ms-nothere', '--yes'], 4, /no milestone matches "ms-nothere"/)
  })

  it('a dependency cycle anywhere in the batch stops all of it', () => {
    // 0003 waits for 0002: adding "waits for 0003" is fine for 0001 alone, a cycle for 0002.
    const file = path.join(ws, 'data/tasks/task-aaaa0003.md')
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('priority: high\n', 'priority: high\ndepends_on: [task-aaaa0002]\n'))
    fails(
      ['--where', 'priority = low and status = todo', '--add', 'depends_on=task-aaaa0003', '--yes'],
      7,
      /^Error: data\/tasks\/task-aaaa0002\.md:\d+:1: depends_on: dependency cycle: task-aaaa0002 → task-aaaa0003 → task-aaaa0002$/,
    )
  })

  it('refuses an id and --where together, neither, --where without changes, and --where-only flags alone', () => {
    fails(['task-aaaa0001', '--where', 'status = todo', '--set', 'priority=high'], 2, /give either an id or --where, not both/)
    fails(['--set', 'priority=high'], 2, /give the id of the task to edit, or --where/)
    fails(['--where', 'status = todo'], 2, /--where needs --set, --unset, --add or --remove/)
    fails(['task-aaaa0001', '--set', 'priority=high', '--yes'], 2, /--yes goes with --where/)
    fails(['task-aaaa0001', '--set', 'priority=high', '--dry-run'], 2, /--dry-run goes with --where/)
    fails(['--where', 'status = todo', '--set', 'priority=high', '--yes', '--dry-run'], 2, /--yes and --dry-run contradict each other/)
    fails(['--where', 'status = todo', '--set', 'type=project', '--yes'], 2, /^Error: type: cannot be changed: it is the record's identity$/)
    fails(['--where', 'status = todo', '--set', 'nokey', '--yes'], 2, /--set expects key=value, got "nokey"/)
    fails(['--where', 'status = todo', '--add', 'priority=x', '--yes'], 2, /^Error: data\/tasks\/task-aaaa0001\.md: priority: cannot add to it: it is not a list$/)
    fails(['--where', 'status = todo', '--set', 'priority=high', '--bogus'], 2, /Nonexistent flag: --bogus/)
  })

  it('warns about a malformed document and leaves it alone', () => {
    const broken = 'data/tasks/task-aaaa0009.md'
    const text = '---\nid: task-aaaa0009\ntype: task\ntitle: [unclosed\nstatus: todo\n---\n'
    fs.writeFileSync(path.join(ws, broken), text)
    const result = ok(psp(['task', 'edit', '--where', 'status = todo', '--set', 'priority=medium', '--yes'], {cwd: ws}))
    expect(result.stderr).toBe(`Warning: 1 document could not be read (run psp validate): ${broken}\n`)
    expect(result.stdout).toContain('Changed 3 tasks\n')
    expect(read(ws, broken)).toBe(text)
    expect(changedFiles(ws)).toEqual(['data/tasks/task-aaaa0001.md', 'data/tasks/task-aaaa0002.md', 'data/tasks/task-aaaa0003.md'])
  })
})

describe('bulk edit and WIP limits', () => {
  let ws: string
  beforeAll(() => {
    ws = gardenWorkspace()
  })
  beforeEach(() => reset(ws))

  it('refuses a batch over the limit under wip_policy: refuse (exit 7)', () => {
    setWorkflow(ws, ['wip: {in-progress: 2}', 'wip_policy: refuse'])
    const line = unchanged(ws, () => expectError(psp(['task', 'edit', '--where', 'status = todo', '--set', 'status=in-progress', '--yes'], {cwd: ws}), 7))
    expect(line).toBe('Error: status: in-progress: 3 tasks after this edit, over its WIP limit of 2; nothing changed')
  })

  it('warns and applies under wip_policy: warn', () => {
    setWorkflow(ws, ['wip: {in-progress: 2}', 'wip_policy: warn'])
    const result = ok(psp(['task', 'edit', '--where', 'status = todo', '--set', 'status=in-progress', '--yes'], {cwd: ws}))
    expect(result.stderr).toBe('Warning: in-progress: 3 tasks after this edit, over its WIP limit of 2\n')
    expect(result.stdout).toContain('Changed 3 tasks\n')
  })
})

/** util-linux `script` gives the command a pseudo-terminal; CI machines may not have it. */
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((p) => fs.existsSync(p))

/** Runs psp under a pseudo-terminal and types `answer` once the prompt shows. */
function onTerminal(args: string[], cwd: string, answer: string): Promise<RunResult> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`
  const command = [process.execPath, BIN, ...args].map(quote).join(' ')
  return new Promise((resolve, reject) => {
    const child = spawn(SCRIPT as string, ['-q', '-e', '-c', command, '/dev/null'], {cwd, env: cliEnv({TERM: 'dumb'})})
    let stdout = ''
    let answered = false
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d
      if (!answered && stdout.includes('(y/N)')) {
        answered = true
        child.stdin.write(answer)
      }
    })
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr: ''})
    })
  })
}

describe.skipIf(SCRIPT === undefined)('bulk edit on a terminal', () => {
  let ws: string
  beforeAll(() => {
    ws = gardenWorkspace()
  })
  beforeEach(() => reset(ws))

  it('asks, and applies on yes', async () => {
    const result = await onTerminal(['task', 'edit', '--where', 'priority = low', '--set', 'priority=medium'], ws, 'y\r')
    expect(result.code, show(result)).toBe(0)
    expect(result.stdout).toContain('3 tasks will change (3 match, 0 already as asked)')
    expect(result.stdout).toContain('Change 3 tasks?')
    expect(result.stdout).toContain('Changed 3 tasks')
    expect(changedFiles(ws)).toHaveLength(3)
  })

  it('changes nothing and exits 1 on no', async () => {
    const result = await onTerminal(['task', 'edit', '--where', 'priority = low', '--set', 'priority=medium'], ws, 'n\r')
    expect(result.code, show(result)).toBe(1)
    expect(result.stdout).toContain('Nothing changed.')
    expect(changedFiles(ws)).toEqual([])
  })
})
