import {describe, expect, it} from 'vitest'
import {
  decodeDocument,
  InvalidDocumentError,
  MAX_FRONTMATTER_NODES,
  splitDocument,
  UnsafeInputError,
} from '@psp/core'
import {doc, thrown} from '../_helpers.js'

describe('splitDocument', () => {
  it('parses YAML frontmatter as plain data and finds the body', () => {
    const text = doc(['id: task-1', 'type: task', 'title: Hello', 'tags: [a, b]', 'n: 3', 'ok: true'], 'Body\n')
    const split = splitDocument(text)
    expect(split.data).toEqual({id: 'task-1', type: 'task', title: 'Hello', tags: ['a', 'b'], n: 3, ok: true})
    expect(split.text.slice(split.bodyStart)).toBe('Body\n')
    expect(split.text.slice(split.innerStart, split.innerEnd)).toBe('id: task-1\ntype: task\ntitle: Hello\ntags: [a, b]\nn: 3\nok: true\n')
    expect(split.bom).toBe(false)
    expect(split.eol).toBe('\n')
  })

  it('keeps dates, timestamps and YAML 1.1 booleans as strings (CORE_SCHEMA)', () => {
    const split = splitDocument(doc(['due: 2024-01-31', 'at: 2024-01-31T10:00:00Z', 'a: yes', 'b: off', 'c: ~']))
    expect(split.data).toEqual({due: '2024-01-31', at: '2024-01-31T10:00:00Z', a: 'yes', b: 'off', c: null})
  })

  it('accepts an explicit yaml or yml language after the opening ---', () => {
    expect(splitDocument('---yaml\nid: a\n---\n').data).toEqual({id: 'a'})
    expect(splitDocument('---yml\nid: a\n---\n').data).toEqual({id: 'a'})
    expect(splitDocument('--- YAML\nid: a\n---\n').data).toEqual({id: 'a'})
  })

  it('detects CRLF line ends and offsets the body after the closing line', () => {
    const split = splitDocument('---\r\nid: a\r\n---\r\nbody\r\n')
    expect(split.eol).toBe('\r\n')
    expect(split.data).toEqual({id: 'a'})
    expect(split.text.slice(split.bodyStart)).toBe('body\r\n')
    expect(split.text.slice(split.innerStart, split.innerEnd)).toBe('id: a\r\n')
  })

  it('strips a BOM from the text and remembers it', () => {
    const split = splitDocument('\uFEFF---\nid: a\n---\nbody')
    expect(split.bom).toBe(true)
    expect(split.text.startsWith('---')).toBe(true)
    expect(split.text.slice(split.bodyStart)).toBe('body')
  })

  it('accepts a document without a final newline, even right after the closing ---', () => {
    const split = splitDocument('---\nid: a\n---')
    expect(split.data).toEqual({id: 'a'})
    expect(split.bodyStart).toBe(split.text.length)
  })

  it('reads an empty frontmatter block as an empty mapping', () => {
    const split = splitDocument('---\n---\nbody\n')
    expect(split.data).toEqual({})
    expect(split.innerStart).toBe(split.innerEnd)
  })

  it('leaves a --- line inside the body alone', () => {
    const split = splitDocument(doc(['id: a'], 'intro\n\n---\n\nmore\n'))
    expect(split.data).toEqual({id: 'a'})
    expect(split.text.slice(split.bodyStart)).toBe('intro\n\n---\n\nmore\n')
  })

  it('reads unicode keys and values', () => {
    expect(splitDocument(doc(['título: "Ünïcödé ✓"', 'ключ: значение', 'emoji: 🚀'])).data).toEqual({
      título: 'Ünïcödé ✓',
      ключ: 'значение',
      emoji: '🚀',
    })
  })
})

