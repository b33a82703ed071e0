/**
 * `psp task blocked`, `psp next` and `psp plan critical-path` on one hand-written workspace with
 * fixed ids: good input (tables and --json), agreement with `psp query 'blocked'` / `'ready'`,
 * and bad input (an unknown project prefix exits 4, wrong flags exit 2, nothing written).
 */
import fs from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cleanup, makeWorkspace, psp, writeDocument} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, pspJson, unchanged, type Rec} from './support.js'

const GARDEN = 'proj-garden0001'
const KITCHEN = 'proj-kitchen001'
const SPRING = 'ms-spring00001'
const T = (n: number) => `task-000000000${n}`

let ws: string
beforeAll(() => {
  ws = makeWorkspace()
  const garden = `data/projects/${GARDEN}-garden`
  writeDocument(ws, `${garden}/project.md`, {id: GARDEN, type: 'project', title: 'Garden', status: 'active'})
  writeDocument(ws, `data/projects/${KITCHEN}-kitchen/project.md`, {id: KITCHEN, type: 'project', title: 'Kitchen', status: 'planned'})
  writeDocument(ws, `${garden}/milestones/${SPRING}.md`, {id: SPRING, type: 'milestone', title: 'Spring', project: GARDEN, status: 'open'})
  const task = (n: number, data: Record<string, unknown>, dir = `${garden}/tasks`) => writeDocument(ws, `${dir}/${T(n)}.md`, {id: T(n), type: 'task', ...data})
  // A diamond: 1 → (2, 3) → 4; 5 is done; 6 waits on an archived task; 7 on an unknown id.
  task(1, {title: 'Order seeds', status: 'todo', priority: 'high', project: GARDEN, milestone: SPRING, estimate: 2})
  task(2, {title: 'Build beds', status: 'todo', priority: 'low', project: GARDEN, milestone: SPRING, depends_on: [T(1)], estimate: 8})
  task(3, {title: 'Buy soil', status: 'todo', priority: 'medium', project: GARDEN, depends_on: [T(1)], estimate: 3})
  task(4, {title: 'Plant', status: 'todo', priority: 'critical', project: GARDEN, depends_on: [T(2), T(3)]})
  task(5, {title: 'Measure', status: 'done', project: GARDEN, estimate: 1})
  task(6, {title: 'Paint fence', status: 'todo', project: KITCHEN, assignee: 'ana', depends_on: [T(8)], estimate: 4}, `data/projects/${KITCHEN}-kitchen/tasks`)
  task(7, {title: 'Fix tap', status: 'in-progress', priority: 'medium', project: KITCHEN, depends_on: ['task-unknown00'], estimate: 1}, `data/projects/${KITCHEN}-kitchen/tasks`)
  task(8, {title: 'Old thing', status: 'todo', priority: 'high'}, 'data/archive/tasks')
})
afterAll(() => cleanup(ws))

const run = (args: string[]) => psp(args, {cwd: ws})
const queryIds = (q: string) => pspJson<Rec[]>(ws, ['query', q, '--type', 'task']).map((r) => r.id)

describe('psp task blocked', () => {
  it('lists blocked tasks with their blockers, the same set as query blocked', () => {
    const out = unchanged(ws, () => ok(run(['task', 'blocked'])).stdout)
    expect(out.split('\n')[0]).toMatch(/^ID\s+STATUS\s+PRIORITY\s+BLOCKED BY\s+TITLE$/)
    expect(out).toContain(`${T(4)}  todo`)
    const data = pspJson<Array<Rec & {blocked_by: Array<{id: string}>}>>(ws, ['task', 'blocked'])
    expect(data.map((r) => r.id)).toEqual([T(2), T(3), T(4)])
    expect(data.map((r) => r.id)).toEqual(queryIds('blocked'))
    expect(data[2]?.blocked_by.map((b) => b.id)).toEqual([T(2), T(3)])
  })

  it('--project narrows, by prefix', () => {
    expect(pspJson<Rec[]>(ws, ['task', 'blocked', '--project', 'proj-k'])).toEqual([])
    const r = ok(run(['task', 'blocked', '--project', 'proj-k']))
    expect(r.stdout).toBe('')
    expect(r.stderr).toContain('No blocked tasks.')
  })

  it('refuses an unknown project (4) and an unknown flag (2)', () => {
    unchanged(ws, () => {
      expectError(run(['task', 'blocked', '--project', 'nope']), 4)
      expectJsonError(run(['task', 'blocked', '--project', 'nope', '--json']), 4, 'NOT_FOUND')
      expectError(run(['task', 'blocked', '--bogus']), 2)
    })
  })
})

