/**
 * Finding things in an `openspec/` folder: specs (flat or nested capability paths), delta specs of a
 * change, active and archived change ids, and change folders that are really namespace folders
 * wrapping nested changes (which openspec does not support). Synchronous on purpose: many small
 * directories and files are read faster without the promise machinery.
 */
import fs from 'node:fs'
import path from 'node:path'
import {parseDeltaSpec} from './requirement-blocks.js'
import {linkState, lstatOrUndefined, readFileText, readdirEntries} from './path-memo.js'

/** A discovered `spec.md`: its capability id (`auth` or `area/auth`) and its file. */
export interface DiscoveredSpec {
  id: string
  specFile: string
}

/** A Markdown file under a change's specs/ that carries delta sections but is never read. */
export interface UnreadDeltaFile {
  /** Path relative to the specs/ folder, `/`-separated. */
  path: string
  /** Where its content should live, relative to specs/. */
  expected: string
}

/** A folder under changes/ that wraps nested change folders instead of being a change. */
export interface NestedChangeFinding {
  name: string
  nested: string[]
}

const errCode = (error: unknown): string | undefined => (error as NodeJS.ErrnoException | undefined)?.code

/** Compares by UTF-16 code units, never by locale, so the order is the same on every machine. */
export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function isWithin(dir: string, target: string): boolean {
  const rel = path.relative(dir, target)
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel))
}

/** The real path of `target`, resolving its nearest existing ancestor when it does not exist yet. */
function canonicalPotentialPath(target: string): string {
  let existing = target
  const missing: string[] = []
  for (;;) {
    try {
      fs.lstatSync(existing)
      return path.resolve(fs.realpathSync.native(existing), ...missing)
    } catch (error) {
      if (errCode(error) !== 'ENOENT') throw error
      let dangling = false
      try {
        dangling = fs.lstatSync(existing).isSymbolicLink()
      } catch (lstatError) {
        if (errCode(lstatError) !== 'ENOENT') throw lstatError
      }
      if (dangling) throw new Error(`Cannot verify dangling symbolic link: ${existing}`)
      const parent = path.dirname(existing)
      if (parent === existing) throw new Error(`Cannot resolve an existing parent for ${target}`)
      missing.unshift(path.basename(existing))
      existing = parent
    }
  }
}

/**
 * Throws (with openspec's message) when `target` lies outside `dir`, lexically or through a
 * symbolic link in the target or one of its parents.
 */
export function assertPathWithin(dir: string, target: string): void {
  const resolvedDir = path.resolve(dir)
  const resolvedTarget = path.resolve(target)
  if (!isWithin(resolvedDir, resolvedTarget)) throw new Error(`Path is outside the allowed directory: ${target}`)
  if (noLinkBelow(resolvedDir, resolvedTarget)) return
  if (!isWithin(canonicalPotentialPath(resolvedDir), canonicalPotentialPath(resolvedTarget))) {
    throw new Error(`Path is outside the allowed directory: ${target}`)
  }
}

/**
 * The common case, decided with a few `lstat`s instead of resolving both real paths: `dir`
 * exists (a link to a folder included), and no existing part of `target` below it is a link —
 * then nothing can lead `target` out of `dir`. False whenever anything is unusual (a link below
 * `dir`, a missing or dangling `dir`, an error other than "no such file"), and the caller then
 * resolves real paths, which also raises the errors that case deserves.
 */
function noLinkBelow(dir: string, target: string): boolean {
  try {
    const own = lstatOrUndefined(dir)
    if (own === undefined || (own.isSymbolicLink() && !fs.statSync(dir).isDirectory())) return false
  } catch {
    return false
  }
  let current = dir
  for (const segment of path.relative(dir, target).split(path.sep)) {
    if (segment === '') continue
    current = path.join(current, segment)
    let state: ReturnType<typeof linkState>
    try {
      state = linkState(current)
    } catch {
      return false
    }
    // Missing from here down: nothing below can be a link.
    if (state === 'missing') return true
    if (state === 'link') return false
  }
  return true
}

