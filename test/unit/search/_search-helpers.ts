/**
 * Helpers of the search tests: throw-away workspace folders with document files written the way an
 * editor would, and the entry list a command builds (walk data/, stat, load on demand) with a
 * counter of the files actually read.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseDocumentText} from '@psp/core'
import {searchEntries, type SearchEntry} from '@psp/core'

/** Empty temporary folders, removed after each test of the calling file. */
export {useTempDirs as useRoots} from '../_helpers.js'

export interface DocFields {
  id: string
  type?: string
  title?: string
  tags?: string[]
}

/** The text of a document file. */
export function docText(fields: DocFields, body = ''): string {
  const lines = [`id: ${fields.id}`, `type: ${fields.type ?? 'task'}`]
  if (fields.title !== undefined) lines.push(`title: ${JSON.stringify(fields.title)}`)
  if (fields.tags !== undefined) lines.push(`tags: [${fields.tags.join(', ')}]`)
  return `---\n${lines.join('\n')}\n---\n${body}`
}

/** Writes a workspace-relative file, creating folders. */
export function writeRel(root: string, rel: string, text: string): void {
  const file = path.join(root, ...rel.split('/'))
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
}

/** Writes a document file at `rel`. */
export function writeDoc(root: string, rel: string, fields: DocFields, body = ''): void {
  writeRel(root, rel, docText(fields, body))
}

/** Every .md file under data/ except data/cache (workspace-relative, sorted). */
export function listDocs(root: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(root, rel), {withFileTypes: true})) {
      const child = `${rel}/${entry.name}`
      if (entry.isDirectory()) {
        if (child !== 'data/cache') walk(child)
      } else if (entry.name.endsWith('.md')) {
        out.push(child)
      }
    }
  }
  if (fs.existsSync(path.join(root, 'data'))) walk('data')
  return out.sort()
}

/** Counts the files the index reads. */
export interface LoadCounter {
  count: number
  paths: string[]
}

/** The entries of every document under root/data, as a command would build them. */
export function entriesOf(root: string, counter?: LoadCounter): SearchEntry[] {
  return searchEntries(root, listDocs(root), (rel) => {
    if (counter !== undefined) {
      counter.count++
      counter.paths.push(rel)
    }
    const text = fs.readFileSync(path.join(root, rel), 'utf8')
    return parseDocumentText(text, rel, rel.startsWith('data/archive/')).record
  })
}

export function newCounter(): LoadCounter {
  return {count: 0, paths: []}
}

/** Sets a file's modification time `seconds` into the past (keeps its content). */
export function age(root: string, rel: string, seconds = 60): void {
  const when = new Date(Date.now() - seconds * 1000)
  fs.utimesSync(path.join(root, ...rel.split('/')), when, when)
}

/** The absolute path of the search cache file. */
export function cacheFile(root: string): string {
  return path.join(root, 'data', 'cache', 'search', 'index.json')
}
