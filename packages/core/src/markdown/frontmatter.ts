/**
 * Splits a Markdown document into its YAML frontmatter and body, finding the block by the rules
 * gray-matter uses (the convention most Markdown tools share; a differential test holds this
 * module to gray-matter), parsing it with our YAML engine only (js-yaml 4, CORE_SCHEMA, no custom
 * tags), refusing `---js` and every other language instead of evaluating it, and reporting the
 * exact offsets, so that edits can rewrite single lines and leave every other byte alone.
 */
import {isUtf8} from 'node:buffer'
import {jsYaml} from '../js-yaml.js'
import {InvalidDocumentError, UnsafeInputError} from '../errors.js'

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

function parseYaml(source: string): Record<string, unknown> {
  // `source` starts with the line break that ends the `---` line, so js-yaml's 0-based line
  // numbers equal the file's 1-based ones.
  const value = jsYaml().load(source, {schema: jsYaml().CORE_SCHEMA, json: false})
  if (value === null || value === undefined) return {}
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidDocumentError('frontmatter must be a mapping of keys to values', {line: 2, col: 1})
  }
  assertBounded(value, source)
  return value as Record<string, unknown>
}

/**
 * Walks a parsed value, counting nodes, so that an alias bomb fails fast instead of exploding
 * later. Also refuses YAML 1.1 merge keys (`<<`): CORE_SCHEMA reads them as a plain key named
 * `<<`, while YAML 1.1 tools (gray-matter's own js-yaml 3, many editors) merge them into the
 * mapping, so the same file would hold different data for psp and for every other tool.
 */
function assertBounded(value: object, source: string): void {
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
      if (!Array.isArray(node) && Object.hasOwn(node, '<<')) throw mergeKeyError(source)
      for (const child of Object.values(node)) stack.push(child)
    }
  }
}

function mergeKeyError(source: string): UnsafeInputError {
  const lines = source.split('\n')
  const index = lines.findIndex((l) => /(?:^|[\s{,])(?:<<|"<<"|'<<')\s*:/.test(l))
  const line = index === -1 ? 2 : index + 1
  const col = index === -1 ? 1 : (lines[index] as string).indexOf('<<') + 1
  const field = index === -1 ? undefined : ownerKey(lines, index)
  return new UnsafeInputError(
    'merge key "<<" is refused: frontmatter is plain data, and YAML 1.1 tools would merge it where psp does not',
    {line, col, field},
  )
}

/** The top-level key a frontmatter line starts with (`key:` at column 0), if any. */
function keyOfLine(line: string): string | undefined {
  return /^([A-Za-z_][\w.-]*)[^\S\r\n]*:(?:\s|$)/.exec(line)?.[1]
}

/**
 * The top-level field a line (0-based index into the file's lines) belongs to: its own key, or
 * for an indented line the nearest key above it. Undefined for the `---` line and for lines at
 * column 0 that are not `key:` lines.
 */
function ownerKey(lines: string[], index: number): string | undefined {
  const own = keyOfLine(lines[index] ?? '')
  if (own !== undefined || index < 1 || !/^\s/.test(lines[index] ?? '')) return own
  for (let i = index - 1; i >= 1; i--) {
    const line = lines[i] as string
    const key = keyOfLine(line)
    if (key !== undefined) return key
    if (!/^(\s|#|\r?$)/.test(line)) return undefined
  }
  return undefined
}

/**
 * The 0-based column where a line's value opens a quote, `[` or `{` that the line never closes,
 * or undefined. Used to point an "end of stream" YAML error back at the line that caused it.
 */
function unclosedOpener(line: string): number | undefined {
  const lead = /^\s*(?:-\s+)*(?:[^\s#'"[{][^#]*?:\s+)?(?=["'[{])/.exec(line)
  if (lead === null) return undefined
  const col = lead[0].length
  const rest = line.slice(col).replace(/\r$/, '')
  if (rest.startsWith('"')) return /^"(?:[^"\\]|\\.)*"/.test(rest) ? undefined : col
  if (rest.startsWith("'")) return /^'(?:[^']|'')*'/.test(rest) ? undefined : col
  let depth = 0
  let quote: string | undefined
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i++
      else if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '[' || c === '{') depth++
    else if (c === ']' || c === '}') depth--
    else if (c === '#' && /\s/.test(rest[i - 1] ?? '')) break
    if (depth === 0 && quote === undefined) return undefined
  }
  return col
}

