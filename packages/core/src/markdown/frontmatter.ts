/**
 * The only module that talks to gray-matter. gray-matter is called with an options object on
 * every call (without one it caches every input forever) and with every engine replaced: only
 * our YAML engine (js-yaml 4, CORE_SCHEMA, no custom tags) can run, so `---js` frontmatter is
 * refused instead of evaluated. The split is also turned into exact offsets so that edits can
 * rewrite single lines and leave every other byte alone.
 */
import {createRequire} from 'node:module'
import jsYaml from 'js-yaml'
import {InvalidDocumentError, UnsafeInputError} from '../errors.js'

const require = createRequire(import.meta.url)
type GrayMatterFile = {data: Record<string, unknown>; content: string; matter: string; language: string}
type GrayMatter = ((input: string, options: Record<string, unknown>) => GrayMatterFile) & {
  language(input: string, options: Record<string, unknown>): {raw: string; name: string}
}
let grayMatter: GrayMatter | undefined
function matter(): GrayMatter {
  grayMatter ??= require('gray-matter') as GrayMatter
  return grayMatter
}

/** The most YAML nodes a frontmatter may expand to; aliases count each time they are used. */
export const MAX_FRONTMATTER_NODES = 10_000

/** A Markdown document split into its parts, with the offsets edits need. */
export interface SplitDocument {
  /** The whole text, without the BOM. */
  text: string
  bom: boolean
  eol: '\n' | '\r\n'
  /** Offset in `text` of the first frontmatter line (after the opening `---` line). */
  innerStart: number
  /** Offset in `text` of the closing `---` line. */
  innerEnd: number
  /** Offset in `text` where the body starts (after the closing line and its line break). */
  bodyStart: number
  data: Record<string, unknown>
}

class RefusedEngineError extends Error {}
const refuse = (language: string) => ({
  parse() {
    throw new RefusedEngineError(language)
  },
  stringify() {
    throw new RefusedEngineError(language)
  },
})

function parseYaml(source: string): Record<string, unknown> {
  // `source` starts with the line break that ends the `---` line, so js-yaml's 0-based line
  // numbers equal the file's 1-based ones.
  const value = jsYaml.load(source, {schema: jsYaml.CORE_SCHEMA, json: false})
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidDocumentError('frontmatter must be a mapping of keys to values', {line: 2, col: 1})
  }
  assertBounded(value)
  return value as Record<string, unknown>
}

// Every engine gray-matter knows, and the aliases it resolves, point at our YAML parser or at
// a refusal; unknown languages make gray-matter throw "not registered", which we also refuse.
const ENGINES = {
  yaml: {parse: parseYaml},
  yml: {parse: parseYaml},
  js: refuse('js'),
  javascript: refuse('javascript'),
  coffee: refuse('coffee'),
  coffeescript: refuse('coffeescript'),
  cson: refuse('cson'),
  json: refuse('json'),
  toml: refuse('toml'),
}

/** Walks a parsed value, counting nodes, so that an alias bomb fails fast instead of exploding later. */
function assertBounded(value: object): void {
  let budget = MAX_FRONTMATTER_NODES
  const stack: unknown[] = [value]
  while (stack.length > 0) {
    const node = stack.pop()
    if (--budget < 0) {
      throw new UnsafeInputError(
        `frontmatter expands to more than ${MAX_FRONTMATTER_NODES} values (a YAML alias bomb?)`,
        {line: 2, col: 1},
      )
    }
    if (node !== null && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push(child)
    }
  }
}

/** Finds the first line of the text holding a U+FFFD produced by decoding invalid UTF-8. */
function lineOf(text: string, offset: number): number {
  let line = 1
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++
  return line
}

/**
 * Decodes a document's bytes, refusing binary data and invalid UTF-8 with the line where the
 * trouble starts.
 */