describe('psp next', () => {
  it('ranks ready tasks, the same set as query ready', () => {
    const data = pspJson<Array<Rec & {score: number; unblocks: number; explain: Array<{factor: string; points: number}>}>>(ws, ['next'])
    expect(data.map((r) => r.id).sort()).toEqual(queryIds('ready').sort())
    // 1: high 12 + unblocks 3 tasks 6 = 18; 7: medium 8; 6: no priority, nothing.
    expect(data.map((r) => r.id)).toEqual([T(1), T(7), T(6)])
    expect(data[0]).toMatchObject({score: expect.any(Number), unblocks: 3})
    expect(data[0]?.explain.map((e) => e.factor)).toEqual(['priority', 'due', 'unblocks', 'age'])
    expect(data[0]?.explain.find((e) => e.factor === 'priority')?.points).toBe(12)
    expect(data[0]?.explain.find((e) => e.factor === 'unblocks')?.points).toBe(6)
  })

  it('filters by --project, --assignee and --limit; --explain shows the parts', () => {
    expect(pspJson<Rec[]>(ws, ['next', '--project', 'proj-k']).map((r) => r.id)).toEqual([T(7), T(6)])
    expect(pspJson<Rec[]>(ws, ['next', '--assignee', 'ana']).map((r) => r.id)).toEqual([T(6)])
    expect(pspJson<Rec[]>(ws, ['next', '--limit', '1']).map((r) => r.id)).toEqual([T(1)])
    const out = ok(run(['next', '--explain', '--limit', '1'])).stdout
    expect(out.split('\n')[0]).toMatch(/^ID\s+SCORE\s+PRIORITY\s+DUE\s+UNBLOCKS\s+TITLE$/)
    expect(out).toMatch(new RegExp(`${T(1)}  \\S+ = priority 12 \\(priority high\\) \\+ due 0 \\(no due date\\) \\+ unblocks 6 \\(unblocks 3 tasks\\) \\+ age`))
  })

  it('refuses bad input', () => {
    unchanged(ws, () => {
      expectError(run(['next', '--project', 'nope']), 4)
      // The same message as every other --limit (list, query, search).
      expectError(run(['next', '--limit', '0']), 2, /^Error: --limit must be a positive whole number, got "0"$/m)
      expectError(run(['next', '--limit', 'x']), 2, /--limit must be a positive whole number, got "x"/)
      expectJsonError(run(['next', '--limit', 'x', '--json']), 2, 'USAGE')
    })
  })
})

describe('psp plan critical-path', () => {
  it('schedules the open tasks of the workspace', () => {
    const data = pspJson<{duration: number; path: string[]; tasks: Array<{id: string; slack: number; critical: boolean}>; missing_estimates: string[]}>(ws, ['plan', 'critical-path'])
    expect(data.duration).toBe(10)
    expect(data.path).toEqual([T(1), T(2), T(4)])
    expect(data.missing_estimates).toEqual([T(4)])
    const slack = Object.fromEntries(data.tasks.map((t) => [t.id, t.slack]))
    expect(slack).toEqual({[T(1)]: 0, [T(2)]: 0, [T(3)]: 5, [T(4)]: 0, [T(6)]: 6, [T(7)]: 9})
  })

  it('prints a table, the path, and warns about missing estimates on stderr', () => {
    const r = unchanged(ws, () => ok(run(['plan', 'critical-path', '--project', 'proj-g'])))
    expect(r.stdout.split('\n')[0]).toMatch(/^ID\s+ESTIMATE\s+START\s+FINISH\s+SLACK\s+CRITICAL\s+TITLE$/)
    expect(r.stdout).toContain(`Critical path (10 h): ${T(1)} → ${T(2)} → ${T(4)}`)
    expect(r.stderr).toContain(`no estimate, counted as 0 h: ${T(4)}`)
  })

  it('--milestone scopes to the milestone', () => {
    const data = pspJson<{duration: number; path: string[]}>(ws, ['plan', 'critical-path', '--milestone', 'ms-spr'])
    expect(data).toMatchObject({duration: 10, path: [T(1), T(2)]})
  })

  it('refuses bad input', () => {
    unchanged(ws, () => {
      expectError(run(['plan', 'critical-path', '--project', 'nope']), 4)
      expectError(run(['plan', 'critical-path', '--milestone', 'nope']), 4)
      // oclif reports the conflict twice (once per flag): one line, naming the first.
      expectError(
        run(['plan', 'critical-path', '--project', 'proj-g', '--milestone', 'ms-spr']),
        2,
        /^Error: --milestone=ms-spr cannot also be provided when using --project \(and 1 more\)$/m,
      )
      expectJsonError(run(['plan', 'critical-path', '--bogus', '--json']), 2, 'USAGE')
    })
  })
})

