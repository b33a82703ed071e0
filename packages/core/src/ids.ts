/**
 * Record ids: `<prefix>-<random>`, where the random part is Crockford base32 from the system's
 * CSPRNG. No counter, no coordination: two offline clones cannot mint the same id except by a
 * chance computed in docs/ids.md. Any unique prefix resolves, case-insensitively, with or without
 * the type prefix, as in git.
 */
import {nodeCrypto} from './builtins.js'
import {AmbiguousIdError, NotFoundError, UnsafeInputError} from './errors.js'

/** Crockford's base32 alphabet: no i, l, o, u, so ids survive being read aloud or retyped. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

/** Default length of the random part: 10 characters = 50 bits. */
export const DEFAULT_ID_LENGTH = 10

/** What an id may look like: letters, digits and single `-`, `_` or `.` between them. */
export const ID_PATTERN = /^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$/
export const MAX_ID_LENGTH = 64

/** Returns `length` random Crockford base32 characters. */
export function randomPart(length = DEFAULT_ID_LENGTH): string {
  const bytes = nodeCrypto().randomBytes(length)
  let out = ''
  // 256 is a multiple of 32, so `byte & 31` is uniform.
  for (const byte of bytes) out += ALPHABET[byte & 31]
  return out
}

/** Mints a new id such as `task-7kq3m9x2ab`, retrying in the (astronomically rare) local collision. */
export function newId(prefix: string, exists: (id: string) => boolean = () => false, length = DEFAULT_ID_LENGTH): string {
  for (;;) {
    const id = `${prefix}-${randomPart(length)}`
    if (!exists(id)) return id
  }
}

/** True when `id` is safe to use in a file name and matches the id pattern. */
export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && id !== '' && id.length <= MAX_ID_LENGTH && ID_PATTERN.test(id)
}

/** Throws unless `id` is safe to use in a file name and matches the id pattern. */
export function assertValidId(id: unknown, where: {path?: string; line?: number; col?: number} = {}): asserts id is string {
  if (typeof id !== 'string' || id === '') {
    throw new UnsafeInputError('id must be a non-empty string', {...where, field: 'id'})
  }
  if (id.length > MAX_ID_LENGTH || !ID_PATTERN.test(id)) {
    throw new UnsafeInputError(
      `id "${id}" is not allowed: use letters, digits and single - _ . between them (at most ${MAX_ID_LENGTH} characters)`,
      {...where, field: 'id'},
    )
  }
}

/** True when `query` is `id` or a prefix of it, or of its part after the type prefix. */
function matches(id: string, query: string): boolean {
  const lowerId = id.toLowerCase()
  if (lowerId.startsWith(query)) return true
  const dash = lowerId.indexOf('-')
  return dash !== -1 && lowerId.slice(dash + 1).startsWith(query)
}

/**
 * Resolves a user-typed id or unique prefix among `ids`. An exact match wins; otherwise exactly
 * one id must match, else NotFoundError or AmbiguousIdError (which lists the candidates).
 */
export function resolveId(query: string, ids: Iterable<string>, what = 'record'): string {
  const q = query.trim().toLowerCase()
  if (q === '') throw new NotFoundError(`no ${what} id given`)
  const candidates: string[] = []
  for (const id of ids) {
    if (id.toLowerCase() === q) return id
    if (matches(id, q)) candidates.push(id)
  }
  if (candidates.length === 1) return candidates[0] as string
  if (candidates.length === 0) throw new NotFoundError(`no ${what} matches "${query}"`, {data: {query}})
  candidates.sort()
  const shown = candidates.slice(0, 10).join(', ') + (candidates.length > 10 ? `, … (${candidates.length} in all)` : '')
  throw new AmbiguousIdError(`"${query}" is ambiguous: it matches ${shown}`, {
    data: {query, candidates},
    hint: 'type more characters of the id',
  })
}

/** A readable file-name slug from a title: lower-case ASCII words joined by `-`, at most 40 characters. */
export function slugify(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  if (slug.length <= 40) return slug
  // Cut at a word boundary so a name never ends in half a word.
  const cut = slug.slice(0, 41).lastIndexOf('-')
  return cut > 0 ? slug.slice(0, cut) : slug.slice(0, 40)
}