describe('splitDocument refuses code-running and non-YAML frontmatter', () => {
  it.each([
    ['---js', '---js\n{id: "a"}\n---\n'],
    ['---javascript', '---javascript\nmodule.exports = {id: "a"}\n---\n'],
    ['---coffee', '---coffee\nid: "a"\n---\n'],
    ['--- JavaScript', '--- JavaScript\n({id: require("fs")})\n---\n'],
    ['---json', '---json\n{"id": "a"}\n---\n'],
    ['---toml', '---toml\nid = "a"\n---\n'],
    ['an unknown language', '---perl\nid: a\n---\n'],
  ])('refuses %s as UnsafeInputError at line 1, column 4', (_name, text) => {
    const error = thrown(() => splitDocument(text))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.code).toBe('UNSAFE_INPUT')
    expect(error.exitCode).toBe(8)
    expect(error.location).toMatchObject({line: 1, col: 4})
    expect(error.message).toMatch(/refused/)
  })

  it('never evaluates a JavaScript frontmatter', () => {
    const marker = `__psp_evaluated_${Date.now()}`
    const text = `---js\n(globalThis.${marker} = true, {id: "a"})\n---\n`
    expect(() => splitDocument(text)).toThrow(UnsafeInputError)
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined()
  })

  it('refuses a custom tag such as !foo at the tag’s line and column', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'x: !foo bar'])))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.code).toBe('UNSAFE_INPUT')
    expect(error.message).toContain('!foo')
    expect(error.location).toMatchObject({line: 3, col: 4})
  })

  it.each([
    ['!!js/function', 'x: !!js/function "function () { return 1 }"'],
    ['!!js/regexp', 'x: !!js/regexp /a+/'],
    ['!!js/undefined', 'x: !!js/undefined ""'],
    ['!!binary', 'x: !!binary aGVsbG8='],
    ['!!timestamp', 'x: !!timestamp 2020-01-01'],
    ['!!set', 'x: !!set {a, b}'],
  ])('refuses the %s tag, naming it as written, at its line and column', (tag, line) => {
    const error = thrown(() => splitDocument(doc(['id: a', line, 'y: 1'])))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.code).toBe('UNSAFE_INPUT')
    expect(error.message).toContain(tag)
    expect(error.location).toMatchObject({line: 3, col: 4})
  })

  it('points at a tag on a block collection, not at the end of the collection', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'x: !foo', '  - a', '  - b'])))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.location).toMatchObject({line: 3, col: 4})
  })

  it('refuses a tag inside a flow list at its own column', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'x: [b, !foo c]'])))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.location).toMatchObject({line: 3, col: 8})
  })

  it('still reads the standard !!str and !!int tags of the core schema', () => {
    expect(splitDocument(doc(['x: !!str 12', 'y: !!int "3"'])).data).toEqual({x: '12', y: 3})
  })
})

