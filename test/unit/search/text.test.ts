import {describe, expect, it} from 'vitest'
import {parseDocumentText} from '../../../packages/core/src/document.js'
import {
  bodyOfText,
  cutBefore,
  fuzzyDistance,
  makeSnippet,
  markdownToSnippetText,
  markdownToText,
  markText,
  normalizeTerm,
  queryTerms,
  tokenize,
  usesPrefix,
} from '../../../packages/core/src/search/index.js'

/** True when the string has no lone surrogate. */
function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)
}

describe('tokenize and normalizeTerm', () => {
  it('splits on anything that is not a letter, digit or mark (Markdown punctuation, emoji, symbols)', () => {
    expect(tokenize('**Deploy** the `pipeline`|now 🚀 v2.1 snake_case kebab-case')).toEqual([
      'Deploy',
      'the',
      'pipeline',
      'now',
      'v2',
      '1',
      'snake',
      'case',
      'kebab',
      'case',
    ])
  })

  it('lower-cases, folds diacritics and compatibility forms, and drops over-long tokens', () => {
    expect(normalizeTerm('Deploy')).toBe('deploy')
    expect(normalizeTerm('Café')).toBe('cafe')
    expect(normalizeTerm('Ünïcödé')).toBe('unicode')
    expect(normalizeTerm('ﬁle')).toBe('file')
    expect(normalizeTerm('ＡＢＣ')).toBe('abc')
    expect(normalizeTerm('한국어')).toBe('한국어')
    expect(normalizeTerm('x'.repeat(65))).toBeNull()
    expect(normalizeTerm('')).toBeNull()
  })

  it('turns a query into distinct terms', () => {
    expect(queryTerms('Deploy, deploy the PIPELINE!')).toEqual(['deploy', 'the', 'pipeline'])
    expect(queryTerms('  -- !! 🚀 ')).toEqual([])
  })

  it('allows no typo up to 4 characters, one from 5, two from 10; prefixes from 3 characters', () => {
    expect(fuzzyDistance('api')).toBe(false)
    expect(fuzzyDistance('task')).toBe(false)
    expect(fuzzyDistance('tasks')).toBe(1)
    expect(fuzzyDistance('pipline')).toBe(1)
    expect(fuzzyDistance('deploymentx')).toBe(2)
    expect(usesPrefix('de')).toBe(false)
    expect(usesPrefix('dep')).toBe(true)
  })
})

describe('markdownToText', () => {
  it('drops heading, quote, list and task-box markers', () => {
    const text = markdownToText('# Title #\n\n## Sub\n> quoted *line*\n- item one\n1. item two\n- [x] done task\n- [ ] open task\n')
    expect(text.split('\n').filter((l) => l !== '')).toEqual(['Title', 'Sub', 'quoted line', 'item one', 'item two', 'done task', 'open task'])
  })

  it('keeps link and image text but not their URLs; wikilinks show their alias or target', () => {
    const text = markdownToSnippetText(
      'See [the docs](https://example.com/docs?a=1 "Docs") and ![a diagram](img/d.png) or [[task-abc|the task]] and ' +
        '[[note-1]], <https://psp.dev>, [ref link][r].\n\n[r]: https://example.com/ref',
    )
    expect(text).toBe('See the docs and a diagram or the task and note-1, https://psp.dev, ref link.')
  })

  it('strips emphasis, strikethrough, inline code and escapes, but leaves snake_case and 2 * 3 alone', () => {
    expect(markdownToSnippetText('**bold** __strong__ *em* _em2_ ~~gone~~ `code()` \\*literal\\* snake_case_name 2 * 3')).toBe(
      'bold strong em em2 gone code() *literal* snake_case_name 2 * 3',
    )
  })

  it('keeps the content of code fences, drops the fences, rules, HTML tags, comments and table pipes', () => {
    const md = [
      'Intro',
      '```ts',
      'const deploy = run()',
      '```',
      '---',
      '<!-- hidden note -->',
      '<div align="center">centered</div>',
      '| Name | Value |',
      '|------|:-----:|',
      '| a    | b     |',
      '~~~',
      'unclosed fence keeps going',
    ].join('\n')
    expect(markdownToSnippetText(md)).toBe('Intro const deploy = run() centered Name Value a b unclosed fence keeps going')
  })

  it('handles CRLF line ends and decodes common entities', () => {
    expect(markdownToSnippetText('# Head\r\n\r\nTom &amp; Jerry&nbsp;&lt;3\r\n')).toBe('Head Tom & Jerry <3')
  })
})

