process.env.TZ = 'UTC'

import stringWidth from 'string-width'
import {describe, expect, it} from 'vitest'
import {buildBoard, QueryError, renderBoardMarkdown, renderBoardMermaid, shortIds, type Board} from '@psp/core'
import {fit, outputWidth, parseWidth, renderBoardText} from '../../../src/board-support.js'
import {context, task} from './_fixtures.js'

const ids = (board: Board) => Object.fromEntries(board.columns.map((c) => [c.status ?? '(none)', c.cards.map((card) => card.record.id)]))
const lines = (text: string) => text.replace(/\n$/, '').split('\n')

describe('buildBoard', () => {
  it('has a column for every workflow status, in order, even empty ones (an empty project)', () => {
    const records = [task('task-aaaa000001', {project: 'p'})]
    const board = buildBoard(records, context(records), {project: 'other'})
    expect(board.columns.map((c) => c.status)).toEqual(['todo', 'in-progress', 'review', 'done'])
    expect(board.columns.every((c) => c.cards.length === 0 && c.known && c.wip === null)).toBe(true)
    expect(board.columns.map((c) => c.done)).toEqual([false, false, false, true])
    expect(board.total).toBe(0)
    expect(buildBoard([], context([])).total).toBe(0)
  })

  it('puts every task in its status column; all done means one full column', () => {
    const records = [task('task-a', {status: 'done'}), task('task-b', {status: 'done'}), task('task-c', {status: 'done'}, {archived: true})]
    const board = buildBoard(records, context(records))
    expect(ids(board)).toEqual({todo: [], 'in-progress': [], review: [], done: ['task-a', 'task-b']})
    expect(board.total).toBe(2)
  })

  it('keeps tasks with a status outside the workflow in extra columns, never dropping them', () => {
    const records = [task('task-a', {status: 'doing'}), task('task-b', {status: 'blocked'}), task('task-c', {status: undefined}), task('task-d', {status: 7}), task('task-e')]
    const board = buildBoard(records, context(records))
    expect(board.columns.map((c) => c.status)).toEqual(['todo', 'in-progress', 'review', 'done', 'blocked', 'doing', null])
    expect(board.columns.map((c) => c.known)).toEqual([true, true, true, true, false, false, false])
    expect(ids(board)['(none)']).toEqual(['task-c', 'task-d'])
    expect(board.total).toBe(5)
  })

  it('orders cards by priority (highest first), then due date (soonest first), then id; missing ones last', () => {
    const records = [
      task('task-e', {priority: 'low'}),
      task('task-d'),
      task('task-c', {priority: 'high', due: '2026-05-01'}),
      task('task-b', {priority: 'high', due: '2026-04-01'}),
      task('task-a', {priority: 'high'}),
      task('task-z', {priority: 'high', due: '2026-04-01'}),
      task('task-y', {priority: 'bogus'}),
      task('task-x', {priority: 'critical', due: 'not a date'}),
    ]
    const board = buildBoard(records, context(records))
    expect(ids(board)['todo']).toEqual(['task-x', 'task-b', 'task-z', 'task-c', 'task-a', 'task-e', 'task-d', 'task-y'])
  })

  it('carries WIP limits with the workspace-wide load, over only past the limit', () => {
    const records = [
      task('task-a', {status: 'in-progress', assignee: 'ana'}),
      task('task-b', {status: 'in-progress'}),
      task('task-c', {status: 'in-progress'}),
      task('task-d', {status: 'in-progress'}, {archived: true}),
      task('task-e', {status: 'review'}),
    ]
    const wip = {'in-progress': 2, review: 1}
    const board = buildBoard(records, context(records), {wip})
    expect(board.columns[1]?.wip).toEqual({limit: 2, count: 3, over: true})
    expect(board.columns[2]?.wip).toEqual({limit: 1, count: 1, over: false})
    expect(board.columns[0]?.wip).toBeNull()
    const mine = buildBoard(records, context(records), {wip, assignee: 'ana'})
    expect(mine.columns[1]?.cards).toHaveLength(1)
    expect(mine.columns[1]?.wip).toEqual({limit: 2, count: 3, over: true})
  })

  it('filters by project, milestone, assignee and a query, together; marks blocked cards', () => {
    const records = [
      task('task-a', {project: 'p', milestone: 'm', assignee: 'ana', priority: 'high'}),
      task('task-b', {project: 'p', assignee: 'ana', depends_on: ['task-a']}),
      task('task-c', {project: 'q', assignee: 'ana'}),
      task('task-d', {project: 'p', milestone: 'm', assignee: 'ben'}),
    ]
    const ctx = context(records)
    expect(ids(buildBoard(records, ctx, {project: 'p'}))['todo']).toEqual(['task-a', 'task-b', 'task-d'])
    expect(ids(buildBoard(records, ctx, {project: 'p', milestone: 'm'}))['todo']).toEqual(['task-a', 'task-d'])
    expect(ids(buildBoard(records, ctx, {project: 'p', assignee: 'ana'}))['todo']).toEqual(['task-a', 'task-b'])
    expect(ids(buildBoard(records, ctx, {where: 'priority >= high or blocked'}))['todo']).toEqual(['task-a', 'task-b'])
    const board = buildBoard(records, ctx)
    expect(board.columns[0]?.cards.map((c) => [c.record.id, c.blocked])).toEqual([
      ['task-a', false],
      ['task-b', true],
      ['task-c', false],
      ['task-d', false],
    ])
    expect(() => buildBoard(records, ctx, {where: 'priority >='})).toThrow(QueryError)
  })
})

