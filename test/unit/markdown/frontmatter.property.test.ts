/**
 * Property tests of the frontmatter round trip: random maps rendered by psp's renderer, random
 * comments, bodies, line ends and BOMs. Parsing gives the data back; an edit rewrites only the
 * edited field's lines; an edit and its reversal give back the original bytes.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {applyChanges, renderFrontmatter, splitDocument} from '@psp/core'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}

/** Strings that YAML reads as something else unless quoted, or that are awkward to write. */
const TRICKY = [
  '', ' ', 'true', 'True', 'FALSE', 'yes', 'no', 'on', 'off', 'null', 'Null', '~', '0', '-1', '+1', '1.5', '1e3',
  '.5', '1.', '0x1F', '-0x1F', '0o17', '+0o17', '0b101', '-0b1', '017', '1_000', '.inf', '-.Inf', '.nan',
  '2024-01-31', '2024-01-31T10:00:00Z', '12:30', ': x', 'a: b', '- a', '-', '? x', '#hash', 'a #b', 'a# b', "it's",
  '"quoted"', "'single'", '[a]', '{a: 1}', '*alias', '&anchor', '!tag', '!!str x', '%x', '@x', '`x', '|', '>',
  '---', '...', '  leading', 'trailing  ', 'multi\nline', 'ends with newline\n', 'tab\there', 'back\\slash',
  'C:\\path', 'ünïcødé', '日本語', '🚀 emoji', 'a\u00a0b', 'x\r\ny',
]

const key = fc.oneof(
  {weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/)},
  {weight: 1, arbitrary: fc.constantFrom('título', 'ключ', 'my key', 'true', '1', '0b1', 'a: b', '#k', 'x-y.z')},
)
const text = fc.oneof(
  {weight: 3, arbitrary: fc.constantFrom(...TRICKY)},
  {weight: 3, arbitrary: fc.string({maxLength: 24})},
  {weight: 2, arbitrary: fc.string({unit: 'grapheme', maxLength: 12})},
  {weight: 1, arbitrary: fc.string({unit: 'binary-ascii', maxLength: 12})},
)
const number = fc.oneof(fc.integer(), fc.double({noNaN: true}).filter((n) => !Object.is(n, -0)))
const scalar = fc.oneof({weight: 5, arbitrary: text}, {weight: 2, arbitrary: number}, fc.boolean(), fc.constant(null))
const list = fc.array(fc.oneof(text, number, fc.boolean()), {maxLength: 5})
const nested = fc.dictionary(key, fc.oneof(scalar, list), {maxKeys: 4, noNullPrototype: true})
const value = fc.oneof({weight: 5, arbitrary: scalar}, {weight: 2, arbitrary: list}, {weight: 1, arbitrary: nested})

/** One generated document: its fields, comments around them, body, line end and BOM. */
interface Generated {
  fields: [string, unknown][]
  /** A comment line before the field. */
  commentBefore: boolean[]
  /** A `# comment` at the end of the field's line (only for one-line scalars and lists). */
  trailing: boolean[]
  body: string
  eol: '\n' | '\r\n'
  bom: boolean
}

const generated: fc.Arbitrary<Generated> = fc
  .record({
    fields: fc.uniqueArray(fc.tuple(key, value), {minLength: 1, maxLength: 8, selector: ([k]) => k}),
    flags: fc.array(fc.tuple(fc.boolean(), fc.boolean()), {minLength: 8, maxLength: 8}),
    bodyLines: fc.array(fc.oneof(fc.string({unit: 'grapheme', maxLength: 30}), fc.constantFrom('---', '', '# H', 'k: v')), {
      maxLength: 5,
    }),
    finalNewline: fc.boolean(),
    eol: fc.constantFrom<'\n' | '\r\n'>('\n', '\r\n'),
    bom: fc.boolean(),
  })
  .map(({fields, flags, bodyLines, finalNewline, eol, bom}) => ({
    fields: fields as [string, unknown][],
    commentBefore: flags.map(([c]) => c),
    trailing: flags.map(([, t]) => t),
    body: bodyLines.join(eol) + (finalNewline && bodyLines.length > 0 ? eol : ''),
    eol,
    bom,
  }))

/** The document's text, and where each field's lines are in `text.split('\n')`. */
interface Built {
  text: string
  data: Record<string, unknown>
  /** Per field: [first line, one past the last line] in the text's lines. */
  ranges: [number, number][]
  /** Index of the closing --- line. */
  closing: number
}