export function decodeDocument(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0)
  if (nul !== -1) {
    throw new InvalidDocumentError('binary file (contains NUL bytes), not a Markdown document', {
      line: lineOf(Buffer.from(bytes.subarray(0, nul)).toString('latin1'), nul),
    })
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (!Buffer.from(bytes).equals(Buffer.from(text, 'utf8'))) {
    const bad = text.indexOf('\uFFFD')
    throw new InvalidDocumentError('invalid UTF-8: the file must be UTF-8 text', {
      line: bad === -1 ? 1 : lineOf(text, bad),
    })
  }
  return text
}

/**
 * Splits a document into frontmatter and body and parses the frontmatter as plain YAML data.
 * Throws InvalidDocumentError / UnsafeInputError with a 1-based line and column.
 */
export function splitDocument(input: string): SplitDocument {
  const bom = input.charCodeAt(0) === 0xfeff
  const text = bom ? input.slice(1) : input
  if (text.trim() === '') {
    throw new InvalidDocumentError('empty file: a psp document starts with YAML frontmatter between --- lines', {line: 1})
  }
  if (!/^---[^\S\r\n]*[A-Za-z]*[^\S\r\n]*\r?\n/.test(text) || text.startsWith('----')) {
    throw new InvalidDocumentError('no frontmatter: a psp document starts with a line holding only ---', {line: 1, col: 1})
  }
  const options = {language: 'yaml', delimiters: '---', engines: ENGINES}
  const language = matter().language(text, options)
  if (language.name !== '' && !['yaml', 'yml'].includes(language.name.toLowerCase())) {
    throw new UnsafeInputError(
      `frontmatter language "${language.name}" is refused: psp reads YAML frontmatter only, never code`,
      {line: 1, col: 4},
    )
  }
  let file: GrayMatterFile
  try {
    file = matter()(text, options)
  } catch (error) {
    throw translate(error)
  }
  const firstEol = text.indexOf('\n')
  const eol = text[firstEol - 1] === '\r' ? '\r\n' : '\n'
  const innerStart = firstEol + 1
  const matterStart = 3 + language.raw.length
  const closeAt = matterStart + file.matter.length
  if (text.slice(closeAt, closeAt + 4) !== '\n---') {
    throw new InvalidDocumentError('frontmatter is not closed: no line holding only --- after the first one', {
      line: 1,
      col: 1,
    })
  }
  const innerEnd = closeAt + 1
  const rest = text.slice(innerEnd + 3)
  const closing = /^[^\S\r\n]*(\r?\n|$)/.exec(rest)
  if (closing === null) {
    throw new InvalidDocumentError('the closing --- must stand alone on its line', {line: lineOf(text, innerEnd), col: 4})
  }
  return {text, bom, eol, innerStart, innerEnd, bodyStart: innerEnd + 3 + closing[0].length, data: file.data}
}

function translate(error: unknown): Error {
  if (error instanceof InvalidDocumentError || error instanceof UnsafeInputError) return error
  if (error instanceof RefusedEngineError) {
    return new UnsafeInputError(`frontmatter language "${error.message}" is refused: psp reads YAML frontmatter only`, {
      line: 1,
      col: 4,
    })
  }
  if (error instanceof jsYaml.YAMLException) {
    const mark = error.mark as {line: number; column: number} | undefined
    const reason = error.reason ?? error.message
    const where = mark === undefined ? {line: 2} : {line: mark.line + 1, col: mark.column + 1}
    if (/unknown tag/.test(reason)) {
      const tag = /!<?([^>\s]*)>?/.exec(reason)?.[1] ?? ''
      return new UnsafeInputError(`YAML tag ${tag.startsWith('!') ? tag : `!${tag}`} is refused: frontmatter is plain data`, where)
    }
    return new InvalidDocumentError(`invalid YAML: ${reason}`, where)
  }
  if (error instanceof Error && /engine ".*" is not registered/.test(error.message)) {
    return new UnsafeInputError('frontmatter language is refused: psp reads YAML frontmatter only', {line: 1, col: 4})
  }
  return error instanceof Error ? error : new Error(String(error))
}
