/**
 * Property tests of the record merge: random documents (CRLF or LF, comments, lists, maps, bodies)
 * and random edit scripts applied on two sides the way psp writes edits. Merging is symmetric up
 * to which side a conflict keeps, loses nothing either side set, gives a side back byte for byte
 * when the other has nothing to add, and always writes a readable document.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {applyChanges, diffLines, listConflictsInText, mergeDocumentSets, mergeRecordText, renderFrontmatter, resolveConflict, splitDocument} from '@psp/core'
import type {RecordMergeResult} from '@psp/core'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 250)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}
const OPTIONS = {numRuns: RUNS, ...SEED}

type Data = Record<string, unknown>

const SCALAR_KEYS = ['status', 'priority', 'title', 'due', 'flag'] as const
const LIST_KEYS = ['tags', 'depends_on'] as const
const MAP_KEYS = ['links'] as const
const SUB_KEYS = ['repo', 'docs', 'wiki'] as const

const scalar = fc.oneof(
  {weight: 4, arbitrary: fc.constantFrom('todo', 'doing', 'done', 'a b', "it's", '0x1F', 'yes', '', '2026-03-01', 'x: y')},
  {weight: 2, arbitrary: fc.integer({min: 0, max: 3})},
  fc.boolean(),
  fc.constant(null),
)
const element = fc.constantFrom<unknown>('ui', 'api', 'docs', 'x y', '1', 2, true)
const list = fc.array(element, {maxLength: 4})
const map = fc.dictionary(fc.constantFrom(...SUB_KEYS), scalar, {maxKeys: 3, noNullPrototype: true})
const anyValue = fc.oneof({weight: 3, arbitrary: scalar}, list, map)

/** The base document: fields (some with a comment line before), a body, a line end. */
const baseDoc = fc.record({
  scalars: fc.dictionary(fc.constantFrom(...SCALAR_KEYS), scalar, {maxKeys: 5, noNullPrototype: true}),
  lists: fc.dictionary(fc.constantFrom(...LIST_KEYS), list, {maxKeys: 2, noNullPrototype: true}),
  maps: fc.dictionary(fc.constantFrom(...MAP_KEYS), map, {maxKeys: 1, noNullPrototype: true}),
  comments: fc.array(fc.boolean(), {minLength: 8, maxLength: 8}),
  body: fc.array(fc.constantFrom('alpha', 'beta', 'gamma', '', '# Heading', '---', '- item'), {maxLength: 6}),
  finalNewline: fc.boolean(),
  eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
})

type Op =
  | {op: 'set'; key: string; value: unknown}
  | {op: 'delete'; key: string}
  | {op: 'add'; key: string; value: unknown}
  | {op: 'remove'; key: string; index: number}
  | {op: 'mapSet'; sub: string; value: unknown}
  | {op: 'mapDelete'; sub: string}
  | {op: 'bodyInsert' | 'bodyReplace'; at: number; line: string}
  | {op: 'bodyDelete'; at: number}
  | {op: 'comment'; text: string}

const fieldKey = fc.constantFrom<string>(...SCALAR_KEYS, ...LIST_KEYS, ...MAP_KEYS, 'owner')
const bodyLine = fc.constantFrom('one', 'two', 'alpha', 'changed', '')
const op: fc.Arbitrary<Op> = fc.oneof(
  {weight: 3, arbitrary: fc.record({op: fc.constant('set' as const), key: fieldKey, value: anyValue})},
  fc.record({op: fc.constant('delete' as const), key: fieldKey}),
  {weight: 3, arbitrary: fc.record({op: fc.constant('add' as const), key: fc.constantFrom(...LIST_KEYS), value: element})},
  {weight: 2, arbitrary: fc.record({op: fc.constant('remove' as const), key: fc.constantFrom(...LIST_KEYS), index: fc.nat(4)})},
  {weight: 2, arbitrary: fc.record({op: fc.constant('mapSet' as const), sub: fc.constantFrom(...SUB_KEYS), value: scalar})},
  fc.record({op: fc.constant('mapDelete' as const), sub: fc.constantFrom(...SUB_KEYS)}),
  {weight: 3, arbitrary: fc.record({op: fc.constantFrom('bodyInsert' as const, 'bodyReplace' as const), at: fc.nat(4), line: bodyLine})},
  fc.record({op: fc.constant('bodyDelete' as const), at: fc.nat(4)}),
  fc.record({op: fc.constant('comment' as const), text: fc.constantFrom('# hand note', '# another')}),
)
const script = fc.array(op, {minLength: 1, maxLength: 5})

