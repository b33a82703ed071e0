/**
 * Field-level edits of a frontmatter block that rewrite only the lines of the fields that change.
 * The `yaml` library's Document API re-serialises the whole block (losing quoting, spacing and
 * flow styles elsewhere), so instead we read each top-level pair's source range and splice in a
 * freshly rendered `key: value` for just that pair, keeping its quoting and list style.
 */
import {createRequire} from 'node:module'
import type {Node, Pair} from 'yaml'
import {InvalidDocumentError} from '../errors.js'

// `yaml` costs ~28 ms to import; only edits and error locations need it, so it loads on first use.
const require = createRequire(import.meta.url)
let yamlModule: typeof import('yaml') | undefined
function yaml(): typeof import('yaml') {
  yamlModule ??= require('yaml') as typeof import('yaml')
  return yamlModule
}

/** One change to a top-level field: a new value, or `undefined` to remove the field. */
export type FieldChanges = Record<string, unknown>

interface PairSpan {
  key: string
  /** Offsets of the pair's first and one-past-last line in the block. */
  start: number
  end: number
  pair: Pair
  keyColumn: number
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset)
  return nl === -1 ? text.length : nl + 1
}

function spansOf(inner: string): PairSpan[] {
  const {isMap, isPair, isScalar, parseDocument} = yaml()
  const doc = parseDocument(inner, {keepSourceTokens: false, uniqueKeys: true})
  if (doc.errors.length > 0) throw new InvalidDocumentError(`invalid YAML: ${doc.errors[0]?.message ?? ''}`)
  const contents = doc.contents
  if (contents === null) return []
  if (!isMap(contents)) throw new InvalidDocumentError('frontmatter must be a mapping of keys to values')
  const spans: PairSpan[] = []
  for (const pair of contents.items) {
    if (!isPair(pair)) continue
    const keyNode = pair.key as Node | null
    if (keyNode?.range === undefined || keyNode.range === null) continue
    const valueNode = pair.value as Node | null
    const last = valueNode?.range?.[1] ?? keyNode.range[1]
    const start = lineStart(inner, keyNode.range[0])
    // A value's range can end just past its final line break; step back so we end on its line.
    const endProbe = last > 0 && inner[last - 1] === '\n' ? last - 1 : last
    spans.push({
      key: String(isScalar(keyNode) ? keyNode.value : keyNode),
      start,
      end: lineEnd(inner, Math.max(endProbe, keyNode.range[1])),
      pair,
      keyColumn: keyNode.range[0] - start,
    })
  }
  return spans
}

/** Strings js-yaml (which reads frontmatter) takes for numbers, though YAML 1.2's core schema does not. */
const JS_YAML_NUMBER = /^[-+]?0(?:b[01]+|x[0-9a-fA-F]+|o[0-7]+)$/

/**
 * Multi-line strings a block scalar would not bring back whole, so they are written quoted:
 * - first lines that hold nothing but spaces or tabs (`" \n"`): `yaml` writes `|+` then a line of
 *   spaces, which reads back without them, in `yaml` and js-yaml alike;
 * - two or more line breaks at the end (`"a\n\n"`): the `|+` that keeps them, last in the
 *   frontmatter, gives its final line break to the closing `---`, as gray-matter reads it too.
 */
const LOSSY_IN_A_BLOCK = /^[ \t\n]*[ \t](?:\n|$)|\n\n$/

const RENDER_OPTIONS = {lineWidth: 0, flowCollectionPadding: false}

/** Quotes the strings (values and keys) that the parser would otherwise read as something else. */
function quoteNumberLike(doc: import('yaml').Document): void {
  const {Scalar, visit} = yaml()
  visit(doc, {
    Scalar(_, node, path) {
      if (typeof node.value !== 'string') return
      const plain = node.type === undefined || node.type === Scalar.PLAIN
      if (plain && JS_YAML_NUMBER.test(node.value)) node.type = Scalar.QUOTE_DOUBLE
      // A line break inside a list or map item: `yaml` would write a multi-line plain scalar,
      // which js-yaml misreads (a continuation line starting with `-`, say). Quoted, both agree.
      // (Document → map → pair is a top-level value, which may use a block scalar.)
      else if (node.value.includes('\n') && path.length > 3) node.type = Scalar.QUOTE_DOUBLE
      else if (node.value.includes('\n') && LOSSY_IN_A_BLOCK.test(node.value)) node.type = Scalar.QUOTE_DOUBLE
    },
  })
}