function isCollection(v: unknown): boolean {
  return v !== null && typeof v === 'object'
}

function build(g: Generated): Built {
  const lines = ['---']
  const ranges: [number, number][] = []
  g.fields.forEach(([k, v], i) => {
    if (g.commentBefore[i]) lines.push(`# note ${i}`)
    const rendered = renderFrontmatter({[k]: v}, g.eol).split(g.eol).slice(0, -1)
    if (g.trailing[i] && rendered.length === 1 && (!isCollection(v) || Array.isArray(v))) rendered[0] += ` # c${i}`
    ranges.push([lines.length, lines.length + rendered.length])
    lines.push(...rendered)
  })
  const closing = lines.length
  lines.push('---')
  const text = (g.bom ? '\uFEFF' : '') + lines.join(g.eol) + g.eol + g.body
  // In `text.split('\n')` the lines are the same (CR stays at their ends).
  return {text, data: Object.fromEntries(g.fields), ranges, closing}
}

function edit(text: string, changes: Record<string, unknown>): string {
  return applyChanges(splitDocument(text), changes)
}

const linesOf = (s: string) => s.split('\n')

describe('frontmatter round trip (property)', () => {
  it('parses what psp renders back to the same data and body', () => {
    fc.assert(
      fc.property(generated, (g) => {
        const {text, data} = build(g)
        const split = splitDocument(text)
        expect(split.data).toEqual(data)
        expect(split.text.slice(split.bodyStart)).toBe(g.body)
        expect(split.eol).toBe(g.eol)
        expect(split.bom).toBe(g.bom)
      }),
      {numRuns: RUNS, ...SEED},
    )
  })

  it('gives back the original bytes after editing a field and editing it back', () => {
    fc.assert(
      fc.property(generated, fc.nat(), value, (g, pick, next) => {
        const {text, data} = build(g)
        const [k, original] = g.fields[pick % g.fields.length] as [string, unknown]
        const changed = edit(text, {[k]: next})
        const split = splitDocument(changed)
        expect(split.data).toEqual({...data, [k]: next})
        expect(split.text.slice(split.bodyStart)).toBe(g.body)
        expect(edit(changed, {[k]: original})).toBe(text)
      }),
      {numRuns: RUNS, ...SEED},
    )
  })

  it('changes only the edited field’s lines', () => {
    fc.assert(
      fc.property(generated, fc.nat(), value, (g, pick, next) => {
        const {text, ranges} = build(g)
        const index = pick % g.fields.length
        const [k] = g.fields[index] as [string, unknown]
        const [start, end] = ranges[index] as [number, number]
        const before = linesOf(text)
        const after = linesOf(edit(text, {[k]: next}))
        const tail = before.length - end
        expect(after.slice(0, start)).toEqual(before.slice(0, start))
        expect(after.slice(after.length - tail)).toEqual(before.slice(end))
        expect(after.length - tail).toBeGreaterThan(start)
      }),
      {numRuns: RUNS, ...SEED},
    )
  })

  it('removes exactly the unset field’s lines', () => {
    fc.assert(
      fc.property(generated, fc.nat(), (g, pick) => {
        const {text, ranges, data} = build(g)
        const index = pick % g.fields.length
        const [k] = g.fields[index] as [string, unknown]
        const [start, end] = ranges[index] as [number, number]
        const before = linesOf(text)
        const out = edit(text, {[k]: undefined})
        expect(linesOf(out)).toEqual([...before.slice(0, start), ...before.slice(end)])
        const rest = {...data}
        delete rest[k]
        expect(splitDocument(out).data).toEqual(rest)
      }),
      {numRuns: RUNS, ...SEED},
    )
  })

  it('appends a new field just before the closing line and changes nothing else', () => {
    fc.assert(
      fc.property(generated, value, (g, next) => {
        const {text, closing, data} = build(g)
        const k = 'zz_added_field'
        const before = linesOf(text)
        const after = linesOf(edit(text, {[k]: next}))
        const added = after.length - before.length
        expect(added).toBeGreaterThan(0)
        expect(after.slice(0, closing)).toEqual(before.slice(0, closing))
        expect(after.slice(closing + added)).toEqual(before.slice(closing))
        expect(after[closing]?.startsWith(`${k}:`)).toBe(true)
        expect(splitDocument(after.join('\n')).data).toEqual({...data, [k]: next})
      }),
      {numRuns: RUNS, ...SEED},
    )
  })
})