describe('splitDocument refuses malformed documents with a line and column', () => {
  it('refuses a duplicate key at the line of its second occurrence', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'title: x', 'status: todo', 'title: y', 'z: 1'])))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.exitCode).toBe(6)
    expect(error.message).toMatch(/duplicated mapping key/)
    expect(error.location).toMatchObject({line: 5, col: 1})
  })

  it('refuses an alias bomb quickly, well under a second', () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for (const [i, name] of [...'bcdefghi'].entries()) {
      const prev = 'abcdefgh'[i] as string
      lines.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(',')}]`)
    }
    const started = performance.now()
    const error = thrown(() => splitDocument(doc(lines)))
    const elapsed = performance.now() - started
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.code).toBe('UNSAFE_INPUT')
    expect(error.message).toContain(String(MAX_FRONTMATTER_NODES))
    expect(error.location).toMatchObject({line: 2, col: 1})
    expect(elapsed).toBeLessThan(1000)
  })

  it('accepts a modest use of aliases', () => {
    const data = splitDocument(doc(['base: &b [x, y]', 'copy: *b'])).data
    expect(data).toEqual({base: ['x', 'y'], copy: ['x', 'y']})
  })

  it('refuses invalid YAML at the offending line', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'title: x', '  bad: indent'])))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/^invalid YAML: /)
    expect(error.location).toMatchObject({line: 4, col: 6})
  })

  it('points an unclosed flow list at the [ that opens it', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'tags: [a, b', 'z: 1'])))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({line: 3, col: 7, field: 'tags'})
  })

  it('points an unclosed quote at the quote that opens it', () => {
    const error = thrown(() => splitDocument(doc(['id: a', 'title: "open', 'z: 1'])))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({line: 3, col: 8, field: 'title'})
  })

  it('refuses unclosed frontmatter at line 1', () => {
    const error = thrown(() => splitDocument('---\nid: a\ntitle: x\n\nBody without a closing line\n'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/not closed/)
    expect(error.location).toMatchObject({line: 1, col: 1})
  })

  it.each([
    ['an empty file', ''],
    ['a whitespace-only file', '  \n\n\t\n'],
    ['a BOM alone', '\uFEFF'],
  ])('refuses %s at line 1', (_name, text) => {
    const error = thrown(() => splitDocument(text))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/empty file/)
    expect(error.location.line).toBe(1)
  })

  it('refuses a file without frontmatter at line 1, column 1', () => {
    const error = thrown(() => splitDocument('# Just Markdown\n'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.message).toMatch(/no frontmatter/)
    expect(error.location).toMatchObject({line: 1, col: 1})
  })

  it('refuses ---- as an opening line', () => {
    const error = thrown(() => splitDocument('----\nid: a\n---\n'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({line: 1, col: 1})
  })

  it('refuses a closing --- followed by other text on its line', () => {
    const error = thrown(() => splitDocument('---\nid: a\n--- trailing\nbody\n'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({line: 3, col: 4})
  })

  it.each([
    ['a list', ['- a', '- b']],
    ['a scalar', ['just a string']],
    ['a number', ['42']],
  ])('refuses frontmatter that is %s, not a mapping', (_name, lines) => {
    const error = thrown(() => splitDocument(doc(lines)))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/mapping/)
    expect(error.location).toMatchObject({line: 2, col: 1})
  })
})

describe('decodeDocument', () => {
  it('decodes UTF-8 text, keeping a BOM for splitDocument to see', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('---\nid: ü\n---\n', 'utf8')])
    const text = decodeDocument(bytes)
    expect(text).toBe('\uFEFF---\nid: ü\n---\n')
    expect(splitDocument(text)).toMatchObject({bom: true, data: {id: 'ü'}})
  })

  it('decodes a Uint8Array view into a larger buffer', () => {
    const whole = Buffer.from('xx---\nid: a\n---\nyy', 'utf8')
    expect(decodeDocument(new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.length - 4))).toBe('---\nid: a\n---\n')
  })

  it('refuses a binary file (NUL byte) at the line of the first NUL', () => {
    const error = thrown(() => decodeDocument(Buffer.from('---\nid: a\n---\nbody\x00more\n', 'latin1')))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/binary/)
    expect(error.location.line).toBe(4)
  })

  it('refuses a file that starts with a NUL at line 1', () => {
    const error = thrown(() => decodeDocument(Buffer.from([0, 1, 2, 3])))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.line).toBe(1)
  })

  it('refuses invalid UTF-8 at the line where it starts', () => {
    const bytes = Buffer.concat([Buffer.from('---\nid: a\ntitle: ', 'utf8'), Buffer.from([0xc3, 0x28]), Buffer.from('\n---\n')])
    const error = thrown(() => decodeDocument(bytes))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/UTF-8/)
    expect(error.location.line).toBe(3)
  })

  it('refuses a truncated multi-byte sequence at the end of the file', () => {
    const bytes = Buffer.concat([Buffer.from('---\nid: a\n---\n\nbody ', 'utf8'), Buffer.from([0xe2, 0x82])])
    const error = thrown(() => decodeDocument(bytes))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.line).toBe(5)
  })

  it('keeps a genuine U+FFFD character that was valid UTF-8', () => {
    expect(decodeDocument(Buffer.from('---\nid: a\n---\n\uFFFD\n', 'utf8'))).toBe('---\nid: a\n---\n\uFFFD\n')
  })
})
