/**
 * The field-level merge of one record: which changes merge, what is a true conflict and how it is
 * recorded in `merge_conflicts`, that ours' bytes are kept where nothing changed, and how
 * conflicts are listed and resolved.
 */
import {describe, expect, it} from 'vitest'
import {isPspError, listConflicts, listConflictsInText, mergeRecordText, resolveConflict, splitDocument} from '@psp/core'

/** A document from frontmatter lines and a body. */
const doc = (front: string[], body = '\nSome text.\n', eol = '\n') => ['---', ...front, '---', ''].join(eol) + body.replace(/\n/g, eol)

const base = doc(['id: t-1', 'type: task', 'title: Ship it', 'status: todo', 'priority: 2', 'tags: [ui]'])
const dataOf = (text: string) => splitDocument(text).data
const bodyOf = (text: string) => {
  const split = splitDocument(text)
  return split.text.slice(split.bodyStart)
}

describe('mergeRecordText: fields', () => {
  it('merges changes to different fields on neighbouring lines', () => {
    const ours = base.replace('status: todo', 'status: doing')
    const theirs = base.replace('priority: 2', 'priority: 1')
    const r = mergeRecordText({base, ours, theirs})
    expect(r).toEqual({text: base.replace('status: todo', 'status: doing').replace('priority: 2', 'priority: 1'), clean: true, conflicts: [], bodyConflicts: 0, bodyHunks: []})
  })

  it('records a field changed differently on both sides, keeping ours', () => {
    const r = mergeRecordText({base, ours: base.replace('status: todo', 'status: doing'), theirs: base.replace('status: todo', 'status: done')})
    expect(r.clean).toBe(false)
    expect(r.conflicts).toEqual([{field: 'status', base: 'todo', ours: 'doing', theirs: 'done'}])
    expect(r.text).toBe(
      doc(['id: t-1', 'type: task', 'title: Ship it', 'status: doing', 'priority: 2', 'tags: [ui]', 'merge_conflicts:', '  status:', '    base: todo', '    ours: doing', '    theirs: done']),
    )
    expect(dataOf(r.text)['merge_conflicts']).toEqual({status: {base: 'todo', ours: 'doing', theirs: 'done'}})
  })

  it('takes a change both sides made identically once', () => {
    const both = base.replace('status: todo', 'status: done')
    const r = mergeRecordText({base, ours: both.replace('priority: 2', 'priority: 3'), theirs: both})
    expect(r.clean).toBe(true)
    expect(dataOf(r.text)).toMatchObject({status: 'done', priority: 3})
  })

  it('merges additions to a list on both sides as a set', () => {
    const r = mergeRecordText({base, ours: base.replace('tags: [ui]', 'tags: [ui, api]'), theirs: base.replace('tags: [ui]', 'tags: [ui, docs]')})
    expect(r.clean).toBe(true)
    expect(r.text).toBe(base.replace('tags: [ui]', 'tags: [ui, api, docs]'))
  })

  it('removes a list element either side removed, and keeps ours’ block style', () => {
    const b = doc(['id: t-1', 'depends_on:', '  - a', '  - b', '  - c'])
    const ours = doc(['id: t-1', 'depends_on:', '  - a', '  - c', '  - d'])
    const theirs = doc(['id: t-1', 'depends_on:', '  - a', '  - b', '  - e'])
    const r = mergeRecordText({base: b, ours, theirs})
    expect(r.text).toBe(doc(['id: t-1', 'depends_on:', '  - a', '  - d', '  - e']))
  })

  it('removes a field removed on one side and untouched on the other', () => {
    const r = mergeRecordText({base, ours: base.replace('priority: 2\n', ''), theirs: base.replace('status: todo', 'status: doing')})
    expect(r.text).toBe(base.replace('priority: 2\n', '').replace('status: todo', 'status: doing'))
  })

  it('records a field removed on one side and changed on the other, null for the missing side', () => {
    const r = mergeRecordText({base, ours: base.replace('priority: 2', 'priority: 5'), theirs: base.replace('priority: 2\n', '')})
    expect(r.conflicts).toEqual([{field: 'priority', base: 2, ours: 5, theirs: null}])
    expect(dataOf(r.text)['priority']).toBe(5)
    const swapped = mergeRecordText({base, ours: base.replace('priority: 2\n', ''), theirs: base.replace('priority: 2', 'priority: 5')})
    expect(swapped.conflicts).toEqual([{field: 'priority', base: 2, ours: null, theirs: 5}])
    expect(dataOf(swapped.text)).not.toHaveProperty('priority')
  })

  it('appends a field theirs added after ours’ fields; equal additions are one, different ones conflict', () => {
    const r = mergeRecordText({base, ours: base.replace('status: todo', 'status: doing'), theirs: base.replace('tags: [ui]', 'tags: [ui]\ndue: 2026-03-01')})
    expect(r.text).toBe(base.replace('status: todo', 'status: doing').replace('tags: [ui]', 'tags: [ui]\ndue: 2026-03-01'))
    const add = (value: string) => base.replace('tags: [ui]', `tags: [ui]\nowner: ${value}`)
    expect(mergeRecordText({base, ours: add('ana').replace('priority: 2', 'priority: 1'), theirs: add('ana')}).clean).toBe(true)
    expect(mergeRecordText({base, ours: add('ana'), theirs: add('bo')}).conflicts).toEqual([{field: 'owner', base: null, ours: 'ana', theirs: 'bo'}])
  })

  it('merges maps key by key and names a conflict inside one by its dotted path', () => {
    const b = doc(['id: t-1', 'links:', '  repo: r0', '  docs: d0'])
    const ours = doc(['id: t-1', 'links:', '  repo: r1', '  docs: d0', '  wiki: w'])
    const theirs = doc(['id: t-1', 'links:', '  repo: r2', '  docs: d1'])
    const r = mergeRecordText({base: b, ours, theirs})
    expect(r.conflicts).toEqual([{field: 'links.repo', base: 'r0', ours: 'r1', theirs: 'r2'}])
    expect(dataOf(r.text)).toEqual({
      id: 't-1',
      links: {repo: 'r1', docs: 'd1', wiki: 'w'},
      merge_conflicts: {'links.repo': {base: 'r0', ours: 'r1', theirs: 'r2'}},
    })
    expect(mergeRecordText({base: b, ours, theirs: doc(['id: t-1', 'links:', '  repo: r0', '  docs: d1'])}).clean).toBe(true)
  })

  it('keeps ours’ comments, key order and quoting byte for byte', () => {
    const b = doc(['# a task', 'id: t-1', "title: 'Quoted title'   # keep me", 'status: todo', '# before priority', 'priority: 2', 'estimate: "3"'])
    const ours = doc(['# a task', "title: 'Quoted title'   # keep me", 'id: t-1', 'status: todo', '# before priority', 'priority: 2', 'estimate: "3"'])
    const theirs = b.replace('status: todo', 'status: done')
    const r = mergeRecordText({base: b, ours, theirs})
    expect(r.text).toBe(ours.replace('status: todo', 'status: done'))
  })

  it('brings along a comment theirs wrote where ours changed nothing, beside ours’ field edits', () => {
    const ours = base.replace('status: todo', 'status: doing  # started')
    const theirs = base.replace('title: Ship it', '# keep it short\ntitle: Ship it').replace('priority: 2', 'priority: 1')
    expect(mergeRecordText({base, ours, theirs}).text).toBe(ours.replace('title: Ship it', '# keep it short\ntitle: Ship it').replace('priority: 2', 'priority: 1'))
    // Ours only edited the body: theirs' frontmatter block is the merge, byte for byte.
    const bodyOnly = base.replace('Some text.', 'Some more text.')
    const styled = base.replace("title: Ship it", "title: 'Ship it'   # quoted by hand").replace('status: todo', 'status: done')
    expect(mergeRecordText({base, ours: bodyOnly, theirs: styled}).text).toBe(styled.replace('Some text.', 'Some more text.'))
  })

  it('merges a side’s existing merge_conflicts like any map', () => {
    const open = ['merge_conflicts:', '  status:', '    base: todo', '    ours: doing', '    theirs: done']
    const b = doc(['id: t-1', 'status: doing', 'priority: 2', ...open])
    // Theirs resolved the old conflict; ours changed priority and meets a new conflict on it.
    const ours = doc(['id: t-1', 'status: doing', 'priority: 3', ...open])
    const theirs = doc(['id: t-1', 'status: done', 'priority: 1'])
    const r = mergeRecordText({base: b, ours, theirs})
    expect(dataOf(r.text)).toEqual({id: 't-1', status: 'done', priority: 3, merge_conflicts: {priority: {base: 2, ours: 3, theirs: 1}}})
  })

  it('merges two versions without a base: equal fields taken, different ones conflict', () => {
    const ours = doc(['id: t-1', 'type: task', 'title: A', 'tags: [x]'], '\nsame\n')
    const theirs = doc(['id: t-1', 'type: task', 'title: B', 'tags: [y]'], '\nsame\n')
    const r = mergeRecordText({ours, theirs})
    expect(r.conflicts).toEqual([{field: 'title', base: null, ours: 'A', theirs: 'B'}])
    expect(dataOf(r.text)).toMatchObject({title: 'A', tags: ['x', 'y']})
    expect(bodyOf(r.text)).toBe('\nsame\n')
  })
})

