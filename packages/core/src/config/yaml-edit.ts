/**
 * Surgical edits of a YAML settings file: set or remove the value at a path of keys, rewriting
 * only the smallest range that must change and keeping every other byte (comments, blank lines,
 * quoting, flow styles, indentation). The `yaml` library's Document.toString would re-format
 * unrelated lines, so it is only used to find where things are and to render the new values.
 *
 * - An existing scalar or flow value: only the value is spliced (a comment after it stays; a
 *   string keeps its quote style where it can).
 * - A missing key: a new `key: value` line after the last pair of its parent block map, at the
 *   siblings' indentation; missing parents become block maps; new lists and maps are flow.
 * - A key under a flow map: that flow map is rewritten.
 * - A removed key: its lines go (comment lines around it stay); a parent left empty becomes `{}`.
 *
 * Every edit is checked by parsing the result: it must hold exactly the intended data, or the
 * edit throws instead of returning something unintended.
 */
import {createRequire} from 'node:module'
import {isDeepStrictEqual} from 'node:util'
import type {Document, Node, Pair, YAMLMap} from 'yaml'
import {InvalidDocumentError} from '../errors.js'
import {parseYamlData} from '../yaml-data.js'

const require = createRequire(import.meta.url)
const yaml = () => require('yaml') as typeof import('yaml')

/** Strings js-yaml (which reads settings) takes for numbers, though YAML 1.2's core schema does not. */
const JS_YAML_NUMBER = /^[-+]?0(?:b[01]+|x[0-9a-fA-F]+|o[0-7]+)$/
const RENDER = {lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false}

type Data = Record<string, unknown>

function isPlainObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset)
  return nl === -1 ? text.length : nl + 1
}

/** The end of the line a range ends on (a range may end just past its final line break). */
function endOfLineAt(text: string, end: number): number {
  return lineEnd(text, end > 0 && text[end - 1] === '\n' ? end - 1 : end)
}

function parse(text: string, shownPath: string | undefined): Document {
  const doc = yaml().parseDocument(text, {uniqueKeys: true, keepSourceTokens: false})
  const error = doc.errors[0]
  if (error !== undefined) {
    const [line, col] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [undefined, undefined]
    throw new InvalidDocumentError(`invalid YAML: ${error.message.split('\n')[0]}`, {path: shownPath, line, col})
  }
  // An alias shares one value between keys: changing it in place would change them all.
  let shared = false
  yaml().visit(doc, {Alias: () => void (shared = true)})
  if (shared) {
    throw new InvalidDocumentError('the file uses YAML aliases (*name), which psp cannot edit without changing other keys; edit it by hand', {path: shownPath})
  }
  return doc
}

/** The data a text holds, `{}` for an empty one. */
function dataOf(text: string, shownPath: string | undefined): Data {
  const data = parseYamlData(text, shownPath) ?? {}
  if (!isPlainObject(data)) throw new InvalidDocumentError('settings must be a mapping of keys to values', {path: shownPath, line: 1, col: 1})
  return data
}

function keyName(pair: Pair): string {
  const key = pair.key as Node | null
  return String(yaml().isScalar(key) ? key.value : key)
}

function findPair(map: YAMLMap, name: string): Pair | undefined {
  return map.items.find((p) => keyName(p) === name) as Pair | undefined
}

function keyStart(pair: Pair): number {
  return ((pair.key as Node).range as [number, number, number])[0]
}

/** Offset of the pair's last character's line end (its value, its comment on that line). */
function pairEnd(text: string, pair: Pair): number {
  const key = (pair.key as Node).range as [number, number, number]
  const value = (pair.value as Node | null)?.range
  return endOfLineAt(text, Math.max(key[1], value?.[1] ?? 0))
}

/** The column a block map's keys are at. */
function columnOf(text: string, map: YAMLMap): number {
  const first = map.items[0] as Pair | undefined
  if (first === undefined) return 0
  const start = keyStart(first)
  return start - lineStart(text, start)
}

