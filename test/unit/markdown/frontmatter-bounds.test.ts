/**
 * frontmatterBounds: where a document's frontmatter block and body are, found without the YAML
 * parser (what a record from the index needs to read its body). It must agree with splitDocument
 * on every document splitDocument accepts, and find nothing where splitDocument finds no block.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {frontmatterBounds, splitDocument} from '@psp/core'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}

/** splitDocument's offsets, or the message it throws. */
function split(text: string): {eol: string; innerStart: number; innerEnd: number; bodyStart: number} | string {
  try {
    const {eol, innerStart, innerEnd, bodyStart} = splitDocument(text)
    return {eol, innerStart, innerEnd, bodyStart}
  } catch (error) {
    return (error as Error).message
  }
}

/** frontmatterBounds of a text as splitDocument sees it (without its BOM). */
function bounds(text: string) {
  return frontmatterBounds(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
}

/**
 * The bounds as splitDocument found them before frontmatterBounds existed (splitDocument now
 * calls frontmatterBounds, so agreeing with it alone would prove little): gray-matter's opening
 * line is `---` and whatever follows up to the first `\r?\n` (its "language"); the block ends at
 * the first `\n---` after that; the closing line may hold only spaces after its `---`.
 */
function reference(text: string): {eol: string; innerStart: number; innerEnd: number; bodyStart: number} | undefined {
  if (!text.startsWith('---')) return undefined
  const languageLength = text.slice(3).search(/\r?\n/)
  if (languageLength === -1) return undefined
  const closeAt = text.indexOf('\n---', 3 + languageLength)
  if (closeAt === -1) return undefined
  const firstEol = text.indexOf('\n')
  const innerEnd = closeAt + 1
  const closing = /^[^\S\r\n]*(\r?\n|$)/.exec(text.slice(innerEnd + 3))
  if (closing === null) return undefined
  return {eol: text[firstEol - 1] === '\r' ? '\r\n' : '\n', innerStart: firstEol + 1, innerEnd, bodyStart: innerEnd + 3 + closing[0].length}
}

/** Errors about where the block is, not about what it holds. */
const STRUCTURAL = /not closed|must stand alone|no frontmatter|empty file/

/** splitDocument's opening line: `---`, an optional language tag, spaces, a line break; not `----`. */
const OPENING = /^---[^\S\r\n]*[A-Za-z]*[^\S\r\n]*\r?\n/

describe('frontmatterBounds', () => {
  /** [what, text, the frontmatter lines (innerStart..innerEnd), the body (from bodyStart)]. */
  const accepted: Array<[string, string, string, string]> = [
    ['LF', '---\nid: a\ntype: task\n---\nBody\n', 'id: a\ntype: task\n', 'Body\n'],
    ['CRLF', '---\r\nid: a\r\ntype: task\r\n---\r\nBody\r\nmore\r\n', 'id: a\r\ntype: task\r\n', 'Body\r\nmore\r\n'],
    ['empty frontmatter', '---\n---\n', '', ''],
    ['empty frontmatter, CRLF', '---\r\n---\r\nbody', '', 'body'],
    ['empty frontmatter with a body', '---\n---\n# Title\n', '', '# Title\n'],
    ['language tag', '---yaml\nid: a\n---\nbody\n', 'id: a\n', 'body\n'],
    ['language tag with spaces', '--- yml \r\nid: a\r\n---\r\n', 'id: a\r\n', ''],
    ['upper-case language tag', '---YAML\nid: a\n---\n', 'id: a\n', ''],
    ['spaces after the opening ---', '---   \nid: a\n---\nbody', 'id: a\n', 'body'],
    ['trailing spaces after the closing ---', '---\nid: a\n---  \t\nbody\n', 'id: a\n', 'body\n'],
    ['trailing spaces after the closing --- at the end', '---\nid: a\n--- ', 'id: a\n', ''],
    ['no body', '---\nid: a\n---\n', 'id: a\n', ''],
    ['no line break after the closing ---', '---\nid: a\n---', 'id: a\n', ''],
    ['no line break after the closing ---, CRLF', '---\r\nid: a\r\n---', 'id: a\r\n', ''],
    ['a body with --- lines', '---\nid: a\n---\nintro\n---\nmore\n---\n', 'id: a\n', 'intro\n---\nmore\n---\n'],
    ['a body starting with ---', '---\nid: a\n---\n---\n', 'id: a\n', '---\n'],
    ['a blank line as body', '---\nid: a\n---\n\n', 'id: a\n', '\n'],
    ['--- inside a value', '---\nid: a\nnote: "x --- y"\n---\nbody', 'id: a\nnote: "x --- y"\n', 'body'],
    ['comments and blank lines', '---\n# comment\n\nid: a\n\n---\nbody', '# comment\n\nid: a\n\n', 'body'],
    ['a blank CRLF line opening the body', '---\r\nid: a\r\n---\r\n\r\nbody', 'id: a\r\n', '\r\nbody'],
    ['mixed line ends', '---\nid: a\r\n---\r\nbody\n', 'id: a\r\n', 'body\n'],
    ['non-ASCII', '---\ntitle: café 日本 🚀\n---\nünï\n', 'title: café 日本 🚀\n', 'ünï\n'],
  ]

  for (const [name, text, inner, body] of accepted) {
    it(`agrees with splitDocument: ${name}`, () => {
      const expected = split(text)
      expect(typeof expected, `splitDocument refused it: ${String(expected)}`).toBe('object')
      const found = frontmatterBounds(text)
      expect(found).toEqual(expected)
      expect(found).toEqual(reference(text))
      expect(text.slice(found?.innerStart, found?.innerEnd)).toBe(inner)
      expect(text.slice(found?.bodyStart)).toBe(body)
      expect(found?.eol).toBe(text.startsWith('\r\n', text.indexOf('\n') - 1) ? '\r\n' : '\n')
    })
  }

  it('agrees with splitDocument on a document with a BOM (given the text without it)', () => {
    const text = '\uFEFF---\r\nid: a\r\n---\r\nbody'
    expect(frontmatterBounds(text.slice(1))).toEqual(split(text))
    // With the BOM still there it is not a document's text as splitDocument hands it on.
    expect(frontmatterBounds(text)).toBeUndefined()
  })

  it('gives the offsets of the parts', () => {
    const text = '---\r\nid: a\r\n---  \r\nBody'
    const b = frontmatterBounds(text)
    expect(b).toEqual({eol: '\r\n', innerStart: 5, innerEnd: 12, bodyStart: 19})
    expect(text.slice(b?.innerStart, b?.innerEnd)).toBe('id: a\r\n')
    expect(text.slice(b?.bodyStart)).toBe('Body')
  })

  const refused: Array<[string, string]> = [
    ['not closed', '---\nid: a\n'],
    ['not closed, CRLF', '---\r\nid: a\r\nbody\r\n'],
    ['only an opening line', '---\n'],
    ['only ---', '---'],
    ['closing line not alone', '---\nid: a\n--- x\nbody'],
    ['closing line of four dashes', '---\nid: a\n----\nbody'],
    ['closing line followed by text', '---\nid: a\n---body'],
    ['closing line ending in a lone CR', '---\nid: a\n---\rbody'],
    ['no opening line', 'id: a\n---\nbody'],
    ['indented opening line', '  ---\nid: a\n---\n'],
    ['Markdown only', '# Title\n\ntext\n'],
    ['empty', ''],
    ['blank', '  \n\n'],
  ]

  for (const [name, text] of refused) {
    it(`finds nothing where splitDocument finds no block: ${name}`, () => {
      expect(split(text)).toMatch(STRUCTURAL)
      expect(bounds(text)).toBeUndefined()
    })
  }

  // frontmatterBounds checks the opening line as splitDocument does: `----`, `---1`, `--- a b`
  // and `---<CR>x` are no frontmatter for either.
  for (const [name, text] of [
    ['four dashes', '----\nid: a\n---\nbody'],
    ['a digit after ---', '---1\nid: a\n---\nbody'],
    ['two words after ---', '--- a b\nid: a\n---\nbody'],
    ['a lone CR in the opening line', '---\rx\n---\nbody'],
  ]) {
    it(`finds nothing where the opening line is not one: ${name}`, () => {
      expect(split(text as string)).toMatch(/no frontmatter/)
      expect(bounds(text as string)).toBeUndefined()
    })
  }

  it('finds the block even where splitDocument refuses what it holds', () => {
    // Bounds do not depend on the YAML: a record from the index was parsed when it was taken in.
    for (const text of ['---\nid: [a\n---\nbody', '---\n- a\n---\n', '---\nx: 1\nx: 2\n---\n', '---js\nx: 1\n---\n']) {
      expect(split(text)).not.toMatch(STRUCTURAL)
      expect(bounds(text)).toBeDefined()
    }
  })
})

describe('frontmatterBounds (property)', () => {
  const eolArb = fc.constantFrom('\n', '\r\n')
  const opening = fc.constantFrom('---', '---', '---yaml', '--- yml', '---  ', '---YAML ', '---js')
  const matterLine = fc.oneof(
    fc.nat(20).map((i) => `k${i}: v${i}`),
    fc.constantFrom('', '# comment', 'list:', '  - x', 'q: "---"', "t: '--- x'", '  ---', 'a: b: c', '[', '...', '- x'),
    {weight: 1, arbitrary: fc.constantFrom('---', '---  ', '--- x', '----', '---\t', '---x')},
  )
  const closing = fc.constantFrom('---', '---', '--- ', '---\t ', '--- x', '----', '---x', undefined)
  const bodyLine = fc.oneof(fc.constantFrom('', '---', '# Title', 'text', '----', '--- x', 'k: v'), fc.string({maxLength: 8}))

  /** A document built from lines, each ending in LF or CRLF (now and then mixed). */
  const document = fc
    .record({
      bom: fc.boolean(),
      eol: eolArb,
      mixed: fc.array(eolArb, {minLength: 12, maxLength: 12}),
      mix: fc.boolean(),
      opening,
      matter: fc.array(matterLine, {maxLength: 6}),
      closing,
      body: fc.array(bodyLine, {maxLength: 4}),
      finalEol: fc.boolean(),
    })
    .map(({bom, eol, mixed, mix, opening, matter, closing, body, finalEol}) => {
      const lines = [opening, ...matter, ...(closing === undefined ? [] : [closing]), ...body]
      let text = ''
      lines.forEach((line, i) => {
        const end = mix ? (mixed[i % mixed.length] as string) : eol
        text += line + (i < lines.length - 1 || finalEol ? end : '')
      })
      return (bom ? '\uFEFF' : '') + text
    })

  /** Texts made of the characters that matter to the block's bounds, in any order. */
  const fuzz = fc.array(fc.constantFrom('---', '-', '\n', '\r\n', '\r', ' ', 'a: 1', 'x', 'yaml'), {maxLength: 14}).map((parts) => `---\n${parts.join('')}`)

  it('agrees with splitDocument on every document it accepts, and finds no block where splitDocument finds none', () => {
    fc.assert(
      fc.property(fc.oneof(document, fuzz), (text) => {
        const expected = split(text)
        const found = bounds(text)
        const plain = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
        expect(found).toEqual(reference(plain))
        if (typeof expected === 'object') expect(found).toEqual(expected)
        // No block found: splitDocument refuses the text too.
        if (found === undefined) expect(typeof expected).toBe('string')
        // splitDocument finds no closing line, or one that does not stand alone: neither does this.
        if (typeof expected === 'string' && /not closed|must stand alone/.test(expected)) expect(found).toBeUndefined()
        // A proper opening line and a block found: splitDocument's complaint, if any, is about the YAML.
        if (found !== undefined && typeof expected === 'string' && OPENING.test(plain) && !plain.startsWith('----')) {
          expect(expected).not.toMatch(STRUCTURAL)
        }
      }),
      {numRuns: RUNS, ...SEED},
    )
  })

  it('cuts every accepted document into frontmatter lines and the body exactly', () => {
    fc.assert(
      fc.property(document, (text) => {
        const plain = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
        const found = frontmatterBounds(plain)
        if (found === undefined) return
        const {eol, innerStart, innerEnd, bodyStart} = found
        // The opening line ends just before innerStart; the closing line starts at innerEnd with ---.
        expect(plain.slice(0, 3)).toBe('---')
        expect(plain[innerStart - 1]).toBe('\n')
        expect(plain.slice(0, innerStart)).not.toMatch(/\n[^]/)
        expect(eol).toBe(plain[innerStart - 2] === '\r' ? '\r\n' : '\n')
        expect(plain[innerEnd - 1]).toBe('\n')
        expect(plain.slice(innerEnd, innerEnd + 3)).toBe('---')
        expect(plain.slice(innerEnd + 3, bodyStart)).toMatch(/^[^\S\r\n]*(\r?\n)?$/)
        // No line of the frontmatter starts with --- (the first such line closes it).
        expect(plain.slice(innerStart - 1, innerEnd - 1)).not.toContain('\n---')
      }),
      {numRuns: RUNS, ...SEED},
    )
  })
})
