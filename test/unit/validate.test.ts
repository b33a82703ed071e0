import fs from 'node:fs'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'
import {
  checkDocument,
  DocumentStore,
  expandPaths,
  formatProblem,
  NotFoundError,
  parseDocumentText,
  sortProblems,
  UnsafeInputError,
  validateWorkspace,
  Workspace,
} from '@psp/core'
import type {Problem} from '@psp/core'
import {doc, thrown, useTempDirs, useWorkspaces, writeFile} from './_helpers.js'

const tempDir = useTempDirs()
const newWorkspace = useWorkspaces()

let root: string
let ws: Workspace

beforeEach(async () => {
  root = await newWorkspace()
  ws = Workspace.open(root)
})

/** Writes a record file directly, as an editor would. */
function write(rel: string, lines: string[], body = ''): void {
  writeFile(root, rel, doc(lines, body))
}

function task(id: string, extra: string[] = [], folder = 'data/tasks'): void {
  write(`${folder}/${id}.md`, [`id: ${id}`, 'type: task', `title: Task ${id}`, ...extra])
}

function problemsOf(files?: string[]): Problem[] {
  return validateWorkspace(Workspace.open(root), files).problems
}

/** Problems as `path:line:col: field: message` lines. */
function lines(problems: Problem[]): string[] {
  return problems.map(formatProblem)
}

describe('validateWorkspace on valid workspaces', () => {
  it('finds nothing wrong in a fresh workspace', () => {
    expect(validateWorkspace(ws)).toEqual({checked: 0, problems: []})
  })

  it('finds nothing wrong in records written by the store', () => {
    const store = new DocumentStore(ws)
    const project = store.create({type: 'project', title: 'P', fields: {status: 'active', due: '2025-06-30'}}).record
    const ms = store.create({type: 'milestone', title: 'M', fields: {project: project.id, due: '2025-03-01'}}).record
    const a = store.create({type: 'task', title: 'A', fields: {project: project.id, milestone: ms.id, status: 'todo'}}).record
    store.create({type: 'task', title: 'B', fields: {project: project.id, depends_on: [a.id], estimate: 2.5, tags: ['x']}})
    store.create({type: 'note', title: 'N', fields: {url: 'https://example.com/a'}})
    store.create({type: 'decision', title: 'D', fields: {status: 'accepted', date: '2025-01-02'}})
    expect(validateWorkspace(Workspace.open(root))).toEqual({checked: 6, problems: []})
  })
})

describe('validateWorkspace reports schema problems at the key’s line and column', () => {
  it('reports an unknown status, listing the statuses from settings', () => {
    task('task-a', ['priority: high', 'status: nope'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-a.md:6:1: status: "nope" is not allowed (expected one of: todo, in-progress, review, done)',
    ])
    expect(problemsOf()[0]).toMatchObject({code: 'SCHEMA', field: 'status', line: 6, col: 1})
  })

  it('follows custom statuses from settings', () => {
    writeFile(root, 'config/settings.yaml', 'schemaVersion: 1\nworkflow:\n  statuses: [open, closed]\n')
    task('task-a', ['status: open'])
    task('task-b', ['status: todo'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-b.md:5:1: status: "todo" is not allowed (expected one of: open, closed)',
    ])
  })

  it('reports a value of the wrong type', () => {
    task('task-a', ['estimate: lots', 'tags: solo'])
    const problems = problemsOf()
    expect(problems).toHaveLength(2)
    expect(problems[0]).toMatchObject({field: 'estimate', line: 5, col: 1, code: 'SCHEMA', message: 'must be number, got string'})
    expect(problems[1]).toMatchObject({field: 'tags', line: 6, col: 1, message: 'must be array, got string'})
  })

  it.each([['2024-13-45'], ['2024-02-30'], ['31/01/2024'], ['2024-01-31T10:00:00Z'], ['tomorrow']])(
    'reports the bad date %s',
    (value) => {
      task('task-a', [`due: "${value}"`])
      expect(problemsOf()).toEqual([
        {
          path: 'data/tasks/task-a.md',
          line: 5,
          col: 1,
          field: 'due',
          message: `${JSON.stringify(value)} is not a date (expected YYYY-MM-DD)`,
          code: 'SCHEMA',
        },
      ])
    },
  )

  it('reports a missing title at line 1', () => {
    write('data/tasks/task-a.md', ['id: task-a', 'type: task'])
    expect(problemsOf()).toEqual([
      {path: 'data/tasks/task-a.md', line: 1, col: 1, field: 'title', message: 'required field is missing', code: 'SCHEMA'},
    ])
  })

  it('reports an unknown type at the type’s line', () => {
    write('data/bugs/bug-a.md', ['id: bug-a', 'title: B', 'type: bug'])
    const [problem] = problemsOf()
    expect(problem).toMatchObject({path: 'data/bugs/bug-a.md', line: 4, col: 1, field: 'type', code: 'SCHEMA'})
    expect(problem?.message).toMatch(/unknown type "bug"/)
  })

  it('points at an indented key’s column', () => {
    write('data/tasks/task-a.md', ['  id: task-a', '  type: task', '  title: T', '  status: nope'])
    expect(problemsOf()[0]).toMatchObject({line: 5, col: 3, field: 'status'})
  })

  it('counts lines after a BOM and CRLF line ends like an editor does', () => {
    writeFile(root, 'data/tasks/task-a.md', '\uFEFF---\r\nid: task-a\r\ntype: task\r\n# note\r\ntitle: T\r\nstatus: nope\r\n---\r\n')
    expect(problemsOf()[0]).toMatchObject({line: 6, col: 1, field: 'status'})
  })
})

