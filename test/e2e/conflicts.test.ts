/**
 * psp's git merge driver with the real git CLI (merge, pull, rebase), and `psp conflicts` /
 * `psp resolve` on what it leaves: concurrent edits of neighbouring fields and of one list merge
 * cleanly; a real conflict stops git, stays a valid document with `merge_conflicts`, is listed,
 * blocks the commit through the pre-commit hook until it is settled, and is settled by one
 * command. Registration by init and hooks install, removal by uninstall, and bad input.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {cleanup, git, gitResult, json, psp, tempDir} from '../helpers/cli.js'
import {expectError, expectJsonError, ok, read, show, unchanged, useIsolatedGitConfig, useWorkspaces} from './support.js'

const workspace = useWorkspaces()
useIsolatedGitConfig('psp-merge-config-')

const ID = 'task-k3m9q2w7xv'
const TASK = `data/tasks/${ID}-ship-it.md`
const TASK_TEXT = `---\nid: ${ID}\ntype: task\ntitle: Ship it\nstatus: todo\npriority: low\ntags: [start]\n---\n\nThe plan.\n`

/** Edits the task's file by hand (a plain-text edit is a first-class door) and commits it. */
function commitEdit(dir: string, message: string, edit: (text: string) => string): void {
  fs.writeFileSync(path.join(dir, TASK), edit(read(dir, TASK)))
  git(['commit', '-qam', message], dir)
}

/**
 * A committed workspace holding the task. `psp init` registered the merge driver; the hooks are
 * installed only where a test needs them (each hook is a psp process on every commit).
 */
function repoWithTask(): string {
  const ws = workspace(true)
  fs.mkdirSync(path.join(ws, 'data', 'tasks'), {recursive: true})
  fs.writeFileSync(path.join(ws, TASK), TASK_TEXT)
  git(['add', TASK], ws)
  git(['commit', '-qm', 'Add the task'], ws)
  return ws
}

const fields = (text: string) => text.split('---')[1] ?? ''

