import {describe, expect, it} from 'vitest'
import {applyChanges, editFrontmatter, locateKeys, renderFrontmatter, splitDocument} from '@psp/core'
import type {FieldChanges} from '@psp/core'

/** Applies `changes` to a whole document's text, as the store does. */
function edit(text: string, changes: FieldChanges): string {
  return applyChanges(splitDocument(text), changes)
}

/** Replaces exactly one occurrence of `from` in `text` (fails when it is missing or repeated). */
function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from)
  expect(at, `"${from}" should occur in the text`).not.toBe(-1)
  expect(text.indexOf(from, at + 1), `"${from}" should occur once`).toBe(-1)
  return text.slice(0, at) + to + text.slice(at + from.length)
}

const BODY = '# Heading\n\nBody **bytes** with ünïcødé, emoji 🚀,   trailing spaces   \n\n---\n\nkey: not frontmatter\n'

/** A hand-written document using every style the editor must keep. */
const RICH = [
  '---',
  'id: task-7kq3m9x2ab',
  'type: task',
  '# A comment line of its own',
  "title: 'Single quoted'  # trailing comment",
  'status: "todo" # double',
  'owner: plain value # plain',
  'tags: [ui, api]',
  'indented:',
  '  - x',
  '  - y',
  'flush:',
  '- p',
  '- q',
  'nested:',
  '  a: 1',
  '  b: [1, 2]',
  'estimate: 3',
  'título: ñandú',
  '---',
  '',
].join('\n') + BODY

