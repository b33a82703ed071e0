/**
 * Surgical edits of settings files: set and unset change only the smallest range that must
 * change, keeping every other byte (comments, blank lines, quoting, flow styles, indentation),
 * and check their own result.
 */
import {describe, expect, it} from 'vitest'
import {InvalidDocumentError, parseYamlData, setYamlValue, settingsTemplate, unsetYamlValue} from '@psp/core'
import {lineDiff} from '../../helpers/line-diff.js'

const FILE = `# psp workspace settings
schemaVersion: 1
name: "demo"   # the name

workflow:
  # statuses, in board order
  statuses: [todo, in-progress, done]
  default: todo
  wip: {in-progress: 3}
  wip_policy: warn

priorities:
  - low
  - high   # the top

ids:
    length: 10

limits: {max_document_bytes: 2048}
log:
  level: 'info'
`

const data = (text: string) => parseYamlData(text) as Record<string, unknown>

describe('setYamlValue: an existing value', () => {
  it('splices a flow list, keeping the comment above and every other line', () => {
    const out = setYamlValue(FILE, ['workflow', 'statuses'], ['backlog', 'doing', 'done'])
    expect(lineDiff(FILE, out)).toEqual({removed: ['  statuses: [todo, in-progress, done]'], added: ['  statuses: [backlog, doing, done]']})
  })

  it('keeps a string’s quote style and the comment after it', () => {
    expect(lineDiff(FILE, setYamlValue(FILE, ['name'], 'Website relaunch'))).toEqual({
      removed: ['name: "demo"   # the name'],
      added: ['name: "Website relaunch"   # the name'],
    })
    expect(lineDiff(FILE, setYamlValue(FILE, ['log', 'level'], 'debug')).added).toEqual(["  level: 'debug'"])
    expect(lineDiff(FILE, setYamlValue(FILE, ['workflow', 'default'], 'done')).added).toEqual(['  default: done'])
  })

  it('quotes a plain string that would read as something else', () => {
    for (const value of ['true', '12', '0x1F', 'a: b', '#x', '---', ' padded ', 'two\nlines', '']) {
      const out = setYamlValue(FILE, ['workflow', 'default'], value)
      expect(data(out)['workflow'], JSON.stringify(value)).toMatchObject({default: value})
      expect(lineDiff(FILE, out).removed).toEqual(['  default: todo'])
    }
  })

  it('rewrites a flow map, and a flow parent of the key', () => {
    expect(lineDiff(FILE, setYamlValue(FILE, ['workflow', 'wip'], {'in-progress': 2, review: 1})).added).toEqual(['  wip: {in-progress: 2, review: 1}'])
    expect(lineDiff(FILE, setYamlValue(FILE, ['limits', 'max_document_bytes'], 4096))).toEqual({
      removed: ['limits: {max_document_bytes: 2048}'],
      added: ['limits: {max_document_bytes: 4096}'],
    })
  })

  it('keeps a block list a block list, in its own indentation', () => {
    const out = setYamlValue(FILE, ['priorities'], ['p3', 'p2', 'p1'])
    expect(lineDiff(FILE, out)).toEqual({removed: ['  - low', '  - high   # the top'], added: ['  - p3', '  - p2', '  - p1']})
    const flush = 'priorities:\n- a\n- b\nname: x\n'
    expect(setYamlValue(flush, ['priorities'], ['c'])).toBe('priorities:\n- c\nname: x\n')
  })

  it('writes an empty list or map on the key’s line', () => {
    expect(lineDiff(FILE, setYamlValue(FILE, ['priorities'], []))).toEqual({removed: ['priorities:', '  - low', '  - high   # the top'], added: ['priorities: []']})
    const block = 'workflow:\n  wip:  # limits\n    doing: 3\n  default: a\n'
    expect(setYamlValue(block, ['workflow', 'wip'], {})).toBe('workflow:\n  wip: {}  # limits\n  default: a\n')
  })

  it('changes a block map key by key, keeping the others and their comments', () => {
    const block = 'workflow:\n  wip:\n    doing: 3 # busy\n    review: 2\n  default: a\n'
    expect(setYamlValue(block, ['workflow', 'wip'], {doing: 4, review: 2})).toBe('workflow:\n  wip:\n    doing: 4 # busy\n    review: 2\n  default: a\n')
    expect(setYamlValue(block, ['workflow', 'wip'], {review: 2, test: 1})).toBe('workflow:\n  wip:\n    review: 2\n    test: 1\n  default: a\n')
  })

  it('replaces a scalar with a list, and a list with a scalar', () => {
    expect(setYamlValue('a: 1\nb: 2\n', ['a'], ['x', 'y'])).toBe('a: [x, y]\nb: 2\n')
    expect(setYamlValue('a:\n  - x\nb: 2\n', ['a'], 3)).toBe('a: 3\nb: 2\n')
  })

  it('fills a key written without a value', () => {
    expect(setYamlValue('a:\nb: 2\n', ['a'], 5)).toBe('a: 5\nb: 2\n')
    expect(setYamlValue('a:   # later\nb: 2\n', ['a'], 5)).toBe('a: 5   # later\nb: 2\n')
    expect(setYamlValue('log:\ngit: {}\n', ['log', 'level'], 'warn')).toBe('log:\n  level: warn\ngit: {}\n')
  })

  it('returns the text unchanged when the value is already there', () => {
    expect(setYamlValue(FILE, ['workflow', 'statuses'], ['todo', 'in-progress', 'done'])).toBe(FILE)
    expect(setYamlValue(FILE, ['ids', 'length'], 10)).toBe(FILE)
  })

  it('keeps CRLF line ends', () => {
    const crlf = FILE.replace(/\n/g, '\r\n')
    const out = setYamlValue(crlf, ['git', 'auto_commit'], true)
    expect(out.replace(/\r\n/g, '')).not.toContain('\n')
    expect(out.endsWith('git:\r\n  auto_commit: true\r\n')).toBe(true)
    expect(setYamlValue(crlf, ['priorities'], ['a', 'b'])).toContain('priorities:\r\n  - a\r\n  - b\r\n\r\nids:')
  })
})

