/**
 * `psp task move` and `psp task done`: moves that rewrite only the status line, WIP limits that
 * warn or refuse, bad input (which must leave every file byte-identical) and --json.
 */
import {beforeAll, describe, expect, it} from 'vitest'
import {git, psp} from '../helpers/cli.js'
import {add, expectError, expectJsonError, ok, pspJson, read, setWorkflow, unchanged, useWorkspaces, type Rec} from './support.js'

const workspace = useWorkspaces()


describe('psp task move / done', () => {
  let ws: string
  let task: Rec
  beforeAll(() => {
    ws = workspace(true)
    task = add(ws, 'task', 'Write docs')
    git(['add', '-A'], ws)
    git(['commit', '-qm', 'add task'], ws)
  })

  it('moves a task by prefix and changes only its status line', () => {
    const moved = ok(psp(['task', 'move', task.id.slice(5, 10), 'in-progress'], {cwd: ws}))
    expect(moved.stdout).toBe(`Moved ${task.id}  todo → in-progress  ${task.path}\n`)
    expect(moved.stderr).toBe('')
    expect(git(['diff', '--numstat'], ws)).toBe(`1\t1\t${task.path}\n`)
    const changes = git(['diff', '-U0'], ws)
      .split('\n')
      .filter((l) => /^[-+](?![-+]{2} )/.test(l))
    expect(changes).toEqual(['-status: todo', '+status: in-progress'])
  })

  it('moving to the current status changes nothing', () => {
    const same = unchanged(ws, () => ok(psp(['task', 'move', task.id, 'in-progress'], {cwd: ws})))
    expect(same.stdout).toBe(`${task.id} already in-progress\n`)
    expect(pspJson(ws, ['task', 'move', task.id, 'in-progress'])).toMatchObject({changed: false, from: 'in-progress', to: 'in-progress'})
  })

  it('`task done --json` prints the record with from, to, changed and warnings', () => {
    const done = pspJson(ws, ['task', 'done', task.id])
    expect(done).toEqual({
      id: task.id,
      path: task.path,
      type: 'task',
      title: 'Write docs',
      status: 'done',
      from: 'in-progress',
      to: 'done',
      changed: true,
      warnings: [],
    })
    expect(read(ws, task.path)).toBe(`---\nid: ${task.id}\ntype: task\ntitle: Write docs\nstatus: done\n---\n`)
    expect(git(['diff', '--numstat'], ws)).toBe(`1\t1\t${task.path}\n`)
  })

  it('an unknown status exits 6, like `task edit --set status=…`, and touches nothing', () => {
    const line = unchanged(ws, () => expectError(psp(['task', 'move', task.id, 'doing'], {cwd: ws}), 6))
    expect(line).toBe('Error: status: "doing" is not allowed (expected one of: todo, in-progress, review, done)')
    const edit = unchanged(ws, () => psp(['task', 'edit', task.id, '--set', 'status=doing'], {cwd: ws}))
    expect(edit.code).toBe(6)
    unchanged(ws, () => expectJsonError(psp(['task', 'move', task.id, 'doing', '--json'], {cwd: ws}), 6, 'INVALID_DOCUMENT'))
  })

  it('an unknown id exits 4 and touches nothing', () => {
    unchanged(ws, () => expectError(psp(['task', 'move', 'task-nothere', 'todo'], {cwd: ws}), 4, /no task matches/))
    unchanged(ws, () => expectError(psp(['task', 'done', 'zzzz'], {cwd: ws}), 4))
    unchanged(ws, () => expectJsonError(psp(['task', 'done', 'zzzz', '--json'], {cwd: ws}), 4, 'NOT_FOUND'))
  })

  it('a missing argument is a usage error (exit 2)', () => {
    unchanged(ws, () => expectError(psp(['task', 'move', task.id], {cwd: ws}), 2))
    unchanged(ws, () => expectError(psp(['task', 'done'], {cwd: ws}), 2))
  })
})

describe('WIP limits', () => {
  it('warn: moves anyway, the warning on stderr and in --json', () => {
    const ws = workspace()
    setWorkflow(ws, ['wip: {review: 1}'])
    add(ws, 'task', 'First', ['--set', 'status=review'])
    const second = add(ws, 'task', 'Second')
    const third = add(ws, 'task', 'Third')
    const moved = ok(psp(['task', 'move', second.id, 'review'], {cwd: ws}))
    expect(moved.stderr).toBe('Warning: review is at its WIP limit (1/1)\n')
    expect(moved.stdout).toContain(`Moved ${second.id}  todo → review`)
    const result = json(ws, ['task', 'move', third.id, 'review'])
    expect(result.json).toMatchObject({status: 'review', changed: true, warnings: ['review is at its WIP limit (2/1)']})
    expect(result.stderr).toBe('Warning: review is at its WIP limit (2/1)\n')
  })

  it('refuse: exits 7 and writes nothing', () => {
    const ws = workspace()
    setWorkflow(ws, ['wip: {in-progress: 1}', 'wip_policy: refuse'])
    add(ws, 'task', 'First', ['--set', 'status=in-progress'])
    const second = add(ws, 'task', 'Second')
    const line = unchanged(ws, () => expectError(psp(['task', 'move', second.id, 'in-progress'], {cwd: ws}), 7))
    expect(line).toBe(`Error: status: in-progress is at its WIP limit (1/1): ${second.id} stays in todo`)
    const error = unchanged(ws, () => expectJsonError(psp(['task', 'move', second.id, 'in-progress', '--json'], {cwd: ws}), 7, 'CONFLICT'))
    expect(error['data']).toEqual({status: 'in-progress', count: 1, limit: 1})
    // Other statuses are not limited.
    expect(pspJson(ws, ['task', 'move', second.id, 'review'])).toMatchObject({status: 'review', warnings: []})
  })

  it('a limit on a status outside the workflow is a settings error with its line', () => {
    const ws = workspace()
    setWorkflow(ws, ['wip: {doing: 2}'])
    expectError(psp(['task', 'list'], {cwd: ws}), 6, /^Error: config\/settings\.yaml:\d+:\d+: workflow\.wip\.doing: "doing" is not one of workflow\.statuses/)
  })
})

/** `psp <args> --json` asserting success: the parsed stdout and the stderr. */
function json(cwd: string, args: string[]): {json: Rec; stderr: string} {
  const result = ok(psp([...args, '--json'], {cwd}))
  return {json: JSON.parse(result.stdout) as Rec, stderr: result.stderr}
}