describe('mergeRecordText: body and text', () => {
  const body = '\nIntro.\n\nMiddle.\n\nEnd.\n'
  const b = doc(['id: t-1', 'status: todo'], body)

  it('merges body edits far apart, and conflicts on overlapping ones with file line numbers', () => {
    const r = mergeRecordText({base: b, ours: b.replace('Intro.', 'Intro!'), theirs: b.replace('End.', 'End!')})
    expect(r.text).toBe(b.replace('Intro.', 'Intro!').replace('End.', 'End!'))
    const c = mergeRecordText({base: b, ours: b.replace('Middle.', 'Ours.'), theirs: b.replace('Middle.', 'Theirs.').replace('todo', 'done')})
    expect(c.clean).toBe(false)
    expect(c.bodyConflicts).toBe(1)
    expect(c.text).toBe(doc(['id: t-1', 'status: done'], '\nIntro.\n\n<<<<<<< ours\nOurs.\n||||||| base\nMiddle.\n=======\nTheirs.\n>>>>>>> theirs\n\nEnd.\n'))
    expect(c.bodyHunks).toEqual([{line: 8, endLine: 14, base: ['Middle.'], ours: ['Ours.'], theirs: ['Theirs.']}])
    expect(c.text.split('\n')[7]).toBe('<<<<<<< ours')
    const labelled = mergeRecordText({base: b, ours: b.replace('Middle.', 'Ours.'), theirs: b.replace('Middle.', 'Theirs.'), labels: {ours: 'mine'}})
    expect(labelled.text).toContain('<<<<<<< mine\n')
  })

  it('keeps a CRLF document CRLF, in the rewritten fields, the body and the markers', () => {
    const crlf = doc(['id: t-1', 'status: todo', 'tags: [ui]'], body, '\r\n')
    const r = mergeRecordText({
      base: crlf,
      ours: crlf.replace('tags: [ui]', 'tags: [ui, api]').replace('Middle.', 'Ours.'),
      theirs: crlf.replace('status: todo', 'status: done').replace('tags: [ui]', 'tags: [ui, docs]').replace('Middle.', 'Theirs.'),
    })
    expect(r.text).toBe(
      doc(['id: t-1', 'status: done', 'tags: [ui, api, docs]'], '\nIntro.\n\n<<<<<<< ours\nOurs.\n||||||| base\nMiddle.\n=======\nTheirs.\n>>>>>>> theirs\n\nEnd.\n', '\r\n'),
    )
    const conflict = mergeRecordText({base: crlf, ours: crlf.replace('todo', 'doing'), theirs: crlf.replace('todo', 'done')})
    expect(conflict.text).not.toMatch(/[^\r]\n/)
  })

  it('keeps a byte order mark and a missing final line break', () => {
    const bom = `\uFEFF${doc(['id: t-1', 'status: todo', 'priority: 2'], '\nno final break')}`
    const r = mergeRecordText({base: bom, ours: bom.replace('todo', 'doing'), theirs: bom.replace('priority: 2', 'priority: 1')})
    expect(r.text).toBe(bom.replace('todo', 'doing').replace('priority: 2', 'priority: 1'))
  })

  it('gives the body a line of its own when ours ends at the closing ---', () => {
    const bare = '---\nid: t-1\nstatus: todo\n---'
    const r = mergeRecordText({base: bare, ours: bare.replace('todo', 'doing'), theirs: `${bare}\nA body.\n`})
    expect(r.text).toBe('---\nid: t-1\nstatus: doing\n---\nA body.\n')
  })

  it('merges versions that are not documents as plain text, and says so', () => {
    const broken = b.replace('status: todo', 'status: [todo')
    const r = mergeRecordText({base: b, ours: broken, theirs: b.replace('End.', 'End!')})
    expect(r.fallback?.reason).toMatch(/^ours is not a readable document/)
    expect(r.text).toBe(broken.replace('End.', 'End!'))
    expect(r.clean).toBe(true)
  })

  it('gives a side back byte for byte when the other side is unchanged or the same', () => {
    const edited = b.replace('todo', "'doing'")
    for (const r of [mergeRecordText({base: b, ours: b, theirs: edited}), mergeRecordText({base: b, ours: edited, theirs: b}), mergeRecordText({ours: edited, theirs: edited})]) {
      expect(r).toEqual({text: edited, clean: true, conflicts: [], bodyConflicts: 0, bodyHunks: []})
    }
  })
})