describe('shortIds', () => {
  it('takes the shortest unique start of the random part, at least 4 characters', () => {
    const pool = ['task-abcdefgh', 'task-abcdxyz0', 'task-zz000000', 'task-abcdx1']
    const out = shortIds(['task-abcdefgh', 'task-abcdxyz0', 'task-zz000000'], pool)
    expect(Object.fromEntries(out)).toEqual({'task-abcdefgh': 'abcde', 'task-abcdxyz0': 'abcdxy', 'task-zz000000': 'zz00'})
  })

  it('also avoids prefixes that match another id from its start, case-insensitively', () => {
    const out = shortIds(['task-proj1234', 'ab-CDEF9999'], ['task-proj1234', 'proj-7777', 'ab-cdef1111'])
    expect(out.get('task-proj1234')).toBe('proj1')
    expect(out.get('ab-CDEF9999')).toBe('CDEF9')
  })

  it('falls back to the full id when no prefix of the random part is unique', () => {
    const out = shortIds(['task-ab', 'plain'], ['task-ab', 'task-abcdef', 'plain', 'plainer'])
    expect(out.get('task-ab')).toBe('task-ab')
    expect(out.get('plain')).toBe('plain')
  })
})

describe('text board', () => {
  const records = [
    task('task-aaaa000001', {title: 'Order seeds for the whole garden', priority: 'high'}),
    task('task-bbbb000002', {title: '日本語のタイトルはとても長いです', status: 'in-progress'}),
    task('task-cccc000003', {title: 'Emoji 👩‍👩‍👧 family 🇫🇷 flag', status: 'review', depends_on: ['task-aaaa000001']}),
    task('task-dddd000004', {title: 'Done and dusted', status: 'done'}),
    task('task-eeee000005', {title: 'Cafe\u0301 with an escape \u001b]0;x\u0007', status: 'done'}),
  ]
  const board = buildBoard(records, context(records), {wip: {'in-progress': 1, review: 2}})

  it('lays the columns side by side, every line within the width, wide characters included', () => {
    for (const width of [70, 80, 100, 133]) {
      const out = lines(renderBoardText(board, {width}))
      for (const line of out) expect(stringWidth(line), line).toBeLessThanOrEqual(width)
      expect(out[0]).toMatch(/^todo 1 +in-progress 1\/1 +review 1\/2 +done 2$/)
      expect(out[1]).toMatch(/^-+ {2}-+ {2}-+ {2}-+$/)
    }
    const out = renderBoardText(board, {width: 80})
    expect(out).toContain('aaaa Order seeds …  bbbb 日本語のタイ…  cccc* Emoji 👩‍👩‍👧 fa…  dddd Done and dus…')
    expect(out.split('\n').at(-2)).toBe('* blocked: waits on an open task (psp task blocked)')
    const wide = renderBoardText(board, {width: 250})
    expect(wide).toContain('eeee Cafe\u0301 with an escape \\u001b]0;x\\u0007')
    expect(wide).not.toContain('\u001b')
  })

  it('cuts between whole graphemes and pads to the exact display width', () => {
    expect(fit('ab日本語', 10)).toBe('ab日本語  ')
    expect(fit('ab日本語', 8)).toBe('ab日本語')
    expect(fit('ab日本語', 5)).toBe('ab日…')
    expect(fit('ab日本語', 4)).toBe('ab… ')
    expect(fit('x👩‍👩‍👧y', 3)).toBe('x… ')
    expect(fit('x👩‍👩‍👧yz', 4)).toBe('x👩‍👩‍👧…')
    expect(fit('e\u0301e\u0301e\u0301e\u0301', 3)).toBe('e\u0301e\u0301…')
    for (const w of [1, 2, 5, 9]) expect(stringWidth(fit('日本語のタイトル', w))).toBe(w)
  })

  it('draws at the width of the terminal, 100 off a terminal, or --width (20 to 1000)', () => {
    expect(outputWidth({isTTY: true, columns: 63})).toBe(63)
    expect(outputWidth({isTTY: false, columns: 63})).toBe(100)
    expect(outputWidth({})).toBe(100)
    expect(parseWidth(' 120 ')).toBe(120)
    for (const bad of ['19', '1001', '1e3', '80.5', '-80', '', 'wide']) expect(() => parseWidth(bad), bad).toThrow(/--width must be a whole number from 20 to 1000/)
  })

  it('stacks the columns when they would be narrower than the minimum', () => {
    const out = lines(renderBoardText(board, {width: 40}))
    expect(out[0]).toBe('todo 1')
    expect(out[1]).toBe('-'.repeat(40))
    expect(out).toContain('in-progress 1/1')
    expect(out).toContain('done 2')
    for (const line of out) expect(stringWidth(line)).toBeLessThanOrEqual(40)
  })

  it('shows at most limit cards per column, then how many more', () => {
    const many = Array.from({length: 25}, (_, i) => task(`task-${String(i).padStart(10, '0')}`, {title: `Task ${i}`}))
    const out = lines(renderBoardText(buildBoard(many, context(many)), {width: 100, limit: 10}))
    expect(out).toHaveLength(2 + 11)
    expect(out[12]).toMatch(/^… 15 more$/)
  })

  it('marks a column over its WIP limit and a status outside the workflow, with a legend', () => {
    const over = [task('task-a', {status: 'in-progress'}), task('task-b', {status: 'in-progress'}), task('task-c', {status: 'doing'})]
    const out = lines(renderBoardText(buildBoard(over, context(over), {wip: {'in-progress': 1}}), {width: 120}))
    expect(out[0]).toMatch(/ {2}! in-progress 2\/1 {2}/)
    expect(out[0]).toMatch(/ {2}\? doing 1$/)
    expect(out[1]?.split('  ')[1]).toMatch(/^=+$/)
    expect(out.slice(-2)).toEqual(['! over its WIP limit (workflow.wip in config/settings.yaml)', '? not one of workflow.statuses (psp validate names the tasks)'])
    const filtered = lines(renderBoardText(buildBoard(over, context(over), {wip: {'in-progress': 1}, where: 'id = "task-a"'}), {width: 120}))
    expect(filtered[0]).toContain('! in-progress 1 (2/1)')
  })
})

