/**
 * `psp task add|list|show|edit|rm|restore`: the acceptance scenario, every flag, bad input (which
 * must leave every file byte-identical) and --json.
 */
import fs from 'node:fs'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {git, json, psp, writeDocument} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, pspJson, read, unchanged, useWorkspaces, type Rec} from './support.js'

const ID = /^task-[0-9a-hjkmnp-tv-z]{10}$/
const workspace = useWorkspaces()

describe('acceptance scenario', () => {
  let ws: string
  let task: Rec
  beforeAll(() => {
    ws = workspace(true)
  })

  it('`psp task add "Write docs" --json` prints the new id and path', () => {
    task = add(ws, 'task', 'Write docs')
    expect(task.id).toMatch(ID)
    expect(task).toMatchObject({type: 'task', title: 'Write docs', status: 'todo'})
    expect(task.path).toBe(`data/tasks/${task.id}-write-docs.md`)
    expect(read(ws, task.path)).toBe(`---\nid: ${task.id}\ntype: task\ntitle: Write docs\nstatus: todo\n---\n`)
  })

  it('`psp task show` finds it by a prefix of the random part or of the full id, in any case', () => {
    const random = task.id.slice('task-'.length)
    for (const query of [random.slice(0, 4), random.slice(0, 4).toUpperCase(), task.id.slice(0, 8), task.id.toUpperCase()]) {
      const shown = pspJson(ws, ['task', 'show', query])
      expect(shown, query).toMatchObject({id: task.id, path: task.path, title: 'Write docs', body: ''})
    }
    const human = ok(psp(['task', 'show', random.slice(0, 3)], {cwd: ws}))
    expect(human.stdout).toBe(`${task.id}  Write docs\npath: ${task.path}\ntype: task\nstatus: todo\n`)
  })

  it('after a commit, editing the title changes exactly one line', () => {
    git(['add', '-A'], ws)
    git(['commit', '-qm', 'add task'], ws)
    const edited = ok(psp(['task', 'edit', task.id, '--set', 'title=Write the docs'], {cwd: ws}))
    expect(edited.stdout).toContain(task.id)
    expect(git(['diff', '--numstat'], ws)).toBe(`1\t1\t${task.path}\n`)
    const diff = git(['diff', '-U0'], ws)
    const changes = diff.split('\n').filter((l) => /^[-+](?![-+]{2} )/.test(l))
    expect(changes).toEqual(['-title: Write docs', '+title: Write the docs'])
    // The file name derives from the id: a new title never renames the file.
    expect(git(['status', '--porcelain'], ws)).toBe(` M ${task.path}\n`)
  })

  it('an ambiguous prefix exits 5 and lists the candidates', () => {
    writeDocument(ws, 'data/tasks/task-zq00000001.md', {id: 'task-zq00000001', type: 'task', title: 'One', status: 'todo'})
    writeDocument(ws, 'data/tasks/task-zq00000002.md', {id: 'task-zq00000002', type: 'task', title: 'Two', status: 'todo'})
    unchanged(ws, () => {
      const line = expectError(psp(['task', 'show', 'zq0'], {cwd: ws}), 5, /ambiguous/)
      expect(line).toContain('task-zq00000001')
      expect(line).toContain('task-zq00000002')
      const error = expectJsonError(psp(['task', 'edit', 'TASK-ZQ0', '--set', 'status=done', '--json'], {cwd: ws}), 5, 'AMBIGUOUS_ID')
      expect(error['data']).toMatchObject({candidates: ['task-zq00000001', 'task-zq00000002']})
    })
    // One more character makes it unique.
    expect(pspJson(ws, ['task', 'show', 'zq00000002']).title).toBe('Two')
  })

  it('a file copied in by hand is found at once, though the names of its folder were cached', () => {
    // Old enough that the cached listing and index entries are trusted, not re-checked as racy.
    const past = new Date(Date.now() - 60_000)
    const folder = path.join(ws, 'data/tasks')
    for (const name of fs.readdirSync(folder)) fs.utimesSync(path.join(folder, name), past, past)
    fs.utimesSync(folder, past, past)
    expect(pspJson(ws, ['task', 'show', 'zq00000002']).title).toBe('Two')
    expect(fs.existsSync(path.join(ws, 'data/cache/names.json'))).toBe(true)
    writeDocument(ws, 'data/tasks/task-zq00000003-copy.md', {id: 'task-zq00000003', type: 'task', title: 'Three', status: 'todo'})
    expect(pspJson(ws, ['task', 'show', 'zq00000003']).title).toBe('Three')
    // And the cached names did not hide that zq0000000 is now ambiguous three ways.
    const line = expectError(psp(['task', 'show', 'zq0000000'], {cwd: ws}), 5, /ambiguous/)
    expect(line).toContain('task-zq00000003')
  })
})