describe('git merge through the driver', () => {
  it('merges neighbouring fields and one list cleanly; a real conflict is listed, blocks the commit, and is settled by psp resolve', () => {
    const ws = repoWithTask()
    git(['checkout', '-qb', 'a'], ws)
    commitEdit(ws, 'A: start it', (t) => t.replace('status: todo', 'status: in-progress').replace('tags: [start]', 'tags: [start, from-a]'))
    git(['checkout', '-q', '-b', 'b', 'main'], ws)
    commitEdit(ws, 'B: raise it', (t) => t.replace('priority: low', 'priority: high').replace('tags: [start]', 'tags: [start, from-b]'))
    const merged = gitResult(['merge', '-m', 'Merge a', 'a'], ws)
    expect(merged.code, show(merged)).toBe(0)
    expect(read(ws, TASK)).toBe(TASK_TEXT.replace('status: todo', 'status: in-progress').replace('priority: low', 'priority: high').replace('tags: [start]', 'tags: [start, from-b, from-a]'))
    expect(git(['status', '--porcelain', '--untracked-files=no'], ws)).toBe('')

    // Both sides change the same field: git stops, the file stays a valid document.
    git(['checkout', '-q', '-b', 'c', 'b'], ws)
    commitEdit(ws, 'C: review', (t) => t.replace('status: in-progress', 'status: review'))
    git(['checkout', '-q', 'b'], ws)
    commitEdit(ws, 'B: done', (t) => t.replace('status: in-progress', 'status: done'))
    const stopped = gitResult(['merge', '-m', 'Merge c', 'c'], ws)
    expect(stopped.code, show(stopped)).toBe(1)
    expect(stopped.stdout).toContain(`CONFLICT (content): Merge conflict in ${TASK}`)
    expect(stopped.stderr).toContain(`psp: ${TASK}: status: conflict: ours done, theirs review (base in-progress)`)
    expect(fields(read(ws, TASK))).toContain('status: done\n')
    expect(fields(read(ws, TASK))).toContain('merge_conflicts:\n  status:\n    base: in-progress\n    ours: done\n    theirs: review\n')
    expect(json<{status: string}>(ok(psp(['task', 'show', 'k3m', '--json'], {cwd: ws}))).status).toBe('done')

    const listed = psp(['conflicts'], {cwd: ws})
    expect(listed.code, show(listed)).toBe(1)
    expect(listed.stdout).toBe(`${TASK}:5: status: merge conflict: ours "done", theirs "review" (base "in-progress")  [${ID}]\n`)
    expect(listed.stderr).toContain('1 open conflict in 1 file; git holds 1 path as unmerged')
    const asJson = json<{ok: boolean; count: number; unmerged: string[]; files: unknown[]}>(psp(['conflicts', '--json'], {cwd: ws}))
    expect(asJson).toEqual({
      ok: false,
      count: 1,
      unmerged: [TASK],
      files: [{path: TASK, id: ID, type: 'task', title: 'Ship it', conflicts: [{kind: 'field', field: 'status', line: 5, base: 'in-progress', ours: 'done', theirs: 'review'}]}],
    })

    // Staged as it is, the pre-commit hook refuses it, as psp validate does.
    ok(psp(['hooks', 'install'], {cwd: ws}))
    git(['add', TASK], ws)
    const blocked = gitResult(['commit', '--no-edit'], ws)
    expect(blocked.code, show(blocked)).not.toBe(0)
    expect(blocked.stderr).toContain(`${TASK}:5:1: status: merge conflict: ours "done", theirs "review" (base "in-progress"); settle it with psp resolve ${ID} --field status --take ours|theirs|<value>`)
    expect(psp(['validate'], {cwd: ws}).code).toBe(1)

    const resolved = ok(psp(['resolve', 'k3m', '--take', 'theirs'], {cwd: ws}))
    expect(resolved.stdout).toBe(`${ID}  status: review (theirs)\nNo conflict left in ${TASK}\n`)
    expect(read(ws, TASK)).toBe(TASK_TEXT.replace('status: todo', 'status: review').replace('priority: low', 'priority: high').replace('tags: [start]', 'tags: [start, from-b, from-a]'))
    expect(ok(psp(['conflicts'], {cwd: ws})).stderr).toBe('No open conflicts\n')
    git(['add', TASK], ws)
    ok(gitResult(['commit', '--no-edit'], ws))
    expect(git(['log', '-1', '--format=%P'], ws).trim().split(' ')).toHaveLength(2)
  })

  it('settles body conflicts, and a --field or value of one’s own; refuses what does not fit, changing nothing', () => {
    const ws = repoWithTask()
    git(['checkout', '-qb', 'other'], ws)
    commitEdit(ws, 'Theirs', (t) => t.replace('priority: low', 'priority: medium').replace('The plan.', 'Their plan.'))
    git(['checkout', '-q', 'main'], ws)
    commitEdit(ws, 'Ours', (t) => t.replace('priority: low', 'priority: high').replace('The plan.', 'Our plan.'))
    expect(gitResult(['merge', 'other'], ws).code).toBe(1)
    expect(read(ws, TASK)).toContain('<<<<<<< ours\nOur plan.\n||||||| base\nThe plan.\n=======\nTheir plan.\n>>>>>>> theirs (other)\n')
    const listed = psp(['conflicts'], {cwd: ws})
    expect(listed.stdout.trimEnd().split('\n')).toEqual([
      `${TASK}:6: priority: merge conflict: ours "high", theirs "medium" (base "low")  [${ID}]`,
      `${TASK}:15: body: merge conflict markers, lines 15–21: ours 1 line, theirs 1 line  [${ID}]`,
    ])

    unchanged(ws, () => {
      expectError(psp(['resolve', 'k3m', '--take', 'ours'], {cwd: ws}), 2, new RegExp(`${ID} has 2 open conflicts \\(priority, body\\): name one with --field`))
      expectError(psp(['resolve', 'k3m', '--field', 'status', '--take', 'ours'], {cwd: ws}), 4, /no open conflict on "status"/)
      expectError(psp(['resolve', 'nope', '--field', 'priority', '--take', 'ours'], {cwd: ws}), 4, /no record matches "nope"|nope/)
      expectError(psp(['resolve', 'k3m', '--field', 'priority', '--take', 'urgent'], {cwd: ws}), 6, /priority: "urgent" is not allowed/)
      expectError(psp(['resolve', 'k3m', '--field', 'body', '--take', 'mine'], {cwd: ws}), 2, /the body takes a side/)
      expectError(psp(['resolve', 'k3m', '--field', 'priority'], {cwd: ws}), 2, /Missing required flag take/)
      expectError(psp(['resolve', '../elsewhere.md', '--take', 'ours'], {cwd: ws}), 8, /outside the workspace/)
      expectJsonError(psp(['resolve', 'k3m', '--field', 'status', '--take', 'ours', '--json'], {cwd: ws}), 4, 'NOT_FOUND')
    })

    const value = json<{field: string; took: string; value: unknown; remaining: unknown[]}>(ok(psp(['resolve', 'k3m', '--field', 'priority', '--take', 'value:medium', '--json'], {cwd: ws})))
    expect(value).toMatchObject({field: 'priority', took: 'value', value: 'medium', remaining: [{kind: 'body', line: 10}]})
    expect(ok(psp(['resolve', 'k3m', '--take', 'theirs'], {cwd: ws})).stdout).toBe(`${ID}  body: took theirs\nNo conflict left in ${TASK}\n`)
    expect(read(ws, TASK)).toBe(TASK_TEXT.replace('priority: low', 'priority: medium').replace('The plan.', 'Their plan.'))
    expectError(psp(['resolve', 'k3m', '--take', 'ours'], {cwd: ws}), 4, new RegExp(`${ID} has no open conflict`))
  })
})

