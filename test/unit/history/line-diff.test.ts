/**
 * The line diff behind body counts and `--patch`: a script that turns one text into the other,
 * as short as a longest-common-subsequence says it can be, and hunks in unified-diff form.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {countLineChanges, describeFieldChange, diffFields, diffLines, renderHunks, splitLines, unifiedHunks} from '@psp/core'

/** Length of a longest common subsequence, the slow and obvious way. */
function lcs(a: string[], b: string[]): number {
  const row = new Array<number>(b.length + 1).fill(0)
  for (const x of a) {
    let diagonal = 0
    for (let j = 1; j <= b.length; j++) {
      const up = row[j] as number
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j] as number, row[j - 1] as number)
      diagonal = up
    }
  }
  return row[b.length] as number
}

const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd', ''), {maxLength: 30})

describe('diffLines', () => {
  it('turns one text into the other with as few changes as possible', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const script = diffLines(a, b)
        expect(script.filter((l) => l.op !== '+').map((l) => l.text)).toEqual(a)
        expect(script.filter((l) => l.op !== '-').map((l) => l.text)).toEqual(b)
        expect(script.filter((l) => l.op === ' ').length).toBe(lcs(a, b))
      }),
      {numRuns: 500},
    )
  })

  it('counts added and removed lines', () => {
    expect(countLineChanges('a\nb\nc\n', 'a\nB\nc\nd\n')).toEqual({added: 2, removed: 1})
    expect(countLineChanges('', 'x\n')).toEqual({added: 1, removed: 0})
    expect(countLineChanges('same\r\n', 'same\r\n')).toEqual({added: 0, removed: 0})
    expect(splitLines('a\r\nb')).toEqual(['a', 'b'])
  })

  it('writes hunks with three lines of context, merging close changes', () => {
    const before = Array.from({length: 20}, (_, i) => `line ${i}`).join('\n') + '\n'
    const after = before.replace('line 2\n', 'line two\n').replace('line 5\n', '').replace('line 17\n', 'line 17\nline 17b\n')
    const hunks = unifiedHunks(before, after)
    expect(hunks.map((h) => [h.oldStart, h.oldLines, h.newStart, h.newLines])).toEqual([
      [1, 9, 1, 8],
      [16, 5, 15, 6],
    ])
    expect(renderHunks(hunks)).toContain('@@ -1,9 +1,8 @@\n line 0\n line 1\n-line 2\n+line two\n line 3\n line 4\n-line 5\n line 6\n')
    expect(unifiedHunks('x\n', 'x\n')).toEqual([])
  })
})

describe('diffFields', () => {
  it('names added, removed and changed fields, and list elements', () => {
    const changes = diffFields({status: 'todo', tags: ['backend', 'x'], due: '2026-01-01', n: {a: 1}}, {status: 'in-progress', tags: ['x', 'ui'], n: {a: 1}, estimate: 3})
    expect(changes).toEqual([
      {field: 'status', before: 'todo', after: 'in-progress'},
      {field: 'tags', before: ['backend', 'x'], after: ['x', 'ui'], added: ['ui'], removed: ['backend']},
      {field: 'estimate', after: 3},
      {field: 'due', before: '2026-01-01'},
    ])
    expect(changes.map(describeFieldChange)).toEqual(['status: todo → in-progress', 'tags: +ui -backend', 'estimate: (none) → 3', 'due: 2026-01-01 → (none)'])
    expect(describeFieldChange({field: 'tags', before: ['a', 'b'], after: ['b', 'a']})).toBe('tags: [a, b] → [b, a]')
    expect(describeFieldChange({field: 'tags', after: ['ui']})).toBe('tags: +ui')
  })
})
