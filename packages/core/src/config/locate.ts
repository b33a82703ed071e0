/**
 * Where a setting is written in a YAML file: the line and column of a nested key, for error
 * messages and `psp config … --show-origin`. Only the slow paths need it, so `yaml` loads on use.
 */
import {createRequire} from 'node:module'
import type {Node} from 'yaml'

const require = createRequire(import.meta.url)

/** 1-based line and column. */
export interface Position {
  line: number
  col: number
}

/**
 * The position of the deepest key (or list item) of `path` present in `text`: the key itself
 * when the whole path is there, else the closest ancestor written in the file. Undefined when
 * not even the first key is there, or the text is no YAML mapping.
 */
export function locatePath(text: string, path: readonly string[]): Position | undefined {
  const {isMap, isScalar, isSeq, LineCounter, parseDocument} = require('yaml') as typeof import('yaml')
  const counter = new LineCounter()
  const doc = parseDocument(text, {lineCounter: counter, uniqueKeys: false})
  let node = doc.contents as Node | null
  let found: number | undefined
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => {
        const key = p.key as Node | null
        return String(isScalar(key) ? key.value : key) === segment
      })
      const start = (pair?.key as Node | null | undefined)?.range?.[0]
      if (pair === undefined || start === undefined) break
      found = start
      node = pair.value as Node | null
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as Node | undefined
      if (item?.range === undefined || item.range === null) break
      found = item.range[0]
      node = item
    } else {
      break
    }
  }
  return found === undefined ? undefined : counter.linePos(found)
}