describe('task add', () => {
  let ws: string
  let project: Rec
  let milestone: Rec
  let first: Rec
  beforeAll(() => {
    ws = workspace()
    project = add(ws, 'project', 'Website')
    milestone = add(ws, 'milestone', 'Beta', ['--project', project.id.slice(5, 10)])
    first = add(ws, 'task', 'Design')
  })

  it('accepts every flag, resolving references given by prefix', () => {
    const task = add(ws, 'task', 'Build the site', [
      '--status', 'in-progress',
      '--priority', 'high',
      '--project', project.id.slice(5, 9).toUpperCase(),
      '--milestone', milestone.id.slice(0, 6),
      '--depends-on', first.id.slice(5, 10),
      '--assignee', 'ada',
      '--tag', 'ui',
      '--tag', 'api',
      '--due', '2027-01-31',
      '--estimate', '2.5',
      '--set', 'risk=low',
      '--set', 'reviewers=[bob, eve]',
      '--body', 'Hello **body**.\n\n- [ ] first step',
    ])
    expect(task).toMatchObject({
      type: 'task',
      title: 'Build the site',
      status: 'in-progress',
      priority: 'high',
      project: project.id,
      milestone: milestone.id,
      depends_on: [first.id],
      assignee: 'ada',
      tags: ['ui', 'api'],
      due: '2027-01-31',
      estimate: 2.5,
      risk: 'low',
      reviewers: ['bob', 'eve'],
    })
    // A task of a project lives in the project's folder.
    expect(task.path).toBe(`${path.posix.dirname(project.path)}/tasks/${task.id}-build-the-site.md`)
    const text = read(ws, task.path)
    expect(text.startsWith(`---\nid: ${task.id}\ntype: task\ntitle: Build the site\n`)).toBe(true)
    for (const line of ['status: in-progress', 'tags: [ui, api]', 'depends_on: [' + first.id + ']', 'due: 2027-01-31', 'estimate: 2.5', 'reviewers: [bob, eve]']) {
      expect(text.split('\n')).toContain(line)
    }
    expect(text.endsWith('---\n\nHello **body**.\n\n- [ ] first step\n')).toBe(true)
    const shown = pspJson(ws, ['task', 'show', task.id])
    expect(shown.body).toBe('\nHello **body**.\n\n- [ ] first step\n')
    ok(psp(['validate'], {cwd: ws}))
  })

  it('writes the fields in the order of the spec, the default status right after the title', () => {
    const task = add(ws, 'task', 'Order seeds', [
      '--project', project.id.slice(5, 10),
      '--milestone', milestone.id.slice(3, 8),
      '--priority', 'high',
      '--due', '2027-02-01',
      '--estimate', '2',
      '--tag', 'shopping',
    ])
    expect(read(ws, task.path)).toBe(
      `---\nid: ${task.id}\ntype: task\ntitle: Order seeds\nstatus: todo\npriority: high\nproject: ${project.id}\nmilestone: ${milestone.id}\n` +
        'due: 2027-02-01\nestimate: 2\ntags: [shopping]\n---\n',
    )
    ok(psp(['task', 'rm', task.id, '--force'], {cwd: ws}))
  })

  it('refuses invalid values with a clear error and writes nothing', () => {
    const cases: [string[], number, RegExp][] = [
      [['--status', 'someday'], 6, /status: "someday" is not allowed \(expected one of: todo, in-progress, review, done\)/],
      [['--priority', 'urgent'], 6, /priority: .*urgent/],
      [['--due', '2027-02-30'], 6, /due: "2027-02-30" is not a date/],
      [['--due', 'tomorrow'], 6, /due: "tomorrow" is not a date/],
      [['--estimate', 'three'], 2, /--estimate expects a number, got "three"/],
      [['--estimate', '-1'], 6, /estimate/],
      [['--project', 'zzzzzz'], 4, /no project matches "zzzzzz"/],
      [['--project', first.id], 4, /no project matches/],
      [['--milestone', 'zzzzzz'], 4, /milestone/],
      [['--depends-on', 'zzzzzz'], 4, /no task matches "zzzzzz"/],
      [['--set', 'estimate=lots'], 6, /estimate: must be number/],
      [['--set', 'novalue'], 2, /--set expects key=value/],
      [['--tag', 'a', '--tag', 'a'], 6, /tags/],
    ]
    unchanged(ws, () => {
      for (const [flags, code, message] of cases) {
        expectError(psp(['task', 'add', 'Bad', ...flags], {cwd: ws}), code, message)
      }
      expectJsonError(psp(['task', 'add', 'Bad', '--status', 'someday', '--json'], {cwd: ws}), 6, 'INVALID_DOCUMENT')
    })
    // Not even an empty folder or a temp file is left behind.
    expect(fs.readdirSync(path.join(ws, 'data', 'tasks')).sort()).toEqual([`${first.id}-design.md`])
  })

  it('refuses --set of the identity fields instead of silently ignoring them', () => {
    unchanged(ws, () => {
      expectError(psp(['task', 'add', 'Evil', '--set', 'id=../../evil'], {cwd: ws}), 2, /\bid\b/)
      expectError(psp(['task', 'add', 'Evil', '--set', 'type=project'], {cwd: ws}), 2, /\btype\b/)
    })
    expect(fs.existsSync(path.join(ws, '..', 'evil.md'))).toBe(false)
  })
})

