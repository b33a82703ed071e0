/**
 * `psp board` on a hand-written workspace with fixed ids: the text board (widths, limits, WIP
 * limits from the settings), `--format md` and `mermaid`, `--json`, the filters, and bad input
 * (unknown ids, wrong flags, path tricks, a broken document, a status outside the workflow),
 * which must leave every file as it was.
 */
import fs from 'node:fs'
import path from 'node:path'
import stringWidth from 'string-width'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, makeWorkspace, psp, writeDocument} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson, unchanged} from './support.js'

const GARDEN = 'proj-garden0001'
const KITCHEN = 'proj-kitchen001'
const SPRING = 'ms-spring00001'
const T = (n: number) => `task-${n}k${n}m000000`

interface BoardJson {
  total: number
  columns: Array<{
    status: string | null
    known: boolean
    done: boolean
    count: number
    wip: {limit: number; count: number; over: boolean} | null
    cards: Array<{id: string; title: string; status?: string; blocked: boolean}>
  }>
}

let ws: string
beforeAll(() => {
  ws = makeWorkspace()
  const settings = path.join(ws, 'config', 'settings.yaml')
  const text = fs.readFileSync(settings, 'utf8').replace(/^ {2}wip: .*\n/m, '').replace(/^( {2}done: .*\n)/m, '$1  wip: {in-progress: 1, review: 2}\n')
  expect(text).toContain('wip: {in-progress: 1, review: 2}')
  fs.writeFileSync(settings, text)
  const garden = `data/projects/${GARDEN}-garden`
  writeDocument(ws, `${garden}/project.md`, {id: GARDEN, type: 'project', title: 'Garden', status: 'active'})
  writeDocument(ws, `data/projects/${KITCHEN}-kitchen/project.md`, {id: KITCHEN, type: 'project', title: 'Kitchen', status: 'planned'})
  writeDocument(ws, `${garden}/milestones/${SPRING}.md`, {id: SPRING, type: 'milestone', title: 'Spring', project: GARDEN, status: 'open'})
  const task = (n: number, data: Record<string, unknown>, dir = `${garden}/tasks`) => writeDocument(ws, `${dir}/${T(n)}.md`, {id: T(n), type: 'task', ...data})
  task(1, {title: 'Order seeds', status: 'in-progress', priority: 'high', project: GARDEN, milestone: SPRING, estimate: 2, assignee: 'ana'})
  task(2, {title: 'Build raised beds from untreated larch, four of them', status: 'todo', priority: 'low', project: GARDEN, milestone: SPRING, depends_on: [T(1)], estimate: 8})
  task(3, {title: 'Buy soil', status: 'todo', priority: 'medium', project: GARDEN, depends_on: [T(1)], estimate: 3})
  task(4, {title: 'Plant "the" #1 <seedlings>', status: 'todo', priority: 'critical', project: GARDEN, milestone: SPRING, depends_on: [T(2), T(3)]})
  task(5, {title: 'Measure the plot', status: 'done', project: GARDEN, estimate: 1})
  task(6, {title: '日本語のタスク名はとても長いのでここで切れます', status: 'in-progress', project: KITCHEN, assignee: 'ana'}, `data/projects/${KITCHEN}-kitchen/tasks`)
  task(7, {title: 'Fix tap', status: 'review', priority: 'medium', project: KITCHEN, estimate: 1}, `data/projects/${KITCHEN}-kitchen/tasks`)
  task(8, {title: 'Old thing', status: 'todo', priority: 'high'}, 'data/archive/tasks')
})
afterAll(() => cleanup(ws))

const run = (args: string[], cwd = ws) => psp(['board', ...args], {cwd})
const board = (args: string[] = [], cwd = ws) => pspJson<BoardJson>(cwd, ['board', ...args])
const columnIds = (b: BoardJson) => Object.fromEntries(b.columns.map((c) => [c.status, c.cards.map((card) => card.id)]))