describe('roll-ups in project show and milestone show', () => {
  it('counts done/total, blocked, remaining estimate and the critical path', () => {
    const shown = pspJson<Rec & {rollup: Record<string, unknown>}>(ws, ['project', 'show', 'proj-g'])
    expect(shown).toMatchObject({id: GARDEN, body: ''})
    expect(shown.rollup).toEqual({
      total: 5,
      done: 1,
      open: 4,
      blocked: 3,
      ready: 1,
      remaining_estimate: 13,
      missing_estimates: 1,
      critical_path: 10,
      due: null,
      days_left: null,
      risk: null,
      reasons: [],
    })
    const human = unchanged(ws, () => ok(run(['milestone', 'show', 'ms-spr'])).stdout)
    expect(human).toContain('tasks: 0/2 done, 1 blocked, 1 ready\nremaining: 10 h, critical path 10 h\n')
  })
})

describe('edge cases', () => {
  let dir: string
  beforeAll(() => {
    dir = makeWorkspace()
    writeDocument(dir, `data/projects/${GARDEN}-garden/project.md`, {id: GARDEN, type: 'project', title: 'Garden', status: 'active'})
    writeDocument(dir, 'data/tasks/task-000000000a.md', {id: 'task-000000000a', type: 'task', title: 'A', status: 'done', estimate: 1})
  })
  afterAll(() => cleanup(dir))

  it('all done or an empty project: nothing to show, exit 0', () => {
    for (const args of [['next'], ['task', 'blocked'], ['plan', 'critical-path'], ['next', '--project', 'proj-g'], ['plan', 'critical-path', '--project', 'proj-g']]) {
      const r = ok(psp(args, {cwd: dir}))
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(/^No (ready|blocked|open) tasks\.\n$/)
    }
    expect(pspJson(dir, ['plan', 'critical-path'])).toEqual({duration: 0, path: [], tasks: [], missing_estimates: []})
    expect(pspJson(dir, ['next'])).toEqual([])
  })

  it('a cycle made by hand: critical-path exits 7 naming it', () => {
    writeDocument(dir, 'data/tasks/task-000000000b.md', {id: 'task-000000000b', type: 'task', title: 'B', status: 'todo', depends_on: ['task-000000000c']})
    writeDocument(dir, 'data/tasks/task-000000000c.md', {id: 'task-000000000c', type: 'task', title: 'C', status: 'todo', depends_on: ['task-000000000b']})
    expectError(psp(['plan', 'critical-path'], {cwd: dir}), 7, /dependency cycle: task-000000000b → task-000000000c → task-000000000b/)
  })
})

describe('a document that cannot be read', () => {
  it('is named in a warning by every planning command, which still answers', () => {
    const bad = 'data/tasks/broken.md'
    fs.mkdirSync(path.join(ws, 'data/tasks'), {recursive: true})
    fs.writeFileSync(path.join(ws, bad), '---\nid: [\n---\n')
    try {
      for (const args of [['next'], ['task', 'blocked'], ['plan', 'critical-path']]) {
        const result = ok(run(args))
        expect(result.stderr, args.join(' ')).toMatch(/^Warning: 1 document could not be read \(run psp validate\): data\/tasks\/broken\.md$/m)
      }
    } finally {
      fs.rmSync(path.join(ws, bad))
    }
  })
})