describe('editFrontmatter keeps every byte it was not asked to change', () => {
  it('rewrites only the edited field’s line and keeps the body byte for byte', () => {
    const out = edit(RICH, {estimate: 5})
    expect(out).toBe(replaceOnce(RICH, 'estimate: 3\n', 'estimate: 5\n'))
    expect(out.endsWith(BODY)).toBe(true)
  })

  it('keeps key order: an edited key stays where it was', () => {
    const out = edit(RICH, {id: 'task-7kq3m9x2ab', status: 'done', title: 'T'})
    expect(Object.keys(splitDocument(out).data)).toEqual(Object.keys(splitDocument(RICH).data))
  })

  it('keeps single quotes and a trailing comment, with its spacing, on the edited line', () => {
    const out = edit(RICH, {title: 'New title'})
    expect(out).toBe(replaceOnce(RICH, "title: 'Single quoted'  # trailing comment", "title: 'New title'  # trailing comment"))
  })

  it('keeps only spaces and tabs before a trailing comment, not a line separator that ended the old plain value', () => {
    // `a: <U+2028> # c`: the plain value is U+2028, which `\s` also matches; kept as the comment's
    // gap it would glue itself to the new value (`null\u2028`, a string).
    const inner = 'a: \u2028 # c\n'
    const out = editFrontmatter(inner, {a: null}, '\n')
    expect(out).toBe('a: null # c\n')
    expect(splitDocument(`---\n${out}---\n`).data).toEqual({a: null})
  })

  it('escapes a quote inside single quotes the YAML way', () => {
    const out = edit(RICH, {title: "It's: done"})
    expect(out).toContain("title: 'It''s: done'  # trailing comment\n")
    expect(splitDocument(out).data['title']).toBe("It's: done")
  })

  it('keeps double quotes and a trailing comment', () => {
    const out = edit(RICH, {status: 'done'})
    expect(out).toBe(replaceOnce(RICH, 'status: "todo" # double', 'status: "done" # double'))
  })

  it('keeps a plain scalar plain, with its comment', () => {
    const out = edit(RICH, {owner: 'someone else'})
    expect(out).toBe(replaceOnce(RICH, 'owner: plain value # plain', 'owner: someone else # plain'))
  })

  it('quotes a plain value when the new one would not read back as the same string', () => {
    for (const value of ['needs: quoting', 'true', '123', 'null', '#hash', '[x]', '- dash']) {
      const out = edit(RICH, {owner: value})
      expect(splitDocument(out).data['owner']).toBe(value)
      expect(out.split('\n').filter((l) => l.startsWith('owner:'))).toHaveLength(1)
      expect(out).toContain(' # plain\n')
    }
  })

  it('writes numbers and booleans as YAML scalars', () => {
    expect(edit(RICH, {owner: 5})).toContain('owner: 5 # plain\n')
    expect(edit(RICH, {owner: false})).toContain('owner: false # plain\n')
    expect(splitDocument(edit(RICH, {owner: null})).data['owner']).toBeNull()
  })

  it('keeps a flow list a flow list', () => {
    const out = edit(RICH, {tags: ['ui', 'api', 'db']})
    expect(out).toBe(replaceOnce(RICH, 'tags: [ui, api]\n', 'tags: [ui, api, db]\n'))
  })

  it('keeps a trailing comment on a flow list', () => {
    const text = '---\nid: a\ntags: [a, b] # labels\nnext: 1\n---\n'
    expect(edit(text, {tags: ['c']})).toBe('---\nid: a\ntags: [c] # labels\nnext: 1\n---\n')
  })

  it('keeps a block list indented under its key', () => {
    const out = edit(RICH, {indented: ['x', 'y', 'z']})
    expect(out).toBe(replaceOnce(RICH, 'indented:\n  - x\n  - y\n', 'indented:\n  - x\n  - y\n  - z\n'))
  })

  it('keeps a block list with dashes at the key’s column', () => {
    const out = edit(RICH, {flush: ['p', 'q', 'r']})
    expect(out).toBe(replaceOnce(RICH, 'flush:\n- p\n- q\n', 'flush:\n- p\n- q\n- r\n'))
  })

  it.each([
    ['indented', 'indented:\n  - x\n  - y\n'],
    ['flush', 'flush:\n- p\n- q\n'],
    ['tags', 'tags: [ui, api]\n'],
  ])('writes an emptied %s list as a valid [] and keeps everything else', (key, lines) => {
    const out = edit(RICH, {[key]: []})
    expect(out).toBe(replaceOnce(RICH, lines, `${key}: []\n`))
    expect(splitDocument(out).data[key]).toEqual([])
  })

  it('keeps a comment written after a block list’s key', () => {
    const text = '---\nid: a\ntags: # labels\n  - x\nnext: 1\n---\n'
    const out = edit(text, {tags: ['x', 'y']})
    expect(out).toContain('# labels')
    expect(splitDocument(out).data).toEqual({id: 'a', tags: ['x', 'y'], next: 1})
    expect(out.startsWith('---\nid: a\n')).toBe(true)
    expect(out.endsWith('next: 1\n---\n')).toBe(true)
  })

  it('rewrites a nested mapping and leaves its neighbours alone', () => {
    const out = edit(RICH, {nested: {a: 2}})
    expect(out).toBe(replaceOnce(RICH, 'nested:\n  a: 1\n  b: [1, 2]\n', 'nested:\n  a: 2\n'))
  })

  it('edits unicode keys and values', () => {
    const out = edit(RICH, {título: 'pingüino 🐧'})
    expect(out).toBe(replaceOnce(RICH, 'título: ñandú\n', 'título: pingüino 🐧\n'))
  })

  it('edits a field whose key is quoted', () => {
    const text = '---\nid: a\n"my key": v\nz: 1\n---\n'
    const out = edit(text, {'my key': 'w'})
    expect(splitDocument(out).data).toEqual({id: 'a', 'my key': 'w', z: 1})
    expect(out.startsWith('---\nid: a\n')).toBe(true)
    expect(out.endsWith('z: 1\n---\n')).toBe(true)
  })

  it('replaces a block scalar with all its lines', () => {
    const text = '---\nid: a\ndesc: |\n  line one\n  line two\nnext: 1\n---\nbody\n'
    expect(edit(text, {desc: 'short'})).toBe('---\nid: a\ndesc: short\nnext: 1\n---\nbody\n')
    const multi = edit(text, {desc: 'x\ny\n'})
    expect(splitDocument(multi).data['desc']).toBe('x\ny\n')
    expect(multi.endsWith('next: 1\n---\nbody\n')).toBe(true)
  })

  it('fills in a key that had no value', () => {
    const text = '---\nid: a\ndue:\nnext: 1\n---\n'
    expect(edit(text, {due: '2025-01-31'})).toBe('---\nid: a\ndue: 2025-01-31\nnext: 1\n---\n')
  })

  it('leaves the file identical when a field is set to the value and style it already has', () => {
    expect(edit(RICH, {estimate: 3, tags: ['ui', 'api'], indented: ['x', 'y'], flush: ['p', 'q']})).toBe(RICH)
  })

  it('returns the input unchanged for no changes', () => {
    expect(edit(RICH, {})).toBe(RICH)
  })
})

