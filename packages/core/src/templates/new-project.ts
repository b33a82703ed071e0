/**
 * `psp new`: a project from a template. Everything is planned first — ids, documents checked
 * against the workspace, every file rendered and its target checked — and written only when the
 * whole plan holds; a write that fails part way removes what it created. Nothing is ever
 * overwritten, and nothing lands outside the target folder.
 */
import fs from 'node:fs'
import path from 'node:path'
import {ConflictError, InvalidDocumentError, IoError, PspError, UnsafeInputError} from '../errors.js'
import {createFileExclusive, isOutside, toPosixRelative} from '../fs-safe.js'
import {decodeDocument} from '../markdown/frontmatter.js'
import type {DocumentStore, PlannedRecord} from '../store.js'
import {REFERENCE_FIELDS, referenceValues} from '../validate.js'
import {LAYOUT} from '../layout.js'
import {ExpressionError, renderText, renderValue, type Variables} from './expression.js'
import type {PlanDocument, Template, TemplateFile} from './template.js'

/** A file psp new will write into the target folder. */
export interface PlannedFile {
  /** Absolute path. */
  absolute: string
  /** Path inside the target folder, with forward slashes. */
  path: string
  /** The template file it comes from (below files/). */
  from: string
  data: Buffer
  executable: boolean
}

/** Everything psp new will write, checked. */
export interface ProjectPlan {
  template: {name: string; source: string}
  variables: Variables
  /** The folder that receives the template's files. */
  target: string
  /** The planning documents, the project first; `key` is each one's key in the template. */
  records: (PlannedRecord & {key: string})[]
  files: PlannedFile[]
}

/**
 * Renders a template's planning documents and files for `variables` and checks them all:
 * documents against the workspace's schemas and records, files against the target folder.
 */
export function planProject(store: DocumentStore, template: Template, variables: Variables, target: string): ProjectPlan {
  const ids = new Map<string, string>()
  const reserved = new Set<string>()
  const ordered = [...template.documents.filter((d) => d.type === 'project'), ...template.documents.filter((d) => d.type !== 'project')]
  for (const doc of ordered) {
    const id = store.reserveId(doc.type, reserved)
    reserved.add(id)
    ids.set(doc.key, id)
  }
  const projectId = ids.get((ordered[0] as PlanDocument).key) as string
  const items = ordered.map((doc) => renderDocument(template, doc, variables, ids, projectId))
  const keyOf = new Map(items.map((item) => [item.id, item.key]))
  const records = store.planBatch(items).map((record) => ({...record, key: keyOf.get(record.parsed.record.id) as string}))
  const reservedPaths = new Set(records.map((r) => path.resolve(store.ws.resolve(r.path))))
  const files = planFiles(template, variables, target, store.ws.root, reservedPaths)
  return {template: {name: template.name, source: template.source}, variables, target, records, files}
}

function renderDocument(template: Template, doc: PlanDocument, variables: Variables, ids: Map<string, string>, projectId: string) {
  const source = `${template.name}/${doc.file}`
  try {
    const title = String(renderValue(doc.title, variables)).trim()
    if (title === '') throw new InvalidDocumentError('title renders empty', {path: source, field: 'title'})
    const rendered = renderValue(doc.fields, variables) as Record<string, unknown>
    const fields: Record<string, unknown> = doc.type === 'project' ? {} : {project: projectId}
    for (const [field, value] of Object.entries(rendered)) {
      // An optional variable left empty leaves its field out (`owner: "{{ owner }}"`).
      if (value === '' && doc.fields[field] !== '') continue
      if (Object.hasOwn(REFERENCE_FIELDS, field)) {
        const keys = referenceValues(value)
        const mapped = keys.map((key) => ids.get(key) as string)
        fields[field] = Array.isArray(value) ? mapped : mapped[0]
      } else {
        fields[field] = value
      }
    }
    // [[key]] links between the plan's documents become links to the new ids.
    const body = renderText(doc.body, variables).replace(/\[\[([a-z0-9][a-z0-9_-]*)\]\]/g, (link, key: string) => {
      const id = ids.get(key)
      return id === undefined ? link : `[[${id}]]`
    })
    return {id: ids.get(doc.key) as string, key: doc.key, type: doc.type, title, fields, body, source}
  } catch (error) {
    if (error instanceof ExpressionError) throw new InvalidDocumentError(error.message, {path: source})
    throw error
  }
}

/** Path segments a rendered file name may not have. */
function badSegment(segment: string): string | undefined {
  if (segment === '' || segment === '.' || segment === '..') return 'an empty, . or .. part'
  if (/[\\/\0]/.test(segment)) return 'a / or \\ inside a name'
  if (segment.toLowerCase() === '.git') return 'a .git folder'
  if (/^[A-Za-z]:/.test(segment)) return 'a drive letter'
  return undefined
}

