/**
 * The merge of every document of two revisions: documents are matched by id, so moves and edits
 * combine; deletions never drop an edit; each outcome is reported.
 */
import {describe, expect, it} from 'vitest'
import {mergeDocumentSets, splitDocument} from '@psp/core'
import type {DocumentMergeEntry} from '@psp/core'

const task = (id: string, status = 'todo', extra: string[] = [], body = '\nText.\n') =>
  ['---', `id: ${id}`, 'type: task', `title: Task ${id}`, `status: ${status}`, ...extra, '---', ''].join('\n') + body

const P = 'data/projects/demo/tasks'
const set = (entries: Record<string, string>) => new Map(Object.entries(entries))
const base = set({[`${P}/a.md`]: task('t-a'), [`${P}/b.md`]: task('t-b'), [`${P}/c.md`]: task('t-c')})
const files = (r: {files: Map<string, string>}) => Object.fromEntries([...r.files].sort(([x], [y]) => (x < y ? -1 : 1)))
const brief = (e: DocumentMergeEntry) => ({id: e.id, outcome: e.outcome, path: e.path, conflict: e.conflict})

describe('mergeDocumentSets', () => {
  it('leaves unchanged documents alone and unreported, and merges fields of one record', () => {
    const ours = new Map(base).set(`${P}/a.md`, task('t-a', 'doing'))
    const theirs = new Map(base).set(`${P}/a.md`, task('t-a', 'todo', ['priority: 1'])).set(`${P}/b.md`, task('t-b', 'done'))
    const r = mergeDocumentSets(base, ours, theirs)
    expect(r.clean).toBe(true)
    expect(files(r)).toEqual({[`${P}/a.md`]: task('t-a', 'doing', ['priority: 1']), [`${P}/b.md`]: task('t-b', 'done'), [`${P}/c.md`]: task('t-c')})
    expect(r.documents.map(brief)).toEqual([
      {id: 't-a', outcome: 'merged', path: `${P}/a.md`, conflict: false},
      {id: 't-b', outcome: 'theirs', path: `${P}/b.md`, conflict: false},
    ])
  })

  it('keeps a document present on one side only', () => {
    const r = mergeDocumentSets(base, new Map(base).set(`${P}/d.md`, task('t-d')), new Map(base).set(`${P}/e.md`, task('t-e')))
    expect(r.files.get(`${P}/d.md`)).toBe(task('t-d'))
    expect(r.files.get(`${P}/e.md`)).toBe(task('t-e'))
    expect(r.documents.map((e) => [e.id, e.outcome, e.side])).toEqual([
      ['t-d', 'added', 'ours'],
      ['t-e', 'added', 'theirs'],
    ])
  })

  it('deletes a document deleted on one side and unchanged on the other, or deleted on both', () => {
    const ours = new Map(base)
    ours.delete(`${P}/a.md`)
    ours.delete(`${P}/c.md`)
    const theirs = new Map(base)
    theirs.delete(`${P}/c.md`)
    const r = mergeDocumentSets(base, ours, theirs)
    expect([...r.files.keys()]).toEqual([`${P}/b.md`])
    expect(r.documents.map((e) => [e.id, e.outcome, e.path, e.side])).toEqual([
      ['t-a', 'deleted', undefined, 'ours'],
      ['t-c', 'deleted', undefined, undefined],
    ])
    expect(r.clean).toBe(true)
  })

  it('keeps a document deleted on one side and changed or moved on the other, as a delete/modify conflict', () => {
    const ours = new Map(base)
    ours.delete(`${P}/a.md`)
    ours.delete(`${P}/b.md`)
    const theirs = new Map(base).set(`${P}/a.md`, task('t-a', 'done'))
    theirs.delete(`${P}/b.md`)
    theirs.set(`data/archive/b.md`, task('t-b'))
    const r = mergeDocumentSets(base, ours, theirs)
    expect(r.clean).toBe(false)
    expect(r.files.get(`${P}/a.md`)).toBe(task('t-a', 'done'))
    expect(r.files.get('data/archive/b.md')).toBe(task('t-b'))
    const a = r.documents.find((e) => e.id === 't-a')
    expect(a).toMatchObject({outcome: 'delete/modify', side: 'ours', conflict: true, paths: {base: `${P}/a.md`, theirs: `${P}/a.md`}})
    expect(r.documents.find((e) => e.id === 't-b')).toMatchObject({outcome: 'delete/modify', path: 'data/archive/b.md'})
    // The other way round too.
    const swapped = mergeDocumentSets(base, theirs, ours)
    expect(swapped.documents.find((e) => e.id === 't-a')).toMatchObject({outcome: 'delete/modify', side: 'theirs'})
  })

  it('merges an edit into a document the other side moved, whichever side moved it', () => {
    const moved = new Map(base)
    moved.delete(`${P}/a.md`)
    moved.set('data/archive/a.md', task('t-a', 'todo', ['priority: 1']))
    const edited = new Map(base).set(`${P}/a.md`, task('t-a', 'done'))
    for (const [ours, theirs] of [
      [moved, edited],
      [edited, moved],
    ] as const) {
      const r = mergeDocumentSets(base, ours, theirs)
      expect(r.files.has(`${P}/a.md`)).toBe(false)
      expect(r.files.get('data/archive/a.md')).toBe(task('t-a', 'done', ['priority: 1']))
      expect(r.documents.map(brief)).toEqual([{id: 't-a', outcome: 'merged', path: 'data/archive/a.md', conflict: false}])
    }
  })

  it('matches documents by id, not by path', () => {
    // Ours swaps two files' names; theirs edits both records.
    const ours = new Map(base).set(`${P}/a.md`, task('t-b')).set(`${P}/b.md`, task('t-a'))
    const theirs = new Map(base).set(`${P}/a.md`, task('t-a', 'done')).set(`${P}/b.md`, task('t-b', 'doing'))
    const r = mergeDocumentSets(base, ours, theirs)
    expect(r.files.get(`${P}/a.md`)).toBe(task('t-b', 'doing'))
    expect(r.files.get(`${P}/b.md`)).toBe(task('t-a', 'done'))
    expect(r.clean).toBe(true)
  })

  it('keeps ours’ path when both sides moved a document to different places, and reports it', () => {
    const ours = new Map(base)
    ours.delete(`${P}/a.md`)
    ours.set('x/a.md', task('t-a', 'doing'))
    const theirs = new Map(base)
    theirs.delete(`${P}/a.md`)
    theirs.set('y/a.md', task('t-a', 'todo', ['priority: 1']))
    const r = mergeDocumentSets(base, ours, theirs)
    expect(files(r)).toEqual({[`${P}/b.md`]: task('t-b'), [`${P}/c.md`]: task('t-c'), 'x/a.md': task('t-a', 'doing', ['priority: 1'])})
    expect(r.documents).toEqual([
      {id: 't-a', outcome: 'rename/rename', path: 'x/a.md', paths: {base: `${P}/a.md`, ours: 'x/a.md', theirs: 'y/a.md'}, conflict: false, conflicts: [], bodyConflicts: 0},
    ])
  })

  it('takes a document both sides added identically once, and merges different additions without a base', () => {
    const same = mergeDocumentSets(base, new Map(base).set('n.md', task('t-n')), new Map(base).set('n.md', task('t-n')))
    expect(same.files.get('n.md')).toBe(task('t-n'))
    expect(same.documents.map(brief)).toEqual([{id: 't-n', outcome: 'add/add', path: 'n.md', conflict: false}])
    const r = mergeDocumentSets(base, new Map(base).set('n.md', task('t-n', 'doing')), new Map(base).set('other/n.md', task('t-n', 'done')))
    expect(r.files.has('other/n.md')).toBe(false)
    expect(splitDocument(r.files.get('n.md') as string).data).toMatchObject({
      status: 'doing',
      merge_conflicts: {status: {base: null, ours: 'doing', theirs: 'done'}},
    })
    expect(r.documents[0]).toMatchObject({id: 't-n', outcome: 'add/add', conflict: true, paths: {ours: 'n.md', theirs: 'other/n.md'}})
    expect(r.documents[0]?.conflicts).toEqual([{field: 'status', base: null, ours: 'doing', theirs: 'done'}])
    expect(r.clean).toBe(false)
  })

  it('merges a file that does not parse as plain text, matched to the document at its path', () => {
    const broken = task('t-a').replace('status: todo', 'status: [todo')
    const r = mergeDocumentSets(base, new Map(base).set(`${P}/a.md`, broken), new Map(base).set(`${P}/a.md`, task('t-a', 'todo', [], '\nText!\n')))
    expect(r.files.get(`${P}/a.md`)).toBe(broken.replace('Text.', 'Text!'))
    expect(r.documents).toHaveLength(1)
    expect(r.documents[0]).toMatchObject({id: 't-a', outcome: 'merged', conflict: false})
    expect(r.documents[0]?.fallback?.reason).toMatch(/ours is not a readable document/)
    const both = mergeDocumentSets(base, new Map(base).set(`${P}/a.md`, broken.replace('Text.', 'Mine.')), new Map(base).set(`${P}/a.md`, task('t-a', 'todo', [], '\nOther.\n')))
    expect(both.documents[0]).toMatchObject({outcome: 'merged', conflict: true, bodyConflicts: 1})
    expect(both.files.get(`${P}/a.md`)).toContain('<<<<<<< ours\n')
  })

  it('writes a document whose path another took next to it, and reports the clash', () => {
    const r = mergeDocumentSets(base, new Map(base).set('n.md', task('t-x')), new Map(base).set('n.md', task('t-y')))
    expect(r.files.get('n.md')).toBe(task('t-x'))
    expect(r.files.get('n~theirs.md')).toBe(task('t-y'))
    expect(r.documents.map((e) => [e.id, e.path, e.displacedFrom, e.conflict])).toEqual([
      ['t-x', 'n.md', undefined, false],
      ['t-y', 'n~theirs.md', 'n.md', true],
    ])
  })

  it('matches a copy (a second file with the same id on one side) by its path', () => {
    const ours = new Map(base).set(`${P}/a-copy.md`, task('t-a')).set(`${P}/a.md`, task('t-a', 'doing'))
    const theirs = new Map(base).set(`${P}/a.md`, task('t-a', 'todo', ['priority: 1']))
    const r = mergeDocumentSets(base, ours, theirs)
    expect(r.files.get(`${P}/a.md`)).toBe(task('t-a', 'doing', ['priority: 1']))
    expect(r.files.get(`${P}/a-copy.md`)).toBe(task('t-a'))
    expect(r.documents.map((e) => [e.path, e.outcome])).toEqual([
      [`${P}/a-copy.md`, 'added'],
      [`${P}/a.md`, 'merged'],
    ])
  })
})
