/**
 * Task progress of a change: the checkboxes of its tasks.md. Counted exactly as openspec counts
 * them (any list marker, any indent, any one-character mark; only `x` means done), so that `list`,
 * `view` and archive's incomplete-task warning agree between the two tools.
 */
import fs from 'node:fs'
import path from 'node:path'
import {DEFAULT_SCHEMA, hasProjectSchema, resolveSchemaForChange} from './metadata.js'
import {readFileText} from './path-memo.js'

/** One checkbox line. */
export interface ParsedTask {
  done: boolean
  description: string
}

export interface TaskProgress {
  total: number
  completed: number
}

export interface TaskProgressDetail extends TaskProgress {
  /** Task files that exist but could not be read. */
  unreadable: string[]
}

/**
 * A list item (`-`, `*`, `+`, `1.`, `1)`) with a checkbox holding at most one mark. A bracket
 * followed by `(` or `[` is a link, not a checkbox, unless the box is blank. Not anchored at the
 * end, so CRLF lines match too.
 */
const TASK_LINE = /^\s*(?:[-*+]|\d{1,9}[.)])\s*\[(?:\s*([^\]\s]?)\s*\](?![([])|\s+\])\s*(.*)/

/** Every checkbox line of a tasks file, in order (fenced ones included, as openspec counts them). */
export function parseTaskLines(content: string): ParsedTask[] {
  const tasks: ParsedTask[] = []
  for (const line of content.split('\n')) {
    const m = TASK_LINE.exec(line)
    if (m) tasks.push({done: (m[1] ?? '').toLowerCase() === 'x', description: (m[2] as string).trim()})
  }
  return tasks
}

/** Counts the tasks of a tasks file. */
export function countTasksFromContent(content: string): TaskProgress {
  const tasks = parseTaskLines(content)
  let completed = 0
  for (const t of tasks) if (t.done) completed++
  return {total: tasks.length, completed}
}

/**
 * The workflow schema a change resolves to (`.yaml` suffix dropped), or undefined when its
 * `.openspec.yaml` is invalid — then nothing is tracked and callers fall back to `tasks.md`.
 */
export function changeSchemaOrUndefined(changeDir: string, projectRoot: string): string | undefined {
  try {
    return resolveSchemaForChange(changeDir, undefined, projectRoot).replace(/\.ya?ml$/, '')
  } catch {
    return undefined
  }
}

/**
 * The task files the change's workflow schema tracks: for the built-in `spec-driven` schema,
 * `tasks.md` when it exists. Other schemas are not known to psp and track none (callers then
 * fall back to `tasks.md`). `schema` saves resolving it again when the caller has it.
 */
export function resolveTaskFilesForChange(changeDir: string, projectRoot: string, schema = changeSchemaOrUndefined(changeDir, projectRoot)): string[] {
  if (schema !== DEFAULT_SCHEMA || hasProjectSchema(projectRoot, schema)) return []
  const file = path.join(changeDir, 'tasks.md')
  try {
    return fs.statSync(file).isFile() ? [file] : []
  } catch {
    return []
  }
}

/** Progress of `changesDir/changeName`, with the task files that exist but cannot be read. */
export function getTaskProgressDetailForChange(changesDir: string, changeName: string, projectRoot: string): TaskProgressDetail {
  const changeDir = path.join(changesDir, changeName)
  const tracked = resolveTaskFilesForChange(changeDir, projectRoot)
  const files = tracked.length > 0 ? tracked : [path.join(changeDir, 'tasks.md')]
  const unreadable: string[] = []
  let total = 0
  let completed = 0
  for (const file of files) {
    let content: string
    try {
      content = readFileText(file)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') unreadable.push(file)
      continue
    }
    const p = countTasksFromContent(content)
    total += p.total
    completed += p.completed
  }
  return {total, completed, unreadable}
}

/** Progress of `changesDir/changeName` (what `list`, `view` and archive show). */
export function getTaskProgressForChange(changesDir: string, changeName: string, projectRoot: string): TaskProgress {
  const {total, completed} = getTaskProgressDetailForChange(changesDir, changeName, projectRoot)
  return {total, completed}
}

/** `No tasks`, `✓ Complete` or `3/5 tasks`, as openspec prints progress. */
export function formatTaskStatus(progress: TaskProgress): string {
  if (progress.total === 0) return 'No tasks'
  if (progress.completed === progress.total) return '✓ Complete'
  return `${progress.completed}/${progress.total} tasks`
}