/** The file's indentation step, from its first nested block map (2 when there is none). */
function indentUnit(text: string, root: YAMLMap): number {
  const {isMap} = yaml()
  for (const pair of root.items as Pair[]) {
    const value = pair.value as Node | null
    if (isMap(value) && !value.flow && value.items.length > 0) {
      const step = columnOf(text, value) - columnOf(text, root)
      if (step > 0) return step
    }
  }
  return 2
}

/** Renders a key as a plain scalar when it can be one. */
function renderKey(name: string): string {
  const {isScalar, parseDocument} = yaml()
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) {
    const back = parseDocument(`${name}: 0`).contents
    const pair = yaml().isMap(back) ? (back.items[0] as Pair | undefined) : undefined
    const key = pair?.key
    if (isScalar(key) && key.value === name && !/^(?:true|false|null|yes|no|on|off|y|n)$/i.test(name)) return name
  }
  return JSON.stringify(name)
}

/** Quotes, in rendered data, the strings a reader would otherwise take for something else. */
function guardStrings(doc: Document): void {
  const {Scalar, visit} = yaml()
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return
      const plain = node.type === undefined || node.type === Scalar.PLAIN
      if (node.value.includes('\n') || (plain && JS_YAML_NUMBER.test(node.value))) node.type = Scalar.QUOTE_DOUBLE
    },
  })
}

/** A value on one line: a scalar, or a list or map in flow style. */
function renderInline(value: unknown, old?: Node | null): string {
  const {Document, isScalar, Scalar} = yaml()
  const doc = new Document(value, {flow: true, aliasDuplicateObjects: false})
  const node = doc.contents
  if (isScalar(node) && typeof value === 'string') {
    const style = isScalar(old) && typeof old.value === 'string' ? old.type : undefined
    if (style === Scalar.PLAIN || style === Scalar.QUOTE_DOUBLE || style === Scalar.QUOTE_SINGLE) node.type = style
  }
  guardStrings(doc)
  let text = doc.toString(RENDER).replace(/\n$/, '')
  // A document-level scalar may come out as a block scalar (`|-`): one line must be quoted.
  if (isScalar(node) && (text.includes('\n') || /^[|>]/.test(text))) {
    node.type = Scalar.QUOTE_DOUBLE
    text = doc.toString(RENDER).replace(/\n$/, '')
  }
  return text
}

/** A value as one line of YAML: a scalar, or a list or map in flow style (`[todo, done]`). */
export function renderYamlValue(value: unknown): string {
  return renderInline(value)
}

/** `key:` lines down to `key: value` for a chain of keys, at `column`, each level `unit` deeper. */
function renderChain(path: readonly string[], value: unknown, column: number, unit: number, eol: string): string {
  const [head, ...rest] = path
  const pad = ' '.repeat(column)
  if (rest.length === 0) return `${pad}${renderKey(head as string)}: ${renderInline(value)}${eol}`
  return `${pad}${renderKey(head as string)}:${eol}${renderChain(rest, value, column + unit, unit, eol)}`
}

function splice(text: string, start: number, end: number, insert: string): string {
  return text.slice(0, start) + insert + text.slice(end)
}

/** The offset just past the `:` that follows a pair's key. */
function afterColon(text: string, pair: Pair): number {
  const colon = text.indexOf(':', ((pair.key as Node).range as [number, number, number])[1])
  return colon + 1
}

/** Rewrites a node (a flow collection, a scalar) with `value` on one line. */
function replaceNode(text: string, node: Node, value: unknown): string {
  const [start, end] = node.range as [number, number, number]
  let insert = renderInline(value, node)
  // A block scalar's range takes its line breaks with it.
  if (text.slice(start, end).endsWith('\n')) insert += eolOf(text)
  return splice(text, start, end, insert)
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n'
}

/** True when nothing but blanks precedes the pair's key on its line (the pair owns its lines). */
function ownsLines(text: string, pair: Pair): boolean {
  const start = keyStart(pair)
  return /^[ \t]*$/.test(text.slice(lineStart(text, start), start))
}

