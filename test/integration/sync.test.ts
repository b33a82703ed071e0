/**
 * psp sync against a real smart-HTTP git server (git http-backend in this process), with clones
 * made and synced by the core in-process: concurrent edits of one record merge field by field,
 * a true conflict stops the sync with both values kept and `--continue` concludes it, records
 * moved on one side and edited on the other get both, every clone converges, a remote that moved
 * during a sync is fetched again, and what sync refuses it refuses before changing anything.
 */
import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import git from 'isomorphic-git'
import {describe, expect, it} from 'vitest'
import {
  initWorkspace,
  listConflictsInText,
  MERGE_CONFLICTS_FIELD,
  NotAGitRepositoryError,
  NotFoundError,
  splitDocument,
  UsageError,
  Workspace,
} from '@psp/core'
import {
  GitIdentityError,
  GitRemoteError,
  readSyncState,
  SyncBlockedError,
  SyncConflictError,
  syncWorkspace,
} from '@psp/core/sync'
import {AUTHOR, makeClone, syncEnv, useSyncFixture, type Clone} from '../helpers/sync-fixture.js'

const T = 'data/tasks'
const task = (id: string, fields: Record<string, string> = {}, body = 'Line one.\nLine two.\nLine three.\nLine four.\nLine five.\nLine six.\n') =>
  ['---', `id: ${id}`, 'type: task', `title: Task ${id}`, 'status: todo', ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), '---', '', body].join('\n')
const seedTasks = (...ids: string[]) => Object.fromEntries(ids.map((id) => [`${T}/${id}.md`, task(id)]))
const data = (c: Clone, id: string) => c.store().get(id).data

const fixture = useSyncFixture()
let n = 0

/** A new remote with `ids` seeded as tasks, and `count` clones of it. */
async function setup(count: number, ids: string[] = ['task-aaaaaaaaaa']): Promise<Clone[]> {
  const name = `r${++n}.git`
  const url = await fixture().seedRemote(name, seedTasks(...ids))
  const clones: Clone[] = []
  for (let i = 0; i < count; i++) clones.push(await fixture().clone(url, `${name}-${String.fromCharCode(97 + i)}`))
  return clones
}

/** Removes a document's merge_conflicts block (keeping ours' values), as a person would in an editor. */
function dropMergeConflicts(text: string): string {
  return text.replace(/^merge_conflicts:\n(?:[ \t]+.*\n)*/m, '')
}

function git2(args: string[], cwd: string): string {
  const r = spawnSync('git', args, {cwd, encoding: 'utf8', env: {...process.env, GIT_CONFIG_NOSYSTEM: '1'}})
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
  return r.stdout
}

function expectConverged(clones: Clone[]): void {
  const trees = clones.map((c) => c.tree())
  expect(new Set(trees).size, `trees: ${trees.join(' ')}`).toBe(1)
}

