/**
 * Revisions, as `git rev-parse` reads a useful part of them: a name or id, then `~N`, `^`, `^N`
 * and `^{}` suffixes in any combination (`main~3^2`); and, for time travel, a date: the newest
 * commit on a branch's first-parent line committed at or before it.
 */
import {AmbiguousIdError, NotFoundError, UsageError} from '../errors.js'
import {OID_PATTERN} from './objects.js'
import type {GitRepository} from './repository.js'

type Step = {kind: '~' | '^'; n: number} | {kind: 'peel'}

/** Splits `main~3^2` into its base and its suffix steps; undefined when the suffixes are malformed. */
function parseSuffixes(revision: string): {base: string; steps: Step[]} | undefined {
  // The base ends where the first ~ or ^ is (neither may appear in a ref name).
  const cut = revision.search(/[~^]/)
  const base = cut === -1 ? revision : revision.slice(0, cut)
  const steps: Step[] = []
  let rest = cut === -1 ? '' : revision.slice(cut)
  while (rest !== '') {
    const match = /^(?:\^\{(commit)?\}|([~^])(\d*))/.exec(rest)
    if (match === null) return undefined
    if (match[2] === undefined) steps.push({kind: 'peel'})
    else {
      const n = match[3] === '' ? 1 : Number(match[3])
      if (!Number.isSafeInteger(n)) return undefined
      steps.push({kind: match[2] as '~' | '^', n})
    }
    rest = rest.slice(match[0].length)
  }
  return {base, steps}
}

/** Follows annotated tags down to the object they finally name. */
function peel(repo: GitRepository, oid: string): {oid: string; type: string} {
  let current = oid
  for (let depth = 0; depth < 16; depth++) {
    const object = repo.readObject(current)
    if (object.type !== 'tag') return {oid: current, type: object.type}
    current = repo.readTag(current).object
  }
  throw new UsageError(`tag ${oid} is nested too deep`)
}

/** The object a revision's base names (before peeling). */
function resolveBase(repo: GitRepository, base: string, revision: string): string {
  if (base === '' || base === '@' || base === 'HEAD') {
    const head = repo.head()
    if (head === undefined) throw new NotFoundError(`unknown revision "${revision}": the repository has no commits yet`, {data: {revision}})
    return head
  }
  if (OID_PATTERN.test(base.toLowerCase()) && repo.objects.has(base.toLowerCase())) return base.toLowerCase()
  const ref = repo.refs.dwim(base)
  if (ref !== undefined) return ref.peeled ?? ref.oid
  if (/^[0-9a-fA-F]{4,40}$/.test(base)) {
    try {
      return repo.objects.expand(base)
    } catch (error) {
      if (error instanceof AmbiguousIdError) {
        // As git does where a commit is expected: an abbreviation is read among commits and tags.
        const candidates = (error.data['candidates'] as string[]).filter((oid) => {
          const type = repo.objects.tryRead(oid)?.type
          return type === 'commit' || type === 'tag'
        })
        if (candidates.length === 1) return candidates[0] as string
        throw error
      }
    }
  }
  throw new NotFoundError(`unknown revision "${revision}": no branch, tag or commit by that name`, {data: {revision}})
}

