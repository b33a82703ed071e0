/**
 * Reading a template folder: its manifest, its planning documents (plan/) and its files
 * (files/). A template may come from a stranger's git repository, so reading it trusts nothing:
 * links and special files are refused, sizes are capped, and every key, reference and
 * expression is checked before anything is rendered.
 */
import fs from 'node:fs'
import path from 'node:path'
import {InvalidDocumentError, IoError, NotFoundError, PspError, UnsafeInputError} from '../errors.js'
import {decodeDocument, splitDocument} from '../markdown/frontmatter.js'
import {REFERENCE_FIELDS, referenceValues} from '../validate.js'
import {MANIFEST_FILE, parseManifest, type TemplateManifest} from './manifest.js'

/** Where a template was found. */
export type TemplateSource = 'workspace' | 'user' | 'plugin' | 'builtin' | 'folder' | 'url'

/** A planning document of a template, as written in plan/ (expressions not rendered yet). */
export interface PlanDocument {
  /** Template-relative path, with forward slashes: `plan/tasks/design.md`. */
  file: string
  /** The document's name inside the template, which references use: `key`, else the file name. */
  key: string
  type: string
  title: string
  /** Every other frontmatter field, in file order (`key` left out). */
  fields: Record<string, unknown>
  body: string
}

/** A file of a template's files/ folder. */
export interface TemplateFile {
  /** Path below files/, with forward slashes (expressions not rendered yet). */
  path: string
  absolute: string
  size: number
  /** True when the file holds NUL bytes: copied as is, never rendered. */
  binary: boolean
  executable: boolean
}

/** A template, read and checked. */
export interface Template {
  name: string
  root: string
  source: TemplateSource
  manifest: TemplateManifest
  documents: PlanDocument[]
  files: TemplateFile[]
}

/** The folders of a template: the manifest beside them; anything else (a README) is ignored. */
export const PLAN_DIR = 'plan'
export const FILES_DIR = 'files'

/** Limits on what a template may hold (a template is small; a huge one is a mistake or an attack). */
export const TEMPLATE_LIMITS = {files: 2000, bytes: 50 * 1024 * 1024, documentBytes: 1024 * 1024}

const KEY_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/

/**
 * Reads and checks the template in `root`; `source` says where it was found, `label` how errors
 * name its folder (default: the folder's name).
 */
export function readTemplate(root: string, source: TemplateSource, label: string = path.basename(root)): Template {
  const manifestPath = path.join(root, MANIFEST_FILE)
  let manifestText: string
  try {
    const stat = fs.lstatSync(manifestPath)
    if (stat.isSymbolicLink()) throw new UnsafeInputError('a symbolic link: a template holds only plain files and folders', {path: shownPath(label, MANIFEST_FILE)})
    if (stat.size > TEMPLATE_LIMITS.documentBytes) throw new InvalidDocumentError(`${MANIFEST_FILE} is larger than 1 MiB`, {path: shownPath(label, MANIFEST_FILE)})
    manifestText = decodeDocument(fs.readFileSync(manifestPath))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new NotFoundError(`not a template: no ${MANIFEST_FILE} in ${root}`)
    if (error instanceof InvalidDocumentError && error.location.path === undefined) {
      throw new InvalidDocumentError(error.message, {...error.location, path: shownPath(label, MANIFEST_FILE)})
    }
    throw error
  }
  const manifest = parseManifest(manifestText, shownPath(label, MANIFEST_FILE))
  const entries = walk(root, label)
  const documents: PlanDocument[] = []
  const files: TemplateFile[] = []
  for (const entry of entries) {
    if (entry.rel.startsWith(`${PLAN_DIR}/`) && entry.rel.toLowerCase().endsWith('.md')) {
      documents.push(readPlanDocument(root, label, entry.rel, entry.size))
    } else if (entry.rel.startsWith(`${FILES_DIR}/`)) {
      const absolute = path.join(root, ...entry.rel.split('/'))
      files.push({path: entry.rel.slice(FILES_DIR.length + 1), absolute, size: entry.size, binary: holdsNul(absolute), executable: (entry.mode & 0o111) !== 0})
    }
  }
  checkPlan(label, documents)
  return {name: manifest.name, root, source, manifest, documents: planOrder(documents), files}
}