/** The scalar style psp's renderer picks by itself for a string value. */
function defaultStyle(value: string): string {
  const {Document, Scalar} = yaml()
  const doc = new Document({k: value})
  quoteNumberLike(doc)
  const first = doc.toString(RENDER_OPTIONS)[3]
  if (first === '"') return Scalar.QUOTE_DOUBLE
  if (first === "'") return Scalar.QUOTE_SINGLE
  return first === '|' ? Scalar.BLOCK_LITERAL : first === '>' ? Scalar.BLOCK_FOLDED : Scalar.PLAIN
}

/**
 * The comment at the end of a pair's key line. The parser keeps it as the value's comment when
 * the value starts on that line, but as the value's `commentBefore` when it starts below (a block
 * collection), so read that one from the line itself.
 */
function lineComment(old: Pair, inner: string): string | undefined {
  const {isCollection, isScalar} = yaml()
  const keyEnd = (old.key as Node | null)?.range?.[1]
  const own = keyEnd === undefined ? null : /^[^\S\r\n]*:[^\S\r\n]+#([^\r\n]*)/.exec(inner.slice(keyEnd, lineEnd(inner, keyEnd)))
  if (own) return own[1]
  const value = old.value as Node | null
  if (isScalar(value) || (isCollection(value) && value.flow)) return value.comment ?? undefined
  return undefined
}

/** The blanks the user put before the comment at the end of the key's line (at least one). */
function commentGap(old: Pair, inner: string, comment: string): string {
  const keyStart = (old.key as Node | null)?.range?.[0]
  if (keyStart === undefined) return ' '
  const line = inner.slice(keyStart, lineEnd(inner, keyStart)).replace(/\r?\n$/, '')
  const at = line.lastIndexOf(`#${comment}`)
  // YAML separates a comment with spaces and tabs only; `\s` would also take a U+2028 or a
  // no-break space that belongs to a plain value, and keep it after the new value.
  return (at === -1 ? '' : /[ \t]*$/.exec(line.slice(0, at))?.[0]) || ' '
}

/**
 * Renders `key: value` lines in the style of the pair it replaces (quotes, flow or block lists).
 * `inner` is the block the old pair was read from, used to see how its list items were indented.
 */
function renderPair(key: string, value: unknown, old: Pair | undefined, eol: string, inner = ''): string {
  const {Document, isCollection, isMap, isScalar, isSeq, Scalar} = yaml()
  const doc = new Document({[key]: value})
  const root = doc.contents
  const pair = isMap(root) ? root.items[0] : undefined
  const node = pair?.value
  const oldValue = old?.value as Node | null | undefined
  let indentSeq = true
  if (isScalar(node) && typeof value === 'string' && isScalar(oldValue)) {
    const type = oldValue.type
    // Keep a style the user chose; one the renderer would have picked anyway says nothing (and
    // keeping it would stop an edit and its reversal from giving back the original bytes).
    const chosen = typeof oldValue.value === 'string' && defaultStyle(oldValue.value) !== type
    if (chosen && (type === Scalar.PLAIN || type === Scalar.QUOTE_DOUBLE || type === Scalar.QUOTE_SINGLE)) node.type = type
  } else if (isSeq(node)) {
    // An empty list can only be written `[]`, and `key:\n[]` is not valid YAML.
    if (isSeq(oldValue) && !oldValue.flow && node.items.length > 0) {
      node.flow = false
      // `key:\n- a` (dash at the key's column) versus `key:\n  - a`: keep whichever was written.
      const first = oldValue.items[0] as Node | undefined
      const keyStart = (old?.key as Node | undefined)?.range?.[0]
      if (first?.range && keyStart !== undefined) {
        const itemLine = inner.slice(lineStart(inner, first.range[0]), first.range[0])
        const keyCol = keyStart - lineStart(inner, keyStart)
        indentSeq = itemLine.indexOf('-') > keyCol
      }
    } else {
      node.flow = true
    }
  }
  quoteNumberLike(doc)
  const options = {...RENDER_OPTIONS, indentSeq}
  let text = doc.toString(options)
  // A comment at the end of the key's line belongs to the user, not to the old value: it stays
  // at the end of that line (after `key:` when the new value is a block).
  const comment = old === undefined ? undefined : lineComment(old, inner)
  if (comment && (isScalar(node) || isCollection(node))) {
    const nl = text.indexOf('\n')
    const first = text.slice(0, nl)
    if (nl === text.length - 1 || /:$|: [|>][-+0-9]*$/.test(first)) {
      text = `${first}${commentGap(old as Pair, inner, comment)}#${comment}${text.slice(nl)}`
    } else {
      node.comment = comment
      text = doc.toString(options)
    }
  }
  return eol === '\n' ? text : text.replace(/\n/g, eol)
}