describe('git pull and git rebase through the driver', () => {
  it('a clone registers the driver with psp init; pull merges and rebase replays concurrent edits of one record', () => {
    const ws = repoWithTask()
    const top = tempDir()
    try {
      const remote = path.join(top, 'remote.git')
      git(['init', '-q', '--bare', '-b', 'main', remote], top)
      git(['remote', 'add', 'origin', remote], ws)
      git(['push', '-q', 'origin', 'main'], ws)
      const clone = path.join(top, 'clone')
      git(['clone', '-q', remote, clone], top)
      // A clone gets .gitattributes but not the config that names the driver: init registers it.
      expect(gitResult(['config', '--get', 'merge.psp.driver'], clone).code).toBe(1)
      const init = ok(psp(['init'], {cwd: clone}))
      expect(init.stdout).toContain('registered the git merge driver in .git/config')
      expect(git(['check-attr', 'merge', '--', TASK], clone)).toBe(`${TASK}: merge: psp\n`)

      commitEdit(ws, 'Start it', (t) => t.replace('status: todo', 'status: in-progress').replace('tags: [start]', 'tags: [start, here]'))
      git(['push', '-q', 'origin', 'main'], ws)
      commitEdit(clone, 'Raise it', (t) => t.replace('priority: low', 'priority: high').replace('tags: [start]', 'tags: [start, there]'))
      const pulled = gitResult(['pull', '--no-rebase', '--no-edit', 'origin', 'main'], clone)
      expect(pulled.code, show(pulled)).toBe(0)
      expect(fields(read(clone, TASK))).toContain('status: in-progress\npriority: high\ntags: [start, there, here]\n')
      git(['push', '-q', 'origin', 'main'], clone)

      git(['pull', '-q', '--no-rebase', 'origin', 'main'], ws)
      commitEdit(ws, 'Tag it x', (t) => t.replace('tags: [start, there, here]', 'tags: [start, there, here, x]'))
      git(['push', '-q', 'origin', 'main'], ws)
      commitEdit(clone, 'Tag it y, review', (t) => t.replace('tags: [start, there, here]', 'tags: [start, there, here, y]').replace('status: in-progress', 'status: review'))
      git(['fetch', '-q', 'origin'], clone)
      const rebased = gitResult(['rebase', 'origin/main'], clone)
      expect(rebased.code, show(rebased)).toBe(0)
      // Replaying ours on theirs: the rebased commit's "ours" is origin/main.
      expect(fields(read(clone, TASK))).toContain('status: review\npriority: high\ntags: [start, there, here, x, y]\n')
      expect(git(['log', '--format=%s', '-2'], clone).trim().split('\n')).toEqual(['Tag it y, review', 'Tag it x'])
    } finally {
      cleanup(top)
    }
  })
})

