/**
 * Bulk edits: one set of edit operations applied to many records. Every change is computed and
 * checked first, against the workspace as it will be once the whole batch is written (schema,
 * references, dependency cycles, WIP limits), so two edits that are fine alone but together
 * close a cycle are refused, and a refused batch writes nothing. Then each file is written under
 * its own lock, atomically. Checking costs one pass over the workspace, not one per record.
 */
import {isDeepStrictEqual} from 'node:util'
import {applyChanges, locateKey, parseDocumentText, withPath, type DocumentRecord, type ParsedDocument} from './document.js'
import {ConflictError, InvalidDocumentError, PspError, UsageError} from './errors.js'
import {assertEditable, changesFor, readDocument, type DocumentStore, type EditOperations} from './store.js'
import {referenceProblems, schemaProblems, type Problem} from './validate.js'
import {tasksInStatus} from './workflow.js'

/** One field of one record, before and after the edit (`undefined`: the field is absent). */
export interface FieldChange {
  field: string
  from: unknown
  to: unknown
}

/** The edit of one record that will change its file. */
export interface PlannedEdit {
  /** The record as it is now. */
  record: DocumentRecord
  /** The fields that change, in the order the operations name them. */
  changes: FieldChange[]
  /** The file's text now, and after the edit. */
  before: string
  after: string
  /** The document as the edit leaves it (already validated). */
  parsed: ParsedDocument
}

/** What a bulk edit will do; nothing has been written yet. */
export interface EditPlan {
  ops: EditOperations
  /** The records whose files change, in the order they were given. */
  edits: PlannedEdit[]
  /** How many records were given (matched). */
  matched: number
  /** How many of them already are as asked (their files stay untouched). */
  unchanged: number
  /** Things to tell the user: a WIP limit passed under `wip_policy: warn`. */
  warnings: string[]
}

/** A record's identity: no bulk edit may touch it (an id set on many records cannot be right). */
const IDENTITY = ['id', 'type'] as const

/** The fields the operations name, in order. */
function fieldsOf(ops: EditOperations): string[] {
  return [...new Set([...Object.keys(ops.set ?? {}), ...(ops.unset ?? []), ...Object.keys(ops.add ?? {}), ...Object.keys(ops.remove ?? {})])]
}

/**
 * Computes and validates the edit of every record in `records` (records of `store`) without
 * writing anything. Throws the first problem (UsageError, InvalidDocumentError, ConflictError,
 * each naming the file and field) when any edit is refused; the rest are in `data.problems`.
 */
export function planEdits(store: DocumentStore, records: readonly DocumentRecord[], ops: EditOperations): EditPlan {
  assertBulkOperations(ops)
  const fields = fieldsOf(ops)
  const edits: PlannedEdit[] = []
  for (const record of records) {
    const edit = planOne(store, record, ops, fields)
    if (edit !== undefined) edits.push(edit)
  }
  const plan: EditPlan = {ops, edits, matched: records.length, unchanged: records.length - edits.length, warnings: []}
  if (edits.length === 0) return plan
  const all = recordsAfter(store.load().records, edits)
  throwFirst(batchProblems(store, edits, all))
  plan.warnings = wipWarnings(store, edits)
  return plan
}

/**
 * Writes a plan: one locked, atomic write per file. A file that changed since the plan was made
 * is edited again from its new content (and checked again on its own). Returns the records as
 * written. When a write fails, the files written before it stay written; the error says so.
 */
export async function applyEdits(store: DocumentStore, plan: EditPlan): Promise<DocumentRecord[]> {
  const written: DocumentRecord[] = []
  for (const edit of plan.edits) {
    try {
      if (await store.writePrepared(edit.before, edit.after, edit.parsed)) {
        written.push(edit.parsed.record)
      } else {
        const result = await store.update(edit.record.id, plan.ops, edit.record.type)
        if (result.changed) written.push(result.record)
      }
    } catch (error) {
      if (!(error instanceof PspError) || written.length === 0) throw error
      const Class = error.constructor as new (message: string, options: Record<string, unknown>) => PspError
      throw new Class(error.message, {
        ...error.location,
        data: {...error.data, written: written.map((r) => r.path)},
        hint: `${written.length} of ${plan.edits.length} files were already changed (git diff shows them)`,
      })
    }
  }
  return written
}