/**
 * Where a YAML syntax error really is, and the field it is in. js-yaml notices an unclosed quote
 * or flow collection only where the stream ends or the next key begins, so such errors move back
 * to the line that opened it. `line` is 1-based; `lines` are the file's lines; `last` is the
 * 1-based line of the closing `---`.
 */
function locateYamlError(
  reason: string,
  at: {line: number; col?: number},
  lines: string[],
  last: number,
): {line: number; col?: number; field?: string; opener?: string} {
  let where: {line: number; col?: number; opener?: string} = at
  if (/non-printable characters/.test(reason)) {
    // js-yaml reports where the scalar ends; the character itself is easy to find.
    for (let i = 1; i < last - 1; i++) {
      // eslint-disable-next-line no-control-regex -- control characters are what it looks for
      const col = (lines[i] as string).search(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/)
      if (col !== -1) {
        where = {line: i + 1, col: col + 1}
        break
      }
    }
  }
  if (/end of the stream within|missed comma between flow collection entries/.test(reason)) {
    for (let i = Math.min(at.line, last) - 1; i >= 1; i--) {
      const col = unclosedOpener(lines[i] as string)
      if (col !== undefined) {
        where = {line: i + 1, col: col + 1, opener: (lines[i] as string)[col]}
        break
      }
    }
  }
  const field = where.line >= 2 && where.line < last ? ownerKey(lines, where.line - 1) : undefined
  return field === undefined ? where : {...where, field}
}

/**
 * Where an error js-yaml gives no position for is: a second document, which can only start after
 * a `...` line (a `---` line would close the frontmatter), else the first line of the block.
 */
function unmarked(reason: string, lines: string[], last: number): {line: number; col: number; opener?: string} {
  const end = /more than one document|single document/.test(reason)
    ? lines.findIndex((l, i) => i > 0 && i < last && /^\.\.\.[^\S\r\n]*\r?$/.test(l))
    : -1
  return {line: end === -1 ? 2 : end + 1, col: 1}
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
  // What Windows PowerShell 5 writes with `>` and Notepad with "Unicode": not binary, just not UTF-8.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new InvalidDocumentError('UTF-16 text: psp documents must be saved as UTF-8', {line: 1, col: 1})
  }
  const nul = bytes.indexOf(0)
  if (nul !== -1) {
    throw new InvalidDocumentError('binary file (contains NUL bytes), not a Markdown document', {
      line: lineOf(Buffer.from(bytes.subarray(0, nul)).toString('latin1'), nul),
    })
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (!isUtf8(bytes)) {
    const bad = text.indexOf('\uFFFD')
    throw new InvalidDocumentError('invalid UTF-8: the file must be UTF-8 text', {
      line: bad === -1 ? 1 : lineOf(text, bad),
    })
  }
  return text
}

/** `---`, optionally with a language tag (refused unless it is YAML), alone on the first line. */
const OPENING_LINE = /^---[^\S\r\n]*[A-Za-z]*[^\S\r\n]*\r?\n/

/**
 * Splits a document into frontmatter and body and parses the frontmatter as plain YAML data.
 * Throws InvalidDocumentError / UnsafeInputError with a 1-based line and column.
 */