function planFiles(template: Template, variables: Variables, target: string, workspaceRoot: string, reserved: Set<string>): PlannedFile[] {
  const root = path.resolve(target)
  const realRoot = realExisting(root)
  const data = realExisting(path.resolve(workspaceRoot, LAYOUT.data))
  const seen = new Map<string, string>()
  const out: PlannedFile[] = []
  for (const file of template.files) {
    const shown = `${template.name}/files/${file.path}`
    let segments: string[]
    try {
      segments = file.path.split('/').map((segment) => renderText(segment, variables))
    } catch (error) {
      if (error instanceof ExpressionError) throw new InvalidDocumentError(error.message, {path: shown})
      throw error
    }
    for (const segment of segments) {
      const problem = badSegment(segment)
      if (problem !== undefined) throw new UnsafeInputError(`${shown}: the name renders to "${segments.join('/')}", which has ${problem}; refused, nothing written`)
    }
    const absolute = path.resolve(root, ...segments)
    if (isOutside(path.relative(root, absolute))) throw new UnsafeInputError(`${shown} would be written outside ${target}; refused, nothing written`)
    // A folder on the way may be a link leading elsewhere: where the file would really land counts.
    const real = realExisting(absolute)
    if (isOutside(path.relative(realRoot, real))) {
      throw new UnsafeInputError(`${shown} would be written outside ${target} through a symbolic link; refused, nothing written`)
    }
    // Where the file really lands counts: a link in the target may lead into data/.
    if (!isOutside(path.relative(data, real))) {
      throw new UnsafeInputError(`${shown} would be written into the workspace's data/ folder, which holds psp's documents (put planning documents in plan/); refused, nothing written`)
    }
    const posix = segments.join('/')
    const twin = seen.get(absolute)
    if (twin !== undefined || reserved.has(absolute)) throw new ConflictError(`${shown} and ${twin ?? 'a planning document'} would both be written to ${posix}`)
    seen.set(absolute, shown)
    assertFree(absolute, posix)
    out.push({absolute, path: posix, from: file.path, data: renderFile(file, variables, shown), executable: file.executable})
  }
  return out
}

/** Refuses a target that exists (even as a dangling link) or whose folder is a file. */
function assertFree(absolute: string, posix: string): void {
  let taken: boolean
  try {
    taken = fs.lstatSync(absolute, {throwIfNoEntry: false}) !== undefined
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOTDIR') throw new IoError(`cannot check ${posix}: ${(error as Error).message}`, {cause: error})
    throw new ConflictError(`${toPosixRelative(process.cwd(), absolute)}: a folder on the way is a file, so psp new cannot write there`, {data: {path: posix}})
  }
  if (taken) throw new ConflictError(`${toPosixRelative(process.cwd(), absolute)} already exists: psp new never overwrites a file`, {data: {path: posix}})
}

/** A file's contents: text rendered, binary (or not UTF-8) copied as is. */
function renderFile(file: TemplateFile, variables: Variables, shown: string): Buffer {
  const bytes = fs.readFileSync(file.absolute)
  if (file.binary) return bytes
  let text: string
  try {
    text = decodeDocument(bytes)
  } catch {
    return bytes
  }
  try {
    return Buffer.from(renderText(text, variables), 'utf8')
  } catch (error) {
    if (error instanceof ExpressionError) throw new InvalidDocumentError(error.message, {path: shown})
    throw error
  }
}

/** The real path of `p`, or of its nearest existing ancestor joined with the rest. */
function realExisting(p: string): string {
  let current = p
  const rest: string[] = []
  for (;;) {
    try {
      return path.join(fs.realpathSync(current), ...rest.reverse())
    } catch {
      const parent = path.dirname(current)
      if (parent === current) return p
      rest.push(path.basename(current))
      current = parent
    }
  }
}

/** Files written by writePlannedFiles, which `rollback` removes again. */
export interface WrittenFiles {
  rollback(): void
}

/**
 * Writes a plan's files, each created exclusively (never over an existing one); when one fails,
 * the ones written before it are removed and the error is thrown.
 */
export function writePlannedFiles(files: PlannedFile[]): WrittenFiles {
  const createdFiles: string[] = []
  const createdDirs: string[] = []
  const rollback = () => {
    for (const file of createdFiles.reverse()) fs.rmSync(file, {force: true})
    // Only folders this call made, and only those it left empty.
    for (const dir of createdDirs.reverse()) removeEmptyTree(dir)
  }
  try {
    for (const file of files) {
      const made = fs.mkdirSync(path.dirname(file.absolute), {recursive: true})
      if (made !== undefined) createdDirs.push(made)
      createFileExclusive(file.absolute, file.data, file.path)
      createdFiles.push(file.absolute)
      if (file.executable) fs.chmodSync(file.absolute, 0o755 & ~process.umask())
    }
  } catch (error) {
    rollback()
    if (error instanceof PspError) throw error
    throw new IoError(`cannot write the new project's files: ${(error as Error).message}`, {cause: error})
  }
  return {rollback}
}

function removeEmptyTree(dir: string): void {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return
  }
  for (const name of names) {
    const child = path.join(dir, name)
    if (fs.lstatSync(child).isDirectory()) removeEmptyTree(child)
  }
  try {
    fs.rmdirSync(dir)
  } catch {
    // not empty: something else lives there now
  }
}
