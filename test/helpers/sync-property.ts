/**
 * The convergence property of psp sync, run by test/integration/sync-properties-*.test.ts.
 *
 * Property: whatever two clones do offline — create records, set fields, add and remove tags,
 * edit body lines, archive, delete — syncing A, then B (settling any conflict by keeping B's
 * side, then `--continue`), then A leaves both clones with identical trees, and nothing either
 * side wrote is lost: at B's merge every value is in the file or in its merge_conflicts, every
 * body line in the file (conflict blocks included); after the conflicts are settled every field
 * and tag either side set without a conflict is there.
 *
 * Cheap runs: tiny repositories, the server in a child process of its own, one remote and two
 * clones per worker, put back to the seed in place after each run (refs, index, data/). Two
 * workers run side by side in each file (their git traffic overlaps), and two files run on two
 * cores.
 */
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import git from 'isomorphic-git'
import {afterAll, beforeAll, expect, it} from 'vitest'
import {findConflictBlocks, listConflictsInText, resolveConflict, splitDocument, takeConflictSide} from '@psp/core'
import {type SyncReport} from '@psp/core/sync'
import {startSyncFixture, type Clone, type SyncFixture} from './sync-fixture.js'

const RECORDS = ['task-aaaaaaaaaa', 'task-bbbbbbbbbb', 'task-cccccccccc']
const LINES = 6
const BASE_TAGS = ['t1', 't2']
const FIELDS = {status: ['todo', 'in-progress', 'review', 'done'], priority: ['low', 'medium', 'high'], assignee: ['ann', 'ben', 'cy']} as const
type Field = keyof typeof FIELDS

const baseText = (id: string) =>
  ['---', `id: ${id}`, 'type: task', `title: Task ${id}`, 'status: todo', `tags: [${BASE_TAGS.join(', ')}]`, '---', '', ...Array.from({length: LINES}, (_, i) => `L${i} of ${id}`), ''].join('\n')
const relOf = (id: string) => `data/tasks/${id}.md`

type Op =
  | {kind: 'create'; title: string}
  | {kind: 'set'; rec: number; field: Field; value: string}
  | {kind: 'tag+'; rec: number; tag: string}
  | {kind: 'tag-'; rec: number; tag: string}
  | {kind: 'body'; rec: number; line: number}
  | {kind: 'archive'; rec: number}
  | {kind: 'delete'; rec: number}

const rec = fc.integer({min: 0, max: RECORDS.length - 1})
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {weight: 1, arbitrary: fc.record({kind: fc.constant('create' as const), title: fc.constantFrom('alpha', 'beta', 'gamma')})},
  {
    weight: 4,
    arbitrary: fc
      .record({kind: fc.constant('set' as const), rec, field: fc.constantFrom<Field>('status', 'priority', 'assignee'), pick: fc.nat()})
      .map(({kind, rec, field, pick}) => ({kind, rec, field, value: FIELDS[field][pick % FIELDS[field].length] as string})),
  },
  {weight: 2, arbitrary: fc.record({kind: fc.constant('tag+' as const), rec, tag: fc.constantFrom('x', 'y', 'z')})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('tag-' as const), rec, tag: fc.constantFrom(...BASE_TAGS)})},
  {weight: 3, arbitrary: fc.record({kind: fc.constant('body' as const), rec, line: fc.integer({min: 0, max: LINES - 1})})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('archive' as const), rec})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('delete' as const), rec})},
)
const scriptArb = fc.array(opArb, {maxLength: 6})

/** What one clone did to one base record, as a net effect. */
interface Effect {
  deleted: boolean
  archived: boolean
  fields: Partial<Record<Field, string>>
  tags: string[]
  lines: Map<number, string>
  touched: boolean
}

/** Applies a script to a clone through the store (and body edits as an editor would); returns each record's net effect and the titles created. */
async function apply(clone: Clone, script: Op[], who: string): Promise<{effects: Effect[]; created: string[]}> {
  const effects: Effect[] = RECORDS.map(() => ({deleted: false, archived: false, fields: {}, tags: [...BASE_TAGS], lines: new Map(), touched: false}))
  const created: string[] = []
  const store = () => clone.store()
  let k = 0
  for (const op of script) {
    if (op.kind === 'create') {
      created.push(store().create({type: 'task', title: `${op.title} by ${who}`}).record.id)
      continue
    }
    const id = RECORDS[op.rec] as string
    const e = effects[op.rec] as Effect
    if (e.deleted) continue
    switch (op.kind) {
      case 'set':
        await store().update(id, {set: {[op.field]: op.value}})
        e.fields[op.field] = op.value
        break
      case 'tag+':
        await store().update(id, {add: {tags: [op.tag]}})
        if (!e.tags.includes(op.tag)) e.tags.push(op.tag)
        break
      case 'tag-':
        await store().update(id, {remove: {tags: [op.tag]}})
        e.tags = e.tags.filter((t) => t !== op.tag)
        break
      case 'body': {
        const file = store().get(id).path
        const text = clone.read(file)
        const end = text.indexOf('\n---\n', 3) + 5
        const lines = text.slice(end).split('\n')
        const line = `${who}${k++} on ${op.line}`
        lines[op.line + 1] = line
        clone.write(file, text.slice(0, end) + lines.join('\n'))
        e.lines.set(op.line, line)
        break
      }
      case 'archive':
        if (e.archived) continue
        store().archive(id)
        e.archived = true
        break
      case 'delete':
        store().delete(id)
        e.deleted = true
        break
    }
  }
  // A record is touched when its file changed: a value set back to what it was is no change.
  for (const [i, id] of RECORDS.entries()) {
    const e = effects[i] as Effect
    e.touched = e.deleted || e.archived || clone.read(relOf(id)) !== baseText(id)
  }
  return {effects, created}
}