describe('psp sync: two clones', () => {
  it('pushes a new record, the other clone fast-forwards to it; a second sync is up to date', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const created = a.store().create({type: 'task', title: 'Plant tomatoes'}).record
    const ra = await a.sync()
    expect(ra).toMatchObject({status: 'synced', integration: 'push', pushed: true, attempts: 1, remote: 'origin', branch: 'main', localBranch: 'main'})
    expect(ra.committed?.records).toEqual([{id: created.id, title: 'Plant tomatoes', path: created.path, change: 'added'}])
    const commit = (await git.readCommit({fs, dir: a.dir, oid: ra.committed?.commit as string})).commit
    expect(commit.message).toBe(`psp sync: 1 record\n\n${created.id} Plant tomatoes (added)\n`)
    expect(commit.author).toMatchObject({name: AUTHOR.name, email: AUTHOR.email})

    const rb = await b.sync()
    expect(rb).toMatchObject({status: 'synced', integration: 'fast-forward', pushed: false, committed: null})
    expect(rb.fetched.count).toBe(1)
    expect(rb.fastForward?.records).toEqual([{id: created.id, title: 'Plant tomatoes', path: created.path, change: 'added'}])
    expect(data(b, created.id)['title']).toBe('Plant tomatoes')
    expectConverged([a, b])
    // The index follows: nothing is left to commit, and git sees a clean tree.
    expect(git2(['status', '--porcelain'], b.dir)).toBe('')
    expect(git2(['status', '--porcelain'], a.dir)).toBe('')

    const again = await b.sync()
    expect(again).toMatchObject({status: 'up-to-date', integration: 'up-to-date', committed: null, pushed: false})
  })

  it('merges different fields of one record edited on both sides', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const id = 'task-aaaaaaaaaa'
    await a.store().update(id, {set: {status: 'in-progress'}})
    await b.store().update(id, {set: {priority: 'high', assignee: 'ben'}})
    await a.sync()
    const rb = await b.sync()
    expect(rb).toMatchObject({status: 'synced', integration: 'merge', pushed: true, conflicts: []})
    expect(rb.merge?.records).toEqual([expect.objectContaining({id, outcome: 'merged', conflict: false})])
    const merge = (await git.readCommit({fs, dir: b.dir, oid: rb.merge?.commit as string})).commit
    expect(merge.parent).toHaveLength(2)
    expect(merge.parent[1]).toBe(rb.fetched.head)
    expect(merge.message).toBe(`psp sync: merge origin/main\n\n1 record from origin/main:\n${id} Task ${id} (merged)\n`)
    await a.sync()
    expectConverged([a, b])
    expect(data(a, id)).toMatchObject({status: 'in-progress', priority: 'high', assignee: 'ben'})
    // git's own view of the result: a clean fsck, a merge commit with both parents.
    expect(git2(['fsck', '--no-progress'], a.dir).trim()).toBe('')
    expect(git2(['log', '--format=%P', '-1'], a.dir).trim().split(' ')).toHaveLength(2)
  })

  it('merges list additions on both sides as a set', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const id = 'task-aaaaaaaaaa'
    await a.store().update(id, {add: {tags: ['ui', 'web']}})
    await b.store().update(id, {add: {tags: ['api']}})
    await a.sync()
    await b.sync()
    await a.sync()
    expectConverged([a, b])
    // B merged: ours' elements in ours' order, then those theirs added.
    expect(data(a, id)['tags']).toEqual(['api', 'ui', 'web'])
  })

  it('merges body edits far apart; overlapping ones conflict with markers until settled', async () => {
    const [a, b] = (await setup(2, ['task-aaaaaaaaaa', 'task-bbbbbbbbbb'])) as [Clone, Clone]
    const far = `${T}/task-aaaaaaaaaa.md`
    a.write(far, a.read(far).replace('Line one.', 'Line one, by A.'))
    b.write(far, b.read(far).replace('Line six.', 'Line six, by B.'))
    const near = `${T}/task-bbbbbbbbbb.md`
    a.write(near, a.read(near).replace('Line three.', 'Line three, by A.'))
    b.write(near, b.read(near).replace('Line three.', 'Line three, by B.'))
    await a.sync()
    const rb = await b.sync()
    expect(rb.status).toBe('conflicts')
    expect(rb.pushed).toBe(false)
    expect(rb.conflicts).toEqual([{path: near, id: 'task-bbbbbbbbbb', fields: [], blocks: 1}])
    expect(b.read(far)).toContain('Line one, by A.')
    expect(b.read(far)).toContain('Line six, by B.')
    const conflicted = b.read(near)
    expect(conflicted).toContain('<<<<<<< local\nLine three, by B.\n||||||| base\nLine three.\n=======\nLine three, by A.\n>>>>>>> origin/main\n')
    // Nothing committed: HEAD is still B's own commit, the remote still A's.
    expect(b.head()).toBe(rb.committed?.commit)
    await expect(b.sync({continue: true})).rejects.toBeInstanceOf(SyncConflictError)
    b.write(near, conflicted.replace(/<<<<<<< local\n[\s\S]*?>>>>>>> origin\/main\n/, 'Line three, by A and B.\n'))
    const done = await b.sync({continue: true})
    expect(done).toMatchObject({status: 'synced', continued: true, pushed: true})
    await a.sync()
    expectConverged([a, b])
    expect(a.read(near)).toContain('Line three, by A and B.')
    expect(a.read(far)).toContain('Line one, by A.')
    expect(a.read(far)).toContain('Line six, by B.')
  })

  it('stops on a true field conflict with both values kept; --continue after the file is settled', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const id = 'task-aaaaaaaaaa'
    const file = `${T}/${id}.md`
    await a.store().update(id, {set: {status: 'in-progress', priority: 'low'}})
    await b.store().update(id, {set: {status: 'done', assignee: 'ben'}})
    await a.sync()
    const before = b.head()
    const rb = await b.sync()
    expect(rb.status).toBe('conflicts')
    expect(rb.conflicts).toEqual([{path: file, id, fields: [{field: 'status', base: 'todo', ours: 'done', theirs: 'in-progress'}], blocks: 0}])
    expect(rb.merge).toMatchObject({commit: null, records: [expect.objectContaining({id, outcome: 'merged', conflict: true})]})
    // Nothing is lost: the file keeps ours' value, the other in merge_conflicts, and the clean fields.
    const text = b.read(file)
    expect(splitDocument(text).data).toMatchObject({status: 'done', priority: 'low', assignee: 'ben', [MERGE_CONFLICTS_FIELD]: {status: {base: 'todo', ours: 'done', theirs: 'in-progress'}}})
    // git sees a merge in progress; psp kept its state.
    expect(fs.readFileSync(path.join(b.dir, '.git', 'MERGE_HEAD'), 'utf8').trim()).toBe(rb.fetched.head)
    expect(readSyncState(path.join(b.dir, '.git'))).toMatchObject({remote: 'origin', branch: 'main', theirs: rb.fetched.head, conflictPaths: [file]})
    expect(b.head()).not.toBe(before) // B's own commit of its edit…
    expect(b.head()).toBe(rb.committed?.commit) // …and no merge commit

    // A plain sync refuses to run over it; --continue refuses while the conflict is open.
    await expect(b.sync()).rejects.toBeInstanceOf(SyncBlockedError)
    const open = await b.sync({continue: true}).catch((e: unknown) => e)
    expect(open).toBeInstanceOf(SyncConflictError)
    expect((open as SyncConflictError).exitCode).toBe(11)
    expect((open as SyncConflictError).message).toContain(file)

    b.write(file, dropMergeConflicts(text))
    expect(listConflictsInText(b.read(file))).toEqual([])
    const done = await b.sync({continue: true})
    expect(done).toMatchObject({status: 'synced', continued: true, pushed: true, integration: 'merge'})
    expect(fs.existsSync(path.join(b.dir, '.git', 'MERGE_HEAD'))).toBe(false)
    expect(readSyncState(path.join(b.dir, '.git'))).toBeUndefined()
    const merge = (await git.readCommit({fs, dir: b.dir, oid: done.merge?.commit as string})).commit
    expect(merge.parent).toEqual([rb.committed?.commit, rb.fetched.head])
    await a.sync()
    expectConverged([a, b])
    expect(data(a, id)).toMatchObject({status: 'done', priority: 'low', assignee: 'ben'})
    expect(data(a, id)[MERGE_CONFLICTS_FIELD]).toBeUndefined()
  })

  it('add/add of one id: one record, fields of both', async () => {
    const [a, b] = (await setup(2, [])) as [Clone, Clone]
    const rel = `${T}/task-dddddddddd.md`
    a.write(rel, task('task-dddddddddd', {priority: 'high'}))
    b.write(rel, task('task-dddddddddd', {assignee: 'ben'}))
    await a.sync()
    const rb = await b.sync()
    expect(rb.merge?.records).toEqual([expect.objectContaining({id: 'task-dddddddddd', outcome: 'add/add', conflict: false})])
    await a.sync()
    expectConverged([a, b])
    expect(data(a, 'task-dddddddddd')).toMatchObject({priority: 'high', assignee: 'ben'})
  })

  it('delete on one side, edit on the other: the edited record is kept and reported', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const id = 'task-aaaaaaaaaa'
    a.store().delete(id)
    await b.store().update(id, {set: {status: 'in-progress'}})
    const ra = await a.sync()
    expect(ra.committed?.records).toEqual([expect.objectContaining({id, change: 'deleted'})])
    const rb = await b.sync()
    expect(rb.status).toBe('conflicts')
    expect(rb.conflicts).toEqual([{path: `${T}/${id}.md`, id, fields: [], blocks: 0, deleted: 'theirs'}])
    // Nothing to edit: the kept version is the answer; --continue concludes.
    const done = await b.sync({continue: true})
    expect(done.pushed).toBe(true)
    await a.sync()
    expectConverged([a, b])
    expect(data(a, id)['status']).toBe('in-progress')
  })

  it('a record archived (moved) on one side and edited on the other: the edit lands at the new path', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const id = 'task-aaaaaaaaaa'
    a.store().archive(id)
    await b.store().update(id, {set: {status: 'done'}, add: {tags: ['x']}})
    const ra = await a.sync()
    expect(ra.committed?.records).toEqual([expect.objectContaining({id, change: 'archived', path: `data/archive/tasks/${id}.md`, from: `${T}/${id}.md`})])
    expect((await git.readCommit({fs, dir: a.dir, oid: ra.committed?.commit as string})).commit.message).toContain(`${id} Task ${id} (archived)`)
    const rb = await b.sync()
    expect(rb).toMatchObject({status: 'synced', conflicts: []})
    await a.sync()
    expectConverged([a, b])
    for (const c of [a, b]) {
      expect(c.exists(`${T}/${id}.md`)).toBe(false)
      const record = c.store().get(id)
      expect(record).toMatchObject({path: `data/archive/tasks/${id}.md`, archived: true})
      expect(record.data).toMatchObject({status: 'done', tags: ['x']})
    }
  })

  it('leaves other changed files alone and names them; refuses a fast-forward that would overwrite one', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    b.write('notes.txt', 'mine\n')
    b.write('README.md', 'local readme\n')
    b.write(`${T}/draft.txt`, 'not a document\n')
    await b.store().update('task-aaaaaaaaaa', {set: {priority: 'low'}})
    b.write('data/notes/README.md', 'about the notes\n')
    const rb = await b.sync()
    // Only data/ is looked at (the rest may be a whole code base): other files there are named.
    expect(rb.otherChanges).toEqual([
      {path: 'data/notes/README.md', status: 'untracked'},
      {path: 'data/tasks/draft.txt', status: 'untracked'},
    ])
    expect([...b.files().keys()].filter((p) => /notes|README|draft/.test(p))).toEqual([])
    expect(b.read('notes.txt')).toBe('mine\n')

    // A commits a settings change with git and pushes it; B has its own uncommitted change there.
    a.write('config/settings.yaml', `${a.read('config/settings.yaml')}\n# from a\n`)
    await git.add({fs, dir: a.dir, filepath: 'config/settings.yaml'})
    await git.commit({fs, dir: a.dir, message: 'settings', author: AUTHOR})
    await a.sync()
    const mine = `${b.read('config/settings.yaml')}\n# mine\n`
    b.write('config/settings.yaml', mine)
    const head = b.head()
    const blocked = await b.sync().catch((e: unknown) => e)
    expect(blocked).toBeInstanceOf(SyncBlockedError)
    expect((blocked as Error).message).toBe("local changes would be overwritten by the remote's: config/settings.yaml")
    expect(b.head()).toBe(head)
    expect(b.read('config/settings.yaml')).toBe(mine)
  })

  it('merges other text files line by line, honouring merge=union from .gitattributes', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    expect(a.read('.gitattributes')).toContain('.augment/run.log merge=union')
    const commitFile = async (c: Clone, rel: string, text: string) => {
      c.write(rel, text)
      await git.add({fs, dir: c.dir, filepath: rel})
      await git.commit({fs, dir: c.dir, message: `edit ${rel}`, author: AUTHOR})
    }
    await commitFile(a, '.augment/run.log', 'a ran\n')
    await commitFile(b, '.augment/run.log', 'b ran\n')
    await commitFile(a, 'notes.txt', 'one\ntwo\nthree\nfour\nfive\n')
    await a.sync()
    await commitFile(b, 'other.txt', 'from b\n')
    const rb = await b.sync()
    expect(rb).toMatchObject({status: 'synced', conflicts: [], pushed: true})
    expect(rb.merge?.files).toEqual([
      {path: '.augment/run.log', outcome: 'merged'},
      {path: 'notes.txt', outcome: 'theirs'},
    ])
    expect(b.read('.augment/run.log')).toBe('b ran\na ran\n')
    await a.sync()
    expectConverged([a, b])
    expect(a.read('other.txt')).toBe('from b\n')
  })

  it('a file one side turned into a folder while the other changed it: both kept, a conflict', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const commit = async (c: Clone, message: string) => {
      for (const [file, , workdir] of await git.statusMatrix({fs, dir: c.dir})) {
        if (workdir === 0) await git.remove({fs, dir: c.dir, filepath: file})
        else await git.add({fs, dir: c.dir, filepath: file})
      }
      await git.commit({fs, dir: c.dir, message, author: AUTHOR})
    }
    a.write('plans', 'one file\n')
    await commit(a, 'plans')
    await a.sync()
    await b.sync()
    fs.rmSync(path.join(a.dir, 'plans'))
    a.write('plans/q1.txt', 'a folder now\n')
    await commit(a, 'plans is a folder')
    b.write('plans', 'one file, edited\n')
    await commit(b, 'edit plans')
    await a.sync()
    const rb = await b.sync()
    expect(rb.conflicts).toEqual([{path: 'plans~ours', fields: [], blocks: 0, deleted: 'theirs', displacedFrom: 'plans'}])
    expect(b.read('plans/q1.txt')).toBe('a folder now\n')
    expect(b.read('plans~ours')).toBe('one file, edited\n')
    expect((await b.sync({continue: true})).pushed).toBe(true)
    await a.sync()
    expectConverged([a, b])
    expect(a.read('plans~ours')).toBe('one file, edited\n')
  })

  it('--dry-run fetches and reports, and changes nothing else', async () => {
    const [a, b] = (await setup(2)) as [Clone, Clone]
    const id = 'task-aaaaaaaaaa'
    await a.store().update(id, {set: {status: 'in-progress'}})
    await a.sync()
    await b.store().update(id, {set: {status: 'done'}})
    const created = b.store().create({type: 'task', title: 'New one'}).record
    const head = b.head()
    const index = fs.readFileSync(path.join(b.dir, '.git', 'index'))
    const dry = await b.sync({dryRun: true})
    expect(dry).toMatchObject({status: 'dry-run', dryRun: true, integration: 'merge', pushed: false, wouldPush: false})
    expect(dry.committed?.commit).toBeNull()
    expect(dry.committed?.records.map((r) => r.id).sort()).toEqual([created.id, id].sort())
    expect(dry.conflicts).toEqual([expect.objectContaining({id, fields: [expect.objectContaining({field: 'status', ours: 'done', theirs: 'in-progress'})]})])
    expect(b.head()).toBe(head)
    expect(fs.readFileSync(path.join(b.dir, '.git', 'index')).equals(index)).toBe(true)
    expect(fs.existsSync(path.join(b.dir, '.git', 'MERGE_HEAD'))).toBe(false)
    expect(data(b, id)['status']).toBe('done')
    expect(data(b, id)[MERGE_CONFLICTS_FIELD]).toBeUndefined()

    // Nothing to merge: a dry run says it would push.
    const [c] = (await setup(1)) as [Clone]
    c.store().create({type: 'task', title: 'x'})
    expect(await c.sync({dryRun: true})).toMatchObject({status: 'dry-run', integration: 'push', wouldPush: true, pushed: false})
  })
})

