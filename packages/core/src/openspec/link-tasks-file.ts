/**
 * A change's tasks.md as `psp openspec link` reads and writes it: finding it from a change name
 * (refusing names that are not one folder under openspec/changes/), and ticking or clearing boxes
 * by item key under a file lock, re-reading the file inside the lock so that two psp processes
 * ticking boxes of one change never lose each other's ticks. Kept free of the document store: the
 * store loads this module when a linked task's status changes.
 */
import {isUtf8} from 'node:buffer'
import fs from 'node:fs'
import {InvalidDocumentError, IoError, NotFoundError, UnsafeInputError, UsageError} from '../errors.js'
import {resolveInside, withFileLock, writeFileAtomic} from '../fs-safe.js'
import {LAYOUT} from '../layout.js'
import {parseTaskItems, setBoxes, type ChecklistItem} from './link-items.js'

/** The folder under openspec/changes/ that holds archived changes, not a change. */
const ARCHIVE_FOLDER = 'archive'

/**
 * Throws unless `change` names one folder directly under openspec/changes/: no separators, no
 * `.`/`..`, no hidden folder, not the archive.
 */
export function assertChangeName(change: string): void {
  if (change === '' || /[/\\\0]/.test(change) || change.startsWith('.')) {
    throw new UnsafeInputError(`change name "${change}" is not a folder name under ${LAYOUT.changes}/`, {
      hint: 'give the change as `openspec list` shows it, e.g. add-user-auth',
    })
  }
  if (change === ARCHIVE_FOLDER) {
    throw new UsageError(`"${ARCHIVE_FOLDER}" holds archived changes, not a change`, {hint: 'give an active change, as `openspec list` shows them'})
  }
}

/** The workspace-relative path of a change's tasks.md (the name is checked first). */
export function tasksFilePath(change: string): string {
  assertChangeName(change)
  return `${LAYOUT.changes}/${change}/tasks.md`
}

/** A change's tasks.md: its text (BOM included) and items. */
export interface TasksFile {
  /** Workspace-relative path. */
  path: string
  text: string
  items: ChecklistItem[]
}

/**
 * Reads a change's tasks.md under `root` (the folder holding openspec/). A missing openspec/
 * folder, change or tasks.md is a NotFoundError naming what is missing.
 */
export function readTasksFile(root: string, change: string): TasksFile {
  const rel = tasksFilePath(change)
  const changeDir = resolveInside(root, `${LAYOUT.changes}/${change}`)
  if (!isDirectory(resolveInside(root, 'openspec'))) {
    throw new NotFoundError('no openspec/ folder in the workspace', {hint: 'run `psp openspec init` (or `openspec init`) first'})
  }
  if (!isDirectory(changeDir)) {
    throw new NotFoundError(`no change "${change}" in ${LAYOUT.changes}/`, {hint: '`psp openspec list` shows the active changes'})
  }
  const file = resolveInside(root, rel)
  let bytes: Buffer
  try {
    bytes = fs.readFileSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new NotFoundError(`change "${change}" has no tasks.md`, {path: rel, hint: 'write its task list first (openspec instructions tasks)'})
    }
    throw new IoError(`cannot read ${rel}: ${(error as Error).message}`, {path: rel, cause: error})
  }
  // Rewriting a box must give back every other byte as it was, which only valid UTF-8 allows.
  if (!isUtf8(bytes)) throw new InvalidDocumentError('invalid UTF-8: tasks.md must be UTF-8 text', {path: rel})
  const text = bytes.toString('utf8')
  return {path: rel, text, items: parseTaskItems(text)}
}

function isDirectory(absolute: string): boolean {
  return fs.statSync(absolute, {throwIfNoEntry: false})?.isDirectory() === true
}

/** What setting boxes by key did. */
export interface BoxUpdate {
  /** Keys whose box changed. */
  changed: string[]
  /** Keys that name no item, or more than one (those boxes are left alone). */
  missing: string[]
}

/**
 * Sets the boxes of the items with the given keys (true: `[x]`, false: `[ ]`) in a change's
 * tasks.md, under a lock. Only the brackets of those lines change; the file is rewritten
 * atomically, and not at all when every box already is as asked.
 */
export async function setBoxesByKey(root: string, change: string, marks: ReadonlyMap<string, boolean>): Promise<BoxUpdate> {
  const rel = tasksFilePath(change)
  const file = resolveInside(root, rel)
  return withTasksFileLock(file, rel, () => {
    const {text, items} = readTasksFile(root, change)
    const byKey = new Map<string, ChecklistItem[]>()
    for (const item of items) byKey.set(item.key, [...(byKey.get(item.key) ?? []), item])
    const update: BoxUpdate = {changed: [], missing: []}
    const edits: Array<{item: ChecklistItem; done: boolean}> = []
    for (const [key, done] of marks) {
      const found = byKey.get(key)
      if (found === undefined || found.length !== 1) {
        update.missing.push(key)
        continue
      }
      const item = found[0] as ChecklistItem
      if (item.done === done) continue
      edits.push({item, done})
      update.changed.push(key)
    }
    if (edits.length > 0) writeFileAtomic(file, setBoxes(text, edits))
    return update
  })
}

/**
 * Keeps a linked task's box in step with its status, after the task's file was written: ticks it
 * when the task became done, clears it when the task left done. Never throws: the task is already
 * written, so a box that cannot be set is returned as a warning for the command to show.
 */
export async function syncLinkedBox(root: string, change: string, key: string, done: boolean): Promise<string | undefined> {
  try {
    const {missing} = await setBoxesByKey(root, change, new Map([[key, done]]))
    if (missing.length > 0) return `${tasksFilePath(change)} has no single item "${key}": its box was not ${done ? 'ticked' : 'cleared'} (psp openspec link ${change} shows the drift)`
    return undefined
  } catch (error) {
    return `the box of "${key}" in change ${change} was not ${done ? 'ticked' : 'cleared'}: ${(error as Error).message}`
  }
}

/** Runs `fn` holding the document store's kind of lock on `file`, when the file exists. */
async function withTasksFileLock<T>(file: string, rel: string, fn: () => T): Promise<T> {
  return fs.existsSync(file) ? withFileLock(file, rel, fn) : fn()
}