describe('snippets', () => {
  const terms = (...t: string[]) => new Set(t)

  it('marks every match with ** and reports offsets into the snippet text', () => {
    const snippet = makeSnippet('Deploy the pipeline, then deploy again.', terms('deploy', 'pipeline'))
    expect(snippet.text).toBe('Deploy the pipeline, then deploy again.')
    expect(snippet.marked).toBe('**Deploy** the **pipeline**, then **deploy** again.')
    expect(snippet.matches.map((m) => snippet.text.slice(m.start, m.end))).toEqual(['Deploy', 'pipeline', 'deploy'])
    expect(snippet.source).toBe('body')
  })

  it('matches through case and diacritics', () => {
    const snippet = makeSnippet('Le CAFÉ est ouvert', terms('cafe'))
    expect(snippet.marked).toBe('Le **CAFÉ** est ouvert')
  })

  it('cuts long text around the window with the most distinct terms, on word boundaries, with ellipses', () => {
    const filler = (n: number) => Array.from({length: n}, (_, i) => `word${i}`).join(' ')
    const text = `${filler(40)} deploy ${filler(10)} deploy pipeline ${filler(40)}`
    const snippet = makeSnippet(text, terms('deploy', 'pipeline'))
    expect(snippet.text.startsWith('…')).toBe(true)
    expect(snippet.text.endsWith('…')).toBe(true)
    expect(snippet.text.length).toBeLessThanOrEqual(122)
    expect(snippet.marked).toContain('**deploy** **pipeline**')
    // Whole words only: every word between the ellipses is one of the text's words.
    const words = snippet.text.slice(1, -1).split(' ')
    for (const word of words) expect(text.split(' ')).toContain(word)
    for (const m of snippet.matches) expect(['deploy', 'pipeline']).toContain(snippet.text.slice(m.start, m.end))
  })

  it('starts at the beginning when nothing in the text matches', () => {
    const text = `${'alpha '.repeat(40)}end`
    const snippet = makeSnippet(text, terms('zzz'))
    expect(snippet.text.startsWith('alpha alpha')).toBe(true)
    expect(snippet.text.endsWith('…')).toBe(true)
    expect(snippet.matches).toEqual([])
    expect(snippet.marked).toBe(snippet.text)
  })

  it('never splits a surrogate pair, a ZWJ sequence or a combining sequence, wherever the cut falls', () => {
    const units = ['😀', '👨‍👩‍👧', '👍🏽', 'e\u0301', '🇩🇪', 'x']
    for (let shift = 0; shift < 12; shift++) {
      let text = 'a'.repeat(shift)
      for (let i = 0; text.length < 400; i++) text += units[i % units.length]
      text += ' deploy '
      for (let i = 0; text.length < 800; i++) text += units[(i + shift) % units.length]
      const snippet = makeSnippet(text, terms('deploy'), 'body', 60)
      expect(wellFormed(snippet.text)).toBe(true)
      expect(snippet.marked).toContain('**deploy**')
      const core = snippet.text.replace(/^…|…$/g, '')
      // No cut right after a ZWJ, nor before a combining mark, skin tone or variation selector.
      expect(core.endsWith('\u200d')).toBe(false)
      const first = core.codePointAt(0) ?? 0
      expect([0x301, 0x200d, 0xfe0f].includes(first) || (first >= 0x1f3fb && first <= 0x1f3ff)).toBe(false)
    }
  })

  it('cutBefore steps back to a character boundary', () => {
    const text = 'a😀b'
    expect(cutBefore(text, 2)).toBe(1)
    expect(cutBefore(text, 3)).toBe(3)
    expect(cutBefore('e\u0301x', 1)).toBe(0)
    expect(cutBefore('👨‍👩', 3)).toBe(0)
    expect(cutBefore('abc', 99)).toBe(3)
  })

  it('markText wraps ranges with the given markers', () => {
    expect(markText('one two', [{start: 4, end: 7}], '[', ']')).toBe('one [two]')
  })
})

describe('bodyOfText', () => {
  it('returns what follows the closing --- line, as the document parser does', () => {
    const texts = [
      '---\nid: a\ntype: task\n---\nBody\n',
      '\uFEFF---\r\nid: a\r\ntype: task\r\n---  \r\n\r\nBody\r\n',
      '---\nid: a\ntype: task\n---',
      '--- yaml\nid: a\ntype: task\n---\n---\nnot frontmatter\n',
    ]
    for (const text of texts) expect(bodyOfText(text)).toBe(parseDocumentText(text, 'x.md').record.body)
    expect(bodyOfText('no frontmatter')).toBeUndefined()
    expect(bodyOfText('---\nid: a\n')).toBeUndefined()
    expect(bodyOfText('---\nid: a\n--- trailing\nbody')).toBeUndefined()
  })
})