describe('psp sync: a first sync', () => {
  it('publishes a workspace that was never committed (all of it), then a clone of it syncs', async () => {
    const url = fixture().server.createRepo(`fresh-${++n}.git`)
    const dir = path.join(fixture().root, `fresh-${n}`)
    await initWorkspace(dir, {pspVersion: '0.0.0-test', name: 'fresh'})
    await git.addRemote({fs, dir, remote: 'origin', url})
    const a = makeClone('fresh', dir, syncEnv(path.join(fixture().root, 'home')))
    const created = a.store().create({type: 'task', title: 'First task'}).record
    const r = await a.sync()
    expect(r).toMatchObject({integration: 'first-push', pushed: true, committed: {records: [{id: created.id, change: 'added'}]}})
    expect(r.notes[0]).toMatch(/the repository had no commit yet: the first commit holds the whole workspace/)
    expect([...a.files().keys()]).toEqual(expect.arrayContaining(['config/settings.yaml', '.gitignore', created.path]))
    expect([...a.files().keys()].some((p) => p.startsWith('data/cache/'))).toBe(false)
    const b = await fixture().clone(url, `fresh-${n}-b`)
    expect(b.store().get(created.id).data['title']).toBe('First task')
    await b.store().update(created.id, {set: {status: 'done'}})
    expect((await b.sync()).pushed).toBe(true)
    expect((await a.sync()).integration).toBe('fast-forward')
    expectConverged([a, b])
  })
})

