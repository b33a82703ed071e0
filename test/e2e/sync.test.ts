/**
 * `psp sync` as a user runs it: the built CLI against a real smart-HTTP git server. The server
 * lives in this process, so the CLI runs asynchronously (pspAsync): a synchronous child would wait
 * for a server that can no longer answer.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {changedPaths, pspAsync, snapshotFiles, type RunResult} from '../helpers/cli.js'
import {useSyncFixture, type Clone} from '../helpers/sync-fixture.js'
import {show} from './support.js'

const fixture = useSyncFixture()
let n = 0

const TASK = 'data/tasks/task-aaaaaaaaaa.md'
const taskText = (status = 'todo') => `---\nid: task-aaaaaaaaaa\ntype: task\ntitle: Water the beds\nstatus: ${status}\n---\n\nEvery morning.\n`

async function clones(count: number): Promise<Clone[]> {
  const name = `e2e${++n}.git`
  const url = await fixture().seedRemote(name, {[TASK]: taskText()})
  const out: Clone[] = []
  for (let i = 0; i < count; i++) out.push(await fixture().clone(url, `${name}-${i}`))
  return out
}

const run = (clone: Clone, args: string[], env: Record<string, string | undefined> = {}): Promise<RunResult> =>
  pspAsync(args, {cwd: clone.dir, env: {...clone.env, ...env}})

/** One `Error:` line (and at most a `Hint:` line) on stderr, nothing on stdout, this exit code. */
function expectOneLineError(result: RunResult, code: number, message: RegExp): void {
  expect(result.code, show(result)).toBe(code)
  expect(result.stdout, show(result)).toBe('')
  const lines = result.stderr.split('\n').filter((l) => l !== '')
  expect(lines[0], show(result)).toMatch(message)
  expect(lines.length, show(result)).toBeLessThanOrEqual(2)
  if (lines.length === 2) expect(lines[1]).toMatch(/^Hint: /)
}

function head(clone: Clone): string {
  return clone.head() as string
}