/** Settles every conflict by keeping ours (B's side), as a person might. */
function settle(clone: Clone, report: SyncReport): void {
  for (const c of report.conflicts) {
    if (!clone.exists(c.path)) continue
    let text = clone.read(c.path)
    for (const f of c.fields) text = resolveConflict(text, {field: f.field, take: 'ours'})
    if (findConflictBlocks(text).length > 0) text = takeConflictSide(text, 'ours')
    clone.write(c.path, text)
  }
}

interface Worker {
  fixture: SyncFixture
  bare: string
  seed: string
  clones: [Clone, Clone]
  /** The seed's data/ files and git index, to put the clones back to after each run. */
  data: Map<string, Buffer>
  index: Buffer
}

function readTree(dir: string, rel: string, into: Map<string, Buffer>): Map<string, Buffer> {
  for (const entry of fs.readdirSync(path.join(dir, rel), {withFileTypes: true})) {
    const child = `${rel}/${entry.name}`
    if (entry.isDirectory()) readTree(dir, child, into)
    else into.set(child, fs.readFileSync(path.join(dir, child)))
  }
  return into
}

async function makeWorker(index: number): Promise<Worker> {
  const fixture = await startSyncFixture({process: true})
  const name = `prop${index}.git`
  const url = await fixture.seedRemote(name, Object.fromEntries(RECORDS.map((id) => [relOf(id), baseText(id)])))
  const a = await fixture.clone(url, 'a')
  const b = await fixture.clone(url, 'b')
  return {
    fixture,
    bare: path.join(fixture.server.root, name),
    seed: a.head() as string,
    clones: [a, b],
    data: readTree(a.dir, 'data', new Map()),
    index: fs.readFileSync(path.join(a.dir, '.git', 'index')),
  }
}

/** Puts the remote and both clones back at the seed (in place: refs, index, data/; objects stay). */
function reset(w: Worker): [Clone, Clone] {
  fs.writeFileSync(path.join(w.bare, 'refs', 'heads', 'main'), `${w.seed}\n`)
  for (const clone of w.clones) {
    const gitDir = path.join(clone.dir, '.git')
    for (const file of ['MERGE_HEAD', 'MERGE_MSG', 'ORIG_HEAD', 'psp-sync.json']) fs.rmSync(path.join(gitDir, file), {force: true})
    for (const ref of ['refs/heads/main', 'refs/remotes/origin/main']) fs.writeFileSync(path.join(gitDir, ...ref.split('/')), `${w.seed}\n`)
    fs.writeFileSync(path.join(gitDir, 'index'), w.index)
    fs.rmSync(path.join(clone.dir, 'data'), {recursive: true, force: true})
    for (const [rel, bytes] of w.data) {
      fs.mkdirSync(path.dirname(path.join(clone.dir, rel)), {recursive: true})
      fs.writeFileSync(path.join(clone.dir, rel), bytes)
    }
  }
  return w.clones
}

/** True when a clone's data/ is what its HEAD holds (statusMatrix, in this process). */
async function clean(clone: Clone): Promise<string[]> {
  const rows = await git.statusMatrix({fs, dir: clone.dir, filepaths: ['data']})
  return rows.filter(([, h, w, s]) => !(h === 1 && w === 1 && s === 1)).map(([f]) => f)
}

/** Every record of a clone's working tree: id → {path, data, text}. */
function snapshot(clone: Clone): Map<string, {path: string; data: Record<string, unknown>; text: string}> {
  const out = new Map<string, {path: string; data: Record<string, unknown>; text: string}>()
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(clone.dir, rel), {withFileTypes: true})) {
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        if (child !== 'data/cache') walk(child)
      } else if (entry.name.endsWith('.md')) {
        const text = clone.read(child)
        let data: Record<string, unknown> = {}
        try {
          data = splitDocument(text).data
        } catch {
          data = {}
        }
        out.set(String(data['id'] ?? child), {path: child, data, text})
      }
    }
  }
  walk('data')
  return out
}