describe('psp board (text)', () => {
  it('draws the columns side by side at 100 cells when stdout is not a terminal, with counts and WIP limits', () => {
    const result = unchanged(ws, () => ok(run([])))
    expect(result.stderr).toBe('')
    const lines = result.stdout.replace(/\n$/, '').split('\n')
    expect(lines[0]).toMatch(/^todo 3 {2,}! in-progress 2\/1 {2,}review 1\/2 {2,}done 1$/)
    expect(lines[1]).toMatch(/^-{23} {2}={23} {2}-{23} {2}-{23}$/)
    expect(lines[2]).toMatch(/^4k4m\* Plant "the" #1 <… {2}1k1m Order seeds {2,}7k7m Fix tap {2,}5k5m Measure the plot$/)
    expect(lines[4]).toMatch(/^2k2m\* Build raised bed…$/)
    expect(lines.slice(-2)).toEqual(['* blocked: waits on an open task (psp task blocked)', '! over its WIP limit (workflow.wip in config/settings.yaml)'])
    for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(100)
    expect(result.stdout).toContain('6k6m 日本語のタスク名…')
  })

  it('fits --width, stacks the columns when they would be too narrow, and limits cards per column', () => {
    const wide = ok(run(['--width', '200'])).stdout.split('\n')
    for (const line of wide) expect(stringWidth(line)).toBeLessThanOrEqual(200)
    expect(wide[2]).toContain('Plant "the" #1 <seedlings>')
    const narrow = ok(run(['--width', '40'])).stdout.split('\n')
    expect(narrow.slice(0, 2)).toEqual(['todo 3', '-'.repeat(40)])
    expect(narrow).toContain('! in-progress 2/1')
    for (const line of narrow) expect(stringWidth(line)).toBeLessThanOrEqual(40)
    const limited = ok(run(['--limit', '1'])).stdout
    expect(limited).toMatch(/^… 2 more {2,}… 1 more$/m)
  })

  it('filters by project and milestone prefixes, assignee and --where', () => {
    expect(columnIds(board(['--project', 'proj-k']))).toEqual({todo: [], 'in-progress': [T(6)], review: [T(7)], done: []})
    expect(columnIds(board(['--milestone', 'ms-s']))).toEqual({todo: [T(4), T(2)], 'in-progress': [T(1)], review: [], done: []})
    expect(columnIds(board(['--assignee', 'ana', '--project', 'proj-g']))).toEqual({todo: [], 'in-progress': [T(1)], review: [], done: []})
    expect(columnIds(board(['--where', 'priority >= medium and not blocked']))).toEqual({todo: [], 'in-progress': [T(1)], review: [T(7)], done: []})
    const text = ok(run(['--assignee', 'ana'])).stdout
    expect(text.split('\n')[0]).toMatch(/! in-progress 2\/1/)
    expect(ok(run(['--project', 'proj-g'])).stdout.split('\n')[0]).toMatch(/! in-progress 1 \(2\/1\)/)
  })

  it('says so on stderr when nothing is on the board, and still draws the columns', () => {
    const result = ok(run(['--assignee', 'nobody']))
    expect(result.stderr).toBe('No tasks on the board.\n')
    expect(result.stdout.split('\n')[0]).toMatch(/^todo 0 {2,}! in-progress 0 \(2\/1\) {2,}review 0 \(1\/2\) {2,}done 0$/)
  })
})

describe('psp board --json', () => {
  it('returns the columns with counts, WIP and the cards as task list prints them, plus blocked', () => {
    const data = unchanged(ws, () => board())
    expect(data.total).toBe(7)
    expect(data.columns.map((c) => [c.status, c.known, c.done, c.count])).toEqual([
      ['todo', true, false, 3],
      ['in-progress', true, false, 2],
      ['review', true, false, 1],
      ['done', true, true, 1],
    ])
    expect(data.columns[1]?.wip).toEqual({limit: 1, count: 2, over: true})
    expect(data.columns[0]?.wip).toBeNull()
    expect(data.columns[0]?.cards[0]).toMatchObject({id: T(4), type: 'task', title: 'Plant "the" #1 <seedlings>', priority: 'critical', blocked: true})
    expect(data.columns[0]?.cards.map((c) => c.id)).toEqual([T(4), T(3), T(2)])
    const limited = board(['--limit', '1'])
    expect(limited.columns[0]).toMatchObject({count: 3, cards: [{id: T(4)}]})
  })
})

describe('psp board --format md|mermaid', () => {
  it('writes a Markdown board', () => {
    const md = unchanged(ws, () => ok(run(['--format', 'md', '--project', 'proj-g']))).stdout
    expect(md.startsWith(`## todo (3)\n\n- [ ] \`${T(4)}\` Plant "the" #1 \\<seedlings\\> · critical · blocked\n`)).toBe(true)
    expect(md).toContain('## in-progress (1; WIP 2/1, over the WIP limit)')
    expect(md).toContain('## review (0; WIP 1/2)\n\n_No tasks._')
    expect(md).toContain(`- [x] \`${T(5)}\` Measure the plot`)
  })

  it('writes a flowchart of the dependencies and a gantt from the estimates', () => {
    const result = unchanged(ws, () => ok(run(['--format', 'mermaid', '--milestone', 'ms-s'])))
    const blocks = [...result.stdout.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] as string)
    expect(blocks).toHaveLength(2)
    expect(blocks[0]).toContain('t_task_4k4m000000["4k4m Plant #34;the#34; #35;1 #60;seedlings#62;"]')
    expect(blocks[0]).toContain('t_task_1k1m000000 --> t_task_2k2m000000')
    expect(blocks[0]).toContain('t_task_2k2m000000 --> t_task_4k4m000000')
    expect(blocks[0]).not.toContain('3k3m000000')
    expect(blocks[1]).toMatch(/^gantt\n {2}title Open work from \d{4}-\d\d-\d\d, 8 working hours a day\n/)
    expect(blocks[1]).toMatch(/\[1k1m\] Order seeds :crit, (\S+) 09:00, \1 11:00/)
    expect(blocks[1]).toMatch(/\[2k2m\] Build raised beds from untreated larch, four of them :crit, (\S+) 11:00, \S+ 11:00/)
    expect(result.stderr).toBe(`Warning: not in the gantt, no estimate (counted as 0 h): ${T(4)}\n`)
  })
})