describe('psp sync: three clones', () => {
  it('converges in every order of syncing, with every value present', async () => {
    const orders = [
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]
    for (const order of orders) {
      const clones = await setup(3, ['task-aaaaaaaaaa', 'task-bbbbbbbbbb'])
      const [a, b, c] = clones as [Clone, Clone, Clone]
      await a.store().update('task-aaaaaaaaaa', {set: {status: 'in-progress'}, add: {tags: ['a']}})
      await b.store().update('task-aaaaaaaaaa', {set: {priority: 'high'}, add: {tags: ['b']}})
      await c.store().update('task-aaaaaaaaaa', {set: {assignee: 'cy'}, add: {tags: ['c']}})
      b.store().archive('task-bbbbbbbbbb')
      await c.store().update('task-bbbbbbbbbb', {set: {due: '2027-01-01'}})
      const ids = clones.map((x) => x.store().create({type: 'task', title: `from ${x.name}`}).record.id)
      for (let round = 0; round < 2; round++) {
        for (const i of order) {
          const r = await (clones[i] as Clone).sync()
          expect(r.conflicts, `order ${order.join('')} clone ${i}`).toEqual([])
        }
      }
      expectConverged(clones)
      for (const x of clones) {
        expect(data(x, 'task-aaaaaaaaaa')).toMatchObject({status: 'in-progress', priority: 'high', assignee: 'cy'})
        expect([...(data(x, 'task-aaaaaaaaaa')['tags'] as string[])].sort()).toEqual(['a', 'b', 'c'])
        expect(x.store().get('task-bbbbbbbbbb')).toMatchObject({archived: true, data: expect.objectContaining({due: '2027-01-01'})})
        for (const id of ids) expect(x.store().get(id).id).toBe(id)
        expect(git2(['status', '--porcelain'], x.dir)).toBe('')
      }
    }
  })
})

