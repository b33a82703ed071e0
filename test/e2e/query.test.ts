/**
 * `psp query` and `--where`, `--sort`, `--limit`, `--fields` on every list: filters combined with
 * the list's own flags, every format, grouping, the --json shapes, and bad input (one `Error:`
 * line naming the column or the flag, exit 2; an unknown type, exit 4; nothing written).
 * One hand-written workspace with fixed ids, so outputs are compared whole.
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, json, makeWorkspace, psp, writeDocument} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson, show, unchanged, type Rec} from './support.js'

const GARDEN = 'proj-garden0001'
const KITCHEN = 'proj-kitchen001'
const SPRING = 'ms-spring00001'
const SUMMER = 'ms-summer00001'
const T = (n: number) => `task-000000000${n}`
const NOTE = 'note-000000001'

let ws: string
beforeAll(() => {
  ws = makeWorkspace()
  const garden = `data/projects/${GARDEN}-garden`
  writeDocument(ws, `${garden}/project.md`, {id: GARDEN, type: 'project', title: 'Garden', status: 'active', due: '2027-06-01', tags: ['outdoor']})
  writeDocument(ws, `data/projects/${KITCHEN}-kitchen/project.md`, {id: KITCHEN, type: 'project', title: 'Kitchen', status: 'planned'})
  writeDocument(ws, `${garden}/milestones/${SPRING}.md`, {id: SPRING, type: 'milestone', title: 'Spring', project: GARDEN, status: 'open', due: '2027-03-01'})
  writeDocument(ws, `${garden}/milestones/${SUMMER}.md`, {id: SUMMER, type: 'milestone', title: 'Summer', project: GARDEN, status: 'done', due: '2027-07-01'})
  const task = (n: number, data: Record<string, unknown>, dir = `${garden}/tasks`) =>
    writeDocument(ws, `${dir}/${T(n)}.md`, {id: T(n), type: 'task', ...data})
  task(1, {title: 'Order seeds', status: 'todo', priority: 'high', project: GARDEN, milestone: SPRING, due: '2027-02-01', estimate: 2, tags: ['shopping', 'ui']})
  task(2, {title: 'Build beds', status: 'in-progress', priority: 'low', project: GARDEN, depends_on: [T(1)], estimate: 8, tags: ['outdoor']})
  task(3, {title: 'Water plants', status: 'done', priority: 'medium', project: GARDEN, milestone: SPRING})
  task(4, {title: 'Paint fence', status: 'todo', project: KITCHEN, assignee: 'ana'}, `data/projects/${KITCHEN}-kitchen/tasks`)
  task(5, {title: 'Fix the login page', status: 'review', priority: 'critical', tags: ['ui']}, 'data/tasks')
  task(6, {title: 'Old thing', status: 'todo', priority: 'high'}, 'data/archive/tasks')
  // A nested field, written by hand (writeDocument writes flat values only).
  fs.appendFileSync(path.join(ws, 'data', 'tasks', `${T(5)}.md`), '\nThe form forgets the user name.\n')
  const file = path.join(ws, 'data', 'tasks', `${T(5)}.md`)
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('tags: [ui]\n', 'tags: [ui]\nlinks:\n  repo: github.com/ana/site\n'))
  writeDocument(ws, `data/notes/${NOTE}.md`, {id: NOTE, type: 'note', title: 'Seed vendors', tags: ['shopping']}, 'Three shops compared.\n')
})
afterAll(() => cleanup(ws))

const run = (args: string[], env?: Record<string, string | undefined>) => psp(args, {cwd: ws, env})
const stdout = (args: string[]) => ok(run(args)).stdout
const ids = (args: string[]) => stdout([...args, '--format', 'ids']).split('\n').filter(Boolean)

describe('--where, --sort, --limit, --fields on every list', () => {
  it('--where filters each list type, together with its own filters (AND)', () => {
    expect(ids(['task', 'list', '--where', 'priority >= high'])).toEqual([T(1), T(5)])
    expect(ids(['task', 'list', '--where', 'tags has ui', '--status', 'review'])).toEqual([T(5)])
    expect(ids(['task', 'list', '--where', 'tags has ui', '--status', 'todo', '--status', 'done'])).toEqual([T(1)])
    expect(ids(['task', 'list', '--project', 'proj-k', '--where', 'not has priority'])).toEqual([T(4)])
    expect(ids(['task', 'list', '--milestone', 'ms-sp', '--where', 'done'])).toEqual([T(3)])
    expect(ids(['task', 'list', '--archived', '--where', 'priority = high'])).toEqual([T(6)])
    expect(ids(['task', 'list', '--where', 'blocked'])).toEqual([T(2)])
    expect(ids(['task', 'list', '--where', 'ready and priority in [high, critical]'])).toEqual([T(1), T(5)])
    expect(ids(['task', 'list', '--where', 'links.repo ~ GITHUB or body ~ "user name"'])).toEqual([T(5)])
    expect(ids(['project', 'list', '--where', 'status = active'])).toEqual([GARDEN])
    expect(ids(['project', 'list', '--where', 'not has due'])).toEqual([KITCHEN])
    expect(ids(['milestone', 'list', '--where', 'due < 2027-04-01', '--project', 'garden'])).toEqual([SPRING])
    expect(ids(['milestone', 'list', '--where', 'status != open'])).toEqual([SUMMER])
  })

  it('--sort orders by fields (missing last, status by the workflow), the default stays by id, --limit cuts after sorting', () => {
    expect(ids(['task', 'list'])).toEqual([T(1), T(2), T(3), T(4), T(5)])
    expect(ids(['task', 'list', '--sort', 'priority:desc,title'])).toEqual([T(5), T(1), T(3), T(2), T(4)])
    expect(ids(['task', 'list', '--sort', 'priority'])).toEqual([T(2), T(3), T(1), T(5), T(4)])
    expect(ids(['task', 'list', '--sort', 'status:desc'])).toEqual([T(3), T(5), T(2), T(1), T(4)])
    expect(ids(['task', 'list', '--sort', 'due', '--where', 'status != done'])).toEqual([T(1), T(2), T(4), T(5)])
    expect(ids(['task', 'list', '--sort', 'priority:desc', '--limit', '2'])).toEqual([T(5), T(1)])
    expect(ids(['task', 'list', '--limit', '1'])).toEqual([T(1)])
    expect(ids(['project', 'list', '--sort', 'title:desc'])).toEqual([KITCHEN, GARDEN])
    expect(ids(['milestone', 'list', '--sort', 'due:desc', '--limit', '1'])).toEqual([SUMMER])
  })

  it('--fields chooses the columns of table, csv and md (derived and nested fields too) and the keys of json', () => {
    const args = ['task', 'list', '--where', 'priority >= medium', '--sort', 'priority:desc', '--fields', 'id,title,blocked,links.repo,tags']
    expect(stdout(args)).toBe(
      [
        'ID               TITLE               BLOCKED  LINKS.REPO           TAGS',
        `${T(5)}  Fix the login page  false    github.com/ana/site  ui`,
        `${T(1)}  Order seeds         false                         shopping, ui`,
        `${T(3)}  Water plants        false`,
        '',
      ].join('\n'),
    )
    expect(stdout([...args, '--format', 'csv'])).toBe(
      `id,title,blocked,links.repo,tags\n${T(5)},Fix the login page,false,github.com/ana/site,ui\n${T(1)},Order seeds,false,,"shopping, ui"\n${T(3)},Water plants,false,,\n`,
    )
    expect(stdout([...args, '--format', 'md'])).toBe(
      [
        '| id | title | blocked | links.repo | tags |',
        '| --- | --- | --- | --- | --- |',
        `| ${T(5)} | Fix the login page | false | github.com/ana/site | ui |`,
        `| ${T(1)} | Order seeds | false |  | shopping, ui |`,
        `| ${T(3)} | Water plants | false |  |  |`,
        '',
      ].join('\n'),
    )
    const expected = [
      {id: T(5), title: 'Fix the login page', blocked: false, 'links.repo': 'github.com/ana/site', tags: ['ui']},
      {id: T(1), title: 'Order seeds', blocked: false, 'links.repo': null, tags: ['shopping', 'ui']},
      {id: T(3), title: 'Water plants', blocked: false, 'links.repo': null, tags: null},
    ]
    const asJson = pspJson<Record<string, unknown>[]>(ws, args)
    expect(asJson).toEqual(expected)
    expect(Object.keys(asJson[0] as object)).toEqual(['id', 'title', 'blocked', 'links.repo', 'tags'])
    expect(json(ok(run([...args, '--format', 'json'])))).toEqual(expected)
    // ids ignores --fields; `age` is whole days since the file was written (today: 0).
    expect(ids(args)).toEqual([T(5), T(1), T(3)])
    const projects = pspJson<{id: string; age: number; done: boolean}[]>(ws, ['project', 'list', '--fields', 'id,age,done'])
    expect(projects.map((p) => [p.id, p.done, Object.keys(p)])).toEqual([
      [GARDEN, false, ['id', 'age', 'done']],
      [KITCHEN, false, ['id', 'age', 'done']],
    ])
    // (1 only when the test runs across midnight)
    for (const p of projects) expect([0, 1]).toContain(p.age)
  })

  it('without the new flags, list prints what it always printed; --json keeps the full record shape', () => {
    expect(stdout(['milestone', 'list'])).toBe(
      `ID              STATUS  DUE         PROJECT          TITLE\n${SPRING}  open    2027-03-01  ${GARDEN}  Spring\n${SUMMER}  done    2027-07-01  ${GARDEN}  Summer\n`,
    )
    const [blocked] = pspJson<Rec[]>(ws, ['task', 'list', '--where', 'blocked'])
    expect(blocked).toEqual({
      id: T(2),
      path: `data/projects/${GARDEN}-garden/tasks/${T(2)}.md`,
      type: 'task',
      title: 'Build beds',
      status: 'in-progress',
      priority: 'low',
      project: GARDEN,
      depends_on: [T(1)],
      estimate: 8,
      tags: ['outdoor'],
    })
    const none = run(['task', 'list', '--where', 'assignee = bob'])
    expect(none.code, show(none)).toBe(0)
    expect(none.stdout).toBe('')
    expect(none.stderr).toBe('No tasks.\n')
    expect(pspJson(ws, ['task', 'list', '--where', 'assignee = bob'])).toEqual([])
  })
})

describe('psp query', () => {
  it('finds the live records of every type; --type narrows it (repeatable); columns follow the type', () => {
    expect(stdout(['query', 'tags has shopping or status = planned'])).toBe(
      [
        'ID               TYPE     STATUS   TITLE',
        `${NOTE}   note              Seed vendors`,
        `${KITCHEN}  project  planned  Kitchen`,
        `${T(1)}  task     todo     Order seeds`,
        '',
      ].join('\n'),
    )
    // The archived task 6 has priority high too, but archived records are not queried.
    expect(ids(['query', 'priority = high or status = open'])).toEqual([SPRING, T(1)])
    expect(ids(['query', 'has tags', '--type', 'task', '--type', 'note'])).toEqual([NOTE, T(1), T(2), T(5)])
    expect(stdout(['query', 'status = todo', '--type', 'task'])).toBe(
      `ID               STATUS  PRIORITY  DUE         TITLE\n${T(1)}  todo    high      2027-02-01  Order seeds\n${T(4)}  todo${' '.repeat(26)}Paint fence\n`,
    )
    expect(ids(['query', 'title ~ /^(order|paint)/i', '--sort', 'title', '--limit', '1'])).toEqual([T(1)])
    const records = pspJson<Rec[]>(ws, ['query', 'type = project', '--sort', 'due'])
    expect(records.map((r) => [r.id, r.path, r.type, r.title])).toEqual([
      [GARDEN, `data/projects/${GARDEN}-garden/project.md`, 'project', 'Garden'],
      [KITCHEN, `data/projects/${KITCHEN}-kitchen/project.md`, 'project', 'Kitchen'],
    ])
    expect(records[0]).toEqual({id: GARDEN, path: records[0]?.path, type: 'project', title: 'Garden', status: 'active', due: '2027-06-01', tags: ['outdoor']})
  })

  it('--group: headed tables, md sections, a csv group column, blank-line-separated ids, {key, records} in json', () => {
    const args = ['query', 'type = task', '--group', 'priority', '--sort', 'title', '--fields', 'id,title']
    expect(stdout(args)).toBe(
      [
        'priority: low (1)',
        'ID               TITLE',
        `${T(2)}  Build beds`,
        '',
        'priority: medium (1)',
        'ID               TITLE',
        `${T(3)}  Water plants`,
        '',
        'priority: high (1)',
        'ID               TITLE',
        `${T(1)}  Order seeds`,
        '',
        'priority: critical (1)',
        'ID               TITLE',
        `${T(5)}  Fix the login page`,
        '',
        'priority: (none) (1)',
        'ID               TITLE',
        `${T(4)}  Paint fence`,
        '',
      ].join('\n'),
    )
    const tags = ['query', 'has tags', '--group', 'tags', '--fields', 'id,title']
    expect(stdout([...tags, '--format', 'md'])).toBe(
      [
        '## tags: outdoor (2)',
        '',
        '| id | title |',
        '| --- | --- |',
        `| ${GARDEN} | Garden |`,
        `| ${T(2)} | Build beds |`,
        '',
        '## tags: shopping (2)',
        '',
        '| id | title |',
        '| --- | --- |',
        `| ${NOTE} | Seed vendors |`,
        `| ${T(1)} | Order seeds |`,
        '',
        '## tags: ui (2)',
        '',
        '| id | title |',
        '| --- | --- |',
        `| ${T(1)} | Order seeds |`,
        `| ${T(5)} | Fix the login page |`,
        '',
      ].join('\n'),
    )
    expect(stdout([...tags, '--format', 'csv'])).toBe(
      `group,id,title\noutdoor,${GARDEN},Garden\noutdoor,${T(2)},Build beds\nshopping,${NOTE},Seed vendors\nshopping,${T(1)},Order seeds\nui,${T(1)},Order seeds\nui,${T(5)},Fix the login page\n`,
    )
    expect(stdout([...tags, '--format', 'ids'])).toBe(`${GARDEN}\n${T(2)}\n\n${NOTE}\n${T(1)}\n\n${T(1)}\n${T(5)}\n`)
    expect(pspJson(ws, ['query', 'type = task', '--group', 'assignee', '--fields', 'id'])).toEqual([
      {key: 'ana', records: [{id: T(4)}]},
      {key: null, records: [{id: T(1)}, {id: T(2)}, {id: T(3)}, {id: T(5)}]},
    ])
    // Without --fields, the records keep their full shape; --limit counts records before grouping.
    const groups = pspJson<{key: unknown; records: Rec[]}[]>(ws, ['query', 'type = task', '--group', 'status', '--limit', '3'])
    expect(groups.map((g) => [g.key, g.records.map((r) => r.id)])).toEqual([
      ['todo', [T(1)]],
      ['in-progress', [T(2)]],
      ['done', [T(3)]],
    ])
    expect(groups[0]?.records[0]).toMatchObject({id: T(1), path: expect.stringContaining('/tasks/'), priority: 'high', tags: ['shopping', 'ui']})
    expect(json(ok(run(['query', 'type = task', '--group', 'status', '--limit', '3', '--format', 'json'])))).toEqual(groups)
  })

  it('nothing found: exit 0, a note on stderr, [] in json', () => {
    const none = run(['query', 'assignee = zed'])
    expect([none.code, none.stdout, none.stderr]).toEqual([0, '', 'No matching records.\n'])
    const asJson = run(['query', 'assignee = zed', '--group', 'status', '--json'])
    expect([asJson.code, asJson.stdout, asJson.stderr]).toEqual([0, '[]\n', ''])
    expect(stdout(['query', 'assignee = zed', '--format', 'ids'])).toBe('')
  })

  it('NO_COLOR and a pipe: plain text, no escape sequences', () => {
    for (const args of [['query', 'has tags', '--group', 'tags'], ['task', 'list', '--where', 'ready', '--fields', 'id,ready']]) {
      const result = ok(run(args, {NO_COLOR: '1', FORCE_COLOR: undefined}))
      expect(result.stdout + result.stderr).not.toContain('\u001b')
    }
  })
})

describe('bad input', () => {
  const fails = (args: string[], exitCode: number, message: RegExp): string => unchanged(ws, () => expectError(run(args), exitCode, message))

  it('a syntax error exits 2 with one line naming the column, as text and as JSON', () => {
    expect(fails(['query', 'status == todo'], 2, /at column 8/)).toBe('Error: unknown operator "==" at column 8: use "=" to compare')
    expect(fails(['task', 'list', '--where', '(status = todo or blocked'], 2, /at column 1\b/)).toBe(
      'Error: unclosed "(" at column 1: no ")" before the end of the query',
    )
    fails(['project', 'list', '--where', 'status = '], 2, /^Error: expected a value after "=", found the end of the query at column 10$/)
    fails(['milestone', 'list', '--where', 'due < today + 7d'], 2, /at column 13/)
    fails(['query', 'status < doen'], 2, /^Error: "doen" is not a workflow status at column 10/)
    fails(['query', ''], 2, /^Error: empty query: expected a condition at column 1/)
    const error = expectJsonError(run(['task', 'list', '--where', 'a = 1 b = 2', '--json']), 2, 'QUERY_SYNTAX')
    expect(error).toMatchObject({col: 7, data: {query: 'a = 1 b = 2'}})
  })

  it('unknown or malformed --sort, --group and --fields exit 2 (USAGE), with a hint for a near miss', () => {
    const typo = expectError(run(['task', 'list', '--sort', 'prioirty']), 2)
    expect(typo).toBe('Error: --sort: unknown field "prioirty"')
    expect(run(['task', 'list', '--sort', 'prioirty']).stderr).toContain('Hint: did you mean priority?')
    fails(['query', 'has tags', '--group', 'Status'], 2, /^Error: --group: unknown field "Status"$/)
    fails(['project', 'list', '--fields', 'id,titel'], 2, /^Error: --fields: unknown field "titel"$/)
    fails(['query', 'has tags', '--sort', 'zzz'], 2, /^Error: --sort: unknown field "zzz"$/)
    fails(['task', 'list', '--sort', 'due:down'], 2, /^Error: --sort: unknown direction "down" in "due:down"$/)
    fails(['task', 'list', '--sort', 'due date'], 2, /^Error: --sort: "due date" is not a field name$/)
    fails(['task', 'list', '--fields', 'id,,title'], 2, /^Error: --fields: empty field name/)
    fails(['task', 'list', '--fields', 'id,id'], 2, /^Error: --fields: "id" is given twice$/)
    expectJsonError(run(['milestone', 'list', '--sort', 'nope', '--json']), 2, 'USAGE')
    // Fields no record has yet but a schema declares, and nested fields, are fine.
    expect(ids(['milestone', 'list', '--sort', 'tags,links.repo'])).toEqual([SPRING, SUMMER])
  })

  it('--limit must be a positive whole number; --type must be a known type; the query is required', () => {
    fails(['task', 'list', '--limit', '0'], 2, /^Error: --limit must be a positive whole number, got "0"$/)
    fails(['query', 'has tags', '--limit', '-1'], 2, /^Error: --limit must be a positive whole number, got "-1"$/)
    fails(['project', 'list', '--limit=2.5'], 2, /got "2.5"/)
    fails(['query', 'has tags', '--type', 'tsk'], 4, /^Error: unknown document type "tsk" \(known: decision, milestone, note, project, task\)$/)
    expectJsonError(run(['query', 'has tags', '--type', 'nope', '--json']), 4, 'NOT_FOUND')
    fails(['query', '--type', 'task'], 2, /^Error: Missing 1 required arg: query/)
  })
})