/** Replaces a pair's value (known to exist) with `value`. */
function replaceValue(text: string, pair: Pair, value: unknown, context: Edit): string {
  const {isCollection, isSeq} = yaml()
  const node = pair.value as Node | null
  if (node === null || node.range === undefined || node.range === null) {
    return splice(text, afterColon(text, pair), afterColon(text, pair), ` ${renderInline(value)}`)
  }
  const [start, end] = node.range
  if (!isCollection(node) || node.flow) {
    // No value written (`key:`, perhaps with a comment): the value goes right after the colon.
    if (start === end) return splice(text, afterColon(text, pair), afterColon(text, pair), ` ${renderInline(value)}`)
    return replaceNode(text, node, value)
  }
  const blockStart = lineStart(text, start)
  const blockEnd = endOfLineAt(text, end)
  // A block list stays a block list, in the dash style it was written in.
  if (isSeq(node) && Array.isArray(value) && value.length > 0 && /^[ \t]*$/.test(text.slice(blockStart, start))) {
    const pad = text.slice(blockStart, start)
    const items = value.map((item) => `${pad}- ${renderInline(item)}${context.eol}`).join('')
    return splice(text, blockStart, blockEnd, items)
  }
  // Anything else replaces the block with a value on the key's line.
  const colon = afterColon(text, pair)
  const removed = splice(text, blockStart, blockEnd, '')
  return splice(removed, colon, colon, ` ${renderInline(value)}`)
}

interface Edit {
  shownPath?: string
  eol: string
}

/** One step of a set: the text with `path` set to `value` in the data `intended` describes. */
function setStep(text: string, path: readonly string[], value: unknown, intended: Data, context: Edit): string {
  const {isMap, isScalar} = yaml()
  const doc = parse(text, context.shownPath)
  const root = doc.contents as Node | null
  if (root === null || (isScalar(root) && root.value === null && root.range?.[0] === root.range?.[1])) {
    const prefix = text === '' || text.endsWith('\n') ? '' : context.eol
    return text + prefix + renderChain(path, value, 0, 2, context.eol)
  }
  if (!isMap(root)) throw new InvalidDocumentError('settings must be a mapping of keys to values', {path: context.shownPath, line: 1, col: 1})
  const unit = indentUnit(text, root)
  let map: YAMLMap = root
  for (let depth = 0; depth < path.length; depth++) {
    if (map.flow) return replaceNode(text, map, valueAtPath(intended, path.slice(0, depth)))
    const name = path[depth] as string
    const pair = findPair(map, name)
    if (pair === undefined) {
      const last = map.items[map.items.length - 1] as Pair | undefined
      if (last === undefined) return replaceNode(text, map, valueAtPath(intended, path.slice(0, depth)))
      const at = pairEnd(text, last)
      const prefix = at === text.length && !text.endsWith('\n') ? context.eol : ''
      return splice(text, at, at, prefix + renderChain(path.slice(depth), value, columnOf(text, map), unit, context.eol))
    }
    const node = pair.value as Node | null
    if (depth === path.length - 1) return replaceValue(text, pair, value, context)
    if (isMap(node)) {
      map = node
      continue
    }
    // A key with no value yet: its keys go below it, one level deeper.
    const empty = node === null || (isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1])
    if (empty && ownsLines(text, pair)) {
      const at = pairEnd(text, pair)
      const column = keyStart(pair) - lineStart(text, keyStart(pair)) + unit
      const prefix = at === text.length && !text.endsWith('\n') ? context.eol : ''
      return splice(text, at, at, prefix + renderChain(path.slice(depth + 1), value, column, unit, context.eol))
    }
    return replaceValue(text, pair, valueAtPath(intended, path.slice(0, depth + 1)), context)
  }
  return text
}

/** One step of an unset: the text without `path`, in the data `intended` describes. */
function unsetStep(text: string, path: readonly string[], intended: Data, context: Edit): string {
  const {isMap} = yaml()
  const doc = parse(text, context.shownPath)
  const root = doc.contents as Node | null
  if (!isMap(root)) return text
  let map: YAMLMap = root
  let parent: Pair | undefined
  for (let depth = 0; depth < path.length; depth++) {
    if (map.flow) return replaceNode(text, map, valueAtPath(intended, path.slice(0, depth)))
    const pair = findPair(map, path[depth] as string)
    if (pair === undefined) return text
    if (depth < path.length - 1) {
      const node = pair.value as Node | null
      if (!isMap(node)) return text
      parent = pair
      map = node
      continue
    }
    if (!ownsLines(text, pair)) return replaceNode(text, map, valueAtPath(intended, path.slice(0, depth)))
    const removed = splice(text, lineStart(text, keyStart(pair)), pairEnd(text, pair), '')
    if (map.items.length > 1 || parent === undefined) return removed
    // The parent map is left empty: it becomes `{}` on its key's line.
    const colon = afterColon(text, parent)
    return splice(removed, colon, colon, ' {}')
  }
  return text
}

