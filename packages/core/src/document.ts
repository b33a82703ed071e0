/**
 * A psp document: a Markdown file whose YAML frontmatter holds the record's fields. Parsing keeps
 * the raw text and offsets so that an edit can rewrite exactly the lines it changes.
 */
import {InvalidDocumentError, PspError} from './errors.js'
import {assertValidId, isValidId} from './ids.js'
import {editFrontmatter, locateKeys, renderFrontmatter, type FieldChanges} from './markdown/frontmatter-edit.js'
import {splitDocument, type SplitDocument} from './markdown/frontmatter.js'

/** One record as read from disk. */
export interface DocumentRecord {
  id: string
  type: string
  title: string
  /** Path relative to the workspace root, with forward slashes. */
  path: string
  /** True when the file lives under data/archive/. */
  archived: boolean
  /** Every frontmatter field, in file order. */
  data: Record<string, unknown>
  /** The Markdown body, byte for byte. */
  body: string
}

/** A parsed document plus what is needed to edit it in place. */
export interface ParsedDocument {
  record: DocumentRecord
  split: SplitDocument
}

/** Attaches `path` to an error raised while parsing a file. */
export function withPath(error: unknown, path: string): unknown {
  if (error instanceof PspError && error.location.path === undefined) {
    ;(error.location as {path?: string}).path = path
  }
  return error
}

/** Parses a document's text. Errors carry `path` and the 1-based line of the problem. */
export function parseDocumentText(text: string, path: string, archived = false): ParsedDocument {
  let split: SplitDocument
  try {
    split = splitDocument(text)
  } catch (error) {
    throw withPath(error, path)
  }
  const {data} = split
  const where = (key: string) => locateKey(split, key)
  if (data['id'] === undefined || data['id'] === null) {
    throw new InvalidDocumentError('required field is missing', {path, line: 1, col: 1, field: 'id'})
  }
  if (typeof data['id'] !== 'string') {
    throw new InvalidDocumentError('must be a string', {path, ...where('id'), field: 'id'})
  }
  // Locating a key loads the YAML editor's parser: only worth it for the error message.
  if (!isValidId(data['id'])) assertValidId(data['id'], {path, ...where('id')})
  if (typeof data['type'] !== 'string' || data['type'] === '') {
    const missing = data['type'] === undefined
    throw new InvalidDocumentError(missing ? 'required field is missing' : 'must be a non-empty string', {
      path,
      ...(missing ? {line: 1, col: 1} : where('type')),
      field: 'type',
    })
  }
  return {
    split,
    record: {
      id: data['id'],
      type: data['type'],
      title: typeof data['title'] === 'string' ? data['title'] : '',
      path,
      archived,
      data,
      body: split.text.slice(split.bodyStart),
    },
  }
}

/** Returns the file's text with the given fields changed, every other byte kept. */
export function applyChanges(split: SplitDocument, changes: FieldChanges): string {
  const inner = split.text.slice(split.innerStart, split.innerEnd)
  // A field set to the value it already has keeps its bytes: re-rendering it could still change
  // spacing or quoting that the user chose.
  const real = Object.fromEntries(
    Object.entries(changes).filter(([key, value]) =>
      value === undefined ? key in split.data : !(key in split.data) || !sameValue(split.data[key], value),
    ),
  )
  const edited = editFrontmatter(inner, real, split.eol)
  const text = split.text.slice(0, split.innerStart) + edited + split.text.slice(split.innerEnd)
  return (split.bom ? '\uFEFF' : '') + text
}

/** Renders a brand-new document: frontmatter in the given key order, then the body. */
export function renderNewDocument(data: Record<string, unknown>, body: string): string {
  const lines = renderFrontmatter(data)
  const text = `---\n${lines}---\n${body === '' || body.startsWith('\n') ? body : `\n${body}`}`
  return body === '' || text.endsWith('\n') ? text : `${text}\n`
}

/** Maps a JSON-pointer-ish field path to the top-level key, for locating it in the file. */
export function topKey(instancePath: string): string {
  return instancePath.split('/')[1] ?? ''
}

/** Locates a top-level key as a 1-based file line/column (line 1 when the key is absent). */
export function locateKey(split: SplitDocument, key: string): {line: number; col: number} {
  const pos = locateKeys(split.text.slice(split.innerStart, split.innerEnd)).get(key)
  // The block starts on the file's second line.
  return pos ? {line: pos.line + 1, col: pos.col} : {line: 1, col: 1}
}

/** True when two parsed YAML values are the same data (scalars, lists and mappings). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  const keys = Object.keys(a)
  return (
    keys.length === Object.keys(b).length &&
    keys.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  )
}
