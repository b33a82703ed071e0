// New documents' frontmatter is written without the YAML renderer for the common values (plain
// words, whole numbers, booleans, lists of plain words). It must write exactly what the renderer
// writes, and read back as the same data, for every value: anything unusual goes to the renderer.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {editFrontmatter, renderFrontmatter, splitDocument} from '@psp/core'

const runs = Number(process.env['PSP_PROPERTY_RUNS'] ?? 500)
const seed = process.env['PSP_PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PSP_PROPERTY_SEED'])

// Mostly characters a plain scalar may hold, with the ones that end it or change its type.
const char = fc.oneof(
  {weight: 8, arbitrary: fc.constantFrom(...'abcXYZ019 _.,()/+-\''.split(''))},
  {weight: 1, arbitrary: fc.constantFrom(...':#[]{}"!&*|>%@`?\\\t\n~é'.split(''))},
)
const word = fc.oneof(
  fc.array(char, {minLength: 1, maxLength: 14}).map((cs) => cs.join('')),
  fc.constantFrom('yes', 'No', 'null', 'TRUE', 'y', 'on', 'Infinity', 'nan', '0x1F', '1e3', '2027-01-01', '', ' x', 'x ', 'a  b', 'Fix it'),
)
const value = fc.oneof(word, fc.integer(), fc.double(), fc.boolean(), fc.array(word, {maxLength: 4}))

describe('rendering a new frontmatter', () => {
  it('writes what the YAML renderer writes, and reads back the same value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('title', 'tags', 'estimate', 'depends_on', 'Odd-Key', 'true', 'no', 'y', 'null'), word), value, (key, v) => {
        const fast = renderFrontmatter({[key]: v})
        expect(fast).toBe(editFrontmatter('', {[key]: v}, '\n'))
        // YAML has no negative zero: `-0` reads back as 0, whichever way it was written.
        expect(splitDocument(`---\n${fast}---\n`).data[key]).toEqual(Object.is(v, -0) ? 0 : v)
      }),
      {numRuns: runs, seed},
    )
  })

  it('quotes the strings a block scalar would not bring back whole', () => {
    // Found by the property above: blank first lines holding spaces, and line breaks kept at the
    // end (the last block of a frontmatter gives its final line break to the closing `---`).
    for (const v of [' \n', '  \n b', ' \n\t\n', 'a\n\n', '   a\n\n', '\n\n\n']) {
      for (const data of [{title: v}, {title: v, status: 'todo'}]) {
        const fast = renderFrontmatter(data)
        expect(fast, JSON.stringify(v)).toBe(editFrontmatter('', data, '\n'))
        expect(fast, JSON.stringify(v)).toMatch(/^title: "/)
        expect(splitDocument(`---\n${fast}---\nBody.\n`).data['title'], JSON.stringify(v)).toBe(v)
        expect(splitDocument(`---\n${editFrontmatter('title: old\n', {title: v}, '\n')}---\n`).data['title'], JSON.stringify(v)).toBe(v)
      }
    }
    // Block scalars stay for the strings they carry whole.
    expect(renderFrontmatter({title: 'a\nb\n'})).toBe('title: |\n  a\n  b\n')
  })

  it('keeps the line ending asked for', () => {
    expect(renderFrontmatter({title: 'Plan', tags: ['a', 'b c']}, '\r\n')).toBe('title: Plan\r\ntags: [a, b c]\r\n')
  })
})