/** An error's path for a file of a template: the template's folder name and the file. */
function shownPath(label: string, rel: string): string {
  return `${label}/${rel}`
}

interface Entry {
  rel: string
  size: number
  mode: number
}

/** Every plain file below `root` (not .git), refusing links and special files, within the limits. */
function walk(root: string, label: string): Entry[] {
  const out: Entry[] = []
  let total = 0
  const visit = (dir: string, prefix: string) => {
    let names: string[]
    try {
      names = fs.readdirSync(dir).sort()
    } catch (error) {
      throw new IoError(`cannot read template folder ${dir}: ${(error as Error).message}`, {cause: error})
    }
    for (const name of names) {
      if (prefix === '' && name === '.git') continue
      const rel = prefix === '' ? name : `${prefix}/${name}`
      const absolute = path.join(dir, name)
      const stat = fs.lstatSync(absolute)
      if (stat.isSymbolicLink()) {
        throw new UnsafeInputError('a symbolic link: a template holds only plain files and folders', {path: shownPath(label, rel)})
      }
      if (stat.isDirectory()) {
        visit(absolute, rel)
        continue
      }
      if (!stat.isFile()) throw new UnsafeInputError('not a plain file: a template holds only plain files and folders', {path: shownPath(label, rel)})
      total += stat.size
      out.push({rel, size: stat.size, mode: stat.mode})
      if (out.length > TEMPLATE_LIMITS.files) throw new InvalidDocumentError(`template holds more than ${TEMPLATE_LIMITS.files} files`, {path: label})
      if (total > TEMPLATE_LIMITS.bytes) throw new InvalidDocumentError('template is larger than 50 MiB', {path: label})
    }
  }
  visit(root, '')
  return out
}

function holdsNul(file: string): boolean {
  const fd = fs.openSync(file, 'r')
  try {
    const buffer = Buffer.alloc(8000)
    const n = fs.readSync(fd, buffer, 0, buffer.length, 0)
    return buffer.subarray(0, n).includes(0)
  } finally {
    fs.closeSync(fd)
  }
}

function readPlanDocument(root: string, label: string, rel: string, size: number): PlanDocument {
  const shown = shownPath(label, rel)
  if (size > TEMPLATE_LIMITS.documentBytes) throw new InvalidDocumentError('larger than 1 MiB', {path: shown})
  let split
  try {
    split = splitDocument(decodeDocument(fs.readFileSync(path.join(root, ...rel.split('/')))))
  } catch (error) {
    if (error instanceof PspError) throw relocated(error, shown)
    throw error
  }
  const {key: rawKey, type, title, ...fields} = split.data as Record<string, unknown>
  const fail = (field: string, message: string): never => {
    throw new InvalidDocumentError(message, {path: shown, field})
  }
  if (typeof type !== 'string' || type === '') fail('type', 'required: the document type (project, milestone, task, …)')
  if (typeof title !== 'string' || title === '') fail('title', 'required: a non-empty string')
  if (fields['id'] !== undefined) fail('id', 'a template document has no id: psp new gives each one a fresh id')
  if (type !== 'project' && fields['project'] !== undefined) fail('project', 'leave it out: psp new sets it to the new project')
  const key = rawKey === undefined ? path.posix.basename(rel).slice(0, -3).toLowerCase() : rawKey
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
    fail('key', `"${String(key)}" is not a key: lower-case letters, digits, - and _ (the file name is the default)`)
  }
  return {file: rel, key: key as string, type: type as string, title: title as string, fields, body: split.text.slice(split.bodyStart)}
}

function relocated(error: PspError, shown: string): PspError {
  const Ctor = error.constructor as new (message: string, options: object) => PspError
  return new Ctor(error.message, {...error.location, path: shown, hint: error.hint})
}

