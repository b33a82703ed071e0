/**
 * Flags shared by the record commands (`task|project|milestone add|list|show|edit|rm|restore`),
 * and turning them into core calls' arguments. Reference flags accept any unique id prefix.
 */
import {Args, Flags, type Interfaces} from '@oclif/core'
import {atFlag} from '@psp/command'
import {parseFieldValue, splitAssignment, UsageError, type DocumentStore, type EditOperations} from '@psp/core'
import {PLAN_LINES} from './bulk-edit-support.js'
import {formatFlag, listQueryFlags} from './query-support.js'

/** A field a type's `add` command offers as a flag. */
interface FieldFlag {
  field: string
  description: string
  multiple?: boolean
  /** The type an id given here must resolve to. */
  ref?: string
  number?: boolean
}

export const FIELD_FLAGS: Record<string, Record<string, FieldFlag>> = {
  task: {
    status: {field: 'status', description: 'Workflow status (default: workflow.default).'},
    priority: {field: 'priority', description: 'Priority, one of the configured priorities.'},
    project: {field: 'project', description: 'Project id or unique prefix.', ref: 'project'},
    milestone: {field: 'milestone', description: 'Milestone id or unique prefix.', ref: 'milestone'},
    'depends-on': {field: 'depends_on', description: 'Id (or prefix) of a task this one waits for; repeatable.', ref: 'task', multiple: true},
    assignee: {field: 'assignee', description: 'Who does it.'},
    due: {field: 'due', description: 'Due date, YYYY-MM-DD.'},
    estimate: {field: 'estimate', description: 'Estimated hours.', number: true},
    tag: {field: 'tags', description: 'A tag; repeatable.', multiple: true},
  },
  project: {
    status: {field: 'status', description: 'planned, active, on-hold, done or cancelled.'},
    owner: {field: 'owner', description: 'Who is accountable.'},
    start: {field: 'start', description: 'Start date, YYYY-MM-DD.'},
    due: {field: 'due', description: 'Target date, YYYY-MM-DD.'},
    tag: {field: 'tags', description: 'A tag; repeatable.', multiple: true},
  },
  milestone: {
    project: {field: 'project', description: 'Project id or unique prefix.', ref: 'project'},
    status: {field: 'status', description: 'open, done or cancelled.'},
    due: {field: 'due', description: 'Due date, YYYY-MM-DD.'},
    tag: {field: 'tags', description: 'A tag; repeatable.', multiple: true},
  },
}

const multiple = (description: string) => Flags.string({description, multiple: true, multipleNonGreedy: true})

/** oclif flag definitions for a type's `add`. */
export function addFlags(type: string) {
  const out: Interfaces.FlagInput = {}
  for (const [name, spec] of Object.entries(FIELD_FLAGS[type] ?? {})) {
    out[name] = spec.multiple ? multiple(spec.description) : Flags.string({description: spec.description})
  }
  return {
    ...out,
    set: Flags.string({description: 'Any other field, as key=value (YAML value: 3, [a, b], "text"); repeatable.', multiple: true, multipleNonGreedy: true}),
    body: Flags.string({description: 'Markdown body of the new document.'}),
  }
}

/** Reads `--set key=value` pairs into a field map (values read as YAML scalars or flow lists). */
export function parseSets(sets: string[] | undefined, flag = '--set'): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const item of sets ?? []) {
    const [key, raw] = splitAssignment(item, flag)
    out[key] = parseFieldValue(raw)
  }
  return out
}

/** Resolves an id prefix given on the command line to the full id of a record of `type`. */
export function resolveRef(store: DocumentStore, query: string, type: string): string {
  return store.get(query, type).id
}

