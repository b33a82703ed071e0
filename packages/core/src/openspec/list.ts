/**
 * `openspec list`: the active changes with their task progress and last change time, or the specs
 * with their requirement counts — openspec's JSON payloads and text lines.
 */
import fs from 'node:fs'
import path from 'node:path'
import {describeNestedChange, discoverSpecFiles, findNestedChanges} from './discovery.js'
import {parseSections, specFromSections} from './markdown.js'
import {resolveOpenSpecRoot, rootOutput, type OpenSpecRoot} from './root.js'
import {formatTaskStatus, getTaskProgressForChange} from './task-progress.js'

/** One change of `list --json`. */
export interface ChangeListEntry {
  name: string
  completedTasks: number
  totalTasks: number
  lastModified: string
  status: 'no-tasks' | 'complete' | 'in-progress'
  nested?: string[]
}

export interface NestedChangeWarning {
  code: 'nested_change_directory'
  name: string
  nested: string[]
  message: string
}

export interface ChangeListPayload {
  changes: ChangeListEntry[]
  warnings?: NestedChangeWarning[]
  root?: ReturnType<typeof rootOutput>
}

export interface SpecListEntry {
  id: string
  requirementCount: number
}

export interface SpecListPayload {
  specs: SpecListEntry[]
  root?: ReturnType<typeof rootOutput>
}

export type ListSort = 'recent' | 'name'

const errCode = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code

/** The newest modification time of any file below `dir` (the folder's own when it holds none). */
export function lastModified(dir: string): Date {
  let latest: Date | undefined
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, {withFileTypes: true})) {
      const full = path.join(d, entry.name)
      try {
        if (entry.isDirectory()) walk(full)
        else {
          const mtime = fs.statSync(full).mtime
          if (latest === undefined || mtime > latest) latest = mtime
        }
      } catch (error) {
        // An entry that vanished, or a dangling or looping link, cannot be dated: skip it alone.
        const code = errCode(error)
        if (code !== 'ENOENT' && code !== 'ELOOP') throw error
      }
    }
  }
  walk(dir)
  return latest ?? fs.statSync(dir).mtime
}

/** "just now", "5m ago", "3h ago", "2d ago", or the date after 30 days (as openspec prints it). */
export function formatRelativeTime(date: Date, now: Date = new Date()): string {
  const mins = Math.floor(Math.floor((now.getTime() - date.getTime()) / 1000) / 60)
  const hours = Math.floor(mins / 60)
  const days = Math.floor(hours / 24)
  if (days > 30) return date.toLocaleDateString()
  if (days > 0) return `${days}d ago`
  if (hours > 0) return `${hours}h ago`
  if (mins > 0) return `${mins}m ago`
  return 'just now'
}

interface ChangeRow {
  name: string
  completedTasks: number
  totalTasks: number
  lastModified: Date
  nested?: string[]
}

/** The changes of `root` (every folder under changes/ except `archive`), newest first or by name. */
export function listChanges(root: OpenSpecRoot, sort: ListSort = 'recent'): {payload: ChangeListPayload; lines: string[]} {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(root.changesDir, {withFileTypes: true})
  } catch (error) {
    if (errCode(error) !== 'ENOENT') throw error
    entries = []
  }
  const names = entries.filter((e) => e.isDirectory() && e.name !== 'archive').map((e) => e.name)
  if (names.length === 0) return {payload: {changes: [], root: rootOutput(root)}, lines: ['No active changes found.']}
  const findings = findNestedChanges(root.changesDir, names)
  const nestedByName = new Map(findings.map((f) => [f.name, f]))
  const rows: ChangeRow[] = names.map((name) => {
    const progress = getTaskProgressForChange(root.changesDir, name, root.path)
    const nested = nestedByName.get(name)?.nested
    return {
      name,
      completedTasks: progress.completed,
      totalTasks: progress.total,
      lastModified: lastModified(path.join(root.changesDir, name)),
      ...(nested ? {nested} : {}),
    }
  })
  if (sort === 'recent') rows.sort((a, b) => b.lastModified.getTime() - a.lastModified.getTime())
  else rows.sort((a, b) => a.name.localeCompare(b.name))

  const changes: ChangeListEntry[] = rows.map((c) => ({
    name: c.name,
    completedTasks: c.completedTasks,
    totalTasks: c.totalTasks,
    lastModified: c.lastModified.toISOString(),
    status: c.totalTasks === 0 ? 'no-tasks' : c.completedTasks === c.totalTasks ? 'complete' : 'in-progress',
    ...(c.nested ? {nested: c.nested} : {}),
  }))
  const warnings: NestedChangeWarning[] = findings.map((f) => ({code: 'nested_change_directory', name: f.name, nested: f.nested, message: describeNestedChange(f)}))

  const width = Math.max(...rows.map((c) => c.name.length))
  const lines = ['Changes:']
  const now = new Date()
  for (const c of rows) {
    const status = c.nested ? 'not a change' : formatTaskStatus({total: c.totalTasks, completed: c.completedTasks})
    lines.push(`  ${c.name.padEnd(width)}     ${status.padEnd(12)}  ${formatRelativeTime(c.lastModified, now)}`)
  }
  for (const f of findings) lines.push('', `Warning: ${describeNestedChange(f)}`)
  return {payload: {changes, ...(warnings.length > 0 ? {warnings} : {}), root: rootOutput(root)}, lines}
}

/** The number of requirements of a main spec, 0 when it cannot be read or parsed. */
export function requirementCountOf(specFile: string, id: string): number {
  try {
    return specFromSections(parseSections(fs.readFileSync(specFile, 'utf8')), id).requirements.length
  } catch {
    return 0
  }
}

/** The specs of `root`, by id, with their requirement counts. */
export function listSpecs(root: OpenSpecRoot): {payload: SpecListPayload; lines: string[]} {
  const empty = {payload: {specs: [], root: rootOutput(root)}, lines: ['No specs found.']}
  if (!fs.existsSync(root.specsDir)) return empty
  const discovered = discoverSpecFiles(root.specsDir)
  if (discovered.length === 0) return empty
  const specs = discovered.map(({id, specFile}) => ({id, requirementCount: requirementCountOf(specFile, id)}))
  specs.sort((a, b) => a.id.localeCompare(b.id))
  const width = Math.max(...specs.map((s) => s.id.length))
  return {payload: {specs, root: rootOutput(root)}, lines: ['Specs:', ...specs.map((s) => `  ${s.id.padEnd(width)}     requirements ${s.requirementCount}`)]}
}

/** What `list` was asked. */
export interface ListRequest {
  specs?: boolean
  /** `name`, or anything else for most recent first (as openspec reads it). */
  sort?: string
  startPath?: string
}

/**
 * Runs `list` as openspec does: the root must be found (an `openspec/project.md` in the start
 * directory lets that directory stand in for a legacy project), then changes or specs.
 */
export function runList(request: ListRequest = {}): {payload: ChangeListPayload | SpecListPayload; lines: string[]} {
  const startPath = request.startPath ?? process.cwd()
  const root = resolveOpenSpecRoot({startPath, allowImplicitRoot: fs.existsSync(path.join(startPath, 'openspec', 'project.md'))})
  return request.specs ? listSpecs(root) : listChanges(root, request.sort === 'name' ? 'name' : 'recent')
}
