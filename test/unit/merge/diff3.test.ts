/**
 * The line-level three-way merge behind record bodies: what merges cleanly, what conflicts, how
 * conflicts are written and read back, and that line ends and final line breaks are kept.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {diffLines, findConflictBlocks, mergeText, takeConflictSide} from '@psp/core'

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('')

describe('mergeText', () => {
  const base = lines('a', 'b', 'c', 'd', 'e', 'f', 'g')

  it('gives a side back byte for byte when the other has nothing to add', () => {
    const edited = 'x\r\ny'
    expect(mergeText(base, base, edited)).toEqual({text: edited, clean: true, conflicts: []})
    expect(mergeText(base, edited, base).text).toBe(edited)
    expect(mergeText(base, edited, edited).text).toBe(edited)
  })

  it('merges edits far apart cleanly', () => {
    const r = mergeText(base, lines('A', 'b', 'c', 'd', 'e', 'f', 'g'), lines('a', 'b', 'c', 'd', 'e', 'f', 'G'))
    expect(r).toEqual({text: lines('A', 'b', 'c', 'd', 'e', 'f', 'G'), clean: true, conflicts: []})
  })

  it('merges edits of neighbouring lines cleanly: their order is clear', () => {
    expect(mergeText(base, lines('a', 'B', 'c', 'd', 'e', 'f', 'g'), lines('a', 'b', 'C', 'd', 'e', 'f', 'g')).text).toBe(
      lines('a', 'B', 'C', 'd', 'e', 'f', 'g'),
    )
    // An insertion right before a line the other side replaced goes first.
    expect(mergeText(base, lines('a', 'b', 'new', 'c', 'd', 'e', 'f', 'g'), lines('a', 'b', 'C', 'd', 'e', 'f', 'g')).text).toBe(
      lines('a', 'b', 'new', 'C', 'd', 'e', 'f', 'g'),
    )
  })

  it('takes an identical edit once', () => {
    const both = lines('a', 'b', 'X', 'Y', 'e', 'f', 'g')
    expect(mergeText(base, both, both)).toEqual({text: both, clean: true, conflicts: []})
    const ours = lines('a', 'b', 'X', 'Y', 'e', 'f', 'G')
    const theirs = lines('A', 'b', 'X', 'Y', 'e', 'f', 'g')
    expect(mergeText(base, ours, theirs).text).toBe(lines('A', 'b', 'X', 'Y', 'e', 'f', 'G'))
  })

  it('writes overlapping different edits as a conflict block and returns it', () => {
    const r = mergeText(base, lines('a', 'b', 'c', 'OURS', 'e', 'f', 'g'), lines('a', 'b', 'c', 'THEIRS', 'e', 'f', 'g'))
    expect(r.clean).toBe(false)
    expect(r.text).toBe(lines('a', 'b', 'c', '<<<<<<< ours', 'OURS', '||||||| base', 'd', '=======', 'THEIRS', '>>>>>>> theirs', 'e', 'f', 'g'))
    expect(r.conflicts).toEqual([{line: 4, endLine: 10, base: ['d'], ours: ['OURS'], theirs: ['THEIRS']}])
    const printed = r.text.split('\n')
    expect(printed[3]).toBe('<<<<<<< ours')
    expect(printed[9]).toBe('>>>>>>> theirs')
  })

  it('numbers several conflicts by their place in the merged text', () => {
    const r = mergeText(base, lines('1', 'b', 'c', 'd', 'e', 'f', '7'), lines('one', 'b', 'c', 'd', 'e', 'f', 'seven'))
    expect(r.conflicts.map((c) => [c.line, c.endLine])).toEqual([
      [1, 7],
      [13, 19],
    ])
    expect(r.text.split('\n')[12]).toBe('<<<<<<< ours')
  })

  it('uses the labels it is given', () => {
    const r = mergeText(lines('x'), lines('y'), lines('z'), {labels: {ours: 'HEAD', base: 'merged common ancestors', theirs: 'origin/main'}})
    expect(r.text).toBe(lines('<<<<<<< HEAD', 'y', '||||||| merged common ancestors', 'x', '=======', 'z', '>>>>>>> origin/main'))
  })

  it('conflicts on two different insertions at one place and on an edit against a deletion', () => {
    expect(mergeText(lines('a', 'b'), lines('a', 'x', 'b'), lines('a', 'y', 'b')).conflicts).toEqual([
      {line: 2, endLine: 7, base: [], ours: ['x'], theirs: ['y']},
    ])
    const r = mergeText(lines('a', 'b', 'c'), lines('a', 'c'), lines('a', 'B', 'c'))
    expect(r.conflicts).toEqual([{line: 2, endLine: 7, base: ['b'], ours: [], theirs: ['B']}])
  })

  it('keeps CRLF line ends, and writes its markers with them', () => {
    const crlf = (...l: string[]) => l.map((x) => `${x}\r\n`).join('')
    const b = crlf('a', 'b', 'c', 'd')
    expect(mergeText(b, crlf('A', 'b', 'c', 'd'), crlf('a', 'b', 'c', 'D')).text).toBe(crlf('A', 'b', 'c', 'D'))
    const r = mergeText(b, crlf('a', 'X', 'c', 'd'), crlf('a', 'Y', 'c', 'd'))
    expect(r.text).toBe(crlf('a', '<<<<<<< ours', 'X', '||||||| base', 'b', '=======', 'Y', '>>>>>>> theirs', 'c', 'd'))
    expect(r.conflicts[0]?.ours).toEqual(['X'])
  })

  it('keeps mixed line ends it did not mean to change', () => {
    const b = 'a\r\nb\nc\r\nd\n'
    expect(mergeText(b, 'A\r\nb\nc\r\nd\n', 'a\r\nb\nc\r\nD\n').text).toBe('A\r\nb\nc\r\nD\n')
  })

  it('keeps a missing final line break, and adds one only inside a conflict block', () => {
    expect(mergeText('a\nb\nc', 'A\nb\nc', 'a\nb\nC').text).toBe('A\nb\nC')
    expect(mergeText('a\nb\nc\n', 'A\nb\nc\n', 'a\nb\nc').text).toBe('A\nb\nc')
    const r = mergeText('a\nb', 'a\nx', 'a\ny')
    expect(r.text).toBe('a\n<<<<<<< ours\nx\n||||||| base\nb\n=======\ny\n>>>>>>> theirs\n')
    expect(r.conflicts[0]).toMatchObject({ours: ['x'], base: ['b'], theirs: ['y']})
  })

  it('merges from an empty base (both sides added the text)', () => {
    expect(mergeText('', 'same\n', 'same\n').text).toBe('same\n')
    expect(mergeText('', 'one\n', 'two\n').conflicts).toEqual([{line: 1, endLine: 6, base: [], ours: ['one'], theirs: ['two']}])
  })
})

describe('findConflictBlocks and takeConflictSide', () => {
  const merged = mergeText(lines('a', 'b', 'c'), lines('a', 'X1', 'X2', 'c'), lines('a', 'Y', 'c')).text

  it('reads back the blocks mergeText writes, numbered from the given first line', () => {
    expect(findConflictBlocks(merged, 10).map(({line, endLine, base, ours, theirs}) => ({line, endLine, base, ours, theirs}))).toEqual([
      {line: 11, endLine: 18, base: ['b'], ours: ['X1', 'X2'], theirs: ['Y']},
    ])
  })

  it('reads two-part blocks (no base) and ignores unfinished ones', () => {
    const text = lines('<<<<<<< HEAD', 'x', '=======', 'y', '>>>>>>> other', 'tail', '<<<<<<< lonely', 'z')
    expect(findConflictBlocks(text).map((b) => [b.line, b.base, b.ours, b.theirs])).toEqual([[1, [], ['x'], ['y']]])
    expect(findConflictBlocks(lines('<<<<<<<< eight', 'x', '=======', 'y', '>>>>>>>'))).toEqual([])
  })

  it('replaces every block by one side, as written', () => {
    expect(takeConflictSide(merged, 'ours')).toBe(lines('a', 'X1', 'X2', 'c'))
    expect(takeConflictSide(merged, 'theirs')).toBe(lines('a', 'Y', 'c'))
    expect(takeConflictSide(merged, 'base')).toBe(lines('a', 'b', 'c'))
    const crlf = mergeText('a\r\nb\r\n', 'a\r\nx\r\n', 'a\r\ny\r\n').text
    expect(takeConflictSide(crlf, 'theirs')).toBe('a\r\ny\r\n')
  })
})

describe('mergeText (property)', () => {
  const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
  // Some texts end without a line break, where lines could run together.
  const text = fc
    .tuple(fc.array(fc.constantFrom('a', 'b', 'c', 'd', 'e', ''), {maxLength: 12}), fc.boolean())
    .map(([l, open]) => {
      const t = l.map((x) => `${x}\n`).join('')
      return open ? t.replace(/\n$/, '') : t
    })

  it('is symmetric up to the side a conflict block shows first', () => {
    fc.assert(
      fc.property(text, text, text, (b, o, t) => {
        const one = mergeText(b, o, t)
        const two = mergeText(b, t, o)
        expect(one.clean).toBe(two.clean)
        expect(takeConflictSide(one.text, 'ours')).toBe(takeConflictSide(two.text, 'theirs'))
        expect(takeConflictSide(one.text, 'theirs')).toBe(takeConflictSide(two.text, 'ours'))
        expect(one.conflicts.map((c) => [c.line, c.base, c.ours, c.theirs])).toEqual(two.conflicts.map((c) => [c.line, c.base, c.theirs, c.ours]))
      }),
      {numRuns: RUNS},
    )
  })

  it('keeps every line either side added, and reads its own blocks back', () => {
    fc.assert(
      fc.property(text, text, text, (b, o, t) => {
        const r = mergeText(b, o, t)
        const merged = r.text.split('\n')
        // Lines are compared with their line breaks, as the merge compares them.
        const withEnds = (s: string) => s.match(/[^\n]*\n|[^\n]+$/g) ?? []
        for (const side of [o, t]) {
          for (const line of diffLines(withEnds(b), withEnds(side))) if (line.op === '+') expect(merged).toContain(line.text.replace(/\n$/, ''))
        }
        expect(findConflictBlocks(r.text).map(({line, endLine, base, ours, theirs}) => ({line, endLine, base, ours, theirs}))).toEqual(r.conflicts)
        // Every line is a line of an input or a marker: no two lines ran together.
        const known = new Set(['', ...b.split('\n'), ...o.split('\n'), ...t.split('\n'), '<<<<<<< ours', '||||||| base', '=======', '>>>>>>> theirs'])
        for (const line of merged) expect(known).toContain(line)
      }),
      {numRuns: RUNS},
    )
  })
})