describe('validateWorkspace reports reference problems', () => {
  it('reports dangling project, milestone and depends_on ids', () => {
    task('task-a', ['project: proj-missing', 'milestone: ms-missing', 'depends_on: [task-gone]'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-a.md:5:1: project: unknown id "proj-missing"',
      'data/tasks/task-a.md:6:1: milestone: unknown id "ms-missing"',
      'data/tasks/task-a.md:7:1: depends_on: unknown id "task-gone"',
    ])
    expect(problemsOf().map((p) => p.code)).toEqual(['REFERENCE', 'REFERENCE', 'REFERENCE'])
  })

  it('reports each dangling id of a block list', () => {
    task('task-b')
    task('task-a', ['depends_on:', '  - task-x', '  - task-b', '  - task-y'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-a.md:5:1: depends_on: unknown id "task-x"',
      'data/tasks/task-a.md:5:1: depends_on: unknown id "task-y"',
    ])
  })

  it('reports a reference to a record of the wrong type', () => {
    task('task-b')
    write('data/milestones/ms-a.md', ['id: ms-a', 'type: milestone', 'title: M'])
    task('task-a', ['project: ms-a', 'milestone: task-b'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-a.md:5:1: project: "ms-a" is a milestone, not a project',
      'data/tasks/task-a.md:6:1: milestone: "task-b" is a task, not a milestone',
    ])
  })

  it('lets depends_on point at any type', () => {
    write('data/milestones/ms-a.md', ['id: ms-a', 'type: milestone', 'title: M'])
    task('task-a', ['depends_on: [ms-a]'])
    expect(problemsOf()).toEqual([])
  })
})

