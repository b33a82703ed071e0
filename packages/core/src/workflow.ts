/**
 * The status workflow of tasks (config/settings.yaml `workflow`): moving a task to a status,
 * marking it done, and the WIP limits that guard a move. Only the `status:` line is rewritten.
 */
import type {DocumentRecord} from './document.js'
import {ConflictError, InvalidDocumentError} from './errors.js'
import {SETTINGS_PATH} from './layout.js'
import type {DocumentStore} from './store.js'

/** The result of a move: the task as it is now on disk, and what the move did. */
export interface MoveResult {
  record: DocumentRecord
  /** False when the task already had the status (nothing was written). */
  changed: boolean
  /** The status before the move (undefined when the task had none). */
  from: string | undefined
  to: string
  /** Things the user should know (a WIP limit reached under the `warn` policy, a linked OpenSpec box that could not be set). */
  warnings: string[]
}

/** Throws unless `status` is one of the workflow's statuses. */
export function assertWorkflowStatus(store: DocumentStore, status: string): void {
  const {statuses} = store.ws.settings.workflow
  if (!statuses.includes(status)) {
    throw new InvalidDocumentError(`"${status}" is not allowed (expected one of: ${statuses.join(', ')})`, {
      field: 'status',
      hint: 'workflow.statuses in config/settings.yaml lists the statuses',
    })
  }
}

/** Non-archived tasks whose status is `status`. */
export function tasksInStatus(store: DocumentStore, status: string): DocumentRecord[] {
  return store.list('task').filter((r) => r.data['status'] === status)
}

/**
 * Moves a task (id or unique prefix) to `status`. When the target status is at its WIP limit the
 * move goes ahead with a warning (`wip_policy: warn`) or throws ConflictError and writes nothing
 * (`wip_policy: refuse`). Moving a task to the status it already has changes nothing.
 */
export async function moveTask(store: DocumentStore, idOrPrefix: string, status: string): Promise<MoveResult> {
  assertWorkflowStatus(store, status)
  const current = store.get(idOrPrefix, 'task')
  const from = typeof current.data['status'] === 'string' ? current.data['status'] : undefined
  if (from === status) return {record: current, changed: false, from, to: status, warnings: []}
  const warnings: string[] = []
  const {wip, wip_policy: policy} = store.ws.settings.workflow
  const limit = wip[status]
  if (limit !== undefined && !current.archived) {
    const count = tasksInStatus(store, status).filter((r) => r.id !== current.id).length
    if (count >= limit) {
      const message = `${status} is at its WIP limit (${count}/${limit})`
      if (policy === 'refuse') {
        throw new ConflictError(`${message}: ${current.id} stays in ${from ?? 'no status'}`, {
          field: 'status',
          data: {status, count, limit},
          hint: `finish or move a task out of ${status} first, or raise workflow.wip.${status} in config/settings.yaml`,
        })
      }
      warnings.push(message)
    }
  }
  const result = await store.update(current.id, {set: {status}}, 'task')
  warnings.push(...(result.warnings ?? []))
  return {record: result.record, changed: result.changed, from, to: status, warnings}
}

/** Moves a task to the first of the workflow's done statuses (see moveTask). */
export async function doneTask(store: DocumentStore, idOrPrefix: string): Promise<MoveResult> {
  const [done] = store.ws.settings.workflow.done
  if (done === undefined) {
    throw new InvalidDocumentError('no status counts as done: workflow.done is empty', {
      path: SETTINGS_PATH,
      field: 'workflow.done',
    })
  }
  return moveTask(store, idOrPrefix, done)
}