describe('task edit', () => {
  let ws: string
  let a: Rec
  let b: Rec
  beforeAll(() => {
    ws = workspace()
    a = add(ws, 'task', 'Alpha', ['--tag', 'ui'])
    b = add(ws, 'task', 'Beta', ['--depends-on', a.id])
  })

  it('--set reads YAML values: lists, numbers, quoted strings', () => {
    const edited = pspJson(ws, ['task', 'edit', a.id, '--set', 'tags=[ui,api]', '--set', 'estimate=3', '--set', 'code="007"', '--set', 'title=Fix: crash'])
    expect(edited).toMatchObject({id: a.id, tags: ['ui', 'api'], estimate: 3, code: '007', title: 'Fix: crash', changed: true})
    const lines = read(ws, a.path).split('\n')
    expect(lines).toContain('tags: [ui, api]')
    expect(lines).toContain('estimate: 3')
    expect(lines).toContain('title: "Fix: crash"')
    expect(pspJson(ws, ['task', 'show', a.id])).toMatchObject({estimate: 3, code: '007'})
  })

  it('--add, --remove and --unset change list and scalar fields', () => {
    const edited = pspJson(ws, ['task', 'edit', a.id, '--add', 'tags=db', '--remove', 'tags=ui', '--unset', 'code'])
    expect(edited.tags).toEqual(['api', 'db'])
    expect(edited).not.toHaveProperty('code')
    expect(read(ws, a.path)).not.toMatch(/^code:/m)
    // Adding a value already there changes nothing.
    const again = pspJson(ws, ['task', 'edit', a.id, '--add', 'tags=db'])
    expect(again.changed).toBe(false)
    const removed = pspJson(ws, ['task', 'edit', a.id, '--remove', 'tags=api', '--remove', 'tags=db'])
    expect(removed).not.toHaveProperty('tags')
  })

  it('an edit that sets the value already there reports "unchanged" and touches nothing', () => {
    unchanged(ws, () => {
      const result = ok(psp(['task', 'edit', a.id, '--set', 'status=todo'], {cwd: ws}))
      expect(result.stdout).toMatch(/unchanged/)
    })
  })

  it('refuses bad edits with a clear error and writes nothing', () => {
    const cases: [string[], number, RegExp][] = [
      [['--set', 'status=someday'], 6, /status: "someday" is not allowed/],
      [['--set', 'estimate=three'], 6, /estimate: must be number/],
      [['--set', 'due=2027-13-01'], 6, /due: .*not a date/],
      [['--set', 'id=task-0000000000'], 2, /id: cannot be changed/],
      [['--set', 'type=project'], 2, /type: cannot be changed/],
      [['--unset', 'id'], 2, /id: cannot be changed/],
      [['--unset', 'title'], 2, /title cannot be removed/],
      [['--set', 'title='], 2, /title cannot be removed or empty/],
      [['--add', 'status=x'], 2, /not a list/],
      [['--set', '=x'], 2, /--set expects key=value/],
      [['--set', 'project=zzzzzz'], 4, /no project matches/],
      [['--add', `depends_on=${b.id}`], 7, /dependency cycle: .*→/],
      [['--set', `depends_on=[${b.id.slice(5, 10)}]`], 7, /dependency cycle/],
      [['--add', `depends_on=${a.id}`], 7, /cannot depend on itself/],
    ]
    unchanged(ws, () => {
      for (const [flags, code, message] of cases) {
        expectError(psp(['task', 'edit', a.id, ...flags], {cwd: ws}), code, message)
      }
      expectJsonError(psp(['task', 'edit', a.id, '--add', `depends_on=${b.id}`, '--json'], {cwd: ws}), 7, 'CONFLICT')
    })
  })

  it('without flags and without a terminal it asks for --set (exit 2) instead of opening an editor', () => {
    unchanged(ws, () => {
      const line = expectError(psp(['task', 'edit', a.id], {cwd: ws, env: {EDITOR: 'false', VISUAL: 'false'}}), 2, /--set/)
      expect(line).toMatch(/nothing to change/)
    })
  })

  it('unknown ids exit 4', () => {
    unchanged(ws, () => {
      expectError(psp(['task', 'edit', 'zzzzzzzz', '--set', 'status=done'], {cwd: ws}), 4, /no task matches "zzzzzzzz"/)
      expectJsonError(psp(['task', 'show', 'zzzzzzzz', '--json'], {cwd: ws}), 4, 'NOT_FOUND')
    })
  })
})