describe('validateWorkspace reports duplicate ids and cycles', () => {
  it('reports a duplicate id on the second file, naming the first', () => {
    task('task-a', [], 'data/a')
    write('data/b/copy.md', ['title: Copy', 'type: task', 'id: task-a'])
    expect(problemsOf()).toEqual([
      {
        path: 'data/b/copy.md',
        line: 4,
        col: 1,
        field: 'id',
        message: 'duplicate id: task-a is also used by data/a/task-a.md',
        code: 'DUPLICATE_ID',
      },
    ])
  })

  it('reports a three-task dependency cycle once, with its path', () => {
    task('task-c1', ['depends_on: [task-c2]'])
    task('task-c2', ['depends_on: [task-c3]'])
    task('task-c3', ['status: todo', 'depends_on: [task-c1]'])
    task('task-free', ['depends_on: [task-c1]'])
    const problems = problemsOf()
    expect(problems).toEqual([
      {
        path: 'data/tasks/task-c1.md',
        line: 5,
        col: 1,
        field: 'depends_on',
        message: 'dependency cycle: task-c1 → task-c2 → task-c3 → task-c1',
        code: 'CYCLE',
      },
    ])
  })

  it('reports two separate cycles separately', () => {
    task('task-a', ['depends_on: [task-b]'])
    task('task-b', ['depends_on: [task-a]'])
    task('task-x', ['depends_on: [task-y]'])
    task('task-y', ['depends_on: [task-x]'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-a.md:5:1: depends_on: dependency cycle: task-a → task-b → task-a',
      'data/tasks/task-x.md:5:1: depends_on: dependency cycle: task-x → task-y → task-x',
    ])
  })

  it('reports a self-dependency once', () => {
    task('task-a', ['depends_on: [task-a]'])
    expect(problemsOf()).toEqual([
      {
        path: 'data/tasks/task-a.md',
        line: 5,
        col: 1,
        field: 'depends_on',
        message: 'a record cannot depend on itself',
        code: 'CYCLE',
      },
    ])
  })

  it('finds the one cycle that closes a 1,000-task dependency chain', () => {
    const n = 1000
    for (let i = 0; i < n; i++) {
      const dep = i + 1 < n ? [`depends_on: [task-${i + 1}]`] : ['depends_on: [task-0]']
      task(`task-${i}`, dep)
    }
    const problems = problemsOf()
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({path: 'data/tasks/task-0.md', code: 'CYCLE'})
    expect(problems[0]?.message).toMatch(/^dependency cycle: task-0 → task-1 → task-2 → task-3 → .* → task-999 → task-0$/)
    expect(problems[0]?.message.split(' → ')).toHaveLength(n + 1)
  })
})

describe('validateWorkspace and archived records', () => {
  it('skips archived records but still resolves references to them', () => {
    write('data/archive/tasks/task-old.md', ['id: task-old', 'type: task', 'title: Old', 'status: bogus', 'project: proj-gone'])
    task('task-a', ['depends_on: [task-old]'])
    expect(validateWorkspace(Workspace.open(root))).toEqual({checked: 1, problems: []})
  })

  it('leaves archived records out of cycles', () => {
    write('data/archive/tasks/task-old.md', ['id: task-old', 'type: task', 'title: Old', 'depends_on: [task-a]'])
    task('task-a', ['depends_on: [task-old]'])
    expect(problemsOf()).toEqual([])
  })

  it('checks an archived file when it is asked for by name', () => {
    write('data/archive/tasks/task-old.md', ['id: task-old', 'type: task', 'title: Old', 'status: bogus'])
    expect(problemsOf(['data/archive/tasks/task-old.md'])).toMatchObject([{field: 'status', code: 'SCHEMA'}])
  })
})

/** A schema written as JSON or as YAML (JSON is valid YAML, but write it the YAML way). */
function schemaFile(format: 'json' | 'yaml', schema: Record<string, unknown>): string {
  if (format === 'json') return JSON.stringify(schema, null, 2)
  const toYaml = (v: unknown, indent: string): string =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.entries(v)
          .map(([k, x]) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? `${indent}${k}:\n${toYaml(x, `${indent}  `)}` : `${indent}${k}: ${JSON.stringify(x)}\n`))
          .join('')
      : `${indent}${JSON.stringify(v)}\n`
  return toYaml(schema, '')
}

describe.each(['json', 'yaml'] as const)('validateWorkspace with workspace schemas in %s', (format) => {
  it('validates a custom type defined in config/schemas/', () => {
    writeFile(
      root,
      `config/schemas/bug.${format}`,
      schemaFile(format, {required: ['severity'], properties: {severity: {enum: ['minor', 'major']}, found: {type: 'string', format: 'date'}}}),
    )
    write('data/bugs/bug-a.md', ['id: bug-a', 'type: bug', 'title: A', 'severity: major'])
    write('data/bugs/bug-b.md', ['id: bug-b', 'type: bug', 'title: B', 'severity: huge', 'found: someday'])
    write('data/bugs/bug-c.md', ['id: bug-c', 'type: bug', 'title: C'])
    write('data/bugs/bug-d.md', ['id: bug-d', 'type: bug', 'severity: minor'])
    expect(lines(problemsOf())).toEqual([
      'data/bugs/bug-b.md:5:1: severity: "huge" is not allowed (expected one of: minor, major)',
      'data/bugs/bug-b.md:6:1: found: "someday" is not a date (expected YYYY-MM-DD)',
      'data/bugs/bug-c.md:1:1: severity: required field is missing',
      'data/bugs/bug-d.md:1:1: title: required field is missing',
    ])
  })

  it('validates a built-in type extended in config/schemas/', () => {
    writeFile(root, `config/schemas/task.${format}`, schemaFile(format, {required: ['component'], properties: {component: {enum: ['ui', 'api']}}}))
    task('task-a', ['component: ui', 'status: todo'])
    task('task-b', ['component: db'])
    task('task-c', ['status: nope'])
    expect(lines(problemsOf())).toEqual([
      'data/tasks/task-b.md:5:1: component: "db" is not allowed (expected one of: ui, api)',
      'data/tasks/task-c.md:1:1: component: required field is missing',
      'data/tasks/task-c.md:5:1: status: "nope" is not allowed (expected one of: todo, in-progress, review, done)',
    ])
  })
})