/** Indents every non-empty line of rendered pair text by `columns` spaces. */
function indent(text: string, columns: number): string {
  return columns === 0 ? text : text.replace(/^(?!$)/gm, ' '.repeat(columns))
}

/**
 * Applies field changes to a frontmatter block (the lines between the `---` delimiters, each
 * ending with `eol`). Unchanged fields keep their exact bytes; new fields are appended at the end.
 */
export function editFrontmatter(inner: string, changes: FieldChanges, eol: '\n' | '\r\n'): string {
  const spans = spansOf(inner)
  const edits: {start: number; end: number; text: string}[] = []
  const appended: string[] = []
  for (const [key, value] of Object.entries(changes)) {
    const span = spans.find((s) => s.key === key)
    if (value === undefined) {
      if (span) edits.push({start: span.start, end: span.end, text: ''})
      continue
    }
    if (span) {
      edits.push({start: span.start, end: span.end, text: indent(renderPair(key, value, span.pair, eol, inner), span.keyColumn)})
    } else {
      // A new key goes at the column of the others (a top-level mapping may be indented).
      appended.push(indent(renderPair(key, value, undefined, eol), spans[0]?.keyColumn ?? 0))
    }
  }
  let out = inner
  for (const edit of edits.sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end)
  }
  if (appended.length > 0) {
    if (out.length > 0 && !out.endsWith('\n')) out += eol
    out += appended.join('')
  }
  return out
}

/** Renders a whole new frontmatter block (for new documents): flow lists, no line wrapping. */
export function renderFrontmatter(data: Record<string, unknown>, eol: '\n' | '\r\n' = '\n'): string {
  let out = ''
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue
    out += renderSimplePair(key, value, eol) ?? renderPair(key, value, undefined, eol)
  }
  return out
}

/**
 * Words and characters that make a string anything but a plain scalar to some YAML reader
 * (YAML 1.1 booleans and nulls included, which editors and other tools still read so).
 */
const PLAIN_WORD = /^[A-Za-z](?:[A-Za-z0-9 _.,'()/+-]*[A-Za-z0-9.)])?$/
const NOT_PLAIN = /^(?:true|false|null|yes|no|on|off|y|n|nan|inf|infinity)$/i

function plainText(value: unknown): string | undefined {
  return typeof value === 'string' && PLAIN_WORD.test(value) && !NOT_PLAIN.test(value) && !value.includes('  ') ? value : undefined
}

/**
 * `key: value` for the values a new record usually holds (plain words, whole numbers, booleans,
 * lists of plain words), written as the YAML renderer writes them, without loading it: `psp task
 * add` pays ~17 ms for that import. Undefined for anything else; a unit test holds the two
 * renderings equal.
 */
function renderSimplePair(key: string, value: unknown, eol: string): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(key) || NOT_PLAIN.test(key)) return undefined
  let text: string | undefined
  if (typeof value === 'string') text = plainText(value)
  else if (typeof value === 'boolean') text = String(value)
  else if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) text = String(value)
  else if (Array.isArray(value) && value.length > 0) {
    const items = value.map(plainText)
    if (items.every((item) => item !== undefined && !item.includes(',') && !/[[\]{}]/.test(item))) text = `[${items.join(', ')}]`
  }
  return text === undefined ? undefined : `${key}: ${text}${eol}`
}

/**
 * Finds where each top-level key sits in a frontmatter block: 1-based line and column relative
 * to the block's first line. Used to point diagnostics at the offending key.
 */
export function locateKeys(inner: string): Map<string, {line: number; col: number}> {
  const {isMap, isScalar, LineCounter, parseDocument} = yaml()
  const counter = new LineCounter()
  const doc = parseDocument(inner, {lineCounter: counter, uniqueKeys: false})
  const found = new Map<string, {line: number; col: number}>()
  const contents = doc.contents
  if (!isMap(contents)) return found
  for (const pair of contents.items) {
    const keyNode = pair.key as Node | null
    if (!keyNode?.range) continue
    const key = String(isScalar(keyNode) ? keyNode.value : keyNode)
    if (!found.has(key)) found.set(key, counter.linePos(keyNode.range[0]))
  }
  return found
}
