/**
 * Which files under data/ are documents, and the two ways of finding them: the walk (every
 * folder listed, what the index is validated by) and the file names cached folder by folder for
 * lookups by id.
 */
import fs from 'node:fs'
import path from 'node:path'
import {writeFileAtomic} from './fs-safe.js'
import {RACY_MS} from './index-cache.js'
import {LAYOUT} from './layout.js'
import type {Workspace} from './workspace.js'

/** Folders under data/ that never hold documents. */
export const SKIP_DIRS: ReadonlySet<string> = new Set([LAYOUT.cache, LAYOUT.templates])

/** True for a file name the store reads as a document: `.md`, not hidden, not a README. */
export function isDocumentFile(name: string): boolean {
  return name.endsWith('.md') && !name.startsWith('.') && name.toLowerCase() !== 'readme.md'
}

/** One folder's listing: its document files and the subfolders the walk enters. */
interface Listing {
  docs: string[]
  dirs: string[]
}

/** Lists one folder as the walk sees it; undefined when it cannot be read. */
function listFolder(rel: string, absolute: string): Listing | undefined {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(absolute, {withFileTypes: true})
  } catch {
    return undefined
  }
  const listing: Listing = {docs: [], dirs: []}
  for (const entry of entries) {
    const name = entry.name
    if (entry.isDirectory()) {
      if (!name.startsWith('.') && !SKIP_DIRS.has(`${rel}/${name}`)) listing.dirs.push(name)
    } else if (entry.isFile() && isDocumentFile(name)) {
      listing.docs.push(name)
    }
  }
  return listing
}

/**
 * Walks data/ and calls `visit` with each document file's folder (workspace-relative and
 * absolute) and name. Callers build the paths they need, by concatenation rather than
 * path.join: at 50,000 files the walk is on every command's critical path.
 */
export function walkDocumentFiles(ws: Workspace, visit: (folder: string, absoluteFolder: string, name: string) => void): void {
  const walk = (rel: string, absolute: string) => {
    const listing = listFolder(rel, absolute)
    if (listing === undefined) return
    for (const name of listing.docs) visit(rel, absolute, name)
    for (const name of listing.dirs) walk(`${rel}/${name}`, absolute + path.sep + name)
  }
  walk(LAYOUT.data, ws.resolve(LAYOUT.data))
}

const NAMES_FILE = `${LAYOUT.cache}/names.json`
/** Bump when the cache's format or what the walk counts as a document changes. */
const NAMES_FORMAT = 2

interface CachedFolder {
  mtimeMs: number
  /** With the time: two folders with equal times that swap places are not mistaken for each other. */
  ino: number
  /** The folder's document file names, each between line feeds: `\nname\n…\nname\n`. */
  names: string
  dirs: string[]
}

interface NamesCache {
  format: number
  /** When the walk that wrote it started (ms). */
  listedAt: number
  folders: Record<string, CachedFolder>
}

/**
 * A cached folder entry of the right shape: names between line feeds, none holding a path
 * separator, and plain subfolder names. Anything else (a damaged or hand-edited cache) is
 * listed again rather than trusted, so the cache can never lead the walk outside data/.
 */
function isFolderEntry(entry: unknown): entry is CachedFolder {
  if (entry === null || typeof entry !== 'object') return false
  const {mtimeMs, ino, names, dirs} = entry as Partial<CachedFolder>
  return (
    typeof mtimeMs === 'number' &&
    typeof ino === 'number' &&
    typeof names === 'string' &&
    names.startsWith('\n') &&
    names.endsWith('\n') &&
    !/[/\\\0]/.test(names) &&
    Array.isArray(dirs) &&
    dirs.every((d) => typeof d === 'string' && d !== '' && !d.startsWith('.') && !/[/\\\0\n\r]/.test(d))
  )
}

function readNamesCache(file: string): NamesCache | undefined {
  try {
    const cache = JSON.parse(fs.readFileSync(file, 'utf8')) as NamesCache
    if (cache.format !== NAMES_FORMAT || typeof cache.listedAt !== 'number' || typeof cache.folders !== 'object' || cache.folders === null) return undefined
    return cache
  } catch {
    return undefined
  }
}

/**
 * The names of the document files under data/, by workspace-relative folder, each list written
 * `\nname\n…\nname\n` so that a lookup can search it as one string. Read from
 * data/cache/names.json folder by folder while the folder's mtime is unchanged (creating,
 * deleting or renaming an entry changes its folder's mtime, as git's untracked cache also relies
 * on), so a lookup by id stats the ~50 folders of a 10,000-document workspace instead of listing
 * every file. A folder changed within RACY_MS of the listing is listed again next time. Names
 * holding a line break are left out: psp never writes one, and such a file is found through the
 * index like any file not named after its record's id.
 */
