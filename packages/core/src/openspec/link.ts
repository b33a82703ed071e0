/**
 * `psp openspec link <change>`: the open items of a change's tasks.md become psp tasks tied to
 * the change (`openspec_change`, `openspec_task`), and the two sides are brought back in step.
 * Running it again only adds tasks for new open items. Syncing is one-way towards done: a box
 * ticked on either side makes both sides done (docs/openspec.md). The store keeps the box in
 * step whenever a linked task's status is written (DocumentStore.syncOpenSpecBox).
 */
import type {DocumentRecord} from '../document.js'
import {InvalidDocumentError} from '../errors.js'
import {SETTINGS_PATH} from '../layout.js'
import type {DocumentStore} from '../store.js'
import {doneTask} from '../workflow.js'
import {countBoxes, type BoxCount, type ChecklistItem} from './link-items.js'
import {readTasksFile, setBoxesByKey} from './link-tasks-file.js'

/** The frontmatter field naming the change a task comes from. */
export const LINK_CHANGE_FIELD = 'openspec_change'
/** The frontmatter field naming the item of tasks.md a task is (ChecklistItem.key). */
export const LINK_TASK_FIELD = 'openspec_task'

/** How to link. */
export interface LinkOptions {
  /**
   * The project (id or unique prefix) new tasks belong to. Default: the project every task already
   * linked to the change belongs to, if they share one; else none.
   */
  project?: string
  /** Work out what would happen, write nothing. */
  dryRun?: boolean
}

/** An item of tasks.md and the psp task it is (no id for a task a dry run would create). */
export interface LinkEntry {
  key: string
  title: string
  /** Line of the item in tasks.md (undefined for an orphan: its item is gone). */
  line?: number
  id?: string
  path?: string
}

/** An item that could not be linked, and why. */
export interface SkippedItem {
  key: string
  line: number
  reason: string
}

/** Done over total, on each side. */
export interface LinkProgress {
  /** The psp tasks linked to the change (archived ones left out). */
  psp: BoxCount
  /** The boxes of tasks.md, as `openspec list` counts them. */
  checkboxes: BoxCount
}

/** What link did (or, with dryRun, would do). */
export interface LinkResult {
  change: string
  /** Workspace-relative path of the change's tasks.md. */
  tasksFile: string
  /** The project new tasks went to (null: none). */
  project: string | null
  dryRun: boolean
  /** Tasks made for open items. */
  created: LinkEntry[]
  /** psp tasks marked done because their box is ticked. */
  markedDone: LinkEntry[]
  /** Boxes ticked because their psp task is done. */
  ticked: LinkEntry[]
  /** psp tasks linked to the change whose item is no longer in tasks.md (left as they are). */
  orphaned: LinkEntry[]
  /** Items left alone: a key that names several items, an item with no text. */
  skipped: SkippedItem[]
  progress: LinkProgress
  /** Things the user should know (a WIP limit passed while marking tasks done). */
  warnings: string[]
}

/** The psp tasks linked to a change, live and archived, by item key. */
function linkedTasks(store: DocumentStore, change: string): {live: Map<string, DocumentRecord[]>; archived: Set<string>} {
  const live = new Map<string, DocumentRecord[]>()
  const archived = new Set<string>()
  for (const record of store.load().records) {
    if (record.type !== 'task' || record.data[LINK_CHANGE_FIELD] !== change) continue
    const key = record.data[LINK_TASK_FIELD]
    if (typeof key !== 'string') continue
    if (record.archived) archived.add(key)
    else live.set(key, [...(live.get(key) ?? []), record])
  }
  for (const records of live.values()) records.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {live, archived}
}

/** The items whose key names them alone, and the rest as skipped. */
function uniqueItems(items: readonly ChecklistItem[]): {unique: ChecklistItem[]; skipped: SkippedItem[]} {
  const counts = new Map<string, number>()
  for (const item of items) counts.set(item.key, (counts.get(item.key) ?? 0) + 1)
  const unique: ChecklistItem[] = []
  const skipped: SkippedItem[] = []
  for (const item of items) {
    const n = counts.get(item.key) as number
    if (item.key === '') skipped.push({key: '', line: item.line, reason: 'the item has no text'})
    else if (n > 1) skipped.push({key: item.key, line: item.line, reason: `"${item.key}" names ${n} items: number them or make their text differ`})
    else unique.push(item)
  }
  return {unique, skipped}
}

