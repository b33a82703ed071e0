/**
 * `psp template create-from <project>`: an existing project made into a template in the
 * workspace's data/templates/, so the next one starts where this one ended. Ids become keys,
 * the project's name becomes `{{ name }}`, and every date becomes an offset from a `start`
 * variable (the project's start, or its earliest date), so the plan keeps its shape on a new
 * calendar. Status, assignees' progress and psp's bookkeeping stay behind.
 */
import fs from 'node:fs'
import path from 'node:path'
import {ConflictError, UsageError} from '../errors.js'
import type {DocumentRecord} from '../document.js'
import {renderNewDocument} from '../document.js'
import {slugify} from '../ids.js'
import {LAYOUT} from '../layout.js'
import {parseDay} from '../query/dates.js'
import type {DocumentStore} from '../store.js'
import {REFERENCE_FIELDS} from '../validate.js'
import {MANIFEST_FILE} from './manifest.js'
import {readTemplate, type Template} from './template.js'

export interface CreateFromOptions {
  /** The template's name (default: the project title's slug). */
  name?: string
  /** Its one-line description (default: "Made from <project title>"). */
  description?: string
}

/** What create-from wrote. */
export interface CreateFromReport {
  template: Template
  /** Workspace-relative paths of the files written. */
  files: string[]
  /** The date every offset counts from, in the source project. */
  anchor?: string
  /** Dependencies on tasks outside the project, which the template cannot keep. */
  droppedDependencies: {task: string; on: string}[]
}

/** Fields that say where a record stands, not what the plan is: left out of a template. */
const STATE_FIELDS = new Set(['id', 'type', 'title', 'project', 'status', 'openspec_change', 'openspec_task', 'merge_conflicts'])
/** Fields a template document reserves for itself: a record's own `key` (a tracker's, say) gives way. */
const RESERVED_FIELDS = new Set(['key'])
const NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/

/** Milestones sort by due date (undated last), everything else by file. */
function orderKey(record: DocumentRecord): string {
  const due = record.type === 'milestone' && typeof record.data['due'] === 'string' ? record.data['due'] : '~'
  return `${due}\0${record.path}`
}

/**
 * A body made general: the project's name becomes `{{ name }}` (its slug `{{ slug }}`) and every date an offset from
 * `start`, so the text of a project made from the template speaks of that project.
 */
function generalise(body: string, title: string, anchor: number | undefined): string {
  let out = title.trim() === '' ? body : body.split(title).join('{{ name }}')
  const slug = slugify(title)
  if (slug.length >= 3) out = out.split(slug).join('{{ slug }}')
  if (anchor !== undefined) {
    out = out.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (date) => {
      const day = parseDay(date, true)
      return day === undefined ? date : offsetExpression(day - anchor)
    })
  }
  return out
}

/** `{{` in text copied from a project is literal text in the template. */
function escapeBraces(text: string): string {
  return text.replace(/\{\{/g, '\\{{')
}

function escapeValue(value: unknown): unknown {
  if (typeof value === 'string') return escapeBraces(value)
  if (Array.isArray(value)) return value.map(escapeValue)
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeValue(v)]))
  return value
}

/** An offset from `start` in the largest whole unit: `{{ start + 2w }}`, `{{ start - 3d }}`. */
function offsetExpression(days: number): string {
  if (days === 0) return '{{ start }}'
  const sign = days > 0 ? '+' : '-'
  const n = Math.abs(days)
  return n % 7 === 0 ? `{{ start ${sign} ${n / 7}w }}` : `{{ start ${sign} ${n}d }}`
}