const isMap = (v: unknown): v is Data => v !== null && typeof v === 'object' && !Array.isArray(v)

/** Same data, with lists of scalars compared as sets (merging keeps ours' order first). */
function sameAsSets(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const has = (list: unknown[], x: unknown) => list.some((y) => sameAsSets(x, y))
    return a.every((x) => has(b, x)) && b.every((x) => has(a, x))
  }
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)])
    // A side that did not have a field is recorded as null: the two read the same.
    return [...keys].every((k) => sameAsSets(a[k] ?? null, b[k] ?? null))
  }
  return Object.is(a, b)
}


function buildBase(g: {scalars: Data; lists: Data; maps: Data; comments: boolean[]; body: string[]; finalNewline: boolean; eol: '\n' | '\r\n'}): string {
  const fields: Data = {id: 't-1', type: 'task', ...g.scalars, ...g.lists, ...g.maps}
  let front = ''
  Object.entries(fields).forEach(([key, value], i) => {
    if (g.comments[i % 8]) front += `# about ${key}${g.eol}`
    front += renderFrontmatter({[key]: value}, g.eol)
  })
  const body = g.body.join(g.eol) + (g.finalNewline && g.body.length > 0 ? g.eol : '')
  return `---${g.eol}${front}---${g.eol}${body}`
}

/** Applies an edit script the way psp writes edits: changed fields rewritten, the body by lines. */
function edit(text: string, ops: readonly Op[]): string {
  const split = splitDocument(text)
  const data: Data = structuredClone(split.data)
  const body = split.text.slice(split.bodyStart).split(split.eol)
  const comments: string[] = []
  for (const o of ops) {
    switch (o.op) {
      case 'comment':
        comments.push(o.text)
        break
      case 'set':
        data[o.key] = o.value
        break
      case 'delete':
        delete data[o.key]
        break
      case 'add':
        data[o.key] = Array.isArray(data[o.key]) ? [...(data[o.key] as unknown[]), o.value] : [o.value]
        break
      case 'remove':
        if (Array.isArray(data[o.key])) data[o.key] = (data[o.key] as unknown[]).filter((_, i) => i !== o.index)
        break
      case 'mapSet':
        data['links'] = {...(isMap(data['links']) ? data['links'] : {}), [o.sub]: o.value}
        break
      case 'mapDelete':
        if (isMap(data['links'])) {
          const links = {...data['links']}
          delete links[o.sub]
          data['links'] = links
        }
        break
      case 'bodyInsert':
        body.splice(Math.min(o.at, body.length), 0, o.line)
        break
      case 'bodyReplace':
        if (o.at < body.length) body[o.at] = o.line
        break
      case 'bodyDelete':
        if (o.at < body.length) body.splice(o.at, 1)
        break
    }
  }
  const changes: Data = {}
  for (const key of new Set([...Object.keys(split.data), ...Object.keys(data)])) changes[key] = data[key]
  const edited = applyChanges(split, changes)
  const after = splitDocument(edited)
  // A hand edit: comment lines written at the top of the frontmatter.
  const head = edited.slice(0, after.innerStart) + comments.map((c) => c + split.eol).join('') + edited.slice(after.innerStart, after.bodyStart)
  return head + body.join(split.eol)
}

function innerOf(text: string): string {
  const split = splitDocument(text)
  return split.text.slice(split.innerStart, split.innerEnd)
}

/** The comment lines of a document's frontmatter. */
function commentLines(text: string): string[] {
  const split = splitDocument(text)
  return split.text
    .slice(split.innerStart, split.innerEnd)
    .split(/\r?\n/)
    .filter((line) => line.startsWith('#'))
}

const scenario = fc.record({base: baseDoc.map(buildBase), ours: script, theirs: script}).map(({base, ours, theirs}) => ({
  base,
  ours: edit(base, ours),
  theirs: edit(base, theirs),
}))

const dataOf = (text: string) => splitDocument(text).data
const bodyOf = (text: string) => {
  const split = splitDocument(text)
  return split.text.slice(split.bodyStart)
}

/** The document with every conflict settled on one side. */
function settle(r: RecordMergeResult, take: 'ours' | 'theirs'): string {
  let text = r.text
  for (const c of r.conflicts) text = resolveConflict(text, {field: c.field, take})
  return r.bodyConflicts > 0 ? resolveConflict(text, {take}) : text
}

/** The value at a dotted path of the merged data's conflict table, if one covers `path`. */
function conflictCovering(table: unknown, path: string[]): {entry: Data; rest: string[]} | undefined {
  if (!isMap(table)) return undefined
  for (let i = 1; i <= path.length; i++) {
    const entry = table[path.slice(0, i).join('.')]
    if (isMap(entry)) return {entry, rest: path.slice(i)}
  }
  return undefined
}