/** The fields a type's `add` flags describe, with references resolved to full ids. */
export function fieldsFromFlags(type: string, flags: Record<string, unknown>, store: DocumentStore): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(FIELD_FLAGS[type] ?? {})) {
    const raw = flags[name] as string | string[] | undefined
    if (raw === undefined || (Array.isArray(raw) && raw.length === 0)) continue
    if (Array.isArray(raw)) {
      fields[spec.field] = raw.map((v) => (spec.ref ? resolveRef(store, v, spec.ref) : v))
    } else if (spec.ref) {
      fields[spec.field] = resolveRef(store, raw, spec.ref)
    } else if (spec.number) {
      const n = Number(raw)
      if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} expects a number, got "${raw}"`)
      fields[spec.field] = n
    } else {
      fields[spec.field] = raw
    }
  }
  return fields
}

export const editFlags = {
  set: Flags.string({description: 'Set a field: key=value (YAML value: 3, [a, b], "text"); repeatable.', multiple: true, multipleNonGreedy: true}),
  unset: Flags.string({description: 'Remove a field; repeatable.', multiple: true, multipleNonGreedy: true}),
  add: Flags.string({description: 'Add a value to a list field: key=value; repeatable.', multiple: true, multipleNonGreedy: true}),
  remove: Flags.string({description: 'Remove a value from a list field: key=value; repeatable.', multiple: true, multipleNonGreedy: true}),
  where: Flags.string({description: 'Edit every record matching this query (docs/query.md) instead of one id; shows the changes and asks first.', helpValue: '<expr>'}),
  archived: Flags.boolean({description: 'With --where: match archived records instead of live ones.'}),
  yes: Flags.boolean({char: 'y', description: 'With --where: apply without asking (needed when there is no terminal).'}),
  'dry-run': Flags.boolean({description: 'With --where: show what would change, and change nothing.'}),
  verbose: Flags.boolean({description: `With --where: list every record that changes (default: the first ${PLAN_LINES}).`}),
}

/** The flags of `edit` that only make sense with `--where`. */
export const BULK_ONLY_FLAGS = ['archived', 'yes', 'dry-run', 'verbose'] as const

/** Builds edit operations from `--set/--unset/--add/--remove`, resolving reference fields. */
export function editOperations(
  flags: {set?: string[]; unset?: string[]; add?: string[]; remove?: string[]},
  store: DocumentStore,
  type: string,
): EditOperations {
  const refs = Object.fromEntries(Object.values(FIELD_FLAGS[type] ?? {}).filter((f) => f.ref).map((f) => [f.field, f.ref as string]))
  // Removing a reference must work even when its target is gone (deleted with rm --force),
  // so a value that no longer resolves is removed as typed.
  const resolve = (key: string, value: unknown, lenient = false): unknown => {
    const ref = refs[key]
    if (!ref) return value
    const one = (v: unknown) => {
      if (typeof v !== 'string') return v
      if (!lenient) return resolveRef(store, v, ref)
      try {
        return resolveRef(store, v, ref)
      } catch {
        return v
      }
    }
    return Array.isArray(value) ? value.map(one) : one(value)
  }
  const set = Object.fromEntries(Object.entries(parseSets(flags.set)).map(([k, v]) => [k, resolve(k, v)]))
  const lists = (items: string[] | undefined, flag: string) => {
    const out: Record<string, unknown[]> = {}
    for (const item of items ?? []) {
      const [key, raw] = splitAssignment(item, flag)
      ;(out[key] ??= []).push(resolve(key, parseFieldValue(raw), flag === '--remove'))
    }
    return out
  }
  return {set, unset: flags.unset ?? [], add: lists(flags.add, '--add'), remove: lists(flags.remove, '--remove')}
}

export {idArg} from './record-args.js'

/** The id of `edit`: required unless `--where` picks the records. */
export const editIdArg = Args.string({description: 'Id or unique prefix (case-insensitive); or use --where to edit every match.'})

export const listFlags = {
  at: atFlag,
  status: Flags.string({description: 'Only records with this status; repeatable.', multiple: true, multipleNonGreedy: true}),
  project: Flags.string({description: 'Only records of this project (id or prefix).'}),
  milestone: Flags.string({description: 'Only records of this milestone (id or prefix).'}),
  archived: Flags.boolean({description: 'List archived records instead.'}),
  ...listQueryFlags,
  format: formatFlag,
}