/** See GitRepository.resolveRevision. */
export function resolveRevision(repo: GitRepository, revision: string): string {
  const text = revision.trim()
  if (text === '') throw new UsageError('no revision given')
  const parsed = parseSuffixes(text)
  if (parsed === undefined) throw new NotFoundError(`unknown revision "${revision}": cannot read its ~ and ^ suffixes`, {data: {revision}})
  let oid = resolveBase(repo, parsed.base, text)
  const missing = (what: string) => new NotFoundError(`unknown revision "${revision}": ${what}`, {data: {revision}})
  for (const step of parsed.steps) {
    const target = peel(repo, oid)
    if (step.kind === 'peel') {
      oid = target.oid
      continue
    }
    if (target.type !== 'commit') throw new UsageError(`revision "${revision}" names a ${target.type}, not a commit`, {data: {revision}})
    oid = target.oid
    if (step.kind === '~') {
      for (let i = 0; i < step.n; i++) {
        const parent = repo.readCommit(oid).parents[0]
        if (parent === undefined) throw missing(`history ends ${i === 0 ? 'there' : `${i} commit${i > 1 ? 's' : ''} back`}`)
        oid = parent
      }
    } else if (step.n > 0) {
      const parent = repo.readCommit(oid).parents[step.n - 1]
      if (parent === undefined) throw missing(`commit ${oid.slice(0, 7)} has no parent number ${step.n}`)
      oid = parent
    }
  }
  const final = peel(repo, oid)
  if (final.type !== 'commit') throw new UsageError(`revision "${revision}" names a ${final.type}, not a commit`, {data: {revision}})
  return final.oid
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:?\d{2})?$/i

/**
 * The instant a date names, or undefined when `text` is not a date: `YYYY-MM-DD` is the end of
 * that day in the local time zone (the state of things on that day, its own commits included);
 * an ISO date-time is that instant, in the local time zone unless it names an offset.
 */
export function parseRevisionDate(text: string): Date | undefined {
  const day = DATE_ONLY.exec(text)
  if (day !== null) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])]
    const end = new Date(2000, 0, 1)
    end.setFullYear(year, month - 1, date)
    end.setHours(23, 59, 59, 999)
    return end.getFullYear() === year && end.getMonth() === month - 1 && end.getDate() === date ? end : undefined
  }
  if (!DATE_TIME.test(text)) return undefined
  // ECMAScript reads a date-time without an offset as local time, which is what is meant.
  const normal = text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
  const ms = Date.parse(normal)
  return Number.isNaN(ms) ? undefined : new Date(ms)
}

/**
 * Resolves a revision or a point in time to a commit:
 * - a revision (see GitRepository.resolveRevision);
 * - a date (`2026-03-01`, `2026-03-01T14:00`, `2026-03-01T14:00:00+01:00`): the newest commit on
 *   HEAD's first-parent line whose committer date is at or before it;
 * - `<revision>@{<date>}`: the same on that revision's first-parent line.
 *
 * Unlike `git rev-parse main@{date}`, which reads the local reflog (where this clone's branch
 * pointed then), this reads commit dates, so every clone gives the same answer. A ref whose
 * name looks like a date wins over the date.
 */
export function resolveRevisionAt(repo: GitRepository, spec: string): string {
  const text = spec.trim()
  const at = /^(.*)@\{([^}]*)\}$/.exec(text)
  if (at !== null) {
    const when = parseRevisionDate((at[2] as string).trim())
    if (when === undefined) throw new UsageError(`"${at[2]}" in "${spec}" is not a date: use YYYY-MM-DD or an ISO date-time`, {data: {revision: spec}})
    return commitAtOrBefore(repo, at[1] === '' ? 'HEAD' : (at[1] as string), when, spec)
  }
  const when = parseRevisionDate(text)
  if (when !== undefined && repo.refs.dwim(text) === undefined) return commitAtOrBefore(repo, 'HEAD', when, spec)
  return repo.resolveRevision(text)
}

function commitAtOrBefore(repo: GitRepository, revision: string, when: Date, spec: string): string {
  let oid: string | undefined = repo.resolveRevision(revision)
  const limit = Math.floor(when.getTime() / 1000)
  let oldest = 0
  while (oid !== undefined) {
    const commit = repo.readCommit(oid)
    if (commit.committer.time <= limit) return oid
    oldest = commit.committer.time
    oid = repo.isShallow(oid) ? undefined : commit.parents[0]
  }
  throw new NotFoundError(
    `no commit at or before ${when.toISOString()} on ${revision === 'HEAD' ? 'the current branch' : revision}: its oldest commit is from ${new Date(oldest * 1000).toISOString()}`,
    {data: {revision: spec}},
  )
}