function readEntries(dir: string, tolerated: readonly string[]): fs.Dirent[] | undefined {
  try {
    return readdirEntries(dir)
  } catch (error) {
    if (tolerated.includes(errCode(error) ?? '')) return undefined
    throw error
  }
}

function assertDiscoveredSpec(specsRoot: string, capabilityDir: string, specFile: string): void {
  try {
    assertPathWithin(specsRoot, specFile)
  } catch {
    // A capability folder may be a link into another repository: then the capability is the boundary.
    assertPathWithin(capabilityDir, specFile)
  }
}

/**
 * Every `spec.md` below `specsRoot` at any depth (a `spec.md` directly in the root is not a
 * capability), sorted by id. Dot entries are skipped, linked folders are not followed, a linked
 * `spec.md` counts when it stays inside its capability. A missing root gives an empty list; any
 * other read failure is thrown, because dropping a capability silently would lose its content.
 */
export function discoverSpecFiles(specsRoot: string): DiscoveredSpec[] {
  const found: DiscoveredSpec[] = []
  const walk = (dir: string, segments: string[]) => {
    const entries = readEntries(dir, ['ENOENT'])
    if (!entries) return
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      if (entry.isDirectory()) {
        walk(path.join(dir, entry.name), [...segments, entry.name])
      } else if (entry.name === 'spec.md' && segments.length > 0) {
        const specFile = path.join(dir, entry.name)
        if (entry.isFile()) {
          // A plain file reached through plain folders cannot leave the root.
          found.push({id: segments.join('/'), specFile})
        } else if (entry.isSymbolicLink()) {
          try {
            if (fs.statSync(specFile).isFile()) {
              assertDiscoveredSpec(specsRoot, dir, specFile)
              found.push({id: segments.join('/'), specFile})
            }
          } catch (error) {
            if (errCode(error) !== 'ENOENT') throw error
          }
        }
      }
    }
  }
  walk(specsRoot, [])
  return found.sort((a, b) => compareCodePoints(a.id, b.id))
}

/**
 * Markdown files under a change's specs/ with delta sections that validate and archive never read
 * (anything other than a capability's `spec.md`; a root-level `spec.md` has its own check).
 * Sorted by path.
 */
export function findUnreadDeltaFiles(specsRoot: string): UnreadDeltaFile[] {
  const found: UnreadDeltaFile[] = []
  const walk = (dir: string, segments: string[]) => {
    const entries = readEntries(dir, ['ENOENT', 'ENOTDIR'])
    if (!entries) return
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      if (entry.isDirectory()) {
        walk(path.join(dir, entry.name), [...segments, entry.name])
        continue
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue
      if (entry.name === 'spec.md' || !entry.name.toLowerCase().endsWith('.md')) continue
      const file = path.join(dir, entry.name)
      let content: string
      try {
        if (entry.isSymbolicLink() && !fs.statSync(file).isFile()) continue
        content = readFileText(file)
      } catch (error) {
        if (errCode(error) === 'ENOENT') continue
        throw error
      }
      if (!Object.values(parseDeltaSpec(content).sectionPresence).some(Boolean)) continue
      const capability = segments.length > 0 ? segments.join('/') : entry.name.slice(0, -'.md'.length)
      found.push({path: [...segments, entry.name].join('/'), expected: `${capability}/spec.md`})
    }
  }
  walk(specsRoot, [])
  return found.sort((a, b) => compareCodePoints(a.path, b.path))
}

/**
 * True when any non-dot file (or link) exists anywhere below `dir`. A missing folder is false;
 * other read failures are thrown for the caller to judge.
 */
export function hasAnyFileUnder(dir: string): boolean {
  const entries = readEntries(dir, ['ENOENT'])
  if (!entries) return false
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue
    if (entry.isFile() || entry.isSymbolicLink()) return true
    if (entry.isDirectory() && hasAnyFileUnder(path.join(dir, entry.name))) return true
  }
  return false
}

/**
 * Names of the active changes: folders directly under `changesDir`, except `archive` and dot
 * folders, in code-point order. A missing folder has none.
 */