describe('editFrontmatter adds and removes fields', () => {
  it('appends a new field after the last one, before the closing ---', () => {
    const out = edit(RICH, {assignee: 'ana'})
    expect(out).toBe(replaceOnce(RICH, 'título: ñandú\n---\n', 'título: ñandú\nassignee: ana\n---\n'))
  })

  it('appends several new fields in the order given, lists in flow style', () => {
    const out = edit(RICH, {b: 1, a: ['x', 'y']})
    expect(out).toBe(replaceOnce(RICH, 'título: ñandú\n---\n', 'título: ñandú\nb: 1\na: [x, y]\n---\n'))
  })

  it('appends after a final comment line', () => {
    const text = '---\nid: a\n# final comment\n---\nbody'
    expect(edit(text, {n: 1})).toBe('---\nid: a\n# final comment\nn: 1\n---\nbody')
  })

  it('adds a field to an empty frontmatter block', () => {
    expect(edit('---\n---\nbody\n', {id: 'a'})).toBe('---\nid: a\n---\nbody\n')
  })

  it('removes exactly the line of an unset scalar field', () => {
    expect(edit(RICH, {owner: undefined})).toBe(replaceOnce(RICH, 'owner: plain value # plain\n', ''))
  })

  it('removes every line of an unset block list, in both indent styles', () => {
    expect(edit(RICH, {indented: undefined})).toBe(replaceOnce(RICH, 'indented:\n  - x\n  - y\n', ''))
    expect(edit(RICH, {flush: undefined})).toBe(replaceOnce(RICH, 'flush:\n- p\n- q\n', ''))
  })

  it('removes every line of an unset nested mapping', () => {
    expect(edit(RICH, {nested: undefined})).toBe(replaceOnce(RICH, 'nested:\n  a: 1\n  b: [1, 2]\n', ''))
  })

  it('keeps a comment line that follows an unset block list', () => {
    const text = '---\nid: a\ntags:\n  - x\n# about status\nstatus: todo\n---\n'
    expect(edit(text, {tags: undefined})).toBe('---\nid: a\n# about status\nstatus: todo\n---\n')
  })

  it('ignores unsetting a field that is not there', () => {
    expect(edit(RICH, {missing: undefined})).toBe(RICH)
  })

  it('applies sets, unsets and additions together', () => {
    const out = edit(RICH, {status: 'done', owner: undefined, flush: ['q'], added: true})
    let expected = replaceOnce(RICH, 'status: "todo" # double', 'status: "done" # double')
    expected = replaceOnce(expected, 'owner: plain value # plain\n', '')
    expected = replaceOnce(expected, 'flush:\n- p\n- q\n', 'flush:\n- q\n')
    expected = replaceOnce(expected, 'título: ñandú\n', 'título: ñandú\nadded: true\n')
    expect(out).toBe(expected)
  })
})

describe('editFrontmatter keeps line ends, BOM and the end of the file', () => {
  const crlf = RICH.replace(/\n/g, '\r\n')

  it('keeps CRLF line ends on edited, added and untouched lines', () => {
    const out = edit(crlf, {title: 'T', indented: ['x', 'y', 'z'], extra: ['a', 'b']})
    let expected = replaceOnce(crlf, "title: 'Single quoted'  # trailing comment", "title: 'T'  # trailing comment")
    expected = replaceOnce(expected, 'indented:\r\n  - x\r\n  - y\r\n', 'indented:\r\n  - x\r\n  - y\r\n  - z\r\n')
    expected = replaceOnce(expected, 'título: ñandú\r\n', 'título: ñandú\r\nextra: [a, b]\r\n')
    expect(out).toBe(expected)
    expect(out.replace(/\r\n/g, '')).not.toContain('\n')
  })

  it('removes a CRLF block list cleanly', () => {
    expect(edit(crlf, {flush: undefined})).toBe(replaceOnce(crlf, 'flush:\r\n- p\r\n- q\r\n', ''))
  })

  it('writes a multi-line value with CRLF inside a CRLF file', () => {
    const out = edit(crlf, {nested: {a: 1, c: 'x'}})
    expect(out).toBe(replaceOnce(crlf, 'nested:\r\n  a: 1\r\n  b: [1, 2]\r\n', 'nested:\r\n  a: 1\r\n  c: x\r\n'))
  })

  it('keeps a BOM', () => {
    const text = `\uFEFF${RICH}`
    expect(edit(text, {estimate: 4})).toBe(replaceOnce(text, 'estimate: 3\n', 'estimate: 4\n'))
  })

  it('keeps a BOM with CRLF', () => {
    const text = `\uFEFF${crlf}`
    expect(edit(text, {estimate: 4})).toBe(replaceOnce(text, 'estimate: 3\r\n', 'estimate: 4\r\n'))
  })

  it('keeps a body without a final newline', () => {
    const text = '---\nid: a\ntitle: x\n---\nlast line'
    expect(edit(text, {title: 'y', z: 1})).toBe('---\nid: a\ntitle: y\nz: 1\n---\nlast line')
  })

  it('keeps a file that ends right after the closing ---', () => {
    expect(edit('---\nid: a\ntitle: x\n---', {title: 'y'})).toBe('---\nid: a\ntitle: y\n---')
  })

  it('keeps a closing line with trailing spaces', () => {
    expect(edit('---\nid: a\n---   \nbody', {id: 'b'})).toBe('---\nid: b\n---   \nbody')
  })
})