describe('setYamlValue: a missing key', () => {
  it('goes after the last pair of its parent, at the siblings’ indentation', () => {
    expect(lineDiff(FILE, setYamlValue(FILE, ['ids', 'prefixes'], {task: 't'}))).toEqual({removed: [], added: ['    prefixes: {task: t}']})
    const out = setYamlValue(FILE, ['workflow', 'done'], ['done'])
    expect(out).toContain('  wip_policy: warn\n  done: [done]\n\npriorities:')
  })

  it('creates missing parents as block maps, at the file’s indentation step', () => {
    expect(lineDiff(FILE, setYamlValue(FILE, ['git', 'auto_commit'], true))).toEqual({removed: [], added: ['git:', '  auto_commit: true']})
    const four = 'workflow:\n    default: a\n'
    expect(setYamlValue(four, ['log', 'level'], 'warn')).toBe('workflow:\n    default: a\nlog:\n    level: warn\n')
  })

  it('writes into an empty or comment-only file', () => {
    expect(setYamlValue('', ['log', 'level'], 'debug')).toBe('log:\n  level: debug\n')
    expect(setYamlValue('# mine\n', ['priorities'], ['a'])).toBe('# mine\npriorities: [a]\n')
    expect(setYamlValue('# no newline', ['name'], 'x')).toBe('# no newline\nname: x\n')
  })

  it('adds a line break to a file that ends without one', () => {
    expect(setYamlValue('a: 1', ['b'], 2)).toBe('a: 1\nb: 2\n')
  })

  it('goes into a flow map by rewriting it', () => {
    expect(setYamlValue('log: {level: info}\n', ['log', 'keep'], 5)).toBe('log: {level: info, keep: 5}\n')
    expect(setYamlValue('{a: 1}\n', ['b'], 2)).toBe('{a: 1, b: 2}\n')
  })

  it('inserts before comment lines that follow the last pair', () => {
    const text = 'log:\n  level: info\n  # keep: 3\n# end\n'
    expect(setYamlValue(text, ['log', 'max_bytes'], 2048)).toBe('log:\n  level: info\n  max_bytes: 2048\n  # keep: 3\n# end\n')
  })
})

