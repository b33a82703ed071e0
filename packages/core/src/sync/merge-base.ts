/**
 * Merge bases, as git computes them (`paint_down_to_common` then `remove_redundant` in git's
 * commit-reach.c): walk back from both commits newest first, marking which side reaches each
 * commit; a commit both reach is a base, and everything below it is stale. Runs on psp's own
 * reader (and on commits a dry run holds in memory), and stops as soon as only stale commits are
 * left, so two clones that diverged by a few commits read a few commits, whatever the history.
 */
import type {GitCommit} from '../git/objects.js'

const ONE = 1
const TWO = 2
const STALE = 4
const RESULT = 8

/** A queue of commits, newest committer date first (ties: the later inserted first, as git). */
class DateQueue {
  private items: Array<{oid: string; time: number; seq: number}> = []
  private seq = 0

  push(oid: string, time: number): void {
    const item = {oid, time, seq: this.seq++}
    // Binary insertion: few items, and the order must be exact.
    let lo = 0
    let hi = this.items.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const m = this.items[mid] as {time: number; seq: number}
      if (m.time > time || (m.time === time && m.seq > item.seq)) lo = mid + 1
      else hi = mid
    }
    this.items.splice(lo, 0, item)
  }

  pop(): string | undefined {
    return this.items.shift()?.oid
  }

  some(test: (oid: string) => boolean): boolean {
    return this.items.some((i) => test(i.oid))
  }
}

/**
 * The best common ancestors of `a` and `b` (none for unrelated histories). Several are returned
 * when the histories criss-cross; callers pick one.
 */
export function mergeBases(readCommit: (oid: string) => GitCommit, a: string, b: string): string[] {
  if (a === b) return [a]
  const flags = new Map<string, number>()
  const time = (oid: string) => readCommit(oid).committer.time
  const queue = new DateQueue()
  flags.set(a, ONE)
  flags.set(b, TWO)
  queue.push(a, time(a))
  queue.push(b, time(b))
  const results: string[] = []
  while (queue.some((oid) => ((flags.get(oid) ?? 0) & STALE) === 0)) {
    const oid = queue.pop() as string
    const own = flags.get(oid) ?? 0
    let f = own & (ONE | TWO | STALE)
    if (f === (ONE | TWO)) {
      if ((own & RESULT) === 0) {
        flags.set(oid, own | RESULT)
        results.push(oid)
      }
      f |= STALE
    }
    for (const parent of readCommit(oid).parents) {
      const pf = flags.get(parent) ?? 0
      if ((pf & f) === f) continue
      flags.set(parent, pf | f)
      queue.push(parent, time(parent))
    }
  }
  const found = results.filter((oid) => ((flags.get(oid) ?? 0) & STALE) === 0)
  return found.length <= 1 ? found : removeRedundant(readCommit, found)
}

/** Drops the bases that are ancestors of another base (clock skew can leave such in the list). */
function removeRedundant(readCommit: (oid: string) => GitCommit, bases: string[]): string[] {
  const redundant = new Set<string>()
  for (const base of bases) {
    if (redundant.has(base)) continue
    const others = new Set(bases.filter((o) => o !== base && !redundant.has(o)))
    // Everything reachable from `base`: any other base found there is its ancestor.
    const seen = new Set<string>([base])
    const stack = [...readCommit(base).parents]
    while (stack.length > 0 && others.size > 0) {
      const oid = stack.pop() as string
      if (seen.has(oid)) continue
      seen.add(oid)
      if (others.has(oid)) {
        redundant.add(oid)
        others.delete(oid)
      }
      stack.push(...readCommit(oid).parents)
    }
  }
  return bases.filter((b) => !redundant.has(b))
}

/**
 * The commits reachable from `head` and not from any of `exclude` (`git rev-list head ^exclude`),
 * newest first: walked newest first from both ends, stopping once only commits reachable from
 * `exclude` are left. At most `limit` are listed; `count` counts them all.
 */
export function commitsBetween(readCommit: (oid: string) => GitCommit, head: string, exclude: readonly string[], limit: number): {count: number; commits: GitCommit[]} {
  const SEEN = 1
  const UNINTERESTING = 2
  const flags = new Map<string, number>()
  const queue = new DateQueue()
  const add = (oid: string, f: number) => {
    const had = flags.get(oid)
    if (had !== undefined && (had & f) === f) return
    flags.set(oid, (had ?? 0) | f | SEEN)
    if (had === undefined || (f & UNINTERESTING) !== 0) queue.push(oid, readCommit(oid).committer.time)
  }
  for (const oid of exclude) add(oid, UNINTERESTING)
  add(head, 0)
  const found: string[] = []
  const counted = new Set<string>()
  while (queue.some((oid) => ((flags.get(oid) ?? 0) & UNINTERESTING) === 0)) {
    const oid = queue.pop() as string
    const f = flags.get(oid) ?? 0
    const uninteresting = f & UNINTERESTING
    if (uninteresting === 0 && !counted.has(oid)) {
      counted.add(oid)
      found.push(oid)
    }
    for (const parent of readCommit(oid).parents) add(parent, uninteresting)
  }
  const left = found.filter((oid) => ((flags.get(oid) ?? 0) & UNINTERESTING) === 0)
  return {count: left.length, commits: left.slice(0, limit).map(readCommit)}
}