describe('validateWorkspace and unreadable files', () => {
  it('reports each unreadable file once, with its error code and location, and checks the rest', () => {
    writeFile(root, 'data/tasks/js.md', '---js\n{id: "x"}\n---\n')
    writeFile(root, 'data/tasks/broken.md', '---\nid: task-b\ntype: task\ntitle: [unclosed\n---\n')
    writeFile(root, 'data/tasks/binary.md', Buffer.from('---\nid: a\n---\n\x00', 'latin1'))
    task('task-ok')
    const report = validateWorkspace(Workspace.open(root))
    expect(report.checked).toBe(4)
    expect(report.problems.map((p) => [p.path, p.code, p.line])).toEqual([
      ['data/tasks/binary.md', 'INVALID_DOCUMENT', 4],
      ['data/tasks/broken.md', 'INVALID_DOCUMENT', 4],
      ['data/tasks/js.md', 'UNSAFE_INPUT', 1],
    ])
  })

  it('refuses a file over limits.max_document_bytes without parsing it', () => {
    writeFile(root, 'config/settings.yaml', 'schemaVersion: 1\nlimits:\n  max_document_bytes: 1024\n')
    // Over the limit, and not even valid: the size check must come first.
    writeFile(root, 'data/tasks/big.md', `---js\n${'x'.repeat(2000)}\n`)
    expect(problemsOf()).toEqual([
      expect.objectContaining({path: 'data/tasks/big.md', code: 'UNSAFE_INPUT', line: 1, message: expect.stringMatching(/limit/)}),
    ])
  })

  it('ignores README.md, dot files, data/cache and data/templates', () => {
    writeFile(root, 'data/README.md', '# not a record')
    writeFile(root, 'data/tasks/.draft.md', 'nothing')
    writeFile(root, 'data/cache/x.md', 'nothing')
    writeFile(root, 'data/templates/task.md', '---\ntitle: {{title}}\n---\n')
    writeFile(root, 'data/tasks/notes.txt', 'not markdown')
    expect(validateWorkspace(Workspace.open(root))).toEqual({checked: 0, problems: []})
  })
})

describe('validateWorkspace on chosen files', () => {
  it('reports only the chosen files but resolves references against all', () => {
    task('task-a', ['status: nope'])
    task('task-b', ['depends_on: [task-a]', 'status: nope'])
    const report = validateWorkspace(Workspace.open(root), ['data/tasks/task-b.md'])
    expect(report.checked).toBe(1)
    expect(lines(report.problems)).toEqual([
      'data/tasks/task-b.md:6:1: status: "nope" is not allowed (expected one of: todo, in-progress, review, done)',
    ])
  })
})