function valueAtPath(data: unknown, path: readonly string[]): unknown {
  let node = data
  for (const name of path) node = isPlainObject(node) && Object.hasOwn(node, name) ? node[name] : undefined
  return node
}

/** A copy of `data` with `value` at `path` (maps created on the way), or the path removed. */
function withValue(data: Data, path: readonly string[], value: unknown, remove: boolean): Data {
  const copy = structuredClone(data)
  let node: Data = copy
  for (const name of path.slice(0, -1)) {
    const next = Object.hasOwn(node, name) ? node[name] : undefined
    if (!isPlainObject(next)) {
      if (remove) return copy
      const made: Data = {}
      Object.defineProperty(node, name, {value: made, enumerable: true, writable: true, configurable: true})
      node = made
    } else {
      node = next
    }
  }
  const last = path[path.length - 1] as string
  if (remove) delete node[last]
  else Object.defineProperty(node, last, {value: structuredClone(value), enumerable: true, writable: true, configurable: true})
  return copy
}

/** Throws unless `text` holds exactly `intended`: the self-check after every edit. */
function verify(text: string, intended: Data, what: string, shownPath: string | undefined): string {
  const got = dataOf(text, shownPath)
  if (!isDeepStrictEqual(got, intended)) throw new Error(`editing ${shownPath ?? 'YAML'} to ${what} would not give the intended data; nothing was written`)
  return text
}

function checkPath(path: readonly string[]): void {
  if (path.length === 0 || path.some((name) => name === '')) throw new Error(`bad settings path: ${JSON.stringify(path)}`)
}

/**
 * The text with the value at `path` set to `value`, every other byte kept. `shownPath` names the
 * file in errors.
 */
export function setYamlValue(text: string, path: readonly string[], value: unknown, shownPath?: string): string {
  checkPath(path)
  const before = dataOf(text, shownPath)
  if (isDeepStrictEqual(valueAtPath(before, path), value)) return text
  const context: Edit = {shownPath, eol: eolOf(text)}
  const intended = withValue(before, path, value, false)
  const current = valueAtPath(before, path)
  let out: string
  if (isPlainObject(value) && Object.keys(value).length > 0 && isPlainObject(current) && isBlockMapAt(text, path, shownPath)) {
    // A block map stays a block map: its keys are set and removed one by one.
    out = text
    for (const [name, inner] of Object.entries(value)) out = setYamlValue(out, [...path, name], inner, shownPath)
    for (const name of Object.keys(current)) if (!Object.hasOwn(value, name)) out = unsetYamlValue(out, [...path, name], shownPath)
  } else {
    out = setStep(text, path, value, intended, context)
  }
  return verify(out, intended, `set ${path.join('.')}`, shownPath)
}

/** The text without the value at `path` (unchanged when it is not there). */
export function unsetYamlValue(text: string, path: readonly string[], shownPath?: string): string {
  checkPath(path)
  const before = dataOf(text, shownPath)
  const intended = withValue(before, path, undefined, true)
  if (isDeepStrictEqual(before, intended)) return text
  const out = unsetStep(text, path, intended, {shownPath, eol: eolOf(text)})
  return verify(out, intended, `remove ${path.join('.')}`, shownPath)
}

/** True when the value at `path` is written as a non-empty block map. */
function isBlockMapAt(text: string, path: readonly string[], shownPath: string | undefined): boolean {
  const {isMap} = yaml()
  let node = parse(text, shownPath).contents as Node | null
  for (const name of path) {
    if (!isMap(node) || node.flow) return false
    node = (findPair(node, name)?.value as Node | null | undefined) ?? null
  }
  return isMap(node) && !node.flow && node.items.length > 0
}
