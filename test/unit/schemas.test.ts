import {describe, expect, it} from 'vitest'
import {
  BUILTIN_TYPES,
  defaultSettings,
  InvalidDocumentError,
  loadBuiltinSchema,
  NotFoundError,
  registerType,
  SchemaRegistry,
  UnsafeInputError,
  withDefaults,
} from '@psp/core'
import {thrown, useTempDirs, writeFile} from './_helpers.js'

const tempDir = useTempDirs()

const task = (extra: Record<string, unknown> = {}) => ({id: 'task-1', type: 'task', title: 'T', ...extra})

describe('built-in schemas', () => {
  it('ships project, task, milestone, note and decision', () => {
    expect([...BUILTIN_TYPES]).toEqual(['project', 'task', 'milestone', 'note', 'decision'])
    for (const name of [...BUILTIN_TYPES, 'document', 'settings']) {
      const schema = loadBuiltinSchema(name)
      expect(schema['$id']).toBe(`https://psp.dev/schemas/${name}.json`)
      expect(typeof schema['description']).toBe('string')
    }
  })

  it('lists every built-in type, sorted, with its description', () => {
    const registry = new SchemaRegistry(undefined, defaultSettings())
    const list = registry.list()
    expect(list.map((t) => t.name)).toEqual(['decision', 'milestone', 'note', 'project', 'task'])
    for (const info of list) {
      expect(info.source).toBe('builtin')
      expect(info.files).toEqual([])
      expect(info.description).not.toBe('')
    }
  })

  it('reports an unknown type as NotFoundError naming the known ones', () => {
    const registry = new SchemaRegistry(undefined, defaultSettings())
    expect(registry.has('bug')).toBe(false)
    const error = thrown(() => registry.get('bug'))
    expect(error).toBeInstanceOf(NotFoundError)
    expect(error.message).toContain('decision, milestone, note, project, task')
  })

  it('validates the common fields of every document', () => {
    const validate = new SchemaRegistry(undefined, defaultSettings()).validator('note')
    expect(validate({id: 'note-1', type: 'note', title: 'N'})).toBe(true)
    expect(validate({id: 'note-1', type: 'note'})).toBe(false)
    expect(validate({id: 'note-1', type: 'note', title: ''})).toBe(false)
    expect(validate({id: 'note-1', type: 'task', title: 'N'})).toBe(false)
    expect(validate({id: 'note-1', type: 'note', title: 'N', tags: ['a', 'a']})).toBe(false)
    expect(validate({id: 'note-1', type: 'note', title: 'N', url: 'not a url'})).toBe(false)
    expect(validate({id: 'note-1', type: 'note', title: 'N', extra: {any: 'thing'}})).toBe(true)
  })

  it('takes task statuses and priorities from settings', () => {
    const settings = withDefaults({workflow: {statuses: ['open', 'closed']}, priorities: ['p1', 'p2']}, 'x')
    const validate = new SchemaRegistry(undefined, settings).validator('task')
    expect(validate(task({status: 'open', priority: 'p2'}))).toBe(true)
    expect(validate(task({status: 'todo'}))).toBe(false)
    expect(validate(task({priority: 'high'}))).toBe(false)
  })

  it('compiles each validator once', () => {
    const registry = new SchemaRegistry(undefined, defaultSettings())
    expect(registry.validator('task')).toBe(registry.validator('task'))
  })
})