/** Refuses, for the whole batch at once, what no record may have done to it. */
function assertBulkOperations(ops: EditOperations): void {
  const touched = fieldsOf(ops)
  for (const key of IDENTITY) {
    if (touched.includes(key)) throw new UsageError("cannot be changed: it is the record's identity", {field: key})
  }
  if ((ops.unset ?? []).includes('title')) throw new UsageError('title cannot be removed or empty', {field: 'title'})
}

/** One record's edit, read from its file now; undefined when it changes nothing. */
function planOne(store: DocumentStore, record: DocumentRecord, ops: EditOperations, fields: string[]): PlannedEdit | undefined {
  const current = readDocument(store.ws, record.path)
  let after: string
  try {
    const changes = changesFor(current.record.data, ops)
    assertEditable(current.record.data, changes)
    after = applyChanges(current.split, changes)
  } catch (error) {
    throw withPath(error, record.path)
  }
  const before = (current.split.bom ? '\uFEFF' : '') + current.split.text
  if (after === before) return undefined
  const parsed = parseDocumentText(after, record.path, record.archived)
  const changes = fields
    .map((field) => ({field, from: current.record.data[field], to: parsed.record.data[field]}))
    .filter((c) => !isDeepStrictEqual(c.from, c.to))
  return {record: current.record, changes, before, after, parsed}
}

/** Every record of the workspace as it will be once the edits are written. */
function recordsAfter(records: readonly DocumentRecord[], edits: readonly PlannedEdit[]): DocumentRecord[] {
  const edited = new Map(edits.map((e) => [e.record.path, e.parsed.record]))
  return records.map((r) => edited.get(r.path) ?? r)
}

/**
 * The problems the edited documents would have, checked against `all` (the workspace after the
 * batch): schema, references, a duplicate id, and dependency cycles through an edited record.
 */
function batchProblems(store: DocumentStore, edits: readonly PlannedEdit[], all: readonly DocumentRecord[]): Problem[] {
  const byId = new Map<string, DocumentRecord>()
  const paths = new Map<string, string[]>()
  for (const r of all) {
    byId.set(r.id, r)
    paths.set(r.id, [...(paths.get(r.id) ?? []), r.path])
  }
  const deps = new Map<string, string[]>()
  for (const r of all) if (!r.archived) deps.set(r.id, stringsOf(r.data['depends_on']))
  const cyclic = cyclicComponents(deps)
  const problems: Problem[] = []
  for (const {parsed} of edits) {
    const {record} = parsed
    problems.push(...schemaProblems(store.ws, parsed))
    const others = (paths.get(record.id) ?? []).filter((p) => p !== record.path)
    if (others.length > 0) {
      problems.push({
        path: record.path,
        ...locateKey(parsed.split, 'id'),
        field: 'id',
        message: `duplicate id: ${record.id} is also used by ${others[0]}`,
        code: 'DUPLICATE_ID',
      })
    }
    byId.set(record.id, record)
    problems.push(...referenceProblems(parsed, byId))
    const component = record.archived ? undefined : cyclic.get(record.id)
    if (component !== undefined) {
      const cycle = shortestCycle(record.id, deps, component)
      problems.push({
        path: record.path,
        ...locateKey(parsed.split, 'depends_on'),
        field: 'depends_on',
        message: `dependency cycle: ${cycle.join(' → ')}`,
        code: 'CYCLE',
      })
    }
  }
  return problems
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return []
}

interface Frame {
  node: string
  successors: string[]
  next: number
}

/**
 * The strongly connected components of the dependency graph that hold a cycle (two or more
 * records; a record depending on itself is a reference problem), by member id. Tarjan's
 * algorithm without recursion, so a long dependency chain cannot overflow the stack.
 */