export function documentFileNames(ws: Workspace): Map<string, string> {
  const cacheFile = ws.resolve(NAMES_FILE)
  const cached = readNamesCache(cacheFile)
  const listedAt = Date.now()
  const folders: Record<string, CachedFolder> = {}
  const out = new Map<string, string>()
  let changed = false
  const visit = (rel: string, absolute: string) => {
    // The stat comes before the listing: a change in between leaves a newer mtime than the one kept.
    const stat = fs.statSync(absolute, {throwIfNoEntry: false})
    if (stat === undefined || !stat.isDirectory()) return
    const hit = cached?.folders[rel]
    let folder: CachedFolder
    if (isFolderEntry(hit) && hit.mtimeMs === stat.mtimeMs && hit.ino === stat.ino && (cached as NamesCache).listedAt - stat.mtimeMs > RACY_MS) {
      folder = hit
    } else {
      const listing = listFolder(rel, absolute)
      if (listing === undefined) return
      const docs = listing.docs.filter((name) => !/[\n\r]/.test(name))
      folder = {mtimeMs: stat.mtimeMs, ino: stat.ino, names: docs.length === 0 ? '\n' : `\n${docs.join('\n')}\n`, dirs: listing.dirs}
      changed = true
    }
    folders[rel] = folder
    out.set(rel, folder.names)
    for (const name of folder.dirs) visit(`${rel}/${name}`, absolute + path.sep + name)
  }
  visit(LAYOUT.data, ws.resolve(LAYOUT.data))
  // No data/ folder (a workspace psp new is only planning yet): nothing to remember, nothing to create.
  if (out.size > 0 && (changed || cached === undefined || Object.keys(cached.folders).length !== out.size)) {
    try {
      writeFileAtomic(cacheFile, JSON.stringify({format: NAMES_FORMAT, listedAt, folders} satisfies NamesCache), {durable: false})
    } catch {
      // A read-only checkout still finds records, by listing every time.
    }
  }
  return out
}

/**
 * The workspace-relative paths of the files whose names could hold an id that `query` (lower
 * case) resolves to: the id, or the part after its prefix, starts with `query`. A project's file
 * is named after its folder (`<id>-<slug>/project.md`). Stops looking once more than `limit` are
 * found, since the caller then asks the index instead.
 */
export function filesNamedLike(folders: Map<string, string>, query: string, limit: number): string[] {
  const out: string[] = []
  if (query === '' || /[\n\r]/.test(query)) return out
  for (const [folder, names] of folders) {
    if (names.includes('\nproject.md\n') && nameMayMatch(folder.slice(folder.lastIndexOf('/') + 1), query)) out.push(`${folder}/project.md`)
    if (/[^\n -~]|[A-Z]/.test(names)) {
      // Upper case or non-ASCII (rare: hand-made files): compared name by name, lower-cased.
      for (const name of names.slice(1, -1).split('\n')) {
        if (name !== '' && name !== 'project.md' && nameMayMatch(name, query)) out.push(`${folder}/${name}`)
      }
    } else {
      // Each line holding `query` is checked where it may match: at the start of the name, or
      // right after its first dash.
      let at = names.indexOf(query, 1)
      while (at !== -1) {
        const start = names.lastIndexOf('\n', at - 1) + 1
        const end = names.indexOf('\n', at)
        const dash = names.indexOf('-', start)
        if (names.startsWith(query, start) || (dash !== -1 && dash < end && names.startsWith(query, dash + 1))) {
          const name = names.slice(start, end)
          if (name !== 'project.md') out.push(`${folder}/${name}`)
        }
        at = names.indexOf(query, end + 1)
      }
    }
    if (out.length > limit) break
  }
  return out
}

/** True when a file is named after exactly this id (lower case): `<id>.md`, `<id>-<slug>.md` or a project folder. */
export function fileNamedAfter(folders: Map<string, string>, id: string): boolean {
  for (const [folder, raw] of folders) {
    const names = /[A-Z]/.test(raw) ? raw.toLowerCase() : raw
    if (names.includes(`\n${id}-`) || names.includes(`\n${id}.md\n`)) return true
    if (raw.includes('\nproject.md\n')) {
      const base = folder.slice(folder.lastIndexOf('/') + 1).toLowerCase()
      if (base === id || base.startsWith(`${id}-`)) return true
    }
  }
  return false
}

/**
 * True when a file named after an id could hold an id that `query` resolves to. Ids match
 * case-insensitively; `query` is lower-case and names psp writes are too, so a name with upper
 * case (rare: a hand-made file) is compared lower-cased.
 */
function nameMayMatch(name: string, query: string): boolean {
  const lower = /[A-Z]/.test(name) ? name.toLowerCase() : name
  if (lower.startsWith(query)) return true
  const dash = lower.indexOf('-')
  return dash !== -1 && lower.startsWith(query, dash + 1)
}