describe('psp board with odd documents', () => {
  let dir: string
  beforeAll(() => {
    dir = makeWorkspace()
    writeDocument(dir, 'data/tasks/task-00000000aa.md', {id: 'task-00000000aa', type: 'task', title: 'Doing it', status: 'doing'})
    writeDocument(dir, 'data/tasks/task-00000000bb.md', {id: 'task-00000000bb', type: 'task', title: 'Plain', status: 'todo', estimate: 2, depends_on: ['task-00000000cc']})
    writeDocument(dir, 'data/tasks/task-00000000cc.md', {id: 'task-00000000cc', type: 'task', title: 'Loop', status: 'todo', estimate: 1, depends_on: ['task-00000000bb']})
    fs.writeFileSync(path.join(dir, 'data/tasks/broken.md'), '---\nid: [\n---\n')
  })
  afterAll(() => cleanup(dir))

  it('warns about an unreadable document and a status outside the workflow, and still shows the board', () => {
    const result = unchanged(dir, () => ok(run([], dir)))
    expect(result.stderr).toMatch(/^Warning: 1 document could not be read \(run psp validate\): data\/tasks\/broken\.md$/m)
    expect(result.stderr).toMatch(/^Warning: 1 task has a status that is not in workflow\.statuses \(doing\): shown in extra columns; run psp validate$/m)
    expect(result.stdout.split('\n')[0]).toMatch(/^todo 2 {2,}in-progress 0 {2,}review 0 {2,}done 0 {2,}\? doing 1$/)
    expect(result.stdout).toContain('? not one of workflow.statuses (psp validate names the tasks)')
    expect(board([], dir).columns.at(-1)).toMatchObject({status: 'doing', known: false, count: 1})
  })

  it('draws a hand-made dependency cycle and names it instead of a gantt', () => {
    const result = ok(run(['--format', 'mermaid'], dir))
    expect(result.stdout).toContain('t_task_00000000bb --> t_task_00000000cc')
    expect(result.stdout).not.toContain('gantt')
    expect(result.stderr).toMatch(/^Warning: no gantt: dependency cycle: task-00000000bb → task-00000000cc → task-00000000bb$/m)
  })
})

describe('psp board: bad input', () => {
  it('refuses unknown or ambiguous ids (4) and path tricks in flags, touching nothing', () => {
    unchanged(ws, () => {
      expectError(run(['--project', 'nope']), 4, /no project matches "nope"/)
      expectJsonError(run(['--project', 'nope', '--json']), 4, 'NOT_FOUND')
      expectError(run(['--milestone', 'nope']), 4)
      expectError(run(['--project', 'proj-']), 5, /ambiguous/)
      expectError(run(['--project', '../../../etc/passwd']), 4)
      expectError(run(['--milestone', `${SPRING}/../${SPRING}`]), 4)
      expectError(run(['--project', 'task-1k1m000000']), 4)
    })
  })

  it('refuses wrong flags and values with exit 2', () => {
    unchanged(ws, () => {
      expectError(run(['--format', 'pdf']), 2, /--format/)
      expectError(run(['--width', 'wide']), 2, /--width must be a whole number from 20 to 1000, got "wide"/)
      expectError(run(['--width', '19']), 2, /--width/)
      expectError(run(['--width', '100000']), 2, /--width/)
      expectError(run(['--limit', '0']), 2, /--limit must be a positive whole number/)
      expectError(run(['--where', 'priority >=']), 2)
      expectError(run(['--bogus']), 2)
      expectJsonError(run(['--width', '-3', '--json']), 2, 'USAGE')
    })
  })

  it('fails outside a workspace', () => {
    const outside = fs.mkdtempSync(path.join(path.dirname(ws), 'psp-no-ws-'))
    try {
      const result = run([], outside)
      expect(result.code).not.toBe(0)
      expect(result.stdout).toBe('')
      expect(result.stderr).toMatch(/^Error: /)
    } finally {
      cleanup(outside)
    }
  })
})