describe('workspace schemas in config/schemas/', () => {
  it('adds a type of the workspace’s own from a JSON file, on top of the document base', () => {
    const root = tempDir()
    writeFile(
      root,
      'config/schemas/bug.json',
      JSON.stringify({
        description: 'A defect.',
        required: ['severity'],
        properties: {severity: {enum: ['minor', 'major']}},
      }),
    )
    const registry = new SchemaRegistry(root, defaultSettings())
    const info = registry.get('bug')
    expect(info).toMatchObject({name: 'bug', source: 'workspace', description: 'A defect.', files: ['config/schemas/bug.json']})
    const validate = registry.validator('bug')
    expect(validate({id: 'bug-1', type: 'bug', title: 'B', severity: 'major'})).toBe(true)
    expect(validate({id: 'bug-1', type: 'bug', title: 'B', severity: 'huge'})).toBe(false)
    expect(validate({id: 'bug-1', type: 'bug', severity: 'minor'})).toBe(false)
  })

  it('extends a built-in type from a YAML file: both schemas must hold', () => {
    const root = tempDir()
    writeFile(
      root,
      'config/schemas/task.yaml',
      ['description: Tasks of this team.', 'required: [component]', 'properties:', '  component: {enum: [ui, api]}', ''].join('\n'),
    )
    const registry = new SchemaRegistry(root, defaultSettings())
    expect(registry.get('task')).toMatchObject({source: 'extended', description: 'Tasks of this team.', files: ['config/schemas/task.yaml']})
    const validate = registry.validator('task')
    expect(validate(task({component: 'ui', status: 'todo'}))).toBe(true)
    expect(validate(task())).toBe(false)
    expect(validate(task({component: 'ui', status: 'nope'}))).toBe(false)
    expect(validate(task({component: 'ui', estimate: 'lots'}))).toBe(false)
  })

  it('reads .yml files too and ignores files that are not type schemas', () => {
    const root = tempDir()
    writeFile(root, 'config/schemas/risk.yml', 'properties:\n  likelihood: {type: number}\n')
    writeFile(root, 'config/schemas/README.md', '# not a schema')
    writeFile(root, 'config/schemas/Bad-Name.json', '{}')
    const names = new SchemaRegistry(root, defaultSettings()).list().map((t) => t.name)
    expect(names).toContain('risk')
    expect(names).not.toContain('Bad-Name')
    expect(names).not.toContain('README')
  })

  it('refuses a schema file that is not valid JSON, naming the file', () => {
    const root = tempDir()
    writeFile(root, 'config/schemas/bug.json', '{"required": [}')
    const error = thrown(() => new SchemaRegistry(root, defaultSettings()))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.path).toBe('config/schemas/bug.json')
  })

  it('refuses a schema file that is not an object', () => {
    const root = tempDir()
    writeFile(root, 'config/schemas/bug.yaml', '- a\n- b\n')
    const error = thrown(() => new SchemaRegistry(root, defaultSettings()))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location).toMatchObject({path: 'config/schemas/bug.yaml', line: 1})
  })

  it('refuses YAML tags in a schema file', () => {
    const root = tempDir()
    writeFile(root, 'config/schemas/bug.yaml', 'properties: !!js/function "x"\n')
    expect(() => new SchemaRegistry(root, defaultSettings())).toThrow(UnsafeInputError)
  })

  it('reports a schema ajv cannot compile when it is first used, naming the file', () => {
    const root = tempDir()
    writeFile(root, 'config/schemas/bug.json', JSON.stringify({properties: {x: {type: 'nonsense'}}}))
    const registry = new SchemaRegistry(root, defaultSettings())
    const error = thrown(() => registry.validator('bug'))
    expect(error).toBeInstanceOf(InvalidDocumentError)
    expect(error.location.path).toBe('config/schemas/bug.json')
  })
})

describe('registerType', () => {
  it('adds a plugin type to every registry made afterwards', () => {
    registerType('unit-test-clip', {
      description: 'A clipping (registered by a test).',
      type: 'object',
      allOf: [{$ref: 'https://psp.dev/schemas/document.json'}],
      properties: {type: {const: 'unit-test-clip'}, url: {type: 'string'}},
    })
    const registry = new SchemaRegistry(undefined, defaultSettings())
    expect(registry.get('unit-test-clip')).toMatchObject({source: 'plugin', description: 'A clipping (registered by a test).'})
    const validate = registry.validator('unit-test-clip')
    expect(validate({id: 'c-1', type: 'unit-test-clip', title: 'C', url: 'x'})).toBe(true)
    expect(validate({id: 'c-1', type: 'unit-test-clip', title: 'C', url: 3})).toBe(false)
  })
})