describe('editFrontmatter on an indented top-level mapping', () => {
  const text = '---\n  id: a\n  title: x\n  tags:\n    - a\n---\nbody\n'

  it('keeps the indentation of an edited scalar and of the closing line', () => {
    expect(edit(text, {title: 'y'})).toBe('---\n  id: a\n  title: y\n  tags:\n    - a\n---\nbody\n')
  })

  it('edits several fields and keeps the document valid', () => {
    const out = edit(text, {title: 'y', tags: ['a', 'b']})
    expect(splitDocument(out).data).toEqual({id: 'a', title: 'y', tags: ['a', 'b']})
    expect(out.startsWith('---\n  id: a\n  title: y\n  tags:\n')).toBe(true)
  })

  it('appends a field at the mapping’s indentation', () => {
    const out = edit(text, {n: 1})
    expect(out).toBe('---\n  id: a\n  title: x\n  tags:\n    - a\n  n: 1\n---\nbody\n')
  })
})

describe('editFrontmatter on the frontmatter block alone', () => {
  it('edits the lines between the delimiters', () => {
    expect(editFrontmatter('id: a\ntitle: x\n', {title: 'y'}, '\n')).toBe('id: a\ntitle: y\n')
    expect(editFrontmatter('', {id: 'a'}, '\r\n')).toBe('id: a\r\n')
  })

  it('refuses a block that is not a mapping', () => {
    expect(() => editFrontmatter('- a\n', {x: 1}, '\n')).toThrow(/mapping/)
  })

  it('refuses a block with duplicate keys', () => {
    expect(() => editFrontmatter('a: 1\na: 2\n', {a: 3}, '\n')).toThrow(/invalid YAML/)
  })
})

describe('renderFrontmatter', () => {
  it('renders keys in order, lists in flow style, strings quoted only when needed', () => {
    const out = renderFrontmatter({id: 'task-1', title: 'Fix: crash', tags: ['a', 'b c'], n: 2, ok: true, due: '2025-01-31'})
    expect(out).toBe('id: task-1\ntitle: "Fix: crash"\ntags: [a, b c]\nn: 2\nok: true\ndue: 2025-01-31\n')
  })

  it('skips undefined values', () => {
    expect(renderFrontmatter({a: 1, b: undefined, c: 2})).toBe('a: 1\nc: 2\n')
  })

  it('uses the requested line end everywhere', () => {
    expect(renderFrontmatter({a: 1, m: {x: 1, y: 2}}, '\r\n')).toBe('a: 1\r\nm:\r\n  x: 1\r\n  y: 2\r\n')
  })

  it('never wraps long lines', () => {
    const long = 'word '.repeat(60).trim()
    expect(renderFrontmatter({title: long})).toBe(`title: ${long}\n`)
  })

  it.each(['0b101', '-0x1F', '+0o17', '+0b1', '-0o0'])('quotes %s, which the parser would read as a number', (value) => {
    const inner = renderFrontmatter({v: value, l: [value], m: {k: value}, [value]: 1})
    expect(splitDocument(`---\n${inner}---\n`).data).toEqual({v: value, l: [value], m: {k: value}, [value]: 1})
  })
})

describe('locateKeys', () => {
  it('gives 1-based line and column of each top-level key in the block', () => {
    const keys = locateKeys('id: a\n# comment\ntitle: x\ntags:\n  - a\nm:\n  nested: no\n  ü: 1\n')
    expect(keys.get('id')).toEqual({line: 1, col: 1})
    expect(keys.get('title')).toEqual({line: 3, col: 1})
    expect(keys.get('tags')).toEqual({line: 4, col: 1})
    expect(keys.get('m')).toEqual({line: 6, col: 1})
    expect(keys.has('nested')).toBe(false)
  })

  it('reports the first occurrence of a duplicate key', () => {
    expect(locateKeys('a: 1\nb: 2\na: 3\n').get('a')).toEqual({line: 1, col: 1})
  })

  it('returns nothing for a block that is not a mapping', () => {
    expect(locateKeys('- a\n').size).toBe(0)
  })
})

describe('renderFrontmatter writes what the reader reads back', () => {
  // Found by the round-trip property test: `yaml` wrote `["-\n$"]` as a multi-line plain
  // scalar inside a flow list, which js-yaml (the reader) refused.
  it.each([
    [['-\n$']],
    [['a\nb', 'c']],
    [{k: '- x\n- y'}],
    ['a top-level\nmulti-line string'],
  ])('round-trips %j', (value) => {
    const text = `---\nid: x\ntype: task\n${renderFrontmatter({a: value})}---\n`
    expect(splitDocument(text).data['a']).toEqual(value)
  })
})