describe('renderBoardMarkdown', () => {
  it('writes a heading and a task list per column, escaping Markdown in titles', () => {
    const records = [
      task('task-a', {title: 'Fix *all* the [links] <b>now</b> | `x` & more', priority: 'high', due: '2026-04-01', assignee: 'ana'}),
      task('task-b', {title: 'Waits', depends_on: ['task-a']}),
      task('task-c', {title: 'Shipped', status: 'done'}),
      task('task-d', {status: 'in-progress'}),
      task('task-e', {status: 'in-progress'}),
      task('task-f', {status: 'someday'}),
    ]
    const md = renderBoardMarkdown(buildBoard(records, context(records), {wip: {'in-progress': 1, review: 3}}), {limit: 1})
    expect(md).toBe(
      [
        '## todo (2)',
        '',
        '- [ ] `task-a` Fix \\*all\\* the \\[links\\] \\<b\\>now\\</b\\> \\| \\`x\\` \\& more · high · due 2026-04-01 · assignee ana',
        '',
        '_… and 1 more_',
        '',
        '## in-progress (2/1, over the WIP limit)',
        '',
        '- [ ] `task-d` task-d',
        '',
        '_… and 1 more_',
        '',
        '## review (0/3)',
        '',
        '_No tasks._',
        '',
        '## done (1)',
        '',
        '- [x] `task-c` Shipped',
        '',
        '## someday (1, not a workflow status)',
        '',
        '- [ ] `task-f` task-f',
        '',
      ].join('\n'),
    )
    expect(renderBoardMarkdown(buildBoard(records, context(records)))).toContain('- [ ] `task-b` Waits · blocked')
  })
})