describe('task rm and restore', () => {
  let ws: string
  let a: Rec
  let b: Rec
  beforeAll(() => {
    ws = workspace()
    a = add(ws, 'task', 'Old work')
    b = add(ws, 'task', 'Follow-up', ['--depends-on', a.id])
  })

  it('rm archives: list hides it, --archived shows it, show still finds it, references still validate', () => {
    const archived = pspJson(ws, ['task', 'rm', a.id.slice(5, 10)])
    expect(archived).toMatchObject({id: a.id, archived: true})
    expect(archived.path).toBe(a.path.replace(/^data\/tasks\//, 'data/archive/tasks/'))
    expect(fs.existsSync(path.join(ws, a.path))).toBe(false)
    expect(fs.existsSync(path.join(ws, archived.path))).toBe(true)
    expect(ok(psp(['task', 'list', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${b.id}\n`)
    expect(ok(psp(['task', 'list', '--archived', '--format', 'ids'], {cwd: ws})).stdout).toBe(`${a.id}\n`)
    expect(pspJson(ws, ['task', 'show', a.id])).toMatchObject({id: a.id, path: archived.path, archived: true})
    const report = pspJson<{ok: boolean; problems: unknown[]}>(ws, ['validate'])
    expect(report).toMatchObject({ok: true, problems: []})
    // Archiving twice is a conflict, not a silent success.
    unchanged(ws, () => expectError(psp(['task', 'rm', a.id], {cwd: ws}), 7, /already archived/))
  })

  it('restore brings it back to where it was', () => {
    const restored = pspJson(ws, ['task', 'restore', a.id])
    expect(restored).toMatchObject({id: a.id, path: a.path})
    expect(restored.archived).toBeUndefined()
    expect(ok(psp(['task', 'list', '--format', 'ids'], {cwd: ws})).stdout.split('\n').filter(Boolean).sort()).toEqual([a.id, b.id].sort())
    expect(fs.existsSync(path.join(ws, 'data', 'archive'))).toBe(false)
    unchanged(ws, () => expectError(psp(['task', 'restore', a.id], {cwd: ws}), 7, /not archived/))
  })

  it('rm --force deletes the file', () => {
    const deleted = pspJson(ws, ['task', 'rm', b.id, '--force'])
    expect(deleted).toMatchObject({id: b.id, deleted: true})
    expect(fs.existsSync(path.join(ws, b.path))).toBe(false)
    unchanged(ws, () => expectError(psp(['task', 'show', b.id], {cwd: ws}), 4))
  })

  it('unknown ids exit 4 and touch nothing', () => {
    unchanged(ws, () => {
      expectError(psp(['task', 'rm', 'zzzzzzzz'], {cwd: ws}), 4, /no task matches/)
      expectError(psp(['task', 'rm', 'zzzzzzzz', '--force'], {cwd: ws}), 4, /no task matches/)
      expectError(psp(['task', 'restore', 'zzzzzzzz'], {cwd: ws}), 4, /no task matches/)
    })
  })
})

describe('task list', () => {
  let ws: string
  let project: Rec
  let other: Rec
  let milestone: Rec
  const tasks: Rec[] = []
  beforeAll(() => {
    ws = workspace()
    project = add(ws, 'project', 'Alpha')
    other = add(ws, 'project', 'Beta')
    milestone = add(ws, 'milestone', 'M1', ['--project', project.id])
    // Hand-written files with known ids, to check the sort order independently of random ids.
    const write = (id: string, fields: Record<string, unknown>) => {
      writeDocument(ws, `data/tasks/${id}.md`, {id, type: 'task', title: `Task ${id}`, ...fields})
      tasks.push(json<Rec>(ok(psp(['task', 'show', id, '--json'], {cwd: ws}))))
    }
    write('task-c0000000000', {status: 'todo', project: project.id, milestone: milestone.id})
    write('task-a0000000000', {status: 'done', project: project.id, title: 'Comma, "quoted" | piped'})
    write('task-b0000000000', {status: 'in-progress', project: other.id, priority: 'high', due: '2027-03-01'})
    write('task-d0000000000', {status: 'todo'})
    write('task-e0000000000', {status: 'todo', project: project.id})
    ok(psp(['task', 'rm', 'task-e'], {cwd: ws}))
  })

  const ids = (args: string[]) => ok(psp(['task', 'list', ...args, '--format', 'ids'], {cwd: ws})).stdout

  it('is sorted by id and skips archived tasks', () => {
    expect(ids([])).toBe('task-a0000000000\ntask-b0000000000\ntask-c0000000000\ntask-d0000000000\n')
    expect(ids(['--archived'])).toBe('task-e0000000000\n')
  })

  it('filters by --status (repeatable), --project and --milestone (by prefix)', () => {
    expect(ids(['--status', 'todo'])).toBe('task-c0000000000\ntask-d0000000000\n')
    expect(ids(['--status', 'done', '--status', 'in-progress'])).toBe('task-a0000000000\ntask-b0000000000\n')
    expect(ids(['--project', project.id.slice(5, 10)])).toBe('task-a0000000000\ntask-c0000000000\n')
    expect(ids(['--project', other.id, '--status', 'todo'])).toBe('')
    expect(ids(['--milestone', milestone.id.slice(0, 7).toUpperCase()])).toBe('task-c0000000000\n')
    unchanged(ws, () => expectError(psp(['task', 'list', '--project', 'zzzzzz'], {cwd: ws}), 4, /no project matches/))
  })

  it('--format table, json, csv, md and ids', () => {
    const table = ok(psp(['task', 'list'], {cwd: ws})).stdout.split('\n')
    expect(table[0]).toMatch(/^ID\s+STATUS\s+PRIORITY\s+DUE\s+TITLE$/)
    expect(table[1]).toMatch(/^task-a0000000000\s+done\s+Comma, "quoted" \| piped$/)
    expect(table[2]).toMatch(/^task-b0000000000\s+in-progress\s+high\s+2027-03-01\s+Task task-b0000000000$/)
    expect(table).toHaveLength(6)

    const asJson = json<Rec[]>(ok(psp(['task', 'list', '--format', 'json'], {cwd: ws})))
    const flag = json<Rec[]>(ok(psp(['task', 'list', '--json'], {cwd: ws})))
    expect(asJson).toEqual(flag)
    expect(asJson.map((t) => t.id)).toEqual(['task-a0000000000', 'task-b0000000000', 'task-c0000000000', 'task-d0000000000'])
    expect(asJson[2]).toEqual({...tasks[0], body: undefined, history: undefined})

    const csv = ok(psp(['task', 'list', '--format', 'csv'], {cwd: ws})).stdout
    expect(csv.split('\n')[0]).toBe('id,status,priority,due,title')
    expect(csv).toContain('task-a0000000000,done,,,"Comma, ""quoted"" | piped"\n')
    expect(csv).toContain('task-b0000000000,in-progress,high,2027-03-01,Task task-b0000000000\n')

    const md = ok(psp(['task', 'list', '--format', 'md'], {cwd: ws})).stdout.split('\n')
    expect(md[0]).toBe('| id | status | priority | due | title |')
    expect(md[1]).toBe('| --- | --- | --- | --- | --- |')
    expect(md[2]).toBe('| task-a0000000000 | done |  |  | Comma, "quoted" \\| piped |')

    expectError(psp(['task', 'list', '--format', 'xml'], {cwd: ws}), 2, /--format=xml to be one of: table, json, csv, md, ids/)
  })

  it('an empty list says so on stderr and prints nothing on stdout', () => {
    const empty = ok(psp(['task', 'list', '--status', 'review'], {cwd: ws}))
    expect(empty.stdout).toBe('')
    expect(empty.stderr).toMatch(/No tasks/)
    expect(json(ok(psp(['task', 'list', '--status', 'review', '--json'], {cwd: ws})))).toEqual([])
  })
})
