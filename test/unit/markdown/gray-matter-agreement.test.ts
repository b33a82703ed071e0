/**
 * psp finds the frontmatter block by gray-matter's rules without calling gray-matter (its
 * per-call overhead was a sixth of a cold index build; docs/decisions.md). This differential
 * test keeps the two in agreement: gray-matter, given psp's YAML engine as every call used to
 * give it, must find the same data in every document splitDocument accepts, and fail on the
 * YAML of every block splitDocument fails on.
 */
import fs from 'node:fs'
import {createRequire} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import fc from 'fast-check'
import jsYaml from 'js-yaml'
import {describe, expect, it} from 'vitest'
import {splitDocument} from '@psp/core'

// PSP_PROPERTY_RUNS=5000 explores further (slower); the default keeps the unit suite fast.
const RUNS = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
// PSP_PROPERTY_SEED=<seed printed with a failure> replays that run.
const SEED = process.env['PSP_PROPERTY_SEED'] === undefined ? {} : {seed: Number(process.env['PSP_PROPERTY_SEED'])}

const require = createRequire(import.meta.url)
const matter = require('gray-matter') as (input: string, options: object) => {data: Record<string, unknown>; matter: string}

class Refused extends Error {}
const refuse = {
  parse: () => {
    throw new Refused()
  },
}
const load = (source: string) => (jsYaml.load(source, {schema: jsYaml.CORE_SCHEMA}) ?? {}) as Record<string, unknown>
const OPTIONS = {
  language: 'yaml',
  delimiters: '---',
  engines: {yaml: {parse: load}, yml: {parse: load}, js: refuse, javascript: refuse, coffee: refuse, coffeescript: refuse, cson: refuse, json: refuse, toml: refuse},
}

/** gray-matter's data for a text (without its BOM), or how it failed. */
function grayMatter(text: string): {data: Record<string, unknown>} | {error: 'yaml' | 'refused' | 'other'} {
  const plain = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  try {
    return {data: matter(plain, OPTIONS).data}
  } catch (error) {
    return {error: error instanceof jsYaml.YAMLException ? 'yaml' : error instanceof Refused ? 'refused' : 'other'}
  }
}

/** splitDocument's data, or its error message. */
function psp(text: string): {data: Record<string, unknown>} | {message: string} {
  try {
    return {data: splitDocument(text).data}
  } catch (error) {
    return {message: (error as Error).message}
  }
}

/**
 * psp's own reasons to refuse a text gray-matter reads: the block's shape (psp wants a closed
 * block at the top), YAML 1.1 merge keys, alias bombs, languages; and, where gray-matter's data
 * is not a mapping, that.
 */
const PSP_ONLY = /empty file|no frontmatter|not closed|must stand alone|is refused|expands to more than/
const NOT_A_MAPPING = new RegExp(`${PSP_ONLY.source}|must be a mapping`)

function agree(text: string): void {
  const ours = psp(text)
  const theirs = grayMatter(text)
  if ('data' in ours) {
    expect(theirs, 'gray-matter failed where psp read the data').toHaveProperty('data')
    expect(ours.data).toEqual((theirs as {data: unknown}).data)
  } else if ('data' in theirs) {
    const mapping = theirs.data !== null && typeof theirs.data === 'object' && !Array.isArray(theirs.data)
    expect(ours.message).toMatch(mapping ? PSP_ONLY : NOT_A_MAPPING)
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** Every Markdown file under a folder. */
function markdownFiles(dir: string): string[] {
  const out: string[] = []
  for (const entry of fs.readdirSync(dir, {withFileTypes: true})) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory() && entry.name !== 'cache' && entry.name !== 'node_modules') out.push(...markdownFiles(full))
    else if (entry.isFile() && entry.name.endsWith('.md')) out.push(full)
  }
  return out
}

describe('splitDocument and gray-matter', () => {
  const corpus = [...markdownFiles(path.join(root, 'test/fixtures')), ...markdownFiles(path.join(root, 'data'))]

  it('read the same data from every fixture and every document of the example workspace', () => {
    expect(corpus.length).toBeGreaterThan(50)
    let read = 0
    for (const file of corpus) {
      const text = fs.readFileSync(file, 'utf8')
      agree(text)
      if ('data' in psp(text)) read++
    }
    // Many are not documents (malformed fixtures, OpenSpec files); enough of them are.
    expect(read).toBeGreaterThan(50)
  })

  const cases: Array<[string, string]> = [
    ['a block of comments only', '---\n# one\n  # two\n---\nbody'],
    ['a lone #', '---\n#\n---\n'],
    ['a comment after an indented blank line', '---\n  \n# c\n---\n'],
    ['comments and a key', '---\n# c\nid: a\n---\n'],
    ['a # inside a value', '---\nid: "a#b"\ntitle: x # note\n---\n'],
    ['an empty block', '---\n---\n'],
    ['spaces after the opening ---', '---   \nid: a\n---\n'],
    ['a language tag', '---yaml\nid: a\n---\n'],
    ['an upper-case tag with spaces', '--- YML \r\nid: a\r\n---\r\n'],
    ['a tab-indented comment', '---\n\t# c\n---\n'],
    ['a no-break space before a comment', '---\n\u00a0# c\n---\n'],
    ['CRLF', '---\r\nid: a\r\ntags: [x, y]\r\n---\r\nbody\r\n'],
    ['a BOM', '\uFEFF---\nid: a\n---\n'],
    ['a body with --- lines', '---\nid: a\n---\ntext\n---\nmore\n'],
    ['broken YAML', '---\nid: [a\n---\n'],
    ['a duplicate key', '---\nid: a\nid: b\n---\n'],
    ['a js block', '---js\nmodule.exports = {}\n---\n'],
  ]
  for (const [name, text] of cases) it(`agree on ${name}`, () => agree(text))

  it('agree on generated documents (property)', () => {
    const eol = fc.constantFrom('\n', '\r\n')
    const opening = fc.constantFrom('---', '---', '---yaml', '--- yml', '---  ', '---YAML ', '---js', '--- toml')
    const line = fc.oneof(
      {weight: 4, arbitrary: fc.nat(9).map((i) => `k${i}: v${i}`)},
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          '', ' ', '\t', '# c', '  # c', '\t# c', '\u00a0# c', '#', 'list:', '  - x', '- x', 'q: "a # b"', 'n: 1 # c',
          'k: [a, b]', 'k: {a: 1}', 'k: [a', 'a: b: c', '...', 'x: !!str 1', 'y: &a 1', 'z: *a', '<<: {a: 1}', 'k:', '  ---',
        ),
      },
      {weight: 1, arbitrary: fc.string({maxLength: 10})},
    )
    const closing = fc.constantFrom('---', '---', '--- ', '--- x', '----', undefined)
    const document = fc
      .record({bom: fc.boolean(), eol, opening, matter: fc.array(line, {maxLength: 6}), closing, body: fc.array(fc.string({maxLength: 8}), {maxLength: 3})})
      .map(({bom, eol, opening, matter, closing, body}) => (bom ? '\uFEFF' : '') + [opening, ...matter, ...(closing === undefined ? [] : [closing]), ...body].join(eol))
    fc.assert(fc.property(document, (text) => agree(text)), {numRuns: RUNS, ...SEED})
  })
})