const at = (value: unknown, keys: string[]) => keys.reduce<unknown>((v, k) => (isMap(v) && Object.hasOwn(v, k) ? v[k] : undefined), value)

/** Every value a side set is in the merge, or in the merge_conflicts entry that covers it. */
function expectNothingLost(base: Data, side: Data, merged: Data, role: 'ours' | 'theirs', path: string[] = []): void {
  for (const [key, value] of Object.entries(side)) {
    const here = [...path, key]
    const before = at(base, here)
    if (before !== undefined && sameAsSets(before, value) && JSON.stringify(before) === JSON.stringify(value)) continue
    const covered = conflictCovering(merged['merge_conflicts'], here)
    if (covered !== undefined) {
      expect(sameAsSets(at(covered.entry[role], covered.rest), value)).toBe(true)
      continue
    }
    const now = at(merged, here)
    if (Array.isArray(value) && Array.isArray(now) && value.every((x) => x === null || typeof x !== 'object')) {
      const added = value.filter((x) => !(Array.isArray(before) && before.some((y) => Object.is(x, y))))
      for (const x of added) expect(now).toContainEqual(x)
    } else if (isMap(value) && isMap(now) && (before === undefined || isMap(before))) {
      expectNothingLost(base, value, merged, role, here)
    } else {
      expect(now).toEqual(value)
    }
  }
}

describe('record merge (property)', () => {
  it('writes a readable document whose open conflicts are the ones it reports', () => {
    fc.assert(
      fc.property(scenario, ({base, ours, theirs}) => {
        const r = mergeRecordText({base, ours, theirs})
        expect(r.fallback).toBeUndefined()
        const split = splitDocument(r.text)
        expect(split.eol).toBe(splitDocument(ours).eol)
        // Ours' hand-written comments are kept (theirs' too when ours left the frontmatter alone).
        const kept = commentLines(r.text)
        for (const line of commentLines(ours)) expect(kept).toContain(line)
        if (innerOf(ours) === innerOf(base)) for (const line of commentLines(theirs)) expect(kept).toContain(line)
        const open = listConflictsInText(r.text)
        expect(open.filter((c) => c.kind === 'field').map((c) => (c.kind === 'field' ? c.field : ''))).toEqual(r.conflicts.map((c) => c.field))
        expect(open.filter((c) => c.kind === 'body').map((c) => (c.kind === 'body' ? c.line : 0))).toEqual(r.bodyHunks.map((h) => h.line))
        expect(r.clean).toBe(open.length === 0)
      }),
      OPTIONS,
    )
  })

  it('is symmetric: swapping the sides gives the same content, up to which side a conflict keeps', () => {
    fc.assert(
      fc.property(scenario, ({base, ours, theirs}) => {
        const one = mergeRecordText({base, ours, theirs})
        const two = mergeRecordText({base, ours: theirs, theirs: ours})
        expect(one.conflicts.map((c) => c.field).sort()).toEqual(two.conflicts.map((c) => c.field).sort())
        expect(one.bodyConflicts).toBe(two.bodyConflicts)
        for (const [a, b] of [
          [settle(one, 'ours'), settle(two, 'theirs')],
          [settle(one, 'theirs'), settle(two, 'ours')],
        ] as const) {
          expect(sameAsSets(dataOf(a), dataOf(b))).toBe(true)
          expect(bodyOf(a)).toBe(bodyOf(b))
        }
      }),
      OPTIONS,
    )
  })

  it('loses nothing: every value and list element either side set is merged or recorded', () => {
    fc.assert(
      fc.property(scenario, ({base, ours, theirs}) => {
        const r = mergeRecordText({base, ours, theirs})
        const merged = dataOf(r.text)
        expectNothingLost(dataOf(base), dataOf(ours), merged, 'ours')
        expectNothingLost(dataOf(base), dataOf(theirs), merged, 'theirs')
        // Body lines are compared with their line breaks, as the merge compares them.
        const withEnds = (s: string) => s.match(/[^\n]*\n|[^\n]+$/g) ?? []
        const mergedBody = bodyOf(r.text).split(/\r?\n/)
        for (const side of [ours, theirs]) {
          for (const line of diffLines(withEnds(bodyOf(base)), withEnds(bodyOf(side)))) {
            if (line.op === '+') expect(mergedBody).toContain(line.text.replace(/\r?\n$/, ''))
          }
        }
        // Settling on ours keeps every field ours has; the body keeps ours' side of each block.
        if (r.conflicts.length > 0) {
          const settled = dataOf(settle(r, 'ours'))
          for (const c of r.conflicts) if (c.ours !== null) expect(at(settled, c.field.split('.'))).toEqual(c.ours)
        }
      }),
      OPTIONS,
    )
  })

  it('gives a side back byte for byte when merged with itself or with an unchanged base', () => {
    fc.assert(
      fc.property(scenario, ({base, ours}) => {
        expect(mergeRecordText({base, ours, theirs: ours}).text).toBe(ours)
        expect(mergeRecordText({base, ours, theirs: base}).text).toBe(ours)
        expect(mergeRecordText({base, ours: base, theirs: ours}).text).toBe(ours)
        expect(mergeRecordText({ours, theirs: ours}).text).toBe(ours)
      }),
      OPTIONS,
    )
  })
})