/** Makes a template of a project and writes it to data/templates/<name>/. */
export function createTemplateFromProject(store: DocumentStore, query: string, options: CreateFromOptions = {}): CreateFromReport {
  const project = store.get(query, 'project')
  const name = options.name ?? slugify(project.title)
  if (!NAME_PATTERN.test(name)) throw new UsageError(`"${name}" is not a template name: lower-case letters, digits and dashes (--name)`)
  const dir = store.ws.resolve(`${LAYOUT.templates}/${name}`)
  if (fs.existsSync(dir)) throw new ConflictError(`${LAYOUT.templates}/${name} already exists: choose another --name`, {data: {path: `${LAYOUT.templates}/${name}`}})

  const members = store
    .list()
    .filter((r) => r.id !== project.id && r.data['project'] === project.id && !r.archived)
    .sort((a, b) => (a.type === b.type ? orderKey(a).localeCompare(orderKey(b)) : a.type === 'milestone' ? -1 : b.type === 'milestone' ? 1 : a.type < b.type ? -1 : 1))
  const records = [project, ...members]
  const milestones = members.filter((r) => r.type === 'milestone')

  // Keys from titles, unique within the template.
  const keys = new Map<string, string>([[project.id, 'project']])
  const used = new Set(['project'])
  for (const record of members) {
    const base = slugify(record.title).slice(0, 56).replace(/-+$/, '') || record.type
    let key = base
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`
    used.add(key)
    keys.set(record.id, key)
  }

  const dates = records.flatMap((r) => Object.values(r.data).filter((v): v is string => typeof v === 'string' && DATE_ONLY.test(v) && parseDay(v, true) !== undefined))
  const start = typeof project.data['start'] === 'string' && parseDay(project.data['start'], true) !== undefined ? project.data['start'] : [...dates].sort()[0]
  const anchor = start === undefined ? undefined : (parseDay(start, true) as number)

  const droppedDependencies: {task: string; on: string}[] = []
  const files = new Map<string, string>()
  const folder = (type: string) => (type === 'milestone' ? 'milestones' : type === 'task' ? 'tasks' : `${type}s`)
  for (const record of records) {
    const key = keys.get(record.id) as string
    const data: Record<string, unknown> = {}
    if (record !== project) data['key'] = key
    data['type'] = record.type
    data['title'] = record === project ? '{{ name }}' : escapeBraces(record.title)
    // A new project starts active, its milestones open; tasks take the workflow's default status.
    if (record.type === 'project') data['status'] = 'active'
    if (record.type === 'milestone' && record.data['status'] !== undefined) data['status'] = 'open'
    for (const [field, value] of Object.entries(record.data)) {
      if (STATE_FIELDS.has(field) || RESERVED_FIELDS.has(field)) continue
      if (Object.hasOwn(REFERENCE_FIELDS, field)) {
        const ids = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
        const kept = ids.filter((id) => keys.has(id))
        for (const id of ids) if (!keys.has(id)) droppedDependencies.push({task: record.id, on: id})
        if (kept.length === 0) continue
        data[field] = Array.isArray(value) ? kept.map((id) => keys.get(id)) : keys.get(kept[0] as string)
        continue
      }
      const day = typeof value === 'string' && DATE_ONLY.test(value) ? parseDay(value, true) : undefined
      data[field] = day !== undefined && anchor !== undefined ? offsetExpression(day - anchor) : escapeValue(value)
    }
    // Links to the project's own records follow them into the template; others stay as they are.
    // The project's name and the plan's dates in the text move with the new project too.
    const body = generalise(escapeBraces(record.body), project.title, anchor).replace(/\[\[([^\]\s|]+)\]\]/g, (link, id: string) => {
      const target = keys.get(id)
      return target === undefined ? link : `[[${target}]]`
    })
    // Milestones are numbered in date order: templates list their plan in file order.
    const milestone = milestones.indexOf(record)
    const rel = record === project ? 'plan/project.md' : `plan/${folder(record.type)}/${milestone === -1 ? '' : `${milestone + 1}-`}${key}.md`
    files.set(rel, renderNewDocument(data, body))
  }
  const description = options.description ?? `Made from the project "${project.title}"`
  const manifest = [
    `# Made by psp template create-from ${project.id}. Dates count from \`start\`.`,
    'schema: 1',
    `name: ${name}`,
    `description: ${JSON.stringify(description)}`,
    'variables:',
    '  start:',
    '    type: date',
    '    description: First day of the project',
    '    default: today',
    '',
  ].join('\n')
  files.set(MANIFEST_FILE, manifest)

  // Written into a hidden folder first and renamed: the template appears whole or not at all.
  const temp = store.ws.resolve(`${LAYOUT.templates}/.${name}.${process.pid}.tmp`)
  fs.rmSync(temp, {recursive: true, force: true})
  try {
    for (const [rel, text] of files) {
      const file = path.join(temp, ...rel.split('/'))
      fs.mkdirSync(path.dirname(file), {recursive: true})
      fs.writeFileSync(file, text, {flag: 'wx'})
    }
    readTemplate(temp, 'workspace', name)
    fs.renameSync(temp, dir)
  } finally {
    fs.rmSync(temp, {recursive: true, force: true})
  }
  const template = readTemplate(dir, 'workspace')
  return {
    template,
    files: [...files.keys()].map((rel) => `${LAYOUT.templates}/${name}/${rel}`).sort(),
    ...(start === undefined ? {} : {anchor: start}),
    droppedDependencies,
  }
}