describe('renderBoardMermaid', () => {
  const diamond = [
    task('task-aaaa000001', {title: 'Order "seeds" #1 <now>', estimate: 2, status: 'in-progress'}),
    task('task-bbbb000002', {title: 'section: build beds; then', estimate: 10, depends_on: ['task-aaaa000001']}),
    task('task-cccc000003', {title: 'Buy `soil` & stuff', estimate: 3, depends_on: ['task-aaaa000001']}),
    task('task-dddd000004', {title: 'Plant', estimate: 0, depends_on: ['task-bbbb000002', 'task-cccc000003', 'task-gone']}),
    task('task-eeee000005', {title: 'Measure', status: 'done', estimate: 1}),
    task('task-ffff000006', {title: 'Someday', status: 'maybe'}),
  ]
  const render = (records = diamond, options = {}) => renderBoardMermaid(buildBoard(records, context(records)), context(records), options)

  it('draws a flowchart with safe node ids, escaped labels, dependency edges and a class per status', () => {
    const {text} = render()
    const flow = text.split('```')[1] as string
    expect(flow.startsWith('mermaid\nflowchart LR\n')).toBe(true)
    expect(flow).toContain('  t_task_aaaa000001["aaaa Order #34;seeds#34; #35;1 #60;now#62;"]')
    expect(flow).toContain('  t_task_cccc000003["cccc Buy #96;soil#96; #38; stuff"]')
    expect(flow).toContain('  t_task_aaaa000001 --> t_task_bbbb000002')
    expect(flow).toContain('  t_task_bbbb000002 --> t_task_dddd000004')
    expect(flow).not.toContain('task-gone')
    for (const line of flow.split('\n')) {
      const node = /^ {2}(\S+)\["/.exec(line)
      if (node) expect(node[1]).toMatch(/^[A-Za-z0-9_]+$/)
      if (line.includes('["')) expect(line.slice(line.indexOf('["') + 2, -2)).not.toMatch(/["<>`]/)
    }
    expect(flow).toMatch(/classDef s_todo fill:[^\n]+\n {2}class t_task_bbbb000002,t_task_cccc000003,t_task_dddd000004 s_todo/)
    expect(flow).toContain('class t_task_aaaa000001 s_in_progress')
    expect(flow).toContain('class t_task_eeee000005 s_done')
    expect(flow).toContain('class t_task_ffff000006 s_maybe')
    expect(flow).toContain('class t_task_bbbb000002,t_task_cccc000003,t_task_dddd000004 s_blocked')
    expect(flow).not.toContain('classDef s_review')
  })

  it('adds a gantt from the critical-path schedule, 8 working hours a day from today', () => {
    const {text, warnings} = render()
    const gantt = text.split('```mermaid\n')[2] as string
    expect(gantt).toBe(
      [
        'gantt',
        '  title Open work from 2026-03-10, 8 working hours a day',
        '  dateFormat YYYY-MM-DD HH:mm',
        '  axisFormat %m-%d',
        '  section todo',
        '  [bbbb] section： build beds； then :crit, 2026-03-10 11:00, 2026-03-11 13:00',
        '  [cccc] Buy `soil` & stuff :2026-03-10 11:00, 2026-03-10 14:00',
        '  [dddd] Plant :crit, milestone, 2026-03-11 13:00, 2026-03-11 13:00',
        '  section in-progress',
        '  [aaaa] Order "seeds" ＃1 <now> :crit, 2026-03-10 09:00, 2026-03-10 11:00',
        '```',
        '',
      ].join('\n'),
    )
    expect(warnings).toEqual(['not in the gantt, no estimate (counted as 0 h): task-ffff000006'])
  })

  it('starts the gantt at a later start date, and ends a full day at 17:00', () => {
    const records = [task('task-a', {estimate: 8}), task('task-b', {estimate: 16, depends_on: ['task-a']})]
    const gantt = render(records, {start: '2026-04-01'}).text
    expect(gantt).toContain('title Open work from 2026-04-01,')
    expect(gantt).toContain('[a] task-a :crit, 2026-04-01 09:00, 2026-04-01 17:00')
    expect(gantt).toContain('[b] task-b :crit, 2026-04-02 09:00, 2026-04-03 17:00')
    expect(render(records, {start: '2020-01-01'}).text).toContain('title Open work from 2026-03-10,')
  })

  it('leaves the gantt out without estimates, when all is done, and for an empty board', () => {
    const none = [task('task-a'), task('task-b', {depends_on: ['task-a']})]
    expect(render(none)).toEqual({text: expect.not.stringContaining('gantt') as unknown as string, warnings: []})
    const done = [task('task-a', {status: 'done', estimate: 3})]
    expect(render(done).text).not.toContain('gantt')
    const empty = render([])
    expect(empty.text).toBe('```mermaid\nflowchart LR\n  %% no tasks on the board\n```\n')
  })

  it('still draws the flowchart of a hand-made cycle, and names the cycle instead of a gantt', () => {
    const cycle = [task('task-a', {estimate: 1, depends_on: ['task-b']}), task('task-b', {estimate: 1, depends_on: ['task-a']})]
    const {text, warnings} = render(cycle)
    expect(text).toContain('t_task_a --> t_task_b')
    expect(text).toContain('t_task_b --> t_task_a')
    expect(text).not.toContain('gantt')
    expect(warnings).toEqual(['no gantt: dependency cycle: task-a → task-b → task-a'])
  })

  it('warns when the diagrams are larger than Mermaid draws by default', () => {
    const chain = Array.from({length: 502}, (_, i) => task(`task-${String(i).padStart(10, '0')}`, {depends_on: i === 0 ? [] : [`task-${String(i - 1).padStart(10, '0')}`]}))
    expect(render(chain).warnings).toEqual([
      'the diagrams exceed what Mermaid draws by default (500 edges, 50000 characters a diagram): narrow the board with --project, --milestone, --where or --limit',
    ])
    expect(render(chain, {limit: 300}).warnings).toEqual([])
  })

  it('shows only the cards within the limit', () => {
    const {text} = render(diamond, {limit: 1})
    expect(text).toContain('t_task_bbbb000002[')
    expect(text).not.toContain('t_task_cccc000003')
    expect(text).not.toContain('[cccc]')
  })
})