describe('document set merge (property)', () => {
  const IDS = ['t-1', 't-2', 't-3', 't-4'] as const
  const doc = (id: string, status: string, priority: number) =>
    `---\nid: ${id}\ntype: task\nstatus: ${status}\npriority: ${priority}\n---\n\nBody of ${id}.\n`
  type Change = 'keep' | 'delete' | 'move' | 'edit' | 'moveEdit'
  interface SideScript {
    changes: Change[]
    status: string
    folder: string
    added?: {id: string; path: string}
  }
  const change = fc.constantFrom<Change>('keep', 'keep', 'delete', 'move', 'edit', 'moveEdit')
  const sideScript: fc.Arbitrary<SideScript> = fc.record({
    changes: fc.array(change, {minLength: IDS.length, maxLength: IDS.length}),
    status: fc.constantFrom('doing', 'done'),
    folder: fc.constantFrom('x', 'y'),
    added: fc.option(fc.record({id: fc.constantFrom('t-5', 't-6'), path: fc.constantFrom('d/t-5.md', 'd/t-1.md', 'd/n.md')}), {nil: undefined}),
  })
  const world = fc.record({present: fc.array(fc.boolean(), {minLength: IDS.length, maxLength: IDS.length}), ours: sideScript, theirs: sideScript})

  /** Base documents at d/<id>.md, and each side's moves, edits, deletions and one addition. */
  function build(present: boolean[], ours: SideScript, theirs: SideScript) {
    const base = new Map<string, string>()
    IDS.forEach((id, i) => {
      if (present[i]) base.set(`d/${id}.md`, doc(id, 'todo', i))
    })
    const apply = (s: SideScript, priority: number) => {
      const out = new Map<string, string>()
      IDS.forEach((id, i) => {
        const c = s.changes[i] as Change
        if (!present[i] || c === 'delete') return
        const path = c === 'move' || c === 'moveEdit' ? `${s.folder}/${id}.md` : `d/${id}.md`
        out.set(path, c === 'edit' || c === 'moveEdit' ? doc(id, s.status, priority) : doc(id, 'todo', i))
      })
      if (s.added !== undefined && !out.has(s.added.path)) out.set(s.added.path, doc(s.added.id, s.status, priority))
      return out
    }
    return {base, ours: apply(ours, 10), theirs: apply(theirs, 20)}
  }

  /** id → [path, text] of a set's documents. */
  const byId = (files: Map<string, string>) => new Map([...files].map(([path, text]) => [splitDocument(text).data['id'] as string, [path, text]] as const))

  it('drops only what one side deleted and the other left alone; swapping the sides keeps the same documents', () => {
    fc.assert(
      fc.property(world, ({present, ours: oursScript, theirs: theirsScript}) => {
        const {base, ours, theirs} = build(present, oursScript, theirsScript)
        const r = mergeDocumentSets(base, ours, theirs)
        const [b, o, t, merged] = [byId(base), byId(ours), byId(theirs), byId(r.files)]
        // Every file is a readable document, and no id was written twice.
        expect(merged.size).toBe(r.files.size)
        for (const id of new Set([...o.keys(), ...t.keys()])) {
          const kept = o.get(id) ?? t.get(id)
          const deletedByOne = b.has(id) && !(o.has(id) && t.has(id))
          const untouched = JSON.stringify(kept) === JSON.stringify(b.get(id))
          expect(merged.has(id)).toBe(!(deletedByOne && untouched))
        }
        for (const id of merged.keys()) expect(o.has(id) || t.has(id)).toBe(true)
        expect([...byId(mergeDocumentSets(base, theirs, ours).files).keys()].sort()).toEqual([...merged.keys()].sort())
        expect(r.clean).toBe(r.documents.every((e) => !e.conflict))
      }),
      OPTIONS,
    )
  })
})