function cyclicComponents(deps: ReadonlyMap<string, string[]>): Map<string, ReadonlySet<string>> {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const out = new Map<string, ReadonlySet<string>>()
  let counter = 0
  for (const start of deps.keys()) {
    if (index.has(start)) continue
    const frames: Frame[] = []
    const enter = (node: string) => {
      index.set(node, counter)
      low.set(node, counter++)
      stack.push(node)
      onStack.add(node)
      // Ids that name no live record (dangling or archived) lead nowhere.
      frames.push({node, successors: (deps.get(node) ?? []).filter((s) => deps.has(s)), next: 0})
    }
    enter(start)
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as Frame
      if (frame.next < frame.successors.length) {
        const next = frame.successors[frame.next++] as string
        if (!index.has(next)) {
          enter(next)
        } else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(next) as number))
        }
        continue
      }
      frames.pop()
      const parent = frames[frames.length - 1]
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number))
      if (low.get(frame.node) !== index.get(frame.node)) continue
      const members = new Set<string>()
      let member: string
      do {
        member = stack.pop() as string
        onStack.delete(member)
        members.add(member)
      } while (member !== frame.node)
      if (members.size > 1) for (const m of members) out.set(m, members)
    }
  }
  return out
}

/** The shortest way from `id` back to itself inside its component: `[id, …, id]`. */
function shortestCycle(id: string, deps: ReadonlyMap<string, string[]>, component: ReadonlySet<string>): string[] {
  const parent = new Map<string, string>()
  const queue = [id]
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as string
    for (const next of deps.get(node) ?? []) {
      if (!component.has(next)) continue
      if (next === id) {
        const trail = [node]
        while (trail[0] !== id) trail.unshift(parent.get(trail[0] as string) as string)
        return [...trail, id]
      }
      if (!parent.has(next)) {
        parent.set(next, node)
        queue.push(next)
      }
    }
  }
  return [id, id]
}

/** Throws the first problem as the error a single edit would throw, counting the others. */
function throwFirst(problems: Problem[]): void {
  const first = problems[0]
  if (first === undefined) return
  const files = new Set(problems.map((p) => p.path)).size
  const rest = problems.length - 1
  const more =
    rest === 0
      ? ''
      : ` (and ${rest} more problem${rest > 1 ? 's' : ''}${files > 1 ? ` in ${files} files` : ''})`
  const ErrorClass = first.code === 'CYCLE' || first.code === 'DUPLICATE_ID' ? ConflictError : InvalidDocumentError
  throw new ErrorClass(`${first.message}${more}`, {
    path: first.path,
    line: first.line,
    col: first.col,
    field: first.field,
    data: {problems},
  })
}

/**
 * The WIP rule of `task move`, for the whole batch: a status that the batch moves tasks into and
 * that holds more tasks than its limit afterwards is refused (`wip_policy: refuse`, ConflictError)
 * or reported (`warn`, the returned warnings).
 */
function wipWarnings(store: DocumentStore, edits: readonly PlannedEdit[]): string[] {
  const {wip, wip_policy: policy} = store.ws.settings.workflow
  const moves = edits.filter((e) => e.record.type === 'task' && !e.record.archived && e.changes.some((c) => c.field === 'status'))
  const warnings: string[] = []
  for (const [status, limit] of Object.entries(wip)) {
    // One operation for every record: when tasks move into a status, none move out of it.
    const into = moves.filter((e) => e.parsed.record.data['status'] === status).length
    if (into === 0) continue
    const count = tasksInStatus(store, status).length + into
    if (count <= limit) continue
    const message = `${status}: ${count} tasks after this edit, over its WIP limit of ${limit}`
    if (policy === 'refuse') {
      throw new ConflictError(`${message}; nothing changed`, {
        field: 'status',
        data: {status, count, limit},
        hint: `edit fewer tasks, move tasks out of ${status} first, or raise workflow.wip.${status} in config/settings.yaml`,
      })
    }
    warnings.push(message)
  }
  return warnings
}