describe('expandPaths', () => {
  beforeEach(() => {
    task('task-a', [], 'data/projects/p/tasks')
    task('task-b', [], 'data/tasks')
  })

  it('expands folders to the documents under them and keeps files', () => {
    expect(expandPaths(ws, root, ['data/projects'])).toEqual(['data/projects/p/tasks/task-a.md'])
    expect(expandPaths(ws, root, ['data/tasks/task-b.md', 'data'])).toEqual(['data/projects/p/tasks/task-a.md', 'data/tasks/task-b.md'])
    expect(expandPaths(ws, root, ['.'])).toHaveLength(2)
  })

  it('resolves relative to the given working folder', () => {
    expect(expandPaths(ws, path.join(root, 'data', 'tasks'), ['task-b.md'])).toEqual(['data/tasks/task-b.md'])
    expect(expandPaths(ws, path.join(root, 'data', 'tasks'), ['../projects'])).toEqual(['data/projects/p/tasks/task-a.md'])
  })

  it.each([['..'], ['../outside.md'], ['data/../../x'], ['/etc/passwd']])('refuses %s, outside the workspace', (input) => {
    const error = thrown(() => expandPaths(ws, root, [input]))
    expect(error).toBeInstanceOf(UnsafeInputError)
    expect(error.code).toBe('UNSAFE_INPUT')
    expect(error.message).toContain(input)
  })

  it('refuses a symbolic link that leads outside the workspace', () => {
    const outside = tempDir()
    fs.writeFileSync(path.join(outside, 'x.md'), doc(['id: x', 'type: task', 'title: X']))
    fs.symlinkSync(outside, path.join(root, 'data', 'escape'), 'dir')
    expect(() => expandPaths(ws, root, ['data/escape'])).toThrow(UnsafeInputError)
    expect(() => expandPaths(ws, root, ['data/escape/x.md'])).toThrow(UnsafeInputError)
  })

  it('reports a missing path as NotFoundError', () => {
    expect(() => expandPaths(ws, root, ['data/nope.md'])).toThrow(NotFoundError)
  })
})

describe('checkDocument (what the store checks before a write)', () => {
  it('finds a cycle that a new dependency would close', () => {
    task('task-a', ['depends_on: [task-b]'])
    task('task-b')
    const store = new DocumentStore(Workspace.open(root))
    const next = parseDocumentText(doc(['id: task-b', 'type: task', 'title: B', 'depends_on: [task-a]']), 'data/tasks/task-b.md')
    const problems = checkDocument(store.ws, next, store.load().records)
    expect(problems).toEqual([
      expect.objectContaining({code: 'CYCLE', field: 'depends_on', message: 'dependency cycle: task-b → task-a → task-b'}),
    ])
  })

  it('finds an id already used by another file', () => {
    task('task-a')
    const store = new DocumentStore(Workspace.open(root))
    const other = parseDocumentText(doc(['id: task-a', 'type: task', 'title: Copy']), 'data/tasks/copy.md')
    expect(checkDocument(store.ws, other, store.load().records)).toEqual([
      expect.objectContaining({code: 'DUPLICATE_ID', field: 'id', line: 2}),
    ])
  })
})

describe('formatProblem and sortProblems', () => {
  it('renders path:line:col: field: message', () => {
    expect(formatProblem({path: 'a.md', line: 3, col: 2, field: 'status', message: 'bad', code: 'SCHEMA'})).toBe('a.md:3:2: status: bad')
    expect(formatProblem({path: 'a.md', line: 1, col: 1, message: 'bad', code: 'X'})).toBe('a.md:1:1: bad')
  })

  it('sorts by path, then line, then column', () => {
    const p = (path: string, line: number, col: number): Problem => ({path, line, col, message: '', code: ''})
    expect(sortProblems([p('b', 1, 1), p('a', 2, 1), p('a', 1, 5), p('a', 1, 2)])).toEqual([
      p('a', 1, 2),
      p('a', 1, 5),
      p('a', 2, 1),
      p('b', 1, 1),
    ])
  })
})

describe('validate through the index', () => {
  it('parses a file again only when its stat changed, and locates problems in files it did not parse', () => {
    task('task-a1', ['status: nope'])
    task('task-b2')
    const file = path.join(root, 'data/tasks/task-b2.md')
    // Old enough that the index trusts its entry (outside the same-tick window).
    const old = new Date(Date.now() - 60_000)
    fs.utimesSync(file, old, old)
    const first = lines(problemsOf())
    expect(first).toEqual(['data/tasks/task-a1.md:5:1: status: "nope" is not allowed (expected one of: todo, in-progress, review, done)'])
    // Same size, same mtime, different bytes: a trusted entry is not parsed again.
    const text = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(file, text.replace('title: Task task-b2', 'title: Task task-b3'))
    fs.utimesSync(file, old, old)
    expect(lines(problemsOf())).toEqual(first)
    // A real edit changes the stat and is seen at once, its problem located in the file.
    fs.writeFileSync(file, text.replace('type: task', 'type: task\ndue: someday'))
    expect(lines(problemsOf())).toContain('data/tasks/task-b2.md:4:1: due: "someday" is not a date (expected YYYY-MM-DD)')
  })
})
