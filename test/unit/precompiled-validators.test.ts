// The built-in types are validated by validators precompiled at build time, with the settings'
// enums checked by hand. They must say exactly what a runtime ajv compile of the effective schema
// says, error for error, or `psp validate` would change its verdicts with the build.
import {createRequire} from 'node:module'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {BUILTIN_TYPES, defaultSettings, loadBuiltinSchema, SchemaRegistry} from '@psp/core'

// ajv as the core resolves it (the root's node_modules hold eslint's older ajv).
const require = createRequire(new URL('../../packages/core/package.json', import.meta.url))
// Typed by hand: the root's type resolution finds that older ajv too.
interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: unknown
}
type Validate = ((data: unknown) => boolean) & {errors?: AjvError[] | null}
interface AjvInstance {
  addSchema(schema: object): void
  compile(schema: object): Validate
}
const {Ajv} = require('ajv') as {Ajv: new (options: object) => AjvInstance}
const addFormats = (require('ajv-formats') as {default: (ajv: AjvInstance) => void}).default

const runs = Number(process.env['PSP_PROPERTY_RUNS'] ?? 300)
const seed = process.env['PSP_PROPERTY_SEED'] === undefined ? undefined : Number(process.env['PSP_PROPERTY_SEED'])

function runtimeValidator(registry: SchemaRegistry, type: string) {
  const ajv = new Ajv({allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true})
  addFormats(ajv)
  ajv.addSchema(loadBuiltinSchema('document'))
  return ajv.compile(registry.get(type).schema)
}

/** Errors in order (the first is the one a refused write names), without their schema paths. */
function normalised(errors: AjvError[] | null | undefined): string[] {
  return (errors ?? []).map((e) => JSON.stringify([e.instancePath, e.keyword, e.message, e.params]))
}

const settings = {...defaultSettings(), priorities: ['p1', 'p2'], workflow: {...defaultSettings().workflow, statuses: ['open', 'closed'], default: 'open', done: ['closed']}}

const value = fc.oneof(
  fc.string({maxLength: 12}),
  fc.constantFrom('open', 'closed', 'p1', 'todo', '2026-02-30', '2026-01-05', 'task-1', '', 'bad id!'),
  fc.integer({min: -5, max: 5}),
  fc.double({noNaN: true}),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({maxLength: 4}), fc.constantFrom('a', 'a'), fc.integer()), {maxLength: 4}),
  fc.dictionary(fc.string({maxLength: 4}), fc.string({maxLength: 4}), {maxKeys: 2}),
)
const keys = ['id', 'type', 'title', 'tags', 'status', 'priority', 'project', 'milestone', 'depends_on', 'assignee', 'due', 'estimate', 'owner', 'start', 'superseded_by', 'extra']

describe('precompiled validators', () => {
  for (const type of BUILTIN_TYPES) {
    it(`agree with a runtime compile of the ${type} schema on arbitrary frontmatter`, () => {
      const registry = new SchemaRegistry(undefined, settings)
      const precompiled = registry.validator(type)
      const runtime = runtimeValidator(registry, type)
      const doc = fc.record(Object.fromEntries(keys.map((k) => [k, value])), {requiredKeys: []})
      const base = fc.record({id: fc.constant(`${type}-1`), type: fc.constant(type), title: fc.constant('T')})
      fc.assert(
        fc.property(fc.tuple(base, doc), ([b, extra]) => {
          for (const data of [extra, {...b, ...extra}]) {
            const a = precompiled(data)
            const r = runtime(data)
            expect(a).toBe(r)
            expect(normalised(precompiled.errors)).toEqual(normalised(runtime.errors))
          }
        }),
        {numRuns: runs, seed},
      )
    })
  }

  it('check the workflow statuses and priorities of settings, not the defaults', () => {
    const validate = new SchemaRegistry(undefined, settings).validator('task')
    expect(validate({id: 'task-1', type: 'task', title: 'T', status: 'closed', priority: 'p2'})).toBe(true)
    expect(validate({id: 'task-1', type: 'task', title: 'T', status: 'todo'})).toBe(false)
    expect(validate.errors?.map((e) => [e.instancePath, e.keyword])).toEqual([['/status', 'enum']])
  })
})