/** The project new tasks go to: the one asked for, else the one the linked tasks share. */
function projectFor(store: DocumentStore, asked: string | undefined, live: Map<string, DocumentRecord[]>): string | undefined {
  if (asked !== undefined) return store.get(asked, 'project').id
  const projects = new Set([...live.values()].flat().map((r) => r.data['project']))
  const [only] = projects
  return projects.size === 1 && typeof only === 'string' ? only : undefined
}

const entryOf = (item: ChecklistItem, record?: DocumentRecord): LinkEntry => ({
  key: item.key,
  title: item.title,
  line: item.line,
  ...(record === undefined ? {} : {id: record.id, path: record.path}),
})

/**
 * Links a change's tasks.md to psp tasks (see the module comment). The workspace root's
 * openspec/ folder holds the change. Everything is checked before the first write: an unknown
 * change, a change without tasks.md, a name with path tricks or an unknown project throw and
 * change nothing.
 */
export async function linkChange(store: DocumentStore, change: string, options: LinkOptions = {}): Promise<LinkResult> {
  const file = readTasksFile(store.ws.root, change)
  const {live, archived} = linkedTasks(store, change)
  const project = projectFor(store, options.project, live)
  const {unique, skipped} = uniqueItems(file.items)
  const {done} = store.ws.settings.workflow
  const isDone = (record: DocumentRecord) => done.includes(String(record.data['status']))

  const toCreate: ChecklistItem[] = []
  const toMarkDone: Array<{item: ChecklistItem; record: DocumentRecord}> = []
  const toTick: Array<{item: ChecklistItem; record: DocumentRecord}> = []
  for (const item of unique) {
    const records = live.get(item.key) ?? []
    if (records.length === 0 && !archived.has(item.key) && !item.done) toCreate.push(item)
    for (const record of records) {
      if (item.done && !isDone(record)) toMarkDone.push({item, record})
      else if (!item.done && isDone(record) && !toTick.some((t) => t.item === item)) toTick.push({item, record})
    }
  }
  const keys = new Set(file.items.map((i) => i.key))
  const orphaned: LinkEntry[] = [...live.entries()]
    .filter(([key]) => !keys.has(key))
    .flatMap(([key, records]) => records.map((r) => ({key, title: r.title, id: r.id, path: r.path})))
  if (toMarkDone.length > 0 && done.length === 0) {
    throw new InvalidDocumentError('no status counts as done: workflow.done is empty', {path: SETTINGS_PATH, field: 'workflow.done'})
  }

  const result: LinkResult = {
    change,
    tasksFile: file.path,
    project: project ?? null,
    dryRun: options.dryRun === true,
    created: [],
    markedDone: toMarkDone.map(({item, record}) => entryOf(item, record)),
    ticked: toTick.map(({item, record}) => entryOf(item, record)),
    orphaned,
    skipped,
    progress: {psp: {done: 0, total: 0}, checkboxes: {done: 0, total: 0}},
    warnings: [],
  }
  if (options.dryRun === true) {
    result.created = toCreate.map((item) => entryOf(item))
  } else {
    for (const item of toCreate) {
      const fields = {...(project === undefined ? {} : {project}), [LINK_CHANGE_FIELD]: change, [LINK_TASK_FIELD]: item.key}
      const {record} = store.create({type: 'task', title: item.title, fields})
      result.created.push(entryOf(item, record))
    }
    for (const {record} of toMarkDone) result.warnings.push(...(await doneTask(store, record.id)).warnings)
    if (toTick.length > 0) {
      const update = await setBoxesByKey(store.ws.root, change, new Map(toTick.map(({item}) => [item.key, true])))
      for (const key of update.missing) result.warnings.push(`${file.path} changed meanwhile: "${key}" no longer names one item, its box was not ticked`)
    }
  }
  result.progress = progressAfter(store, change, result, options.dryRun === true)
  return result
}

/** Progress on both sides once the link is done (for a dry run, as it would be). */
function progressAfter(store: DocumentStore, change: string, result: LinkResult, dryRun: boolean): LinkProgress {
  const {done} = store.ws.settings.workflow
  const records = [...linkedTasks(store, change).live.values()].flat()
  const psp = {done: records.filter((r) => done.includes(String(r.data['status']))).length, total: records.length}
  const checkboxes = countBoxes(readTasksFile(store.ws.root, change).items)
  if (!dryRun) return {psp, checkboxes}
  return {
    psp: {done: psp.done + result.markedDone.length, total: psp.total + result.created.length},
    checkboxes: {done: checkboxes.done + result.ticked.length, total: checkboxes.total},
  }
}