describe('listConflicts and resolveConflict', () => {
  const body = '\nIntro.\n\nMiddle.\n'
  const b = doc(['id: t-1', 'status: todo  # workflow', 'priority: 2', 'links:', '  repo: r0'], body)
  const merged = mergeRecordText({
    base: b,
    ours: b.replace('todo', 'doing').replace('priority: 2', 'priority: 3').replace('r0', 'r1').replace('Middle.', 'Ours.'),
    theirs: b.replace('todo', 'done').replace('priority: 2\n', '').replace('r0', 'r2').replace('Middle.', 'Theirs.'),
  }).text

  it('lists merge_conflicts entries and body blocks with file line numbers', () => {
    const open = listConflictsInText(merged)
    expect(open).toEqual([
      {kind: 'field', field: 'status', base: 'todo', ours: 'doing', theirs: 'done'},
      {kind: 'field', field: 'priority', base: 2, ours: 3, theirs: null},
      {kind: 'field', field: 'links.repo', base: 'r0', ours: 'r1', theirs: 'r2'},
      {kind: 'body', line: 24, endLine: 30, base: ['Middle.'], ours: ['Ours.'], theirs: ['Theirs.']},
    ])
    expect(merged.split('\n')[23]).toBe('<<<<<<< ours')
    expect(listConflicts({id: 'x'}, 'no conflicts\n')).toEqual([])
    expect(listConflicts({merge_conflicts: {a: 'odd'}}, '')).toEqual([{kind: 'field', field: 'a', base: null, ours: null, theirs: null}])
  })

  it('takes theirs for a field: only that field’s line and merge_conflicts change', () => {
    const text = resolveConflict(merged, {field: 'status', take: 'theirs'})
    expect(text).toBe(
      merged
        .replace('status: doing  # workflow', 'status: done  # workflow')
        .replace('  status:\n    base: todo\n    ours: doing\n    theirs: done\n', ''),
    )
  })

  it('takes ours, or a value; a side without the field removes it', () => {
    expect(dataOf(resolveConflict(merged, {field: 'status', take: 'ours'}))['status']).toBe('doing')
    expect(dataOf(resolveConflict(merged, {field: 'status', take: {value: 'blocked'}}))['status']).toBe('blocked')
    expect(dataOf(resolveConflict(merged, {field: 'priority', take: 'theirs'}))).not.toHaveProperty('priority')
    expect(dataOf(resolveConflict(merged, {field: 'priority', take: {value: undefined}}))).not.toHaveProperty('priority')
    expect(dataOf(resolveConflict(merged, {field: 'links.repo', take: 'theirs'}))['links']).toEqual({repo: 'r2'})
  })

  it('removes merge_conflicts with its last entry', () => {
    let text = merged
    for (const field of ['status', 'priority', 'links.repo']) text = resolveConflict(text, {field, take: 'theirs'})
    expect(dataOf(text)).toEqual({id: 't-1', status: 'done', links: {repo: 'r2'}})
    expect(text).not.toContain('merge_conflicts')
    expect(listConflictsInText(text).map((c) => c.kind)).toEqual(['body'])
  })

  it('replaces every body block by one side', () => {
    expect(bodyOf(resolveConflict(merged, {take: 'ours'}))).toBe('\nIntro.\n\nOurs.\n')
    const text = resolveConflict(merged, {field: 'body', take: 'theirs'})
    expect(bodyOf(text)).toBe('\nIntro.\n\nTheirs.\n')
    expect(dataOf(text)).toEqual(dataOf(merged))
  })

  it('refuses what it cannot do with typed errors', () => {
    const fail = (f: () => unknown) => {
      try {
        f()
      } catch (error) {
        return isPspError(error) ? error.code : 'untyped'
      }
      return 'no error'
    }
    expect(fail(() => resolveConflict(merged, {field: 'title', take: 'ours'}))).toBe('NOT_FOUND')
    expect(fail(() => resolveConflict(merged, {take: {value: 'x'}}))).toBe('USAGE')
    expect(fail(() => resolveConflict(b, {take: 'ours'}))).toBe('NOT_FOUND')
    expect(fail(() => resolveConflict('no frontmatter', {take: 'ours'}))).toBe('INVALID_DOCUMENT')
  })
})
