import {describe, expect, it} from 'vitest'
import {applyChanges, InvalidDocumentError, parseDocumentText, renderNewDocument, UnsafeInputError} from '@psp/core'
import {doc, thrown} from './_helpers.js'

const PATH = 'data/tasks/t.md'

describe('parseDocumentText', () => {
  it('returns the record with its id, type, title, path, data in file order and exact body', () => {
    const body = '\nSome *body*\r\nwith mixed line ends\n'
    const {record} = parseDocumentText(doc(['id: task-1', 'type: task', 'title: Hello', 'status: todo'], body), PATH)
    expect(record).toEqual({
      id: 'task-1',
      type: 'task',
      title: 'Hello',
      path: PATH,
      archived: false,
      data: {id: 'task-1', type: 'task', title: 'Hello', status: 'todo'},
      body,
    })
    expect(Object.keys(record.data)).toEqual(['id', 'type', 'title', 'status'])
  })

  it('flags archived records and tolerates a missing title (the schema reports it)', () => {
    const {record} = parseDocumentText(doc(['id: a', 'type: note']), 'data/archive/notes/a.md', true)
    expect(record.archived).toBe(true)
    expect(record.title).toBe('')
  })

  it('refuses a document without an id at line 1, naming the field', () => {
    const error = thrown(() => parseDocumentText(doc(['type: task', 'title: x']), PATH))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.location).toEqual({path: PATH, line: 1, col: 1, field: 'id'})
    expect(error.toLine()).toBe(`${PATH}:1:1: id: required field is missing`)
  })

  it('refuses a null id like a missing one', () => {
    const error = thrown(() => parseDocumentText(doc(['id: ~', 'type: task']), PATH))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({field: 'id', line: 1})
  })

  it.each([
    ['a number', 'id: 12'],
    ['a list', 'id: [a, b]'],
    ['a boolean', 'id: true'],
  ])('refuses an id that is %s at the id’s line', (_name, line) => {
    const error = thrown(() => parseDocumentText(doc(['type: task', 'title: x', line]), PATH))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.message).toMatch(/must be a string/)
    expect(error.location).toEqual({path: PATH, line: 4, col: 1, field: 'id'})
  })

  it.each([
    ['../x', 'id: ../x'],
    ['a/b', 'id: a/b'],
    ['a\\b', 'id: a\\b'],
    ['an absolute path', 'id: /etc/passwd'],
    ['a dot-dot', 'id: ..'],
    ['a space', 'id: "a b"'],
    ['a leading dash', 'id: -a'],
    ['a double separator', 'id: a--b'],
    ['an empty string', 'id: ""'],
    ['65 characters', `id: ${'a'.repeat(65)}`],
  ])('refuses an id with %s as unsafe, at the id’s line', (_name, line) => {
    const error = thrown(() => parseDocumentText(doc(['type: task', line]), PATH))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.code).toBe('UNSAFE_INPUT')
    expect(error.location).toEqual({path: PATH, line: 3, col: 1, field: 'id'})
  })

  it('accepts ids of letters, digits and single separators up to 64 characters', () => {
    for (const id of ['a', 'task-7kq3m9x2ab', 'A.b_c-D', 'x'.repeat(64), '2024.01']) {
      expect(parseDocumentText(doc([`id: "${id}"`, 'type: note']), PATH).record.id).toBe(id)
    }
  })

  it('refuses a document without a type at line 1', () => {
    const error = thrown(() => parseDocumentText(doc(['id: a', 'title: x']), PATH))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.code).toBe('INVALID_DOCUMENT')
    expect(error.location).toEqual({path: PATH, line: 1, col: 1, field: 'type'})
    expect(error.message).toMatch(/missing/)
  })

  it.each([
    ['empty', 'type: ""'],
    ['a number', 'type: 3'],
    ['a list', 'type: [task]'],
  ])('refuses a type that is %s at the type’s line', (_name, line) => {
    const error = thrown(() => parseDocumentText(doc(['id: a', 'title: x', line]), PATH))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toEqual({path: PATH, line: 4, col: 1, field: 'type'})
  })

  it('adds the path to frontmatter errors', () => {
    const error = thrown(() => parseDocumentText('---js\n{}\n---\n', PATH))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.location).toMatchObject({path: PATH, line: 1, col: 4})
    expect(error.toLine()).toMatch(new RegExp(`^${PATH}:1:4: `))
  })
})

describe('keys that name Object.prototype members', () => {
  it('are plain data: read, edited and written back without touching any prototype', () => {
    const text = doc(['id: a', 'type: note', 'title: x', '__proto__:', '  polluted: true', 'constructor: 1'])
    const {record, split} = parseDocumentText(text, PATH)
    expect(Object.keys(record.data)).toEqual(['id', 'type', 'title', '__proto__', 'constructor'])
    expect(Object.getPrototypeOf(record.data)).toBe(Object.prototype)
    const changes = JSON.parse('{"__proto__": {"polluted": 2}, "title": "y"}') as Record<string, unknown>
    const out = applyChanges(split, changes)
    expect(out).toBe(doc(['id: a', 'type: note', 'title: y', '__proto__:', '  polluted: 2', 'constructor: 1']))
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('renderNewDocument', () => {
  it('renders frontmatter in the given order, a blank line, then the body with a final newline', () => {
    expect(renderNewDocument({id: 'a', type: 'note', title: 'T', tags: ['x']}, 'Body')).toBe(
      '---\nid: a\ntype: note\ntitle: T\ntags: [x]\n---\n\nBody\n',
    )
  })

  it('renders an empty body as nothing after the closing line', () => {
    expect(renderNewDocument({id: 'a'}, '')).toBe('---\nid: a\n---\n')
  })

  it('keeps a body that already starts with a blank line and ends with a newline', () => {
    expect(renderNewDocument({id: 'a'}, '\nBody\n')).toBe('---\nid: a\n---\n\nBody\n')
  })

  it('parses back to the same record', () => {
    const data = {id: 'task-1', type: 'task', title: 'Fix: the "crash"', due: '2025-01-31', estimate: 2.5, depends_on: ['task-2']}
    const {record} = parseDocumentText(renderNewDocument(data, 'text'), PATH)
    expect(record.data).toEqual(data)
    expect(record.body).toBe('\ntext\n')
  })
})

describe('applyChanges', () => {
  it('puts the BOM back and keeps the body', () => {
    const text = '\uFEFF---\r\nid: a\r\ntype: note\r\n---\r\nbody\r\n'
    const {split} = parseDocumentText(text, PATH)
    expect(applyChanges(split, {title: 'T'})).toBe('\uFEFF---\r\nid: a\r\ntype: note\r\ntitle: T\r\n---\r\nbody\r\n')
  })
})
