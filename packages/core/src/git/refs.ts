/**
 * References: HEAD (symbolic or detached), loose ref files and `packed-refs` (with the `^` lines
 * that give an annotated tag's peeled commit). Per-worktree refs (HEAD, refs/bisect/…,
 * refs/worktree/…) live in the worktree's git folder, the others in the common one.
 */
import fs from 'node:fs'
import path from 'node:path'
import {OID_PATTERN} from './objects.js'

/** A reference and the object it names. */
export interface GitRef {
  /** The full name: `HEAD`, `refs/heads/main`, `refs/tags/v1.0`. */
  name: string
  oid: string
  /** For an annotated tag: the commit it finally points at, when packed-refs records it. */
  peeled?: string
}

/** How git expands a short name, in its order (git-rev-parse(1), "Specifying revisions"). */
const EXPANSIONS = ['%s', 'refs/%s', 'refs/tags/%s', 'refs/heads/%s', 'refs/remotes/%s', 'refs/remotes/%s/HEAD']

const MAX_SYMREF_DEPTH = 5

/**
 * True for a name that may be looked up as a ref file: git's check-ref-format rules, which also
 * keep a revision such as `../../etc/passwd` from ever becoming a path.
 */
export function isSafeRefName(name: string): boolean {
  if (name === '' || name.length > 1024 || name.startsWith('/') || name.endsWith('/') || name.endsWith('.')) return false
  // eslint-disable-next-line no-control-regex -- control characters are what it refuses
  if (/[\u0000-\u0020\u007f~^:?*[\\]|\.\.|@\{|\/\//.test(name)) return false
  return name.split('/').every((part) => part !== '' && !part.startsWith('.') && !part.endsWith('.lock'))
}

function isPerWorktree(name: string): boolean {
  return !name.startsWith('refs/') || name.startsWith('refs/bisect/') || name.startsWith('refs/worktree/') || name.startsWith('refs/rewritten/')
}

export class RefStore {
  private packed: Map<string, GitRef> | undefined

  constructor(
    readonly gitDir: string,
    readonly commonDir: string,
  ) {}

  /** What HEAD holds: the branch it points at, and the commit (undefined on an unborn branch). */
  head(): {branch?: string; oid?: string} {
    const text = readText(path.join(this.gitDir, 'HEAD'))
    if (text === undefined) return {}
    if (text.startsWith('ref:')) {
      const branch = text.slice(4).trim()
      const oid = this.resolve(branch)
      return {branch, ...(oid === undefined ? {} : {oid})}
    }
    return OID_PATTERN.test(text) ? {oid: text} : {}
  }

  /** The object a full ref name points at (following symbolic refs), or undefined. */
  resolve(name: string, depth = 0): string | undefined {
    if (depth > MAX_SYMREF_DEPTH || !isSafeRefName(name)) return undefined
    const text = readText(path.join(isPerWorktree(name) ? this.gitDir : this.commonDir, ...name.split('/')))
    if (text !== undefined) {
      if (text.startsWith('ref:')) return this.resolve(text.slice(4).trim(), depth + 1)
      // FETCH_HEAD and the like carry more after the id.
      const oid = text.slice(0, 40)
      if (OID_PATTERN.test(oid) && (text.length === 40 || /\s/.test(text[40] as string))) return oid
    }
    return this.packedRefs().get(name)?.oid
  }

  /** The peeled commit packed-refs records for a tag, if it does. */
  peeled(name: string): string | undefined {
    return this.packedRefs().get(name)?.peeled
  }

  /**
   * Resolves a name as git does: `HEAD`, a full ref, then `refs/<name>`, `refs/tags/<name>`,
   * `refs/heads/<name>`, `refs/remotes/<name>` and `refs/remotes/<name>/HEAD`.
   */
  dwim(name: string): GitRef | undefined {
    if (name === 'HEAD' || name === '@') {
      const oid = this.head().oid
      return oid === undefined ? undefined : {name: 'HEAD', oid}
    }
    for (const pattern of EXPANSIONS) {
      const full = pattern.replace('%s', name)
      // Outside refs/ only git's own all-capitals names (ORIG_HEAD, FETCH_HEAD, MERGE_HEAD…).
      if (!full.startsWith('refs/') && !/^[A-Z_]+$/.test(full)) continue
      const oid = this.resolve(full)
      if (oid !== undefined) {
        const peeled = this.peeled(full)
        return {name: full, oid, ...(peeled === undefined ? {} : {peeled})}
      }
    }
    return undefined
  }

  /** Every ref under a prefix (`refs/heads/`, `refs/tags/`, … or `refs/` for all), sorted by name. */
  list(prefix = 'refs/'): GitRef[] {
    const found = new Map<string, GitRef>()
    for (const [name, ref] of this.packedRefs()) if (name.startsWith(prefix)) found.set(name, ref)
    const walk = (dir: string, name: string) => {
      let entries: fs.Dirent[]
      try {
        entries = fs.readdirSync(dir, {withFileTypes: true})
      } catch {
        return
      }
      for (const entry of entries) {
        const child = `${name}/${entry.name}`
        if (entry.isDirectory()) walk(path.join(dir, entry.name), child)
        else if (child.startsWith(prefix) && isSafeRefName(child)) {
          const oid = this.resolve(child)
          // A loose ref overrides the packed one, except for the peeled id only packed-refs knows.
          if (oid !== undefined) found.set(child, {...(found.get(child)?.oid === oid ? found.get(child) : {}), name: child, oid})
        }
      }
    }
    walk(path.join(this.commonDir, 'refs'), 'refs')
    return [...found.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  }

  private packedRefs(): Map<string, GitRef> {
    if (this.packed !== undefined) return this.packed
    this.packed = new Map()
    const text = readText(path.join(this.commonDir, 'packed-refs'))
    if (text === undefined) return this.packed
    let last: GitRef | undefined
    for (const line of text.split(/\r?\n/)) {
      if (line.startsWith('#') || line === '') continue
      if (line.startsWith('^')) {
        const peeled = line.slice(1).trim()
        if (last !== undefined && OID_PATTERN.test(peeled)) last.peeled = peeled
        continue
      }
      const space = line.indexOf(' ')
      const oid = line.slice(0, space)
      const name = line.slice(space + 1).trim()
      if (!OID_PATTERN.test(oid) || !isSafeRefName(name)) {
        last = undefined
        continue
      }
      last = {name, oid}
      this.packed.set(name, last)
    }
    return this.packed
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim()
  } catch {
    return undefined
  }
}