export function listChangeIds(changesDir: string): string[] {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(changesDir, {withFileTypes: true})
  } catch {
    return []
  }
  return entries
    .filter((e) => e.isDirectory() && e.name !== 'archive' && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
}

/** Active change ids of the project at `root` (openspec/changes/*). */
export function getActiveChangeIds(root: string): string[] {
  return listChangeIds(path.join(root, 'openspec', 'changes'))
}

/** Archived change ids of the project at `root` (openspec/changes/archive/*), dot folders excluded. */
export function getArchivedChangeIds(root: string): string[] {
  let entries: fs.Dirent[]
  try {
    entries = fs.readdirSync(path.join(root, 'openspec', 'changes', 'archive'), {withFileTypes: true})
  } catch {
    return []
  }
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
}

/** Spec ids of the project at `root` (capability paths under openspec/specs). */
export function getSpecIds(root: string): string[] {
  return discoverSpecFiles(path.join(root, 'openspec', 'specs')).map((s) => s.id)
}

// --- nested changes -------------------------------------------------------------------------

/** Files that only ever sit at the root of a change folder. */
const CHANGE_ROOT_MARKERS = ['.openspec.yaml', 'proposal.md', 'tasks.md', 'design.md']
/** How deep below a candidate folder to look for nested changes. */
const MAX_NESTING_DEPTH = 3

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile()
  } catch {
    return false
  }
}

/** A folder is a change when it has a root artifact or any file under its specs/. */
function looksLikeChange(dir: string): boolean {
  if (CHANGE_ROOT_MARKERS.some((m) => isFile(path.join(dir, m)))) return true
  try {
    return hasAnyFileUnder(path.join(dir, 'specs'))
  } catch {
    return false
  }
}

function entriesOrNone(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, {withFileTypes: true})
  } catch {
    return []
  }
}

function collectNested(dir: string, prefix: string, depth: number, found: string[]): void {
  if (depth > MAX_NESTING_DEPTH) return
  for (const entry of entriesOrNone(dir)) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue
    const child = path.join(dir, entry.name)
    const id = `${prefix}/${entry.name}`
    if (looksLikeChange(child)) found.push(id)
    else collectNested(child, id, depth + 1, found)
  }
}

/**
 * Whether `changes/<name>/` is a namespace folder wrapping nested change folders rather than a
 * change. Undefined for every ordinary change, including an empty scaffolded one.
 */
export function findNestedChangesIn(changesDir: string, name: string): NestedChangeFinding | undefined {
  if (name === 'archive' || name.startsWith('.')) return undefined
  const dir = path.join(changesDir, name)
  if (looksLikeChange(dir)) return undefined
  if (entriesOrNone(dir).some((e) => !e.name.startsWith('.') && !e.isDirectory())) return undefined
  const nested: string[] = []
  collectNested(dir, name, 1, nested)
  return nested.length === 0 ? undefined : {name, nested: nested.sort()}
}

/** `findNestedChangesIn` over several names, keeping only the findings. */
export function findNestedChanges(changesDir: string, names: readonly string[]): NestedChangeFinding[] {
  return names.map((n) => findNestedChangesIn(changesDir, n)).filter((f): f is NestedChangeFinding => f !== undefined)
}

/** The phrase every nested-change message contains (callers recognise the case by it). */
export const NESTED_CHANGE_ISSUE_MARKER = 'is not a change: it is a folder wrapping'

/** openspec's explanation of a nested change, word for word. */
export function describeNestedChange(finding: NestedChangeFinding): string {
  const list = finding.nested.map((id) => `openspec/changes/${id}/`).join(', ')
  const example = (finding.nested[0] ?? '').split('/').join('-')
  return (
    `"${finding.name}" ${NESTED_CHANGE_ISSUE_MARKER} ${list}. ` +
    'A change must be a directory directly under openspec/changes/, so those ' +
    'nested directories are invisible to OpenSpec while the folder around them ' +
    'is reported as a change. Nested paths are supported under openspec/specs/ ' +
    `only. Rename each nested change to a flat name (for example "${example}").`
  )
}