describe('psp sync: a remote that moves during the sync', () => {
  it('two clones pushing at once: the second fetches, merges and pushes again', async () => {
    const [a, b] = (await setup(2, ['task-aaaaaaaaaa', 'task-bbbbbbbbbb'])) as [Clone, Clone]
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    await b.store().update('task-bbbbbbbbbb', {set: {status: 'in-progress'}})
    const [ra, rb] = await Promise.all([a.sync(), b.sync()])
    expect([ra.pushed, rb.pushed]).toEqual([true, true])
    expect(Math.max(ra.attempts, rb.attempts)).toBe(2)
    expect([ra, rb].find((r) => r.attempts === 2)?.notes[0]).toMatch(/moved before the push/)
    await a.sync()
    await b.sync()
    expectConverged([a, b])
    expect(data(b, 'task-aaaaaaaaaa')['status']).toBe('done')
    expect(data(a, 'task-bbbbbbbbbb')['status']).toBe('in-progress')
  })

  it('gives up after maxAttempts with a clear error', async () => {
    const name = `r${++n}.git`
    const url = await fixture().seedRemote(name, seedTasks('task-aaaaaaaaaa'))
    const a = await fixture().clone(url, `${name}-a`)
    const b = await fixture().clone(url, `${name}-b`)
    // A commit the remote has (on another branch) but main does not point at yet.
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    const ahead = await a.sync({dryRun: false, branch: 'side'})
    const bare = path.join(fixture().server.root, name)
    await b.store().update('task-aaaaaaaaaa', {set: {priority: 'low'}})
    // Right before B pushes, main moves on the server (a local ref update: no HTTP involved).
    let moved = false
    const error = await b
      .sync({
        maxAttempts: 1,
        onProgress: (p) => {
          if (p.phase === 'push' && !moved) {
            moved = true
            git2(['update-ref', 'refs/heads/main', ahead.head as string], bare)
          }
        },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GitRemoteError)
    expect((error as Error).message).toMatch(/the push was refused 1 times: origin\/main kept moving while psp sync merged/)
    expect((error as GitRemoteError).data).toMatchObject({reason: 'retries', attempts: 1})
    // With the default attempts, the next sync gets there.
    const r = await b.sync()
    expect(r).toMatchObject({pushed: true, attempts: 1})
  })
})

describe('psp sync: refusals change nothing', () => {
  it('refuses an ssh remote, naming the https URL', async () => {
    const [a] = (await setup(1)) as [Clone]
    await git.setConfig({fs, dir: a.dir, path: 'remote.origin.url', value: 'git@github.com:acme/plans.git'})
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    const head = a.head()
    const error = await a.sync().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe('remote "origin" is git@github.com:acme/plans.git: psp sync speaks HTTPS only (no ssh); use https://github.com/acme/plans.git')
    expect((error as UsageError).hint).toContain('git remote set-url origin https://github.com/acme/plans.git')
    await git.setConfig({fs, dir: a.dir, path: 'remote.origin.url', value: 'ssh://git@gitlab.example.com:2222/team/plans.git'})
    await expect(a.sync()).rejects.toThrow('use https://gitlab.example.com/team/plans.git')
    await git.setConfig({fs, dir: a.dir, path: 'remote.origin.url', value: '/srv/git/plans.git'})
    await expect(a.sync()).rejects.toThrow(/local and file:\/\/ remotes are not supported/)
    expect(a.head()).toBe(head)
    expect(git2(['status', '--porcelain'], a.dir)).toBe(` M ${T}/task-aaaaaaaaaa.md\n`)
  })

  it('refuses an unknown remote, a detached HEAD without --branch, and a folder outside git', async () => {
    const [a] = (await setup(1)) as [Clone]
    await expect(a.sync({remote: 'upstream'})).rejects.toThrow('no remote named "upstream" (remotes: origin)')
    await expect(a.sync({remote: 'upstream'})).rejects.toBeInstanceOf(NotFoundError)
    const head = a.head() as string
    fs.writeFileSync(path.join(a.dir, '.git', 'HEAD'), `${head}\n`)
    await expect(a.sync()).rejects.toThrow(/HEAD is detached/)
    // With --branch, a detached HEAD syncs with that branch.
    a.store().create({type: 'task', title: 'from a detached head'})
    const r = await a.sync({branch: 'main'})
    expect(r).toMatchObject({pushed: true, localBranch: null})
    fs.writeFileSync(path.join(a.dir, '.git', 'HEAD'), 'ref: refs/heads/main\n')

    const plain = path.join(fixture().root, `plain-${++n}`)
    fs.cpSync(path.join(a.dir, 'config'), path.join(plain, 'config'), {recursive: true})
    await expect(syncWorkspace(Workspace.open(plain), {env: a.env})).rejects.toBeInstanceOf(NotAGitRepositoryError)
  })

  it('refuses while a git merge or rebase is in progress', async () => {
    const [a] = (await setup(1)) as [Clone]
    fs.writeFileSync(path.join(a.dir, '.git', 'MERGE_HEAD'), `${a.head()}\n`)
    await expect(a.sync()).rejects.toThrow('a git merge is in progress in this repository: psp sync will not run over it')
    await expect(a.sync({continue: true})).rejects.toThrow(/git merge is in progress/)
    fs.rmSync(path.join(a.dir, '.git', 'MERGE_HEAD'))
    fs.mkdirSync(path.join(a.dir, '.git', 'rebase-merge'))
    await expect(a.sync()).rejects.toThrow(/git rebase is in progress/)
    fs.rmSync(path.join(a.dir, '.git', 'rebase-merge'), {recursive: true})
    await expect(a.sync({continue: true})).rejects.toThrow('no stopped psp sync to continue')
  })

  it('refuses an index isomorphic-git cannot use, and says when the remote cannot be reached', async () => {
    const [a] = (await setup(1)) as [Clone]
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    const head = a.head()
    await git.setConfig({fs, dir: a.dir, path: 'index.version', value: '4'})
    const index = await a.sync().catch((e: unknown) => e)
    expect(index).toMatchObject({code: 'GIT_INDEX_UNSUPPORTED', exitCode: 9})
    await git.setConfig({fs, dir: a.dir, path: 'index.version', value: undefined})
    expect(a.head()).toBe(head)

    // A port nobody listens on: the local commit is made, the fetch fails with one clear line.
    await git.setConfig({fs, dir: a.dir, path: 'remote.origin.url', value: 'http://127.0.0.1:9/nobody.git'})
    const down = await a.sync().catch((e: unknown) => e)
    expect(down).toBeInstanceOf(GitRemoteError)
    expect((down as Error).message).toBe('cannot reach 127.0.0.1:9: ECONNREFUSED')
  })

  it('needs an identity for its commits: environment, repository config, then global config', async () => {
    const [a] = (await setup(1)) as [Clone]
    const home = path.join(fixture().root, `home-${++n}`)
    fs.mkdirSync(home)
    const env = syncEnv(home, {GIT_AUTHOR_NAME: undefined, GIT_AUTHOR_EMAIL: undefined, GIT_COMMITTER_NAME: undefined, GIT_COMMITTER_EMAIL: undefined, EMAIL: undefined})
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    const head = a.head()
    const error = await a.sync({env}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(GitIdentityError)
    expect((error as GitIdentityError).exitCode).toBe(2)
    expect((error as Error).message).toBe("no name and email for the author of psp sync's commits: set user.name and user.email in your git config, or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL")
    expect(a.head()).toBe(head)

    // The global config file (GIT_CONFIG_GLOBAL), read without git.
    fs.writeFileSync(env['GIT_CONFIG_GLOBAL'] as string, '[user]\n\tname = Global Gail\n\temail = gail@example.com\n')
    const r1 = await a.sync({env})
    expect((await git.readCommit({fs, dir: a.dir, oid: r1.committed?.commit as string})).commit.author).toMatchObject({name: 'Global Gail', email: 'gail@example.com'})
    // The repository's config wins over the global one; the environment over both.
    await git.setConfig({fs, dir: a.dir, path: 'user.name', value: 'Repo Rita'})
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'todo'}})
    const r2 = await a.sync({env: {...env, GIT_COMMITTER_NAME: 'Env Ed'}})
    const c2 = (await git.readCommit({fs, dir: a.dir, oid: r2.committed?.commit as string})).commit
    expect(c2.author).toMatchObject({name: 'Repo Rita', email: 'gail@example.com'})
    expect(c2.committer).toMatchObject({name: 'Env Ed', email: 'gail@example.com'})
  })

  it('refuses a document that still holds conflict markers', async () => {
    const [a] = (await setup(1)) as [Clone]
    const file = `${T}/task-aaaaaaaaaa.md`
    a.write(file, a.read(file).replace('Line two.', '<<<<<<< local\nmine\n=======\ntheirs\n>>>>>>> origin/main'))
    await expect(a.sync()).rejects.toThrow(`1 document still holds merge conflicts: ${file}`)
  })
})