describe('unsetYamlValue', () => {
  it('removes the pair’s lines and keeps the comments around it', () => {
    const out = unsetYamlValue(FILE, ['workflow', 'statuses'])
    expect(lineDiff(FILE, out)).toEqual({removed: ['  statuses: [todo, in-progress, done]'], added: []})
    expect(out).toContain('  # statuses, in board order\n  default: todo')
    expect(lineDiff(FILE, unsetYamlValue(FILE, ['priorities'])).removed).toEqual(['priorities:', '  - low', '  - high   # the top'])
  })

  it('leaves an emptied parent as {}', () => {
    expect(lineDiff(FILE, unsetYamlValue(FILE, ['ids', 'length']))).toEqual({removed: ['ids:', '    length: 10'], added: ['ids: {}']})
    expect(unsetYamlValue('a:  # note\n  b: 1\nc: 2\n', ['a', 'b'])).toBe('a: {}  # note\nc: 2\n')
  })

  it('removes a key from a flow map by rewriting it', () => {
    expect(unsetYamlValue(FILE, ['limits', 'max_document_bytes'])).toContain('\nlimits: {}\n')
    expect(unsetYamlValue('w: {a: 1, b: 2} # c\n', ['w', 'a'])).toBe('w: {b: 2} # c\n')
  })

  it('changes nothing for a key that is not there', () => {
    for (const path of [['git'], ['git', 'auto_commit'], ['name', 'x'], ['workflow', 'statuses', 'x']]) {
      expect(unsetYamlValue(FILE, path), path.join('.')).toBe(FILE)
    }
    expect(unsetYamlValue('', ['a'])).toBe('')
  })

  it('can empty the whole file but its comments', () => {
    expect(unsetYamlValue('# top\nname: x\n# bottom\n', ['name'])).toBe('# top\n# bottom\n')
  })

  it('undoes a set of a missing key byte for byte (a parent it made stays, as {})', () => {
    for (const path of [['ids', 'prefixes'], ['workflow', 'done'], ['name2']]) {
      expect(unsetYamlValue(setYamlValue(FILE, path, true), path), path.join('.')).toBe(FILE)
    }
    expect(unsetYamlValue(setYamlValue(FILE, ['git', 'auto_commit'], true), ['git', 'auto_commit'])).toBe(`${FILE}git: {}\n`)
  })
})

describe('on the file psp init writes', () => {
  const template = settingsTemplate('garden')
  it('sets and unsets every kind of key, changing one line each', () => {
    const cases: [string[], unknown][] = [
      [['workflow', 'statuses'], ['backlog', 'doing', 'done']],
      [['workflow', 'wip'], {doing: 3}],
      [['workflow', 'wip_policy'], 'refuse'],
      [['ids', 'length'], 12],
      [['git', 'auto_commit'], true],
      [['name'], 'Community garden'],
    ]
    for (const [path, value] of cases) {
      const diff = lineDiff(template, setYamlValue(template, path, value))
      expect(diff.removed, path.join('.')).toHaveLength(1)
      expect(diff.added, path.join('.')).toHaveLength(1)
    }
    expect(lineDiff(template, setYamlValue(template, ['ids', 'prefixes'], {task: 't'}))).toEqual({removed: [], added: ['  prefixes: {task: t}']})
    expect(lineDiff(template, unsetYamlValue(template, ['log', 'level']))).toEqual({removed: ['log:', '  level: info'], added: ['log: {}']})
  })
})

describe('refusals', () => {
  it('refuses broken YAML and a file that is no mapping, with the file named', () => {
    for (const text of ['a: [\n', 'a: 1\na: 2\n', '- a\n- b\n', 'just text\n']) {
      let error: unknown
      try {
        setYamlValue(text, ['b'], 1, 'config/settings.yaml')
      } catch (error_) {
        error = error_
      }
      expect(error, text).toBeInstanceOf(InvalidDocumentError)
      expect((error as InvalidDocumentError).location.path).toBe('config/settings.yaml')
    }
  })

  it('refuses a file with aliases, which an edit in place would change together', () => {
    const text = 'workflow:\n  statuses: &s [a, b]\n  done: *s\n'
    expect(() => setYamlValue(text, ['workflow', 'statuses'], ['c'], 'config/settings.yaml')).toThrow(/aliases/)
    expect(() => unsetYamlValue(text, ['workflow', 'done'])).toThrow(InvalidDocumentError)
  })

  it('refuses YAML tags', () => {
    expect(() => setYamlValue('a: !!js/function x\n', ['b'], 1)).toThrow(/tag/)
  })
})