describe('psp sync (CLI)', () => {
  it('commits, pushes, and the other clone fast-forwards; --json has the documented shape', async () => {
    const [a, b] = (await clones(2)) as [Clone, Clone]
    const added = await run(a, ['task', 'add', 'Plant tomatoes', '--json'])
    const id = (JSON.parse(added.stdout) as {id: string}).id
    const first = await run(a, ['sync'])
    expect(first.code, show(first)).toBe(0)
    expect(first.stderr).toBe('') // progress is for terminals only
    expect(first.stdout).toContain(`Committed 1 record (`)
    expect(first.stdout).toContain(`  ${id}  Plant tomatoes  added\n`)
    expect(first.stdout).toMatch(/Pushed main to origin\/main \([0-9a-f]{8}\)\n$/)

    const second = await run(b, ['sync', '--json'])
    expect(second.code, show(second)).toBe(0)
    const report = JSON.parse(second.stdout) as Record<string, unknown>
    expect(Object.keys(report)).toEqual([
      'status',
      'dryRun',
      'remote',
      'url',
      'branch',
      'localBranch',
      'continued',
      'committed',
      'otherChanges',
      'fetched',
      'integration',
      'fastForward',
      'merge',
      'conflicts',
      'pushed',
      'wouldPush',
      'head',
      'attempts',
      'notes',
    ])
    expect(report).toMatchObject({
      status: 'synced',
      dryRun: false,
      remote: 'origin',
      branch: 'main',
      localBranch: 'main',
      committed: null,
      integration: 'fast-forward',
      fetched: {count: 1},
      fastForward: {records: [{id, title: 'Plant tomatoes', change: 'added'}]},
      pushed: false,
      attempts: 1,
    })
    expect(head(b)).toBe(head(a))
    const again = await run(b, ['sync'])
    expect(again.stdout).toBe('Already up to date with origin/main\n')
  })

  it('--dry-run reports what would happen and changes nothing', async () => {
    const [a, b] = (await clones(2)) as [Clone, Clone]
    a.write(TASK, taskText('done'))
    expect((await run(a, ['sync'])).code).toBe(0)
    b.write('data/tasks/task-bbbbbbbbbb.md', taskText().replace(/aaaaaaaaaa/g, 'bbbbbbbbbb'))
    const before = snapshotFiles(b.dir)
    const headBefore = head(b)
    const dry = await run(b, ['sync', '--dry-run'])
    expect(dry.code, show(dry)).toBe(0)
    expect(dry.stdout).toContain('Would commit 1 record')
    expect(dry.stdout).toContain('Fetched 1 commit from origin/main')
    expect(dry.stdout).toContain('Would merge origin/main: 1 record')
    expect(dry.stdout).toContain('Would push main to origin/main')
    expect(dry.stdout).toContain('Dry run: no commit, no file, no push (only the fetch ran).')
    expect(changedPaths(before, snapshotFiles(b.dir))).toEqual([])
    expect(head(b)).toBe(headBefore)
  })

  it('stops on a conflict with exit 11; --continue refuses until it is settled, then concludes', async () => {
    const [a, b] = (await clones(2)) as [Clone, Clone]
    a.write(TASK, taskText('in-progress'))
    b.write(TASK, taskText('done'))
    expect((await run(a, ['sync'])).code).toBe(0)
    // A dry run foresees it (exit 0: the dry run did what was asked).
    const foreseen = await run(b, ['sync', '--dry-run'])
    expect(foreseen.code, show(foreseen)).toBe(0)
    expect(foreseen.stdout).toContain(`Would stop on conflicts in 1 file:\n  ${TASK}  task-aaaaaaaaaa  status: local done, origin/main in-progress\n`)

    const stopped = await run(b, ['sync', '--json'])
    expect(stopped.code, show(stopped)).toBe(11)
    expect(JSON.parse(stopped.stdout)).toMatchObject({
      status: 'conflicts',
      pushed: false,
      conflicts: [{path: TASK, id: 'task-aaaaaaaaaa', fields: [{field: 'status', base: 'todo', ours: 'done', theirs: 'in-progress'}], blocks: 0}],
      merge: {commit: null},
    })

    const blocked = await run(b, ['sync'])
    expectOneLineError(blocked, 7, /^Error: psp sync stopped on conflicts and is waiting: resolve them, then run psp sync --continue$/)

    const early = await run(b, ['sync', '--continue'])
    expectOneLineError(early, 11, new RegExp(`^Error: 1 file still holds conflicts: ${TASK}$`))

    b.write(TASK, b.read(TASK).replace(/^merge_conflicts:\n(?:[ \t]+.*\n)*/m, ''))
    const done = await run(b, ['sync', '--continue', '--json'])
    expect(done.code, show(done)).toBe(0)
    expect(JSON.parse(done.stdout)).toMatchObject({status: 'synced', continued: true, pushed: true, conflicts: []})
    expect((await run(a, ['sync'])).code).toBe(0)
    expect(a.tree()).toBe(b.tree())
    expect(a.read(TASK)).toContain('status: done')
  })

  it('bad input: one clear line, a non-zero exit, nothing changed', async () => {
    const [a] = (await clones(1)) as [Clone]
    a.write(TASK, taskText('review'))
    const before = snapshotFiles(a.dir)
    const headBefore = head(a)
    expectOneLineError(await run(a, ['sync', '--remote', 'nope']), 4, /^Error: no remote named "nope" \(remotes: origin\)$/)
    expectOneLineError(await run(a, ['sync', '--dry-run', '--continue']), 2, /^Error: --(dry-run|continue)=true cannot also be provided when using --(continue|dry-run)/)
    expectOneLineError(await run(a, ['sync', '--bogus']), 2, /^Error: Nonexistent flag: --bogus/)
    expectOneLineError(await run(a, ['sync', '--branch', 'a..b']), 2, /^Error: --branch: "a..b" is not a valid branch name$/)
    const config = fs.readFileSync(path.join(a.dir, '.git', 'config'), 'utf8')
    fs.writeFileSync(path.join(a.dir, '.git', 'config'), config.replace(/url = .*/, 'url = git@github.com:acme/plans.git'))
    expectOneLineError(await run(a, ['sync']), 2, /^Error: remote "origin" is git@github\.com:acme\/plans\.git: psp sync speaks HTTPS only \(no ssh\); use https:\/\/github\.com\/acme\/plans\.git$/)
    const ssh = await run(a, ['sync', '--json'])
    expect(ssh.code).toBe(2)
    expect(JSON.parse(ssh.stderr)).toMatchObject({error: {code: 'USAGE', data: {https: 'https://github.com/acme/plans.git'}}})
    fs.writeFileSync(path.join(a.dir, '.git', 'config'), config)
    expect(changedPaths(before, snapshotFiles(a.dir))).toEqual([])
    expect(head(a)).toBe(headBefore)

    // A workspace outside any git repository.
    const plain = path.join(fixture().root, `plain-${++n}`)
    fs.cpSync(path.join(a.dir, 'config'), path.join(plain, 'config'), {recursive: true})
    const outside = await pspAsync(['sync'], {cwd: plain, env: a.env})
    expectOneLineError(outside, 4, /^Error: not a git repository: no \.git in /)
  })

  it('works without a git binary: commit, fetch, merge and push with PATH emptied', async () => {
    const [a, b] = (await clones(2)) as [Clone, Clone]
    const noGit = path.join(fixture().root, 'no-git-bin')
    fs.mkdirSync(noGit, {recursive: true})
    a.write(TASK, taskText('in-progress'))
    b.write('data/tasks/task-cccccccccc.md', taskText().replace(/aaaaaaaaaa/g, 'cccccccccc'))
    const ra = await run(a, ['sync'], {PATH: noGit})
    expect(ra.code, show(ra)).toBe(0)
    const rb = await run(b, ['sync', '--json'], {PATH: noGit})
    expect(rb.code, show(rb)).toBe(0)
    expect(JSON.parse(rb.stdout)).toMatchObject({integration: 'merge', pushed: true})
    const rc = await run(a, ['sync'], {PATH: noGit})
    expect(rc.code, show(rc)).toBe(0)
    expect(a.tree()).toBe(b.tree())
    expect(a.read('data/tasks/task-cccccccccc.md')).toContain('cccccccccc')
    expect(b.read(TASK)).toContain('status: in-progress')
  })
})