/**
 * The plan's structure: one project, unique keys, references to keys that exist (a milestone to
 * a milestone), and no dependency cycle.
 */
function checkPlan(label: string, documents: PlanDocument[]): void {
  const projects = documents.filter((d) => d.type === 'project')
  if (projects.length !== 1) {
    throw new InvalidDocumentError(
      projects.length === 0 ? 'the plan has no project: add plan/project.md with type: project' : `the plan has ${projects.length} projects (${projects.map((p) => p.file).join(', ')}): a template starts exactly one`,
      {path: shownPath(label, PLAN_DIR)},
    )
  }
  const byKey = new Map<string, PlanDocument>()
  for (const doc of documents) {
    const other = byKey.get(doc.key)
    if (other !== undefined) throw new InvalidDocumentError(`key "${doc.key}" is also the key of ${other.file}`, {path: shownPath(label, doc.file), field: 'key'})
    byKey.set(doc.key, doc)
  }
  for (const doc of documents) {
    for (const field of Object.keys(REFERENCE_FIELDS)) {
      for (const ref of referenceKeys(doc, field)) {
        const target = byKey.get(ref)
        if (target === undefined) {
          throw new InvalidDocumentError(`"${ref}" is not the key of a document in the plan (keys: ${[...byKey.keys()].join(', ')})`, {path: shownPath(label, doc.file), field})
        }
        const expected = REFERENCE_FIELDS[field]
        if (expected !== undefined && target.type !== expected) {
          throw new InvalidDocumentError(`"${ref}" is a ${target.type}, not a ${expected}`, {path: shownPath(label, doc.file), field})
        }
        if (field === 'depends_on' && ref === doc.key) throw new InvalidDocumentError('a document cannot depend on itself', {path: shownPath(label, doc.file), field})
      }
    }
  }
  const cycle = dependencyCycle(documents)
  if (cycle !== undefined) {
    const doc = byKey.get(cycle[0] as string) as PlanDocument
    throw new InvalidDocumentError(`dependency cycle: ${cycle.join(' → ')}`, {path: shownPath(label, doc.file), field: 'depends_on'})
  }
}

const TYPE_ORDER: Record<string, number> = {project: 0, milestone: 1, task: 2}

/**
 * The order documents are shown and created in: the project, its milestones, then its tasks with
 * every task after those it depends on (file order otherwise), then anything else.
 */
function planOrder(documents: PlanDocument[]): PlanDocument[] {
  const rank = (d: PlanDocument) => TYPE_ORDER[d.type] ?? 3
  const sorted = [...documents].sort((a, b) => rank(a) - rank(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  const byKey = new Map(sorted.map((d) => [d.key, d]))
  const out: PlanDocument[] = []
  const placed = new Set<string>()
  const place = (doc: PlanDocument) => {
    if (placed.has(doc.key)) return
    placed.add(doc.key)
    for (const dep of referenceKeys(doc, 'depends_on')) {
      const target = byKey.get(dep)
      if (target !== undefined && rank(target) === rank(doc)) place(target)
    }
    out.push(doc)
  }
  for (const doc of sorted) place(doc)
  return out
}

/** The keys a plan document's reference field holds. */
export function referenceKeys(doc: PlanDocument, field: string): string[] {
  return referenceValues(doc.fields[field])
}

function dependencyCycle(documents: PlanDocument[]): string[] | undefined {
  const deps = new Map(documents.map((d) => [d.key, referenceKeys(d, 'depends_on')]))
  const state = new Map<string, 'open' | 'done'>()
  const trail: string[] = []
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined
    if (state.get(key) === 'open') return [...trail.slice(trail.indexOf(key)), key]
    state.set(key, 'open')
    trail.push(key)
    for (const next of deps.get(key) ?? []) {
      const found = visit(next)
      if (found !== undefined) return found
    }
    trail.pop()
    state.set(key, 'done')
    return undefined
  }
  for (const key of deps.keys()) {
    const found = visit(key)
    if (found !== undefined) return found
  }
  return undefined
}