export function splitDocument(input: string): SplitDocument {
  const bom = input.charCodeAt(0) === 0xfeff
  const text = bom ? input.slice(1) : input
  if (!/\S/.test(text)) {
    throw new InvalidDocumentError('empty file: a psp document starts with YAML frontmatter between --- lines', {line: 1})
  }
  if (!OPENING_LINE.test(text) || text.startsWith('----')) {
    throw new InvalidDocumentError('no frontmatter: a psp document starts with a line holding only ---', {line: 1, col: 1})
  }
  // The language tag: whatever follows `---` on the opening line.
  const tag = text.slice(3, text.search(/\r?\n/))
  const language = tag.trim()
  if (language !== '' && !['yaml', 'yml'].includes(language.toLowerCase())) {
    throw new UnsafeInputError(
      `frontmatter language "${language}" is refused: psp reads YAML frontmatter only, never code`,
      {line: 1, col: 4},
    )
  }
  // The block ends at the first line starting with --- after the opening line. Without one,
  // gray-matter would parse the whole body as YAML: say what is really wrong.
  const closeAt = text.indexOf('\n---', 3 + tag.length)
  if (closeAt === -1) {
    throw new InvalidDocumentError('frontmatter is not closed: no line holding only --- after the first one', {
      line: 1,
      col: 1,
    })
  }
  // Starts with the line break that ends the opening line (see parseYaml). A block of nothing but
  // comment lines is empty, as gray-matter decides it.
  const block = text.slice(3 + tag.length, closeAt)
  let data: Record<string, unknown> = {}
  if ((block.includes('#') ? block.replace(/^\s*#[^\n]+/gm, '') : block).trim() !== '') {
    try {
      data = parseYaml(block)
    } catch (error) {
      throw translate(error, text, lineOf(text, closeAt + 1))
    }
  }
  const bounds = frontmatterBounds(text)
  if (bounds === undefined) {
    throw new InvalidDocumentError('the closing --- must stand alone on its line', {line: lineOf(text, closeAt + 1), col: 4})
  }
  return {text, bom, ...bounds, data}
}

/**
 * Where a document's frontmatter block and body are (`text` without its BOM), found without
 * parsing the YAML, exactly as splitDocument finds them; undefined when the block is not
 * well-formed. A record from the index was parsed when its file had this stat, so reading its
 * body needs only this, not the YAML parser.
 */
export function frontmatterBounds(text: string): Pick<SplitDocument, 'eol' | 'innerStart' | 'innerEnd' | 'bodyStart'> | undefined {
  if (!OPENING_LINE.test(text) || text.startsWith('----')) return undefined
  const firstEol = text.indexOf('\n')
  // After the opening line's language tag, where gray-matter starts looking (before its `\r`).
  const closeAt = text.indexOf('\n---', firstEol - (text[firstEol - 1] === '\r' ? 1 : 0))
  if (closeAt === -1) return undefined
  const innerEnd = closeAt + 1
  const closing = /^[^\S\r\n]*(\r?\n|$)/.exec(text.slice(innerEnd + 3))
  if (closing === null) return undefined
  return {eol: text[firstEol - 1] === '\r' ? '\r\n' : '\n', innerStart: firstEol + 1, innerEnd, bodyStart: innerEnd + 3 + closing[0].length}
}

/** Turns what the parsers throw into located psp errors; `last` is the line of the closing `---`. */
function translate(error: unknown, text: string, last: number): Error {
  if (error instanceof InvalidDocumentError || error instanceof UnsafeInputError) return error
  if (error instanceof jsYaml().YAMLException) {
    const mark = error.mark as {line: number; column: number} | undefined
    const reason = error.reason ?? error.message
    const lines = text.split('\n')
    const where =
      mark === undefined
        ? unmarked(reason, lines, last)
        : locateYamlError(reason, {line: mark.line + 1, col: mark.column + 1}, lines, last)
    if (/unknown tag/.test(reason)) {
      const tag = /!<([^>\s]*)>/.exec(reason)?.[1] ?? ''
      // js-yaml reports the end of the tagged node; point at the tag itself, spelled as written.
      const written = tag.startsWith('tag:yaml.org,2002:') ? `!!${tag.slice(18)}` : tag.startsWith('!') ? tag : `!${tag}`
      const spellings = [`!<${tag}>`, written]
      const buffer = (error.mark as {buffer?: string} | undefined)?.buffer ?? ''
      const before = buffer.slice(0, (error.mark as {position?: number} | undefined)?.position ?? 0)
      const found = spellings.map((s) => ({s, at: before.lastIndexOf(s)})).find((f) => f.at !== -1)
      const at = found === undefined ? where : {line: lineOf(buffer, found.at), col: found.at - buffer.lastIndexOf('\n', found.at - 1)}
      return new UnsafeInputError(`YAML tag ${found?.s ?? written} is refused: frontmatter is plain data`, locateYamlError(reason, at, lines, last))
    }
    const {opener, ...location} = where
    const what = opener === undefined ? reason : `${opener} is never closed (${reason})`
    return new InvalidDocumentError(`invalid YAML: ${what}`, location)
  }
  if (error instanceof Error && /engine ".*" is not registered/.test(error.message)) {
    return new UnsafeInputError('frontmatter language is refused: psp reads YAML frontmatter only', {line: 1, col: 4})
  }
  return error instanceof Error ? error : new Error(String(error))
}