describe('psp sync: credentials', () => {
  const credentials = {username: 'alice', password: 's3cret-token'}
  const secure = useSyncFixture({auth: credentials})

  it('sends PSP_GIT_TOKEN (with PSP_GIT_USERNAME) when the server asks; never stores it', async () => {
    const url = await secure().seedRemote('private.git', seedTasks('task-aaaaaaaaaa'))
    const a = await secure().clone(url, 'private-a')
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})

    const none = await a.sync().catch((e: unknown) => e)
    expect(none).toBeInstanceOf(GitRemoteError)
    expect((none as Error).message).toMatch(/the remote asks for credentials and none were found|authentication failed/)

    const wrong = await a.sync({env: {...a.env, PSP_GIT_TOKEN: 'nope', PSP_GIT_USERNAME: 'alice'}}).catch((e: unknown) => e)
    expect(wrong).toBeInstanceOf(GitRemoteError)
    expect((wrong as Error).message).toContain('the credentials from PSP_GIT_TOKEN were refused')
    expect((wrong as Error).message).not.toContain('nope')

    const r = await a.sync({env: {...a.env, PSP_GIT_TOKEN: credentials.password, PSP_GIT_USERNAME: credentials.username}})
    expect(r.pushed).toBe(true)
    expect(JSON.stringify(r)).not.toContain(credentials.password)
    expect(fs.readFileSync(path.join(a.dir, '.git', 'config'), 'utf8')).not.toContain(credentials.password)
    expect((secure().server.requests ?? []).some((q) => q.user === 'alice' && q.path.endsWith('git-receive-pack') && q.status === 200)).toBe(true)
  })

  it("sends git's http.extraHeader (how CI checkouts pass their token)", async () => {
    const url = await secure().seedRemote('header.git', seedTasks('task-aaaaaaaaaa'))
    const a = await secure().clone(url, 'header-a')
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')
    fs.appendFileSync(path.join(a.dir, '.git', 'config'), `\n[http "${new URL(url).origin}/"]\n\textraheader = AUTHORIZATION: basic ${basic}\n`)
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    const r = await a.sync()
    expect(r.pushed).toBe(true)
    expect(JSON.stringify(r)).not.toContain(basic)
  })

  it('asks the git credential helpers when there is no token', async () => {
    const url = await secure().seedRemote('helper.git', seedTasks('task-aaaaaaaaaa'))
    const a = await secure().clone(url, 'helper-a')
    const store = path.join(secure().root, 'credentials')
    const u = new URL(url)
    fs.writeFileSync(store, `http://${credentials.username}:${credentials.password}@${u.host}\n`)
    await git.setConfig({fs, dir: a.dir, path: 'credential.helper', value: `store --file=${store}`})
    await a.store().update('task-aaaaaaaaaa', {set: {status: 'done'}})
    const r = await a.sync()
    expect(r.pushed).toBe(true)
    expect(fs.readFileSync(path.join(a.dir, '.git', 'config'), 'utf8')).not.toContain(credentials.password)
  })
})