async function check(w: Worker, scriptA: Op[], scriptB: Op[]): Promise<void> {
  const [a, b] = reset(w)
  const doneA = await apply(a, scriptA, 'A')
  const doneB = await apply(b, scriptB, 'B')
  const ra = await a.sync()
  expect(ra.conflicts).toEqual([])
  let rb = await b.sync()

  // Nothing lost at B's merge, conflicts included: values in the file or in merge_conflicts.
  const merged = snapshot(b)
  for (const [i, id] of RECORDS.entries()) {
    const ea = doneA.effects[i] as Effect
    const eb = doneB.effects[i] as Effect
    const gone = (ea.deleted && eb.deleted) || (ea.deleted && !eb.touched) || (eb.deleted && !ea.touched)
    const doc = merged.get(id)
    if (gone) {
      expect(doc, `${id} should be gone`).toBeUndefined()
      continue
    }
    expect(doc, `${id} should be kept`).toBeDefined()
    const {data, text, path: where} = doc as {path: string; data: Record<string, unknown>; text: string}
    expect(where.startsWith('data/archive/')).toBe((ea.archived && !ea.deleted) || (eb.archived && !eb.deleted))
    const sides = [ea, eb].filter((e) => !e.deleted)
    const open = (data['merge_conflicts'] ?? {}) as Record<string, {ours?: unknown; theirs?: unknown}>
    for (const field of Object.keys(FIELDS) as Field[]) {
      for (const e of sides) {
        const v = e.fields[field]
        if (v === undefined || (field === 'status' && v === 'todo')) continue
        const kept = data[field] === v || open[field]?.ours === v || open[field]?.theirs === v
        expect(kept, `${id}.${field}=${v} lost: ${JSON.stringify(data)}`).toBe(true)
      }
    }
    const tags = new Set((data['tags'] as string[] | undefined) ?? [])
    const removed = new Set(sides.flatMap((e) => BASE_TAGS.filter((t) => !e.tags.includes(t))))
    for (const e of sides) for (const t of e.tags) if (!removed.has(t)) expect(tags.has(t), `${id} tag ${t}`).toBe(true)
    for (const t of removed) expect(tags.has(t), `${id} tag ${t} was removed`).toBe(false)
    for (const e of sides) for (const line of e.lines.values()) expect(text, `${id} body line "${line}"`).toContain(line)
  }
  for (const id of [...doneA.created, ...doneB.created]) expect(merged.has(id), `created ${id}`).toBe(true)

  if (rb.status === 'conflicts') {
    settle(b, rb)
    rb = await b.sync({continue: true})
  }
  expect(['synced', 'up-to-date']).toContain(rb.status)
  const rc = await a.sync()
  expect(rc.conflicts).toEqual([])

  // Converged: the same tree, nothing left uncommitted.
  expect(a.tree()).toBe(b.tree())
  expect(a.head()).toBe(b.head())
  for (const c of [a, b]) expect(await clean(c), `${c.name} clean`).toEqual([])
  // After settling: fields and tags without a conflict are exactly what the sides made them.
  const final = snapshot(a)
  for (const [i, id] of RECORDS.entries()) {
    const doc = final.get(id)
    if (doc === undefined) continue
    expect(listConflictsInText(doc.text)).toEqual([])
    const ea = doneA.effects[i] as Effect
    const eb = doneB.effects[i] as Effect
    if (ea.deleted || eb.deleted) continue
    for (const field of Object.keys(FIELDS) as Field[]) {
      // A side changed a field when its last value differs from the base's; both did, differently: a conflict settled to B's.
      const base = field === 'status' ? 'todo' : undefined
      const [va, vb] = [ea.fields[field], eb.fields[field]]
      const changedA = va !== undefined && va !== base
      const changedB = vb !== undefined && vb !== base
      expect(doc.data[field], `${id}.${field}`).toBe(changedB ? vb : changedA ? va : base)
    }
    const removed = new Set(BASE_TAGS.filter((t) => !ea.tags.includes(t) || !eb.tags.includes(t)))
    const expectedTags = new Set([...BASE_TAGS.filter((t) => !removed.has(t)), ...ea.tags.filter((t) => !BASE_TAGS.includes(t)), ...eb.tags.filter((t) => !BASE_TAGS.includes(t))])
    expect(new Set((doc.data['tags'] as string[] | undefined) ?? [])).toEqual(expectedTags)
  }
}

/** Registers the property: `workers` × `runs` runs, seeds from `seed`. */
export function convergenceProperty(options: {workers: number; runs: number; seed: number}): void {
  let workers: Worker[] = []
  beforeAll(async () => {
    workers = await Promise.all(Array.from({length: options.workers}, (_, i) => makeWorker(options.seed + i)))
  })
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.fixture.close()))
  })
  it(`two clones' offline edits converge and lose nothing (${options.workers} × ${options.runs} runs)`, async () => {
    await Promise.all(
      workers.map((w, i) => fc.assert(fc.asyncProperty(scriptArb, scriptArb, (sa, sb) => check(w, sa, sb)), {numRuns: options.runs, seed: options.seed + i})),
    )
  }, 180_000)
}