describe('registration', () => {
  it('init registers the driver once; hooks uninstall removes it and keeps .gitattributes; status says so', () => {
    const ws = workspace(true)
    const driver = git(['config', '--get', 'merge.psp.driver'], ws).trim()
    expect(driver).toMatch(/^'.*node[^']*' '.*\/bin\/run\.js' merge-driver %O %A %B %P$/)
    expect(read(ws, '.gitattributes').split('\n').filter((l) => l === 'data/**/*.md merge=psp')).toHaveLength(1)
    expect(ok(psp(['init'], {cwd: ws})).stdout).toMatch(/^Already initialised/)

    const removed = ok(psp(['hooks', 'uninstall'], {cwd: ws}))
    expect(removed.stdout).toContain('Merge driver: removed from .git/config')
    expect(gitResult(['config', '--get', 'merge.psp.driver'], ws).code).toBe(1)
    expect(read(ws, '.gitattributes')).toContain('data/**/*.md merge=psp')
    const status = json<{ok: boolean; mergeDriver: {ok: boolean; problems: string[]}}>(ok(psp(['hooks', 'status', '--json'], {cwd: ws})))
    expect(status.ok).toBe(false)
    expect(status.mergeDriver).toMatchObject({ok: false, problems: ['the merge driver is not registered: run psp hooks install']})

    const installed = json<{mergeDriver: {action: string}}>(ok(psp(['hooks', 'install', '--json'], {cwd: ws})))
    expect(installed.mergeDriver.action).toBe('registered')
    expect(git(['config', '--get', 'merge.psp.driver'], ws).trim()).toBe(driver)
    expect(json<{ok: boolean}>(ok(psp(['hooks', 'status', '--json'], {cwd: ws}))).ok).toBe(true)
  })

  it('without the driver git merges as text; the markers it leaves are listed and settled by path', () => {
    const ws = repoWithTask()
    ok(psp(['hooks', 'uninstall'], {cwd: ws}))
    git(['checkout', '-qb', 'other'], ws)
    commitEdit(ws, 'Theirs', (t) => t.replace('priority: low', 'priority: high'))
    git(['checkout', '-q', 'main'], ws)
    commitEdit(ws, 'Ours', (t) => t.replace('status: todo', 'status: done'))
    // Neighbouring lines: git's own text merge calls that a conflict.
    expect(gitResult(['merge', 'other'], ws).code).toBe(1)
    const listed = psp(['conflicts', '--json'], {cwd: ws})
    expect(listed.code).toBe(1)
    expect(json<{files: unknown[]}>(listed).files).toEqual([
      {path: TASK, conflicts: [{kind: 'text', line: 5, endLine: 11, base: [], ours: ['status: done', 'priority: low'], theirs: ['status: todo', 'priority: high']}]},
    ])
    ok(psp(['resolve', TASK, '--take', 'theirs'], {cwd: ws}))
    expect(read(ws, TASK)).toBe(TASK_TEXT.replace('priority: low', 'priority: high'))
  })
})

describe('psp merge-driver', () => {
  it('writes the merge into ours, prints nothing on stdout, and refuses files that are not git’s', () => {
    const dir = workspace()
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text)
    write('.merge_file_O', TASK_TEXT)
    write('.merge_file_A', TASK_TEXT.replace('status: todo', 'status: done'))
    write('.merge_file_B', TASK_TEXT.replace('priority: low', 'priority: high'))
    const clean = psp(['merge-driver', '.merge_file_O', '.merge_file_A', '.merge_file_B', TASK], {cwd: dir})
    expect(clean, show(clean)).toMatchObject({code: 0, stdout: '', stderr: ''})
    expect(read(dir, '.merge_file_A')).toBe(TASK_TEXT.replace('status: todo', 'status: done').replace('priority: low', 'priority: high'))

    write('.merge_file_B', TASK_TEXT.replace('status: todo', 'status: review'))
    const conflicted = psp(['merge-driver', '.merge_file_O', '.merge_file_A', '.merge_file_B', TASK, '--json'], {cwd: dir})
    expect(conflicted.code).toBe(1)
    expect(json(conflicted)).toMatchObject({clean: false, merge: 'record', conflicts: [{field: 'status', base: 'todo', ours: 'done', theirs: 'review'}]})

    const outside = tempDir()
    try {
      fs.writeFileSync(path.join(outside, 'victim.md'), 'keep\n')
      unchanged(dir, () => {
        expectError(psp(['merge-driver', '.merge_file_O', path.join(outside, 'victim.md'), '.merge_file_B'], {cwd: dir}), 8, /the ours file is outside the current folder/)
        expectError(psp(['merge-driver', '.merge_file_O', '../x.md', '.merge_file_B'], {cwd: dir}), 8, /outside the current folder/)
        expectError(psp(['merge-driver', '.merge_file_O', 'data', '.merge_file_B'], {cwd: dir}), 8, /not a regular file/)
        expectError(psp(['merge-driver', '.merge_file_O', 'missing.md', '.merge_file_B'], {cwd: dir}), 4, /missing\.md: the ours file does not exist/)
        expectError(psp(['merge-driver', '.merge_file_O', '.merge_file_A'], {cwd: dir}), 2, /Missing 1 required arg/)
      })
      expect(fs.readFileSync(path.join(outside, 'victim.md'), 'utf8')).toBe('keep\n')
    } finally {
      cleanup(outside)
    }
  })
})
