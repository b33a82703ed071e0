/**
 * A memo of file-system answers (lstat, real paths, listings, file text) and of parses, for the
 * length of one read-only pass.
 * Validating 100 changes asks the same questions about the same folders hundreds of times (is
 * `openspec/specs` a link? what is its real path?); inside `withPathMemo` each is asked once.
 * Outside it nothing is remembered, so archive's checks right before it writes always look at
 * the disk as it is.
 */
import fs from 'node:fs'
import path from 'node:path'

let lstats: Map<string, fs.Stats | undefined> | undefined
let realpaths: Map<string, string> | undefined
let listings: Map<string, {entries: fs.Dirent[]} | {error: unknown}> | undefined
let texts: Map<string, {text: string} | {error: unknown}> | undefined
let existing: Map<string, boolean> | undefined
let parsed: Map<(text: string) => unknown, Map<string, unknown>> | undefined

/** Runs `fn` (synchronous: nothing else runs meanwhile) with the memo on, then drops it. */
export function withPathMemo<T>(fn: () => T): T {
  if (lstats !== undefined) return fn()
  lstats = new Map()
  realpaths = new Map()
  listings = new Map()
  texts = new Map()
  existing = new Map()
  parsed = new Map()
  try {
    return fn()
  } finally {
    lstats = undefined
    realpaths = undefined
    listings = undefined
    texts = undefined
    existing = undefined
    parsed = undefined
  }
}

/** `fs.lstatSync(p, {throwIfNoEntry: false})`, memoised inside `withPathMemo`. */
export function lstatOrUndefined(p: string): fs.Stats | undefined {
  if (lstats === undefined) return fs.lstatSync(p, {throwIfNoEntry: false})
  if (lstats.has(p)) return lstats.get(p)
  const stat = fs.lstatSync(p, {throwIfNoEntry: false})
  lstats.set(p, stat)
  return stat
}

/** `fs.realpathSync.native(p)`, memoised inside `withPathMemo` (errors are not remembered). */
export function realpathNative(p: string): string {
  if (realpaths === undefined) return fs.realpathSync.native(p)
  let real = realpaths.get(p)
  if (real === undefined) {
    // An entry that is not a link lives where its parent really is: one lstat, and the
    // parent's answer is shared by all its entries, instead of a walk of every ancestor.
    const parent = path.dirname(p)
    const stat = parent === p ? undefined : lstatOrUndefined(p)
    real = stat !== undefined && !stat.isSymbolicLink() ? path.join(realpathNative(parent), path.basename(p)) : fs.realpathSync.native(p)
    realpaths.set(p, real)
  }
  return real
}

/**
 * `fs.readdirSync(dir, {withFileTypes: true})`, memoised inside `withPathMemo` (a failure is
 * remembered and thrown again). Validating a change walks its specs/ folder three times.
 */
export function readdirEntries(dir: string): fs.Dirent[] {
  if (listings === undefined) return fs.readdirSync(dir, {withFileTypes: true})
  let listing = listings.get(dir)
  if (listing === undefined) {
    try {
      listing = {entries: fs.readdirSync(dir, {withFileTypes: true})}
    } catch (error) {
      listing = {error}
    }
    listings.set(dir, listing)
  }
  if ('error' in listing) throw listing.error
  return listing.entries
}

/**
 * `fs.readFileSync(file, 'utf8')`, memoised inside `withPathMemo` (a failure is remembered and
 * thrown again). A main spec is read by the spec's own check and again by every change that
 * touches it; the project config once per change.
 */
export function readFileText(file: string): string {
  if (texts === undefined) return fs.readFileSync(file, 'utf8')
  let read = texts.get(file)
  if (read === undefined) {
    try {
      read = {text: fs.readFileSync(file, 'utf8')}
    } catch (error) {
      read = {error}
    }
    texts.set(file, read)
  }
  if ('error' in read) throw read.error
  return read.text
}

/** `fs.existsSync(p)`, memoised inside `withPathMemo`: each change asks whether the project has its own schema. */
export function pathExists(p: string): boolean {
  if (existing === undefined) return fs.existsSync(p)
  let found = existing.get(p)
  if (found === undefined) {
    found = fs.existsSync(p)
    existing.set(p, found)
  }
  return found
}

/**
 * Whether `p` is missing, a symbolic link, or something else. Inside `withPathMemo`, a folder
 * already listed answers for its entries from the listing (readdir's entry types), so that
 * checking a path found by a walk costs no further system call.
 */
export function linkState(p: string): 'missing' | 'link' | 'other' {
  if (listings !== undefined) {
    const listing = listings.get(path.dirname(p))
    if (listing !== undefined && 'entries' in listing) {
      const name = path.basename(p)
      const entry = listing.entries.find((e) => e.name === name)
      if (entry === undefined) return 'missing'
      return entry.isSymbolicLink() ? 'link' : 'other'
    }
  }
  const stat = lstatOrUndefined(p)
  return stat === undefined ? 'missing' : stat.isSymbolicLink() ? 'link' : 'other'
}

/**
 * `parse(text)`, memoised by text inside `withPathMemo`: a main spec touched by several changes,
 * or a delta read by validation and again by the archive dry run, is parsed once. The result is
 * shared, so callers must not change it.
 */
export function parsedOnce<T>(parse: (text: string) => T, text: string): T {
  if (parsed === undefined) return parse(text)
  let byText = parsed.get(parse)
  if (byText === undefined) {
    byText = new Map()
    parsed.set(parse, byText)
  }
  if (byText.has(text)) return byText.get(text) as T
  const value = parse(text)
  byText.set(text, value)
  return value
}
